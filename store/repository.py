"""The store's operations, in the domain's words. Every method opens and commits its own session.

Members are read far more often than they change (every letter names three to six of them), so
each Store keeps them all in memory, read in one query: refreshed after MEMBER_CACHE_SECONDS, at
once when a code is not found, and whenever this Store writes a member. A change made by another
process (the command line) reaches a running worker within that time.
"""

from __future__ import annotations

import difflib
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, event, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from napreview.schemas.cedaw import CedawResult, CedawSummary
from napreview.schemas.digest import sha256_of
from napreview.schemas.members import (
    Actor,
    CedawStatus,
    FocalPoint,
    Honorific,
    Language,
    Location,
    Member,
    MemberKind,
    Rank,
    RegionalGroup,
    Role,
)
from napreview.schemas.names import LocalNames
from napreview.schemas.nap import Nap
from napreview.schemas.submissions import DocumentKind, DocumentRef
from napreview.schemas.text import day_words
from napreview.store.db import engine_for, session_factory
from napreview.store.errors import ConflictError, NotFoundError
from napreview.store.models import (
    AssignmentRow,
    CedawResultRow,
    ChairRow,
    CycleRow,
    DocumentRow,
    FocalPointRow,
    FrontEndKeyRow,
    LetterRow,
    MemberRow,
    NapRow,
    RefusalRow,
    ReviewRow,
    UserRow,
)


def _member(row: MemberRow) -> Member:
    return Member.model_validate(
        {
            "code": row.code,
            "name": row.name,
            "kind": row.kind,
            "regional_group": row.regional_group,
            "cedaw_status": row.cedaw_status,
            "language": row.language,
            "joined_on": row.joined_on,
            "left_on": row.left_on,
            "names": row.names,
        }
    )


def _focal_point(row: FocalPointRow) -> FocalPoint:
    return FocalPoint(
        member=row.member_code,
        name=row.name,
        title=row.title,
        honorific=row.honorific,
        rank=row.rank,
        family_name=row.family_name,
        ministry=row.ministry,
        email=row.email,
        location=Location(row.location),
        active_from=row.active_from,
        active_to=row.active_to,
    )


def today() -> date:
    return datetime.now(UTC).date()


MEMBER_CACHE_SECONDS = 60.0


