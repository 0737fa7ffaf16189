"""Documents a member keeps as evidence of its follow-up's items (issue #22), for both doors.

A document is checked like the files kept beside a review (what its first bytes say, its size,
its name's ending), every document of a step before any is kept, so a refused one changes
nothing; the refusal is recorded. Its body goes to the store; the step names it by id, digest
and name, never its bytes. It is read by whoever reads the follow-up; the public page, which
shows only links, never serves it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NoReturn

from napreview.schemas.attachments import EVIDENCE_ENDINGS, kept_name, media_type, unfit
from napreview.schemas.follow_up import Evidence, EvidenceKind, ItemUpdate
from napreview.schemas.members import Actor
from napreview.schemas.refusals import Param, Reason
from napreview.services import access
from napreview.services.attachments import DEFAULT_LIMIT_MB
from napreview.services.errors import NotFoundError
from napreview.services.refusals import refuse, require_own_focal_point
from napreview.store.follow_ups import EvidenceFile
from napreview.store.records import Store


@dataclass(frozen=True)
class Upload:
    """A file as a person sent it: the name they gave it, its bytes, what their browser said
    it is (nothing from the command line)."""

    filename: str
    data: bytes
    content_type: str | None = None


def attach(
    store: Store,
    actor: Actor,
    cycle: str,
    member: str,
    step: str,
    updates: Sequence[ItemUpdate],
    files: Mapping[str, Sequence[Upload]],
    *,
    limit_mb: int = DEFAULT_LIMIT_MB,
) -> list[ItemUpdate]:
    """The ``updates`` with each item's ``files`` (by item key) kept as document evidence, and
    every document they already name checked to be this follow-up's and named by its digest.
    Anything else is refused (StepRefused, recorded) before a file is kept."""
    files = {key: list(sent) for key, sent in files.items() if sent}
    if files:
        # Only the member's focal points keep evidence, as only they report.
        access.require_review(store, actor, cycle, member)
        only = {"key": updates[0].key} if len(updates) == 1 and step == "update_item" else {}
        require_own_focal_point(store, actor, cycle, member, step, about=only)
        record = store.follow_ups.get(cycle, member)
        keys = {item.key for item in record.state.items} if record else set()
        for key in files:
            if key not in keys:
                _refuse(store, actor, cycle, member, step, "no_such_item", key=key)
    updates = [_named(store, actor, cycle, member, step, u) for u in updates]
    checked = {
        key: [_checked(store, actor, cycle, member, step, key, f, limit_mb) for f in sent]
        for key, sent in files.items()
    }
    flat = [(key, file) for key, named in checked.items() for file in named]
    kept = store.follow_ups.keep_evidence(
        cycle, member, [file for _, file in flat], actor.email or actor.ref
    )
    added: dict[str, list[Evidence]] = {}
    for (key, _), found in zip(flat, kept, strict=True):
        added.setdefault(key, []).append(_evidence(found))
    changed = [
        u.model_copy(update={"evidence": u.evidence + added.pop(u.key, [])}) for u in updates
    ]
    return changed + [ItemUpdate(key=key, evidence=evidence) for key, evidence in added.items()]


def _checked(
    store: Store,
    actor: Actor,
    cycle: str,
    member: str,
    step: str,
    key: str,
    file: Upload,
    limit_mb: int,
) -> tuple[str, str, bytes]:
    """The file's name, media type and bytes once it may be kept (``key``: the item it is
    evidence of, named by a refusal)."""
    name = kept_name(file.filename) or "evidence"
    problem = unfit(EVIDENCE_ENDINGS, name, file.data, file.content_type, limit_mb * 1024 * 1024)
    if problem is not None:
        _refuse(
            store, actor, cycle, member, step, f"evidence_file_{problem}",
            name=name, mb=limit_mb, key=key,
        )  # fmt: skip
    return name, media_type(name), file.data


def _named(
    store: Store, actor: Actor, cycle: str, member: str, step: str, update: ItemUpdate
) -> ItemUpdate:
    """The update with each document it names as the store keeps it (its digest and name),
    so that history says what the store holds, whatever the person wrote."""
    ids = [e.ref for e in update.evidence if e.kind is EvidenceKind.DOCUMENT]
    if not ids:
        return update
    found = store.follow_ups.evidence_files(cycle, member, ids)
    for ref in ids:
        if ref not in found:
            _refuse(
                store, actor, cycle, member, step, "no_such_evidence_file", ref=ref, key=update.key
            )
    evidence = [
        _evidence(found[e.ref], e.note) if e.kind is EvidenceKind.DOCUMENT else e
        for e in update.evidence
    ]
    return update.model_copy(update={"evidence": evidence})


def _evidence(file: EvidenceFile, note: str = "") -> Evidence:
    return Evidence(
        kind=EvidenceKind.DOCUMENT,
        ref=file.id,
        sha256=file.sha256,
        filename=file.filename,
        note=note,
    )


def _refuse(
    store: Store, actor: Actor, cycle: str, member: str, step: str, code: str, **params: Param
) -> NoReturn:
    refuse(
        store, cycle, member, actor, step, Reason(code=code, params={"member": member, **params})
    )


def download(
    store: Store, actor: Actor, cycle: str, member: str, file_id: str
) -> tuple[EvidenceFile, bytes]:
    """A document kept as evidence of this follow-up, for whoever reads the follow-up
    (ReadRefused, recorded, for anyone else; NotFoundError for another follow-up's)."""
    access.require_review(store, actor, cycle, member)
    found, data = store.follow_ups.evidence(file_id)
    if found.cycle != cycle or found.member != member:
        raise NotFoundError(
            f"The follow-up of {member} in cycle {cycle} has no document {file_id!r}."
        )
    return found, data
