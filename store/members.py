"""The Network's members: joined and left (dated, never deleted), and their names.

Members are read far more often than they change (every letter names three to six of them), so
the repository keeps them all in memory, read in one query: refreshed after
MEMBER_CACHE_SECONDS, at once when a code is not found, and whenever this process writes a
member (through any repository of its Store). A change made by another process (the command
line) reaches a running worker within that time.
"""

from __future__ import annotations

import difflib
import threading
import time
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, event, func, insert, select
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, sessionmaker

from napreview.schemas.members import (
    CedawStatus,
    Language,
    Member,
    MemberKind,
    RegionalGroup,
)
from napreview.schemas.names import LocalNames
from napreview.schemas.text import day_words, today
from napreview.store.db import Repository
from napreview.store.errors import ConflictError, NotFoundError
from napreview.store.tables import MemberRow

MEMBER_CACHE_SECONDS = 60.0


# The columns a Member is made of, read as plain rows: at ten thousand members the ORM's
# identity map cost more than the query.
_MEMBER_COLUMNS = (
    MemberRow.code,
    MemberRow.name,
    MemberRow.kind,
    MemberRow.regional_group,
    MemberRow.cedaw_status,
    MemberRow.language,
    MemberRow.joined_on,
    MemberRow.left_on,
    MemberRow.names,
)


def _member(row: MemberRow | Row[Any]) -> Member:
    return Member.model_validate(row, from_attributes=True)


def _row(member: Member, by: str | None) -> dict[str, object]:
    return {
        "code": member.code,
        "name": member.name,
        "kind": member.kind.value,
        "regional_group": member.regional_group.value if member.regional_group else None,
        "cedaw_status": member.cedaw_status.value,
        "language": member.language.value,
        "joined_on": member.joined_on,
        "left_on": member.left_on,
        "names": member.names.model_dump(mode="json") if member.names else None,
        "added_by": by,
    }


