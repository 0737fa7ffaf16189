"""Letters, stored once per idempotency key (a retried activity sends a letter once), with their
delivery state. Lists carry no bodies: a body is read only for the letter shown."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, false, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from napreview.store.db import Repository
from napreview.store.errors import NotFoundError
from napreview.store.tables import LetterRow


@dataclass(frozen=True)
class NewLetter:
    """A rendered letter to store. ``recipient_member``: the member whose focal point it is
    addressed to (None: the secretariat); ``copy_to``: the names in copy the letter shows;
    ``cc``: the addresses in copy."""

    kind: str
    cycle_id: str
    member_code: str
    round: int
    recipient: str
    recipient_name: str
    recipient_member: str | None
    language: str
    subject: str
    body_text: str
    body_html: str
    sha256: str
    template: str
    template_version: str
    inputs_sha256: str
    copy_to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    delivery_state: str | None = None
    # Stored held by its sender until then (the outbox's claim), so that the letter is the
    # drainer's to try if the sender's first attempt never ends (None: nobody will try it).
    delivery_due_at: datetime | None = None


@dataclass(frozen=True)
class LetterSummary:
    """A stored letter without its bodies, as lists show it. ``delivery_state``: queued, sent,
    filed in the outbox (not sent) or failed (with ``delivery_detail``); None for letters
    stored before delivery existed."""

    id: str
    idempotency_key: str
    kind: str
    cycle_id: str
    member_code: str
    round: int
    recipient: str
    recipient_name: str
    recipient_member: str | None
    copy_to: list[str]
    cc: list[str]
    language: str
    subject: str
    sha256: str
    created_at: datetime
    delivery_state: str | None
    delivery_detail: str | None
    delivery_attempts: int
    delivered_at: datetime | None


@dataclass(frozen=True)
class Letter(LetterSummary):
    """A stored letter with its text and HTML bodies."""

    body_text: str
    body_html: str
    template: str
    template_version: str
    inputs_sha256: str


@dataclass(frozen=True)
class Addressees:
    """Whose letters: those addressed to this member's focal point, whoever held the post
    then (a predecessor's too). None: no member, no letter. A letter belongs to the member it
    was addressed to, not to an address: an address that moves to another person, or a person
    who moves to another member, takes no letter along."""

    member: str | None


_SUMMARY = [f.name for f in fields(LetterSummary)]
_LETTER = [f.name for f in fields(Letter)]


def _summary(row: LetterRow) -> LetterSummary:
    values = {name: getattr(row, name) for name in _SUMMARY}
    values["copy_to"], values["cc"] = list(row.copy_to or []), list(row.cc or [])
    values["delivery_attempts"] = row.delivery_attempts or 0
    return LetterSummary(**values)


def _letter(row: LetterRow) -> Letter:
    values = {name: getattr(row, name) for name in _LETTER}
    values["copy_to"], values["cc"] = list(row.copy_to or []), list(row.cc or [])
    values["delivery_attempts"] = row.delivery_attempts or 0
    return Letter(**values)


class LetterRepository(Repository):
    def find(self, key: str) -> Letter | None:
        """The letter stored under an idempotency key, if any."""
        with self._session() as s:
            row = s.scalars(select(LetterRow).where(LetterRow.idempotency_key == key)).first()
            return _letter(row) if row is not None else None

    def store(self, key: str, letter: NewLetter) -> tuple[Letter, bool]:
        """Store a letter under its idempotency key; returns (letter, created).

        Callers look the key up first (``find``), so the insert is tried straight away; the
        unique key turns a second attempt into the stored letter.
        """
        try:
            with self._session() as s:
                values = {f.name: getattr(letter, f.name) for f in fields(NewLetter)}
                row = LetterRow(id=uuid.uuid4().hex[:16], idempotency_key=key, **values)
                s.add(row)
                s.flush()
                return _letter(row), True
        except IntegrityError:
            # Another attempt of the same activity stored it first.
            found = self.find(key)
            assert found is not None
            return found, False

    def get(self, letter_id: str) -> Letter:
        with self._session() as s:
            row = s.get(LetterRow, letter_id)
            if row is None:
                raise NotFoundError(
                    f"There is no letter {letter_id!r}. 'napreview letters list'"
                    " shows the stored letters."
                )
            return _letter(row)

    def with_bodies(self, cycle: str | None = None) -> list[Letter]:
        """Every letter with its bodies, oldest first (rewriting the letter files)."""
        query = _filtered(cycle, None, None, None, None).order_by(
            LetterRow.created_at, LetterRow.id
        )
        with self._session() as s:
            return [_letter(r) for r in s.scalars(query)]

    def record_delivery(
        self,
        letter_id: str,
        state: str,
        detail: str | None,
        *,
        attempt: bool = False,
        retry_at: datetime | None = None,
    ) -> None:
        """The letter's delivery state: queued (to be tried again at ``retry_at``), sent (with the
        server's reply), filed in the outbox (with the file's path) or failed; ``delivered_at``
        when it was sent or filed."""
        with self._session() as s:
            row = s.get(LetterRow, letter_id)
            if row is None:
                raise NotFoundError(f"There is no letter {letter_id!r}.")
            row.delivery_state = state
            row.delivery_detail = detail
            row.delivery_due_at = retry_at if state == "queued" else None
            if attempt:
                row.delivery_attempts = (row.delivery_attempts or 0) + 1
            if state in ("sent", "filed"):
                row.delivered_at = datetime.now(UTC)

    def claim_delivery(self, letter_id: str, now: datetime, until: datetime) -> bool:
        """Claim a queued letter's next attempt until ``until``; False when it is not queued or
        another sender holds it, or its retry is not due yet. One statement, so two workers never
        both hold it; a sender that dies lets its claim run out and the letter is tried again."""
        with self._session() as s:
            claimed = s.execute(
                update(LetterRow)
                .returning(LetterRow.id)
                .where(LetterRow.id == letter_id)
                .where(LetterRow.delivery_state == "queued")
                .where(or_(LetterRow.delivery_due_at.is_(None), LetterRow.delivery_due_at <= now))
                .values(delivery_due_at=until)
                .execution_options(synchronize_session=False)
            )
            return claimed.first() is not None

    def due_for_delivery(self, now: datetime, limit: int) -> list[str]:
        """The queued letters whose next attempt is due, longest waiting first (the outbox's
        drainer tries them)."""
        with self._session() as s:
            return list(
                s.scalars(
                    select(LetterRow.id)
                    .where(LetterRow.delivery_state == "queued")
                    .where(LetterRow.delivery_due_at <= now)
                    .order_by(LetterRow.delivery_due_at)
                    .limit(limit)
                )
            )

    def queued(self, cycle: str) -> int:
        """How many of the cycle's letters wait for their delivery (the bench's round ends when
        none does)."""
        with self._session() as s:
            return (
                s.scalar(
                    select(func.count())
                    .select_from(LetterRow)
                    .where(LetterRow.cycle_id == cycle)
                    .where(LetterRow.delivery_state == "queued")
                )
                or 0
            )

    def matching(
        self,
        words: str,
        members: Sequence[str],
        *,
        addressed_to: Addressees | None,
        limit: int,
    ) -> list[LetterSummary]:
        """Letters whose subject holds ``words`` (any case), whose id is ``words``, or of the
        reviews of ``members``, newest first, without bodies (a person's search)."""
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = (
            _filtered(None, None, None, None, addressed_to)
            .where(
                or_(
                    LetterRow.subject.ilike(pattern, escape="\\"),
                    LetterRow.id == words,
                    LetterRow.member_code.in_(list(members)),
                )
            )
            .options(defer(LetterRow.body_text), defer(LetterRow.body_html))
            .order_by(LetterRow.created_at.desc(), LetterRow.id.desc())
            .limit(limit)
        )
        with self._session() as s:
            return [_summary(r) for r in s.scalars(query)]

    def list(
        self,
        *,
        cycle: str | None = None,
        member: str | None = None,
        kind: str | None = None,
        recipient: str | None = None,
        addressed_to: Addressees | None = None,
        newest_first: bool = False,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[LetterSummary]:
        """Letters without their bodies, oldest first (or newest first), a page of them with
        ``limit``. ``member`` is the member whose review a letter belongs to; ``recipient`` an
        address; ``addressed_to`` a person's letters (see ``Addressees``)."""
        query = _filtered(cycle, member, kind, recipient, addressed_to)
        order = (
            (LetterRow.created_at.desc(), LetterRow.id.desc())
            if newest_first
            else (
                LetterRow.created_at,
                LetterRow.id,
            )
        )
        query = query.options(defer(LetterRow.body_text), defer(LetterRow.body_html))
        query = query.order_by(*order).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self._session() as s:
            return [_summary(r) for r in s.scalars(query)]


def _filtered(
    cycle: str | None,
    member: str | None,
    kind: str | None,
    recipient: str | None,
    addressed_to: Addressees | None,
) -> Select[Any]:
    query = select(LetterRow)
    if cycle:
        query = query.where(LetterRow.cycle_id == cycle)
    if member:
        query = query.where(LetterRow.member_code == member)
    if kind:
        query = query.where(LetterRow.kind == kind)
    if recipient:
        query = query.where(LetterRow.recipient == recipient.strip().lower())
    if addressed_to is not None:
        query = query.where(
            LetterRow.recipient_member == addressed_to.member if addressed_to.member else false()
        )
    return query
