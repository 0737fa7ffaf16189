"""Payload encryption: what Temporal stores is ciphertext; the codec server decrypts it only for
the secretariat and auditors."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import urllib.error
import urllib.request
import uuid
from http.server import ThreadingHTTPServer

import pytest
from temporalio import workflow
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from napreview.cli import codec_server
from napreview.people.tokens import create_token
from napreview.temporal.codec import (
    CodecKeyError,
    EncryptionCodec,
    new_key,
    parse_keys,
)

from ..helpers import AUDITOR, fp


async def test_a_payload_is_sealed_and_an_older_key_still_opens_it():
    old = new_key("k1")
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'{"member": "DEU"}')
    sealed = (await EncryptionCodec(parse_keys(old)).encode([plain]))[0]
    assert b"DEU" not in sealed.data and sealed.metadata["encryption-key-id"] == b"k1"
    # Rotated: the new key first (it encrypts from now on), the old one kept to read the past.
    rotated = EncryptionCodec(parse_keys(f"{new_key('k2')},{old}"))
    assert rotated.encrypting_id == "k2"
    assert (await rotated.decode([sealed]))[0] == plain
    with pytest.raises(CodecKeyError, match="k1"):
        await EncryptionCodec(parse_keys(new_key("k2"))).decode([sealed])


def test_malformed_keys_are_refused_in_plain_words():
    with pytest.raises(CodecKeyError, match="32 bytes"):
        parse_keys("k1:" + base64.b64encode(b"short").decode())
    with pytest.raises(CodecKeyError, match="not base64"):
        parse_keys("k1:***")


@workflow.defn(name="Echo", sandboxed=False)
class Echo:
    @workflow.run
    async def run(self, text: str) -> str:
        return text


async def test_history_holds_ciphertext_when_the_codec_is_on(dev_env):
    codec = EncryptionCodec(parse_keys(new_key("k1")))
    converter = pydantic_data_converter.__class__(
        payload_converter_class=pydantic_data_converter.payload_converter_class,
        payload_codec=codec,
    )
    config = dev_env.client.config()
    config["data_converter"] = converter
    client = Client(**config)
    queue = f"codec-{uuid.uuid4().hex[:8]}"
    async with Worker(client, task_queue=queue, workflows=[Echo]):
        handle = await client.start_workflow(
            Echo.run, "Germany's self-assessment", id=f"echo-{queue}", task_queue=queue
        )
        assert await handle.result() == "Germany's self-assessment"
    raw = await dev_env.client.get_workflow_handle(handle.id).fetch_history()
    stored = raw.events[0].workflow_execution_started_event_attributes.input.payloads[0]
    assert stored.metadata["encoding"] == b"binary/encrypted"
    assert b"Germany" not in stored.data


@pytest.fixture
def codec_url(store, monkeypatch):
    monkeypatch.setattr(codec_server, "store", lambda: store)
    codec = EncryptionCodec(parse_keys(new_key("k1")))
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), codec_server.make_handler(codec, "http://localhost:8233")
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", codec
    server.shutdown()
    server.server_close()


def _post(url: str, body: dict, token: str | None) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "json"}
    )
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


async def test_the_codec_server_decrypts_for_an_auditor_and_nobody_else(codec_url, store):
    url, codec = codec_url
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'"secret"')
    sealed = (await codec.encode([plain]))[0]
    body = {
        "payloads": [
            {
                "metadata": {k: base64.b64encode(v).decode() for k, v in sealed.metadata.items()},
                "data": base64.b64encode(sealed.data).decode(),
            }
        ]
    }
    status, answer = await asyncio.to_thread(
        _post, f"{url}/decode", body, create_token(store, AUDITOR)
    )
    assert status == 200
    assert base64.b64decode(answer["payloads"][0]["data"]) == b'"secret"'
    status, answer = await asyncio.to_thread(
        _post, f"{url}/decode", body, create_token(store, fp("DEU"))
    )
    assert status == 403 and "secretariat or an auditor" in answer["error"]
    status, _ = await asyncio.to_thread(_post, f"{url}/decode", body, None)
    assert status == 403