class Store:
    """The records of napreview. Safe to share between threads: sessions are per call."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = session_factory(engine)
        self._members: dict[str, Member] | None = None
        self._members_read_at = 0.0
        self._members_lock = threading.Lock()
        event.listen(self._sessions, "after_flush", self._after_flush)
        event.listen(self._sessions, "do_orm_execute", self._after_statement)

    @classmethod
    def from_url(cls, url: str) -> Store:
        return cls(engine_for(url))

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    # --- members ---

    def _read_members(self) -> dict[str, Member]:
        """Every member, in one query, in code order; the cache is refreshed with them."""
        with self.session() as s:
            rows = s.scalars(select(MemberRow).order_by(MemberRow.code)).all()
            members = {r.code: _member(r) for r in rows}
        with self._members_lock:
            self._members, self._members_read_at = members, time.monotonic()
        return members

    def _member_map(self, fresh: bool = False) -> dict[str, Member]:
        members = self._members
        if (
            fresh
            or members is None
            or time.monotonic() - self._members_read_at > (MEMBER_CACHE_SECONDS)
        ):
            return self._read_members()
        return members

    def _forget_members(self) -> None:
        with self._members_lock:
            self._members = None

    def _after_flush(self, session: Session, _flush: UOWTransaction) -> None:
        touched = (*session.new, *session.dirty, *session.deleted)
        if any(isinstance(obj, MemberRow) for obj in touched):
            self._forget_members()

    def _after_statement(self, state: ORMExecuteState) -> None:
        """A bulk insert, update or delete of members (seed data, imports) empties the cache."""
        if state.is_insert or state.is_update or state.is_delete:
            table = getattr(state.statement, "table", None)
            if getattr(table, "name", None) == MemberRow.__tablename__:
                self._forget_members()

    def list_members(self) -> list[Member]:
        """Every member, those that left included, read now: a cycle of 'all' must not miss one
        added a moment ago."""
        return list(self._read_members().values())

    def current_members(self, on: date | None = None) -> list[Member]:
        """The members of the Network on a day (default today): joined by then, not yet left."""
        day = on or today()
        return [m for m in self.list_members() if m.belongs_on(day)]

    def add_member(
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
        existing = self.find_member(code)
        if existing is not None:
            if existing.left_on is not None:
                raise ConflictError(
                    f"{code} is the code of {existing.name}, which left the Network on "
                    f"{day_words(existing.left_on)}; a code is never given to another member."
                )
            raise ConflictError(f"{code} is already a member: {existing.name}.")
        with self.session() as s:
            row = MemberRow(
                code=code,
                name=name,
                kind=kind.value,
                regional_group=regional_group.value if regional_group else None,
                cedaw_status=cedaw_status.value,
                language=language.value,
                joined_on=joined_on,
                names=names.model_dump(mode="json"),
                added_by=by,
            )
            s.add(row)
            s.flush()
            return _member(row)

    def member_leaves(self, code: str, on: date, by: str) -> Member:
        """Record the day a member leaves the Network; nothing of it is deleted."""
        member = self.get_member(code)
        if member.left_on is not None:
            raise ConflictError(
                f"{member.name} ({member.code}) already left the Network on "
                f"{day_words(member.left_on)}."
            )
        with self.session() as s:
            row = s.get(MemberRow, member.code)
            assert row is not None
            row.left_on = on
            row.left_by = by
            s.flush()
            return _member(row)

    def set_member_names(self, code: str, names: LocalNames) -> Member:
        """Record (or correct) the en/fr/es names of a member added later."""
        member = self.get_member(code)
        with self.session() as s:
            row = s.get(MemberRow, member.code)
            assert row is not None
            row.names = names.model_dump(mode="json")
            s.flush()
            return _member(row)

    def member_count(self) -> int:
        with self.session() as s:
            return s.scalar(select(func.count()).select_from(MemberRow)) or 0

    def find_member(self, code: str) -> Member | None:
        wanted = code.strip().upper()
        member = self._member_map().get(wanted)
        if member is None:
            member = self._member_map(fresh=True).get(wanted)
        return member

    def get_member(self, code: str) -> Member:
        """The member with this code, or NotFoundError that suggests the nearest codes."""
        member = self.find_member(code)
        if member is None:
            raise NotFoundError(self.unknown_member_message(code))
        return member

    def unknown_member_message(self, code: str) -> str:
        members = list(self._member_map().values())
        wanted = code.strip().upper()
        by_code = difflib.get_close_matches(wanted, [m.code for m in members], n=3, cutoff=0.5)
        names = {m.name.upper(): m.code for m in members}
        by_name = [
            names[n] for n in difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.6)
        ]
        suggestions = list(dict.fromkeys(by_name + by_code))[:3]
        message = f"There is no member with the code {code!r}."
        if suggestions:
            shown = ", ".join(f"{c} ({self._name(members, c)})" for c in suggestions)
            message += f" Did you mean {shown}?"
        return message + " 'napreview members list' shows every code."

    @staticmethod
    def _name(members: Sequence[Member], code: str) -> str:
        return next(m.name for m in members if m.code == code)

    def get_members(self, codes: Sequence[str]) -> list[Member]:
        """The members with these codes, in that order, read in one query (or none)."""
        wanted = [c.strip().upper() for c in codes]
        members = self._member_map()
        if any(w not in members for w in wanted):
            members = self._member_map(fresh=True)
        missing = next((c for c, w in zip(codes, wanted, strict=True) if w not in members), None)
        if missing is not None:
            raise NotFoundError(self.unknown_member_message(missing))
        return [members[w] for w in wanted]

    # --- focal points and users ---

    def focal_points(self, member: str, on: date | None = None) -> list[FocalPoint]:
        """The member's active focal points on a day (default today), capital first."""
        day = on or today()
        with self.session() as s:
            rows = s.scalars(
                select(FocalPointRow)
                .where(FocalPointRow.member_code == member)
                .where(FocalPointRow.active_from <= day)
                .where((FocalPointRow.active_to.is_(None)) | (FocalPointRow.active_to > day))
                .order_by(FocalPointRow.location, FocalPointRow.id)
            ).all()
            return [_focal_point(r) for r in rows]

    def focal_point_history(self, member: str) -> list[FocalPoint]:
        with self.session() as s:
            rows = s.scalars(
                select(FocalPointRow)
                .where(FocalPointRow.member_code == member)
                .order_by(FocalPointRow.active_from, FocalPointRow.id)
            ).all()
            return [_focal_point(r) for r in rows]

    def set_focal_point(
        self,
        member: str,
        *,
        name: str,
        email: str,
        title: str | None = None,
        ministry: str | None = None,
        location: Location = Location.CAPITAL,
        by: str | None = None,
        example: bool = False,
        honorific: Honorific | None = None,
        rank: Rank | None = None,
        family_name: str | None = None,
    ) -> FocalPoint:
        """Designate a focal point from today; the previous one at that location is closed, kept."""
        code = self.get_member(member).code
        email = email.strip().lower()
        day = today()
        with self.session() as s:
            current = s.scalars(
                select(FocalPointRow)
                .where(FocalPointRow.member_code == code)
                .where(FocalPointRow.location == location.value)
                .where(FocalPointRow.active_to.is_(None))
            ).all()
            for row in current:
                row.active_to = day
            row = FocalPointRow(
                member_code=code,
                name=name,
                title=title,
                honorific=honorific.value if honorific else None,
                rank=rank.value if rank else None,
                family_name=family_name,
                ministry=ministry,
                email=email,
                location=location.value,
                active_from=day,
                recorded_by=by,
                example=example,
            )
            s.add(row)
            user = s.get(UserRow, email)
            if user is None:
                s.add(
                    UserRow(
                        email=email, role=Role.FOCAL_POINT.value, member_code=code, example=example
                    )
                )
            elif user.role == Role.FOCAL_POINT.value:
                user.member_code = code
            else:
                raise ConflictError(
                    f"{email} is registered as {user.role.replace('_', ' ')}; a focal point needs"
                    " an address of their own."
                )
            s.flush()
            return _focal_point(row)

    def focal_points_of(
        self, members: Sequence[str], on: date | None = None
    ) -> dict[str, list[FocalPoint]]:
        """Active focal points of many members in one query, capital first (cycle summaries)."""
        day = on or today()
        with self.session() as s:
            rows = s.scalars(
                select(FocalPointRow)
                .where(FocalPointRow.member_code.in_(list(members)))
                .where(FocalPointRow.active_from <= day)
                .where((FocalPointRow.active_to.is_(None)) | (FocalPointRow.active_to > day))
                .order_by(FocalPointRow.member_code, FocalPointRow.location, FocalPointRow.id)
            ).all()
            result: dict[str, list[FocalPoint]] = {}
            for row in rows:
                result.setdefault(row.member_code, []).append(_focal_point(row))
            return result

    # --- the Chair of the Network ---

    def network_chairs(self) -> dict[int, str]:
        """The Chair of each year the secretariat recorded."""
        with self.session() as s:
            rows = s.scalars(select(ChairRow).order_by(ChairRow.year)).all()
            return {r.year: r.member_code for r in rows}

    def network_chair(self, year: int) -> str | None:
        with self.session() as s:
            row = s.get(ChairRow, year)
            return row.member_code if row else None

    def set_network_chair(self, year: int, member: str, by: str) -> str:
        """Record (or correct) the Chair of a year; returns the member code."""
        code = self.get_member(member).code
        with self.session() as s:
            row = s.get(ChairRow, year)
            if row is None:
                s.add(ChairRow(year=year, member_code=code, recorded_by=by))
            else:
                row.member_code = code
                row.recorded_by = by
                row.recorded_at = datetime.now(UTC)
        return code

    def secretariat_email(self) -> str:
        """Where notices to the secretariat go: the first secretariat user registered."""
        with self.session() as s:
            email = s.scalars(
                select(UserRow.email)
                .where(UserRow.role == Role.SECRETARIAT.value)
                .order_by(UserRow.example, UserRow.created_at)
            ).first()
            return email or "secretariat@example.org"

    def add_user(self, email: str, role: Role, member: str | None = None) -> Actor:
        email = email.strip().lower()
        if role is Role.FOCAL_POINT:
            if not member:
                raise ConflictError("A focal point needs --member, the member they act for.")
            member = self.get_member(member).code
        elif member:
            raise ConflictError(
                f"A {role.value.replace('_', ' ')} acts for no member; drop --member."
            )
        with self.session() as s:
            user = s.get(UserRow, email)
            if user is None:
                user = UserRow(email=email, role=role.value, member_code=member)
                s.add(user)
                s.flush()
            else:
                user.role = role.value
                user.member_code = member
            return Actor(person_id=user.person_id, email=email, role=role, member=member)

    def resolve_actor(self, email: str) -> Actor:
        """Who a person is now: their role and, for a focal point, the member they currently serve.

        A focal point whose designation has ended keeps their account but acts for no member,
        so a change of focal point takes effect at once.
        """
        email = email.strip().lower()
        with self.session() as s:
            user = s.get(UserRow, email)
            if user is None:
                raise NotFoundError(
                    f"{email} is not a registered user. The secretariat can add them with "
                    "'napreview users add'."
                )
            role = Role(user.role)
            member = user.member_code
            if role is Role.FOCAL_POINT:
                day = today()
                active = s.scalars(
                    select(FocalPointRow.member_code)
                    .where(FocalPointRow.email == email)
                    .where(FocalPointRow.active_from <= day)
                    .where((FocalPointRow.active_to.is_(None)) | (FocalPointRow.active_to > day))
                ).first()
                has_any = s.scalars(
                    select(FocalPointRow.id).where(FocalPointRow.email == email)
                ).first()
                if has_any is not None:
                    member = active
            return Actor(person_id=user.person_id, email=email, role=role, member=member)

    def people(self, person_ids: Sequence[str]) -> dict[str, str]:
        """Person id → email, for the timeline and the records (history keeps ids only)."""
        if not person_ids:
            return {}
        with self.session() as s:
            rows = s.execute(
                select(UserRow.person_id, UserRow.email).where(
                    UserRow.person_id.in_(sorted(set(person_ids)))
                )
            ).all()
            return {person_id: email for person_id, email in rows}

    def has_example_people(self) -> bool:
        """An installation that still has the example people of DESIGN §10.4 (a trial one)."""
        with self.session() as s:
            return (
                s.scalars(select(UserRow.email).where(UserRow.example.is_(True))).first()
                is not None
            )

    def is_example_person(self, email: str) -> bool:
        with self.session() as s:
            user = s.get(UserRow, email.strip().lower())
            return bool(user and user.example)

    # --- cycles and the review troika ---

    # --- the front ends' keys ---

    def vouch_for_keys(self, public_keys: dict[str, str]) -> None:
        """Record front-end public keys the workers may trust (a key already known is kept as
        it is, a retired one stays retired)."""
        with self.session() as s:
            known = set(s.scalars(select(FrontEndKeyRow.key_id)))
            for key_id, public in public_keys.items():
                if key_id not in known:
                    s.add(FrontEndKeyRow(key_id=key_id, public_key=public))

    def retire_key(self, key_id: str) -> None:
        with self.session() as s:
            row = s.get(FrontEndKeyRow, key_id)
            if row is not None and row.retired_at is None:
                row.retired_at = datetime.now(UTC)

    def vouched_keys(self) -> dict[str, str]:
        """Public keys by key id, retired ones left out."""
        with self.session() as s:
            rows = s.scalars(select(FrontEndKeyRow).where(FrontEndKeyRow.retired_at.is_(None)))
            return {row.key_id: row.public_key for row in rows}

    def record_cycle(
        self,
        *,
        cycle: str,
        seed: int,
        reviewers_per_member: int,
        chair: str,
        settings: dict[str, Any],
        draw_sha256: str,
        started_by: str,
        reviewers: dict[str, list[str]],
        relaxed: dict[str, list[str]],
    ) -> bool:
        """Record a cycle and its draw once; a repeat with the same draw is a no-op (False)."""
        with self.session() as s:
            existing = s.get(CycleRow, cycle)
            if existing is not None:
                if existing.draw_sha256 != draw_sha256:
                    raise ConflictError(f"Cycle {cycle} is already recorded with another draw.")
                return False
            s.add(
                CycleRow(
                    id=cycle,
                    seed=seed,
                    reviewers_per_member=reviewers_per_member,
                    chair=chair,
                    settings=settings,
                    draw_sha256=draw_sha256,
                    started_by=started_by,
                )
            )
            s.flush()
            # One executemany: ten thousand members are thirty thousand rows.
            now = datetime.now(UTC)
            rows = [
                {
                    "cycle_id": cycle,
                    "member_code": member,
                    "reviewer_code": reviewer,
                    "position": position,
                    "active": True,
                    "relaxed": relaxed.get(member, []),
                    "drawn_at": now,
                }
                for member, codes in reviewers.items()
                for position, reviewer in enumerate(codes)
            ]
            if rows:
                s.execute(insert(AssignmentRow), rows)
            return True

    def cycle_exists(self, cycle: str) -> bool:
        with self.session() as s:
            return s.get(CycleRow, cycle) is not None

    def trust_key_for_cycles(self, key_id: str, public_key: str) -> None:
        """Reviews a cycle starts from now on trust this key too (key rotation)."""
        with self.session() as s:
            for row in s.scalars(select(CycleRow)).all():
                keys = dict(row.settings.get("trusted_keys") or {})
                keys[key_id] = public_key
                row.settings = {**row.settings, "trusted_keys": keys}

    def distrust_key_for_cycles(self, key_id: str) -> None:
        with self.session() as s:
            for row in s.scalars(select(CycleRow)).all():
                keys = dict(row.settings.get("trusted_keys") or {})
                if keys.pop(key_id, None) is not None:
                    row.settings = {**row.settings, "trusted_keys": keys}

    def cycle_settings(self, cycle: str) -> dict[str, Any]:
        with self.session() as s:
            row = s.get(CycleRow, cycle)
            if row is None:
                raise NotFoundError(f"There is no cycle {cycle!r}.")
            return dict(row.settings)

    def cycle_members(self, cycle: str, offset: int = 0, limit: int | None = None) -> list[str]:
        with self.session() as s:
            query = (
                select(AssignmentRow.member_code)
                .where(AssignmentRow.cycle_id == cycle)
                .distinct()
                .order_by(AssignmentRow.member_code)
                .offset(offset)
            )
            if limit is not None:
                query = query.limit(limit)
            return list(s.scalars(query).all())

    def assignments(self, cycle: str, members: Sequence[str] | None = None) -> dict[str, list[str]]:
        """Current reviewers per member, in draw order."""
        with self.session() as s:
            query = (
                select(AssignmentRow.member_code, AssignmentRow.reviewer_code)
                .where(AssignmentRow.cycle_id == cycle)
                .where(AssignmentRow.active.is_(True))
                .order_by(AssignmentRow.member_code, AssignmentRow.position)
            )
            if members is not None:
                query = query.where(AssignmentRow.member_code.in_(list(members)))
            result: dict[str, list[str]] = {}
            for member, reviewer in s.execute(query):
                result.setdefault(member, []).append(reviewer)
            return result

    def ever_assigned(self, cycle: str, member: str) -> list[str]:
        with self.session() as s:
            return list(
                s.scalars(
                    select(AssignmentRow.reviewer_code)
                    .where(AssignmentRow.cycle_id == cycle)
                    .where(AssignmentRow.member_code == member)
                ).all()
            )

    def redraw_result(self, cycle: str, member: str, seed: int) -> tuple[str, list[str]] | None:
        """The reviewer a re-draw with this seed already chose, so a retried activity agrees."""
        with self.session() as s:
            row = s.scalars(
                select(AssignmentRow)
                .where(AssignmentRow.cycle_id == cycle)
                .where(AssignmentRow.member_code == member)
                .where(AssignmentRow.redraw_seed == seed)
            ).first()
            return (row.reviewer_code, list(row.relaxed)) if row else None

    def change_reviewer(
        self,
        cycle: str,
        member: str,
        leaving: str,
        chosen: str,
        why: str,
        relaxed: list[str],
        seed: int,
    ) -> None:
        """Close the leaving reviewer's assignment and open the chosen one, in one transaction."""
        with self.session() as s:
            rows = s.scalars(
                select(AssignmentRow)
                .where(AssignmentRow.cycle_id == cycle)
                .where(AssignmentRow.member_code == member)
            ).all()
            position = len(rows)
            for row in rows:
                if row.reviewer_code == leaving and row.active:
                    row.active = False
                    row.ended_reason = why
                    position = row.position
            s.add(
                AssignmentRow(
                    cycle_id=cycle,
                    member_code=member,
                    reviewer_code=chosen,
                    position=position,
                    relaxed=relaxed,
                    replaces=leaving,
                    redraw_seed=seed,
                )
            )

    # --- documents ---

    def save_document(
        self,
        *,
        kind: DocumentKind,
        cycle: str,
        member: str,
        submitted_by: str,
        body: dict[str, Any],
        reviewer: str | None = None,
    ) -> DocumentRef:
        ref = DocumentRef(id=uuid.uuid4().hex, sha256=sha256_of(body))
        with self.session() as s:
            s.add(
                DocumentRow(
                    id=ref.id,
                    kind=kind.value,
                    cycle_id=cycle,
                    member_code=member,
                    reviewer_code=reviewer,
                    submitted_by=submitted_by,
                    sha256=ref.sha256,
                    body=body,
                )
            )
        return ref

    def delete_document(self, document_id: str) -> None:
        """A document its review refused: it was never taken, so it is not kept."""
        with self.session() as s:
            row = s.get(DocumentRow, document_id)
            if row is not None:
                s.delete(row)

    def get_document(self, document_id: str) -> tuple[DocumentRow, dict[str, Any]]:
        with self.session() as s:
            row = s.get(DocumentRow, document_id)
            if row is None:
                raise NotFoundError(f"There is no document {document_id!r}.")
            s.expunge(row)
            return row, dict(row.body)

    def record_nap(self, member: str, nap: Nap, document_id: str) -> None:
        with self.session() as s:
            _put_nap(s, member, nap, document_id)

    def check_nap_fits(self, member: str, nap: Nap) -> None:
        """Raise the database's own refusal if this plan could not be recorded, recording
        nothing: a step is refused at the door, never later by its review (issue #20)."""
        with self._sessions() as s:
            transaction = s.begin()
            try:
                _put_nap(s, member, nap, None)
                s.flush()
            finally:
                transaction.rollback()

    def naps(self, member: str) -> list[Nap]:
        with self.session() as s:
            rows = s.scalars(
                select(NapRow).where(NapRow.member_code == member).order_by(NapRow.iteration)
            ).all()
            return [Nap.model_validate(r.record) for r in rows]

    # --- CEDAW results ---

    def save_cedaw_result(
        self, cycle: str, member: str, document_id: str, result: CedawResult
    ) -> CedawSummary:
        """Store a check once per self-assessment document; a retry finds the stored one."""
        result_id = f"cedaw-{cycle}-{member}-{document_id[:12]}"
        body = result.model_dump(mode="json")
        digest = sha256_of(body)
        with self.session() as s:
            if s.get(CedawResultRow, result_id) is None:
                s.add(
                    CedawResultRow(
                        id=result_id,
                        cycle_id=cycle,
                        member_code=member,
                        document_id=document_id,
                        rating=result.rating.value,
                        findings=body["findings"],
                        sha256=digest,
                    )
                )
        return CedawSummary(
            result_id=result_id,
            sha256=digest,
            rating=result.rating,
            gaps=result.gaps,
            findings=len(result.findings),
        )

    def get_cedaw_result(self, result_id: str) -> CedawResult:
        with self.session() as s:
            row = s.get(CedawResultRow, result_id)
            if row is None:
                raise NotFoundError(f"There is no CEDAW result {result_id!r}.")
            return CedawResult.model_validate(
                {"member": row.member_code, "rating": row.rating, "findings": row.findings}
            )

    def cedaw_results_for_cycle(self, cycle: str) -> dict[str, CedawResult]:
        """The latest check per member of a cycle."""
        with self.session() as s:
            rows = s.scalars(
                select(CedawResultRow)
                .where(CedawResultRow.cycle_id == cycle)
                .order_by(CedawResultRow.created_at)
            ).all()
            return {
                r.member_code: CedawResult.model_validate(
                    {"member": r.member_code, "rating": r.rating, "findings": r.findings}
                )
                for r in rows
            }

    # --- letters ---

    def find_letter(self, key: str) -> LetterRow | None:
        with self.session() as s:
            row = s.scalars(select(LetterRow).where(LetterRow.idempotency_key == key)).first()
            if row is not None:
                s.expunge(row)
            return row

    def store_letter(self, key: str, **fields: Any) -> tuple[LetterRow, bool]:
        """Store a letter under its idempotency key; returns (letter, created).

        Callers look the key up first (find_letter), so the insert is tried straight away; the
        unique key turns a second attempt into the stored letter.
        """
        try:
            with self.session() as s:
                row = LetterRow(id=uuid.uuid4().hex[:16], idempotency_key=key, **fields)
                s.add(row)
                s.flush()
                s.expunge(row)
                return row, True
        except IntegrityError:
            # Another attempt of the same activity stored it first.
            with self.session() as s:
                row = s.scalars(select(LetterRow).where(LetterRow.idempotency_key == key)).one()
                s.expunge(row)
                return row, False

    def record_delivery(
        self, letter_id: str, state: str, detail: str | None, *, attempt: bool = False
    ) -> None:
        """The letter's delivery state: queued, sent (with the server's reply) or failed."""
        with self.session() as s:
            row = s.get(LetterRow, letter_id)
            if row is None:
                raise NotFoundError(f"There is no letter {letter_id!r}.")
            row.delivery_state = state
            row.delivery_detail = detail
            if attempt:
                row.delivery_attempts = (row.delivery_attempts or 0) + 1
            if state == "sent":
                row.delivered_at = datetime.now(UTC)

    def get_letter(self, letter_id: str) -> LetterRow:
        with self.session() as s:
            row = s.get(LetterRow, letter_id)
            if row is None:
                raise NotFoundError(
                    f"There is no letter {letter_id!r}. 'napreview letters list'"
                    " shows the stored letters."
                )
            s.expunge(row)
            return row

    def list_letters(
        self, cycle: str | None = None, member: str | None = None, kind: str | None = None
    ) -> list[LetterRow]:
        with self.session() as s:
            query = select(LetterRow).order_by(LetterRow.created_at, LetterRow.id)
            if cycle:
                query = query.where(LetterRow.cycle_id == cycle)
            if member:
                query = query.where(LetterRow.member_code == member)
            if kind:
                query = query.where(LetterRow.kind == kind)
            rows = list(s.scalars(query).all())
            for row in rows:
                s.expunge(row)
            return rows

    # --- review projection ---

    def project_review(
        self,
        cycle: str,
        member: str,
        *,
        stage: str,
        round: int,
        overdue: bool,
        cedaw_rating: str | None,
    ) -> None:
        with self.session() as s:
            row = s.get(ReviewRow, (cycle, member))
            if row is None:
                row = ReviewRow(cycle_id=cycle, member_code=member)
                s.add(row)
            row.stage = stage
            row.round = round
            row.overdue = overdue
            row.cedaw_rating = cedaw_rating
            row.updated_at = datetime.now(UTC)

    def review_rounds(self, cycle: str) -> dict[str, int]:
        """Each review's round, in two queries for a whole cycle: the projection's round, or one
        more than the letters that returned the review for revision, whichever is later (so the
        round is right whether or not the workflow keeps a projection)."""
        with self.session() as s:
            rounds: dict[str, int] = {
                member: round_
                for member, round_ in s.execute(
                    select(ReviewRow.member_code, ReviewRow.round).where(
                        ReviewRow.cycle_id == cycle
                    )
                )
            }
            returned = s.execute(
                select(LetterRow.member_code, func.count())
                .where(LetterRow.cycle_id == cycle)
                .where(LetterRow.kind == "returned")
                .group_by(LetterRow.member_code)
            )
            for member, count in returned:
                rounds[member] = max(rounds.get(member, 1), count + 1)
            return rounds

    def reviews(self, cycle: str) -> list[ReviewRow]:
        with self.session() as s:
            rows = list(
                s.scalars(
                    select(ReviewRow)
                    .where(ReviewRow.cycle_id == cycle)
                    .order_by(ReviewRow.member_code)
                ).all()
            )
            for row in rows:
                s.expunge(row)
            return rows

    # --- refusals ---

    def record_refusal(
        self,
        *,
        actor: str,
        role: str | None,
        step: str,
        reason: str,
        cycle: str | None = None,
        member: str | None = None,
    ) -> None:
        with self.session() as s:
            s.add(
                RefusalRow(
                    cycle_id=cycle,
                    member_code=member,
                    actor=actor,
                    role=role,
                    step=step,
                    reason=reason,
                )
            )

    def refusals(self, cycle: str, member: str) -> list[RefusalRow]:
        with self.session() as s:
            rows = list(
                s.scalars(
                    select(RefusalRow)
                    .where(RefusalRow.cycle_id == cycle)
                    .where(RefusalRow.member_code == member)
                    .order_by(RefusalRow.at, RefusalRow.id)
                ).all()
            )
            for row in rows:
                s.expunge(row)
            return rows


def _put_nap(s: Session, member: str, nap: Nap, document_id: str | None) -> None:
    """A member's plan, one row per iteration: the latest record of it wins."""
    row = s.scalars(
        select(NapRow).where(NapRow.member_code == member).where(NapRow.iteration == nap.iteration)
    ).first()
    if row is None:
        row = NapRow(member_code=member, iteration=nap.iteration)
        s.add(row)
    row.title = nap.title
    row.adopted_on = nap.adopted_on
    row.period_start = nap.period_start
    row.period_end = nap.period_end
    row.record = nap.model_dump(mode="json")
    row.source_document_id = document_id
    row.updated_at = datetime.now(UTC)
