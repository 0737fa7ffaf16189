"""Reading the payloads of a history: decrypted first when the installation encrypts them.

With `NAPREVIEW_CODEC_KEYS` set, Temporal stores every payload encrypted (codec.py), and a
history fetched from it is ciphertext. The audit decodes each payload once, with the same codec
the workers use, into a copy of the history; the timeline, the replay, the signature check and
the export all read that copy. Payloads written before encryption was turned on pass through
unchanged.
"""

from __future__ import annotations

from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import PayloadCodec

from napreview.temporal.codec import ENCODING

_converter = pydantic_data_converter.payload_converter


class UnreadableHistory(Exception):
    """The history is encrypted and cannot be decrypted with the keys given; says which."""


def is_encrypted(history: WorkflowHistory) -> bool:
    """Any payload in the history written by the encryption codec."""
    return any(
        p.metadata.get("encoding") == ENCODING for e in history.events for p in _payloads_in(e)
    )


async def decoded(history: WorkflowHistory, codec: PayloadCodec | None) -> WorkflowHistory:
    """A copy of the history with every payload decoded (the history itself when nothing in it
    is encrypted)."""
    if not is_encrypted(history):
        return history
    if codec is None:
        raise UnreadableHistory(
            f"The history of {history.workflow_id} is encrypted. Set NAPREVIEW_CODEC_KEYS "
            f"with the key{'s' if len(key_ids(history)) > 1 else ''} "
            f"{', '.join(key_ids(history))} to read it."
        )
    events = []
    for original in history.events:
        event = HistoryEvent()
        event.CopyFrom(original)
        found = list(_payloads_in(event))
        if found:
            try:
                plain = await codec.decode(found)
            except Exception as err:  # said in words: which key, which event
                raise UnreadableHistory(
                    f"Event {event.event_id} of {history.workflow_id} cannot be decrypted "
                    f"with the keys in NAPREVIEW_CODEC_KEYS: {err or type(err).__name__}"
                ) from None
            for target, value in zip(found, plain, strict=True):
                target.CopyFrom(value)
        events.append(event)
    return WorkflowHistory(history.workflow_id, events)


def key_ids(history: WorkflowHistory) -> list[str]:
    """The ids of the codec keys the history was encrypted with."""
    found = {
        p.metadata.get("encryption-key-id", b"").decode()
        for e in history.events
        for p in _payloads_in(e)
        if p.metadata.get("encoding") == ENCODING
    }
    return sorted(found)


def _payloads_in(message: Message) -> list[Payload]:
    """Every Payload inside a message, at any depth (in maps and lists too)."""
    found: list[Payload] = []
    for field, value in message.ListFields():
        if field.type != FieldDescriptor.TYPE_MESSAGE:
            continue
        entry = field.message_type
        if entry is not None and entry.GetOptions().map_entry:
            values = value.values()
            if entry.fields_by_name["value"].type != FieldDescriptor.TYPE_MESSAGE:
                continue
        elif field.is_repeated:
            values = list(value)
        else:
            values = [value]
        for item in values:
            if isinstance(item, Payload):
                found.append(item)
            else:
                found.extend(_payloads_in(item))
    return found


def decode_first(payloads: Payloads) -> Any:
    """The first value of a payload list as plain JSON data (None when absent or unreadable)."""
    try:
        values = _converter.from_payloads(list(payloads.payloads), None)
    except Exception:  # an unreadable payload is shown as absent, not fatal
        return None
    return values[0] if values else None


def decode_one(payload: Payload | None) -> Any:
    """One payload (a search attribute's value) as plain data, or None."""
    if payload is None:
        return None
    try:
        return _converter.from_payloads([payload])[0]
    except Exception:  # an unreadable value says nothing
        return None