class MemberRepository(Repository):
    """Members by code. Safe to share between threads."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        super().__init__(sessions)
        self._members: dict[str, Member] | None = None
        self._read_at = 0.0
        self._lock = threading.Lock()
        # One thread reads the members for all that find the cache stale at once: at ten
        # thousand members fifty page requests each reading them held every page for 3-8 s.
        self._reading = threading.Lock()
        event.listen(sessions, "after_flush", self._after_flush)
        event.listen(sessions, "do_orm_execute", self._after_statement)

    # --- the cache ---

    def _read(self) -> dict[str, Member]:
        """Every member, in one query, in code order; the cache is refreshed with them."""
        with self._session() as s:
            rows = s.execute(select(*_MEMBER_COLUMNS).order_by(MemberRow.code)).all()
            members = {r.code: _member(r) for r in rows}
        with self._lock:
            self._members, self._read_at = members, time.monotonic()
        return members

    def _map(self, fresh: bool = False) -> dict[str, Member]:
        members = self._members
        if fresh or members is None or time.monotonic() - self._read_at > MEMBER_CACHE_SECONDS:
            asked = time.monotonic()
            with self._reading:
                members = self._members
                if members is not None and self._read_at >= asked:
                    return members  # read by another thread while this one waited
                return self._read()
        return members

    def _forget(self) -> None:
        with self._lock:
            self._members = None

    def _after_flush(self, session: Session, _flush: UOWTransaction) -> None:
        touched = (*session.new, *session.dirty, *session.deleted)
        if any(isinstance(obj, MemberRow) for obj in touched):
            self._forget()

    def _after_statement(self, state: ORMExecuteState) -> None:
        """A bulk insert, update or delete of members (seed data, imports) empties the cache."""
        if state.is_insert or state.is_update or state.is_delete:
            table = getattr(state.statement, "table", None)
            if getattr(table, "name", None) == MemberRow.__tablename__:
                self._forget()

    # --- reading ---

    def all(self) -> list[Member]:
        """Every member, those that left included, read now: a cycle of 'all' must not miss one
        added a moment ago."""
        return list(self._read().values())

    def current(self, on: date | None = None) -> list[Member]:
        """The members of the Network on a day (default today): joined by then, not yet left."""
        day = on or today()
        return [m for m in self.all() if m.belongs_on(day)]

    def count(self) -> int:
        with self._session() as s:
            return s.scalar(select(func.count()).select_from(MemberRow)) or 0

    def find(self, code: str) -> Member | None:
        wanted = code.strip().upper()
        member = self._map().get(wanted)
        if member is None:
            member = self._map(fresh=True).get(wanted)
        return member

    def get(self, code: str) -> Member:
        """The member with this code, or NotFoundError that suggests the nearest codes."""
        member = self.find(code)
        if member is None:
            raise NotFoundError(self._unknown(code))
        return member

    def get_many(self, codes: Sequence[str]) -> list[Member]:
        """The members with these codes, in that order, from one read (or none)."""
        wanted = [c.strip().upper() for c in codes]
        members = self._map()
        if any(w not in members for w in wanted):
            members = self._map(fresh=True)
        missing = next((c for c, w in zip(codes, wanted, strict=True) if w not in members), None)
        if missing is not None:
            raise NotFoundError(self._unknown(missing))
        return [members[w] for w in wanted]

    def _unknown(self, code: str) -> str:
        members = list(self._map().values())
        wanted = code.strip().upper()
        by_code = difflib.get_close_matches(wanted, [m.code for m in members], n=3, cutoff=0.5)
        names = {m.name.upper(): m.code for m in members}
        by_name = [
            names[n] for n in difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.6)
        ]
        suggestions = list(dict.fromkeys(by_name + by_code))[:3]
        message = f"There is no member with the code {code!r}."
        if suggestions:
            named = {m.code: m.name for m in members}
            shown = ", ".join(f"{c} ({named[c]})" for c in suggestions)
            message += f" Did you mean {shown}?"
        return message + " 'napreview members list' shows every code."

    # --- writing ---

    def add(
        self,
        *,
        code: str,
        name: str,
        kind: MemberKind,
        regional_group: RegionalGroup | None,
        cedaw_status: CedawStatus,
        language: Language,
        joined_on: date,
        names: LocalNames,
        by: str,
    ) -> Member:
        """A member joins; a code already used (even by a member that left) is refused."""
        code = code.strip().upper()
        existing = self.find(code)
        if existing is not None:
            if existing.left_on is not None:
                raise ConflictError(
                    f"{code} is the code of {existing.name}, which left the Network on "
                    f"{day_words(existing.left_on)}; a code is never given to another member."
                )
            raise ConflictError(f"{code} is already a member: {existing.name}.")
        member = Member(
            code=code,
            name=name,
            kind=kind,
            regional_group=regional_group,
            cedaw_status=cedaw_status,
            language=language,
            joined_on=joined_on,
            names=names,
        )
        with self._session() as s:
            s.add(MemberRow(**_row(member, by)))
        return member

    def add_many(self, members: Sequence[Member], by: str | None = None) -> None:
        """Many members at once, in one statement (a new installation's 83, a bench's 10,000)."""
        if members:
            with self._session() as s:
                s.execute(insert(MemberRow), [_row(m, by) for m in members])

    def leave(self, code: str, on: date, by: str) -> Member:
        """Record the day a member leaves the Network; nothing of it is deleted."""
        member = self.get(code)
        if member.left_on is not None:
            raise ConflictError(
                f"{member.name} ({member.code}) already left the Network on "
                f"{day_words(member.left_on)}."
            )
        with self._session() as s:
            row = s.get_one(MemberRow, member.code)
            row.left_on = on
            row.left_by = by
            s.flush()
            return _member(row)

    def set_names(self, code: str, names: LocalNames) -> Member:
        """Record (or correct) the en/fr/es names of a member added later."""
        member = self.get(code)
        with self._session() as s:
            row = s.get_one(MemberRow, member.code)
            row.names = names.model_dump(mode="json")
            s.flush()
            return _member(row)
