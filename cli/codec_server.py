"""`napreview codec-server`: lets the Temporal Web UI show encrypted payloads, to those allowed.

The Web UI posts payloads to /decode (and /encode) with the person's personal token as a bearer
token; only the secretariat and auditors get them decrypted. Each request is answered from the
keys in NAPREVIEW_CODEC_KEYS; nothing is stored.
"""

from __future__ import annotations

import asyncio
import base64
import json
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import typer

from napreview.cli.common import (
    EXIT_USAGE,
    console,
    fail,
    handled,
    store,
)
from napreview.schemas.members import Role

if TYPE_CHECKING:  # Temporal's protobufs and the cipher load when the server starts
    from temporalio.api.common.v1 import Payload

    from napreview.temporal.codec import EncryptionCodec

MAX_BODY = 8 * 1024 * 1024


def _payloads_from(body: dict[str, Any]) -> list[Payload]:
    from temporalio.api.common.v1 import Payload

    return [
        Payload(
            metadata={k: base64.b64decode(v) for k, v in p.get("metadata", {}).items()},
            data=base64.b64decode(p.get("data", "")),
        )
        for p in body.get("payloads", [])
    ]


def _payloads_to(payloads: list[Payload]) -> dict[str, Any]:
    return {
        "payloads": [
            {
                "metadata": {k: base64.b64encode(v).decode() for k, v in p.metadata.items()},
                "data": base64.b64encode(p.data).decode(),
            }
            for p in payloads
        ]
    }


def make_handler(codec: EncryptionCodec, origin: str) -> type[BaseHTTPRequestHandler]:
    from napreview.people.tokens import TokenRefused, person_for_token
    from napreview.temporal.codec import CodecKeyError

    class Handler(BaseHTTPRequestHandler):
        def _headers(self, status: HTTPStatus, length: int = 0) -> None:
            self.send_response(status)
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")
            self.send_header(
                "Access-Control-Allow-Headers", "Authorization, Content-Type, X-Namespace"
            )
            self.send_header("Access-Control-Allow-Credentials", "true")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(length))
            self.end_headers()

        def _answer(self, status: HTTPStatus, value: dict[str, Any]) -> None:
            body = json.dumps(value).encode()
            self._headers(status, len(body))
            self.wfile.write(body)

        def do_OPTIONS(self) -> None:  # the http.server naming
            self._headers(HTTPStatus.NO_CONTENT)

        def do_POST(self) -> None:
            if self.path not in ("/decode", "/encode"):
                self._answer(HTTPStatus.NOT_FOUND, {"error": "no such address"})
                return
            token = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
            try:
                person = person_for_token(store(), token) if token else None
            except TokenRefused as err:
                person = None
                reason = str(err)
            else:
                reason = "A personal token of the secretariat or an auditor is needed."
            if person is None or person.role not in (Role.SECRETARIAT, Role.AUDITOR):
                self._answer(HTTPStatus.FORBIDDEN, {"error": reason})
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "too large"})
                return
            try:
                payloads = _payloads_from(json.loads(self.rfile.read(length) or b"{}"))
                work = codec.decode if self.path == "/decode" else codec.encode
                self._answer(HTTPStatus.OK, _payloads_to(asyncio.run(work(payloads))))
            except (ValueError, CodecKeyError) as err:
                self._answer(HTTPStatus.BAD_REQUEST, {"error": str(err)})

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


def register(app: typer.Typer) -> None:
    @app.command("codec-server")
    @handled
    def codec_server(
        port: int = typer.Option(8081, "--port"),
        host: str = typer.Option("127.0.0.1", "--host"),
        origin: str = typer.Option(
            "http://localhost:8233", "--origin", help="The Web UI's address (CORS)"
        ),
    ) -> None:
        """Decrypt payloads for the Temporal Web UI (set its codec endpoint to this server)."""
        from napreview.temporal.codec import CodecKeyError, codec_from_environment

        try:
            codec = codec_from_environment()
        except CodecKeyError as err:
            raise fail(EXIT_USAGE, str(err)) from None
        if codec is None:
            raise fail(EXIT_USAGE, "Set NAPREVIEW_CODEC_KEYS first: payloads are not encrypted.")
        server = ThreadingHTTPServer((host, port), make_handler(codec, origin))
        console.print(f"Codec server on http://{host}:{port} for the Web UI at {origin}.")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
