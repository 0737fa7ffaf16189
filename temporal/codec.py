"""Optional encryption of every payload Temporal stores (AES-256-GCM), with key ids to rotate.

History then holds ciphertext only: a copy of Temporal's database or a look at the Web UI shows
nothing of the reviews unless decrypted by `napreview codec-server`, for those allowed.

Keys come from the environment: ``NAPREVIEW_CODEC_KEYS="k2:BASE64,k1:BASE64"`` (32-byte keys,
base64), the first one encrypts, every one decrypts. Rotate by putting a new key first; keep the
old ones for as long as histories encrypted with them must be read.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence

from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCODING = b"binary/encrypted"
KEYS_VARIABLE = "NAPREVIEW_CODEC_KEYS"


class CodecKeyError(Exception):
    """The codec keys are missing or malformed; the message says which."""


def parse_keys(text: str) -> list[tuple[str, bytes]]:
    """'k2:BASE64,k1:BASE64' → [(key id, key)], in order (the first one encrypts)."""
    keys = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key_id, _, encoded = item.partition(":")
        try:
            key = base64.b64decode(encoded, validate=True)
        except ValueError:
            raise CodecKeyError(f"Codec key {key_id!r} is not base64.") from None
        if len(key) != 32 or not key_id:
            raise CodecKeyError(f"Codec key {key_id!r} must be 32 bytes with an id before ':'.")
        keys.append((key_id, key))
    if not keys:
        raise CodecKeyError(f"{KEYS_VARIABLE} holds no key.")
    return keys


class EncryptionCodec(PayloadCodec):
    """AES-256-GCM per payload, the key id in the metadata so older keys still decrypt."""

    def __init__(self, keys: Sequence[tuple[str, bytes]]) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self.encrypting_id = keys[0][0]
        self.ciphers = {key_id: AESGCM(key) for key_id, key in keys}

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        cipher = self.ciphers[self.encrypting_id]
        encoded = []
        for payload in payloads:
            nonce = os.urandom(12)
            sealed = cipher.encrypt(nonce, payload.SerializeToString(), None)
            encoded.append(
                Payload(
                    metadata={
                        "encoding": ENCODING,
                        "encryption-key-id": self.encrypting_id.encode(),
                    },
                    data=nonce + sealed,
                )
            )
        return encoded

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        decoded = []
        for payload in payloads:
            if payload.metadata.get("encoding") != ENCODING:
                decoded.append(payload)  # written before encryption was turned on
                continue
            key_id = payload.metadata.get("encryption-key-id", b"").decode()
            cipher = self.ciphers.get(key_id)
            if cipher is None:
                raise CodecKeyError(f"Payload encrypted with key {key_id!r}, which is not given.")
            plain = cipher.decrypt(payload.data[:12], payload.data[12:], None)
            original = Payload()
            original.ParseFromString(plain)
            decoded.append(original)
        return decoded


def codec_from_environment() -> EncryptionCodec | None:
    """The codec when NAPREVIEW_CODEC_KEYS is set, else None (payloads stay as they are)."""
    text = os.environ.get(KEYS_VARIABLE)
    if not text:
        return None
    try:
        return EncryptionCodec(parse_keys(text))
    except CodecKeyError as err:
        raise CodecKeyError(f"{KEYS_VARIABLE} cannot be used: {err}") from None


def new_key(key_id: str) -> str:
    """A fresh 'id:BASE64' key for NAPREVIEW_CODEC_KEYS."""
    return f"{key_id}:{base64.b64encode(os.urandom(32)).decode()}"
