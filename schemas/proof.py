"""Proof that a command was made by a napreview front end for the person it names.

Anybody who can reach Temporal can send a signal, so a review trusts a step only with a proof: an
Ed25519 signature, made by the command line or the portal with a private key only they hold, over
the canonical command (step, workflow, acting person, a digest of the rest, time and a nonce).
The workflow checks it against the public keys it was started with: pure computation, no I/O, so
it is safe and deterministic inside the workflow sandbox, and an auditor can re-check every step
offline from an export.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from napreview.schemas.refusals import Reason

# A signed command older (or newer) than this, by the workflow's clock, is refused: a command
# captured on the wire cannot be sent again next week.
FRESHNESS = timedelta(minutes=15)
KEY_ID_PATTERN = r"^[A-Za-z0-9_.-]{1,64}$"


class Proof(BaseModel):
    """The signature a front end attaches to a command."""

    model_config = ConfigDict(frozen=True)

    key_id: str = Field(pattern=KEY_ID_PATTERN)
    at: AwareDatetime
    nonce: str = Field(pattern=r"^[0-9a-f]{32}$")
    signature: str = Field(max_length=200, description="base64 Ed25519 signature")


def canonical_json(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def payload_sha256(command: BaseModel) -> str:
    """Digest of what the command asks for, beside who asks (actor) and the proof itself."""
    body = command.model_dump(mode="json", exclude={"proof", "actor"})
    return hashlib.sha256(canonical_json(body)).hexdigest()


def signed_message(
    step: str, workflow_id: str, command: BaseModel, key_id: str, at: datetime, nonce: str
) -> bytes:
    """The bytes a front end signs and a workflow (or an auditor) verifies."""
    actor = getattr(command, "actor", None)
    return canonical_json(
        {
            "v": 1,
            "step": step,
            "workflow_id": workflow_id,
            "actor": actor.model_dump(mode="json", include={"person_id", "role", "member"})
            if actor is not None
            else None,
            "payload_sha256": payload_sha256(command),
            "key_id": key_id,
            "at": at.isoformat(),
            "nonce": nonce,
        }
    )


def verify(
    proof: Proof | None,
    step: str,
    workflow_id: str,
    command: BaseModel,
    trusted_keys: dict[str, str],
    now: datetime,
    freshness: timedelta = FRESHNESS,
) -> Reason | None:
    """Why the command cannot be trusted, or None when its proof holds.

    ``trusted_keys`` maps key ids to raw Ed25519 public keys in hex.
    """
    if proof is None:
        return Reason(code="unsigned")
    public = trusted_keys.get(proof.key_id)
    if public is None:
        return Reason(code="untrusted_key", params={"key_id": proof.key_id})
    if abs(now - proof.at) > freshness:
        return Reason(code="stale_signature", params={"signed_at": proof.at.isoformat()})
    try:
        signature = base64.b64decode(proof.signature, validate=True)
        message = signed_message(step, workflow_id, command, proof.key_id, proof.at, proof.nonce)
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public)).verify(signature, message)
    except (InvalidSignature, ValueError):
        return Reason(code="bad_signature")
    return None
