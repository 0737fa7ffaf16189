"""Cycles: their settings, the review troika drawn for each member, re-draws, and the front-end
keys the reviews a cycle starts will trust."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, insert, select

from napreview.store.db import Repository
from napreview.store.errors import ConflictError, NotFoundError
from napreview.store.tables import AssignmentRow, CycleRow, DocumentRow, ReviewRow

if TYPE_CHECKING:  # the review's models are compiled by the calls that return them
    from napreview.schemas.review import RedrawOutcome


@dataclass(frozen=True)
class CycleLine:
    """A cycle as lists show it, with its reviews counted per stage (from the read model)."""

    cycle: str
    chair: str
    started_by: str
    started_at: datetime
    members: int
    counts: dict[str, int] = field(default_factory=dict)


class CycleRepository(Repository):
    # --- the cycle and its draw ---

    def record(
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
        with self._session() as s:
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

    def exists(self, cycle: str) -> bool:
        with self._session() as s:
            return s.get(CycleRow, cycle) is not None

    def settings(self, cycle: str) -> dict[str, Any]:
        with self._session() as s:
            row = s.get(CycleRow, cycle)
            if row is None:
                raise NotFoundError(f"There is no cycle {cycle!r}.")
            return dict(row.settings)

    def recommendation_set(self, cycle: str) -> str:
        """The recommendation set a cycle names; a review started without its cycle recorded
        (before sets existed) answers the 2018 set."""
        from napreview.schemas.review import recommendation_set_of

        with self._session() as s:
            row = s.get(CycleRow, cycle)
            return recommendation_set_of(row.settings if row is not None else {})

    def overview(self) -> list[CycleLine]:
        """Every cycle, newest first, with its reviews counted per stage (from the read model)."""
        with self._session() as s:
            rows = s.scalars(select(CycleRow).order_by(CycleRow.started_at.desc())).all()
            counted = s.execute(
                select(ReviewRow.cycle_id, ReviewRow.stage, func.count()).group_by(
                    ReviewRow.cycle_id, ReviewRow.stage
                )
            ).all()
            members = {
                cycle: n
                for cycle, n in s.execute(
                    select(
                        AssignmentRow.cycle_id,
                        func.count(func.distinct(AssignmentRow.member_code)),
                    ).group_by(AssignmentRow.cycle_id)
                )
            }
            counts: dict[str, dict[str, int]] = {}
            for cycle, stage, n in counted:
                counts.setdefault(cycle, {})[stage] = n
            return [
                CycleLine(
                    cycle=r.id,
                    chair=r.chair,
                    started_by=r.started_by,
                    started_at=r.started_at,
                    members=int(members.get(r.id, 0)),
                    counts=counts.get(r.id, {}),
                )
                for r in rows
            ]

    # --- keys ---

    def trust_key(self, key_id: str, public_key: str) -> None:
        """Reviews a cycle starts from now on trust this key too (key rotation)."""
        with self._session() as s:
            for row in s.scalars(select(CycleRow)).all():
                keys = dict(row.settings.get("trusted_keys") or {})
                keys[key_id] = public_key
                row.settings = {**row.settings, "trusted_keys": keys}

    def distrust_key(self, key_id: str) -> None:
        with self._session() as s:
            for row in s.scalars(select(CycleRow)).all():
                keys = dict(row.settings.get("trusted_keys") or {})
                if keys.pop(key_id, None) is not None:
                    row.settings = {**row.settings, "trusted_keys": keys}

    # --- the review troika ---

    def members(self, cycle: str, offset: int = 0, limit: int | None = None) -> list[str]:
        """The members taking part, in code order (a page of them, with ``limit``)."""
        with self._session() as s:
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
        with self._session() as s:
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
        """Every reviewer ever drawn for the member, those who left included."""
        with self._session() as s:
            return list(
                s.scalars(
                    select(AssignmentRow.reviewer_code)
                    .where(AssignmentRow.cycle_id == cycle)
                    .where(AssignmentRow.member_code == member)
                ).all()
            )

    def redraw_result(self, cycle: str, member: str, seed: int) -> RedrawOutcome | None:
        """The reviewer a re-draw with this seed already chose, so a retried activity agrees."""
        from napreview.schemas.review import RedrawOutcome

        with self._session() as s:
            row = s.scalars(
                select(AssignmentRow)
                .where(AssignmentRow.cycle_id == cycle)
                .where(AssignmentRow.member_code == member)
                .where(AssignmentRow.redraw_seed == seed)
            ).first()
            return (
                RedrawOutcome(chosen=row.reviewer_code, relaxed=list(row.relaxed)) if row else None
            )

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
        with self._session() as s:
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

    # --- what a reviewer may read ---

    def is_drawn_reviewer(self, cycle: str, member: str, reviewer: str) -> bool:
        """Drawn for this review now, or drawn once and submitted a peer review."""
        with self._session() as s:
            active = s.scalars(
                select(AssignmentRow.id)
                .where(AssignmentRow.cycle_id == cycle)
                .where(AssignmentRow.member_code == member)
                .where(AssignmentRow.reviewer_code == reviewer)
                .where(AssignmentRow.active.is_(True))
            ).first()
            if active is not None:
                return True
            return s.scalars(_peer_reviews(cycle, reviewer, member)).first() is not None

    def drawn_for(self, cycle: str, reviewer: str) -> set[str]:
        """The members of a cycle this member reviews now, or was drawn for and reviewed (the
        reviews ``is_drawn_reviewer`` lets it read), in two queries."""
        with self._session() as s:
            active = s.scalars(
                select(AssignmentRow.member_code)
                .where(AssignmentRow.cycle_id == cycle)
                .where(AssignmentRow.reviewer_code == reviewer)
                .where(AssignmentRow.active.is_(True))
            ).all()
            submitted = s.scalars(
                select(DocumentRow.member_code)
                .where(DocumentRow.cycle_id == cycle)
                .where(DocumentRow.reviewer_code == reviewer)
            ).all()
            return {*active, *submitted}


def _peer_reviews(cycle: str, reviewer: str, member: str) -> Select[Any]:
    """The peer reviews this reviewer submitted for this member's review (any round)."""
    return (
        select(DocumentRow.id)
        .where(DocumentRow.cycle_id == cycle)
        .where(DocumentRow.member_code == member)
        .where(DocumentRow.reviewer_code == reviewer)
    )
