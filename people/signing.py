"""The front end's signing keys: every command the command line or the portal sends is signed.

The private keys live only where the front ends run (a folder readable by them alone; by default
`NAPREVIEW_HOME/keys`, or `NAPREVIEW_SIGNING_KEYS_DIR`, e.g. a secrets mount). Workflows hold
only the public keys (schemas/proof.py verifies). One key is active for new signatures; older
ones stay until retired, and `napreview keys rotate` tells every open review and cycle to trust
the new key before it is used.
"""

from __future__ import annotations

import base64
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic import BaseModel

from napreview.schemas.proof import Proof, signed_message

# Whatever carries a proof: a step's command, a cycle's start.
C = TypeVar("C", bound=BaseModel)
SUFFIX = ".ed25519"
ACTIVE = "ACTIVE"


class SigningUnavailable(Exception):
    """No signing key where the front end looks; the message says how to provide one."""


def _public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def _new_key_id() -> str:
    return datetime.now(UTC).strftime("k%Y%m%d-") + secrets.token_hex(3)


class Signer:
    """A key ring: the keys by id, and which one signs now."""

    def __init__(self, keys: dict[str, Ed25519PrivateKey], active: str, folder: Path | None = None):
        if active not in keys:
            raise SigningUnavailable(f"The active signing key {active} is not in the key ring.")
        self.keys = dict(keys)
        self.active = active
        self.folder = folder

    @classmethod
    def ephemeral(cls) -> Signer:
        """A key ring in memory only (tests, one-off tools)."""
        key_id = _new_key_id()
        return cls({key_id: Ed25519PrivateKey.generate()}, key_id)

    @classmethod
    def load(cls, folder: Path) -> Signer:
        if not folder.is_dir():
            raise SigningUnavailable(
                f"There is no signing key folder at {folder}. 'napreview up' creates one on a "
                "single machine; elsewhere run 'napreview keys init' or set "
                "NAPREVIEW_SIGNING_KEYS_DIR."
            )
        keys = {
            path.name.removesuffix(SUFFIX): Ed25519PrivateKey.from_private_bytes(
                bytes.fromhex(path.read_text().strip())
            )
            for path in sorted(folder.glob("*" + SUFFIX))
        }
        marker = folder / ACTIVE
        if not keys or not marker.exists():
            raise SigningUnavailable(
                f"The signing key folder {folder} holds no active key; run 'napreview keys init'."
            )
        return cls(keys, marker.read_text().strip(), folder)

    @classmethod
    def create(cls, folder: Path) -> Signer:
        """A new key ring with one active key, readable by its owner only."""
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)
        signer = cls.ephemeral()
        signer.folder = folder
        signer._save(signer.active)
        signer._activate(signer.active)
        return signer

    def public_keys(self) -> dict[str, str]:
        return {key_id: _public_hex(key) for key_id, key in self.keys.items()}

    def sign(
        self,
        step: str,
        workflow_id: str,
        command: C,
        key_id: str | None = None,
        at: datetime | None = None,
    ) -> C:
        """The command with a fresh proof for this step on this workflow (``at``: now, unless
        the clock is another one, as on the time-skipping test server)."""
        key_id = key_id or self.active
        at = at or datetime.now(UTC)
        nonce = secrets.token_hex(16)
        bare = command.model_copy(update={"proof": None})
        message = signed_message(step, workflow_id, bare, key_id, at, nonce)
        signature = base64.b64encode(self.keys[key_id].sign(message)).decode()
        proof = Proof(key_id=key_id, at=at, nonce=nonce, signature=signature)
        return command.model_copy(update={"proof": proof})

    # --- rotation ---

    def add_key(self) -> str:
        """A new key in the ring (not active yet: open workflows must trust it first)."""
        key_id = _new_key_id()
        self.keys[key_id] = Ed25519PrivateKey.generate()
        self._save(key_id)
        return key_id

    def activate(self, key_id: str) -> None:
        self.active = key_id
        self._activate(key_id)

    def retire(self, key_id: str) -> None:
        if key_id == self.active:
            raise SigningUnavailable("The active key cannot be retired; rotate first.")
        self.keys.pop(key_id)
        if self.folder:
            (self.folder / (key_id + SUFFIX)).unlink(missing_ok=True)

    def _save(self, key_id: str) -> None:
        if not self.folder:
            return
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        raw = self.keys[key_id].private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        _write_private(self.folder / (key_id + SUFFIX), raw.hex())

    def _activate(self, key_id: str) -> None:
        if self.folder:
            _write_private(self.folder / ACTIVE, key_id)


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read, atomically."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


_signer: Signer | None = None


def use(signer: Signer | None) -> None:
    """Set the key ring both doors sign with (tests set an ephemeral one)."""
    global _signer
    _signer = signer


def signer() -> Signer:
    """The front end's key ring, loaded once from the configured folder."""
    global _signer
    if _signer is None:
        from napreview.settings import load_settings

        _signer = Signer.load(load_settings().signing_keys_dir)
    return _signer
