"""Follow-ups of completed reviews: the read model each follow-up publishes, its items' wording,
the progress reports' bodies, the documents kept as evidence and each cycle's reporting terms.
Temporal stays the truth; this is what the command line, the portal and the exports read."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, select, true, tuple_, union_all
from sqlalchemy.orm import defer

from napreview.schemas.follow_up import FollowUpState, FollowUpTerms, ItemSeed, ProgressReport
from napreview.schemas.proof import canonical_json
from napreview.schemas.submissions import DocumentRef
from napreview.store.db import Repository
from napreview.store.errors import NotFoundError
from napreview.store.stored_files import StoredFile, file_fields, new_file_row
from napreview.store.tables import (
    FollowUpEvidenceRow,
    FollowUpItemRow,
    FollowUpReportRow,
    FollowUpRow,
    FollowUpTermsRow,
    utcnow,
)


@dataclass(frozen=True)
class FollowUpRecord:
    """A follow-up as last published, with each item's wording by key."""

    state: FollowUpState
    texts: dict[str, str]


class EvidenceFile(StoredFile):
    """A document kept as evidence of a follow-up's items, without its bytes."""


def _evidence_file(row: FollowUpEvidenceRow) -> EvidenceFile:
    return EvidenceFile(**file_fields(row))


class FollowUpRepository(Repository):
    def keep_items(self, cycle: str, member: str, items: Sequence[tuple[ItemSeed, str]]) -> None:
        """Each drawn item's wording, once (a retried draw writes nothing twice)."""
        with self._session() as s:
            for seed, text in items:
                if s.get(FollowUpItemRow, (cycle, member, seed.key)) is None:
                    s.add(
                        FollowUpItemRow(
                            cycle_id=cycle,
                            member_code=member,
                            key=seed.key,
                            text=text,
                            text_sha256=seed.text_sha256,
                        )
                    )

    def project(self, state: FollowUpState) -> None:
        """Keep the follow-up as it published itself; an older projection arriving late
        (by the follow-up's clock, then by its count of publications: a step and the close
        published in one workflow task share the clock) changes nothing. The row is held from
        its read to its write: two projections landing at once (activities in parallel threads)
        would otherwise both pass the check, and the older could be written last."""
        with self._held() as s:
            row = s.get(FollowUpRow, (state.cycle, state.member), with_for_update=True)
            if row is None:
                row = FollowUpRow(cycle_id=state.cycle, member_code=state.member)
                s.add(row)
            elif state.as_of is not None and (row.at, row.state.get("published", 0)) > (
                state.as_of,
                state.published,
            ):
                return
            row.closed = state.closed_at is not None
            row.period = state.period
            row.due = state.deadline.due if state.deadline else None
            row.overdue = state.overdue
            row.state = state.model_dump(mode="json")
            row.at = state.as_of or utcnow()

    def get(self, cycle: str, member: str) -> FollowUpRecord | None:
        found = self._records((FollowUpRow.cycle_id == cycle) & (FollowUpRow.member_code == member))
        return found[0] if found else None

    def of_member(self, member: str) -> list[FollowUpRecord]:
        """A member's follow-ups, the latest cycle first."""
        return self._records(FollowUpRow.member_code == member)

    def of_cycle(self, cycle: str) -> list[FollowUpRecord]:
        return self._records(FollowUpRow.cycle_id == cycle)

    def all(self) -> list[FollowUpRecord]:
        """Every follow-up, by cycle (the latest first) and member."""
        return self._records(true())

    def still_open(self) -> list[FollowUpRecord]:
        """Every follow-up not closed yet (the secretariat's reports to acknowledge)."""
        return self._records(FollowUpRow.closed.is_(False))

    def _records(self, where: ColumnElement[bool]) -> list[FollowUpRecord]:
        """The follow-ups matching, the latest cycle first then by member, each with its
        items' wording: two queries, however many there are (the work lists read them)."""
        with self._session() as s:
            rows = s.scalars(
                select(FollowUpRow)
                .where(where)
                .order_by(FollowUpRow.cycle_id.desc(), FollowUpRow.member_code)
            ).all()
            texts: dict[tuple[str, str], dict[str, str]] = {}
            if rows:
                matching = select(FollowUpRow.cycle_id, FollowUpRow.member_code).where(where)
                items = s.scalars(
                    select(FollowUpItemRow).where(
                        tuple_(FollowUpItemRow.cycle_id, FollowUpItemRow.member_code).in_(matching)
                    )
                )
                for item in items:
                    texts.setdefault((item.cycle_id, item.member_code), {})[item.key] = item.text
            return [
                FollowUpRecord(
                    FollowUpState.model_validate(row.state),
                    texts.get((row.cycle_id, row.member_code), {}),
                )
                for row in rows
            ]

    def keep_report(
        self, cycle: str, member: str, report: ProgressReport, submitted_by: str
    ) -> DocumentRef:
        """Store a progress report's body before the step that names it is sent."""
        body = report.model_dump(mode="json")
        sha256 = hashlib.sha256(canonical_json(body)).hexdigest()
        row = FollowUpReportRow(
            id=uuid.uuid4().hex,
            cycle_id=cycle,
            member_code=member,
            body=body,
            sha256=sha256,
            submitted_by=submitted_by,
        )
        with self._session() as s:
            s.add(row)
        return DocumentRef(id=row.id, sha256=sha256)

    def report(self, report_id: str) -> ProgressReport:
        with self._session() as s:
            row = s.get(FollowUpReportRow, report_id)
            if row is None:
                raise NotFoundError(f"There is no progress report {report_id}.")
            return ProgressReport.model_validate(row.body)

    def keep_evidence(
        self,
        cycle: str,
        member: str,
        files: Sequence[tuple[str, str, bytes]],
        uploaded_by: str,
    ) -> list[EvidenceFile]:
        """Store documents (name, media type, bytes) before the step that names them is sent:
        all of them or, if one cannot be written, none."""
        if not files:
            return []
        rows = [
            new_file_row(FollowUpEvidenceRow, cycle, member, name, media_type, data, uploaded_by)
            for name, media_type, data in files
        ]
        with self._session() as s:
            s.add_all(rows)
            s.flush()
            return [_evidence_file(row) for row in rows]

    def evidence_files(
        self, cycle: str, member: str, ids: Sequence[str]
    ) -> dict[str, EvidenceFile]:
        """The follow-up's documents among ``ids``, by id; never their bytes."""
        if not ids:
            return {}
        with self._session() as s:
            rows = s.scalars(
                select(FollowUpEvidenceRow)
                .where(FollowUpEvidenceRow.cycle_id == cycle)
                .where(FollowUpEvidenceRow.member_code == member)
                .where(FollowUpEvidenceRow.id.in_(ids))
                .options(defer(FollowUpEvidenceRow.data))
            ).all()
            return {row.id: _evidence_file(row) for row in rows}

    def evidence(self, file_id: str) -> tuple[EvidenceFile, bytes]:
        """A document kept as evidence, and its bytes."""
        with self._session() as s:
            row = s.get(FollowUpEvidenceRow, file_id)
            if row is None:
                raise NotFoundError(f"There is no document {file_id!r}.")
            return _evidence_file(row), bytes(row.data)

    def discard(self, evidence_ids: Sequence[str] = (), report_id: str | None = None) -> None:
        """Files kept for a step its follow-up refused: no step names them, nobody reads them."""
        with self._session() as s:
            if evidence_ids:
                s.execute(
                    delete(FollowUpEvidenceRow).where(FollowUpEvidenceRow.id.in_(evidence_ids))
                )
            if report_id is not None:
                s.execute(delete(FollowUpReportRow).where(FollowUpReportRow.id == report_id))

    def kept_before(self, stored_before: datetime) -> list[tuple[str, str, str]]:
        """(id, cycle, member) of every document and report body stored before then, oldest
        first: what a sweep asks their follow-ups about."""
        evidence = select(
            FollowUpEvidenceRow.id.label("id"),
            FollowUpEvidenceRow.cycle_id.label("cycle"),
            FollowUpEvidenceRow.member_code.label("member"),
            FollowUpEvidenceRow.uploaded_at.label("at"),
        ).where(FollowUpEvidenceRow.uploaded_at < stored_before)
        reports = select(
            FollowUpReportRow.id, FollowUpReportRow.cycle_id, FollowUpReportRow.member_code,
            FollowUpReportRow.created_at,
        ).where(FollowUpReportRow.created_at < stored_before)  # fmt: skip
        both = union_all(evidence, reports).subquery()
        query = select(both.c.id, both.c.cycle, both.c.member).order_by(both.c.at, both.c.id)
        with self._session() as s:
            return [(i, c, m) for i, c, m in s.execute(query)]

    def sweep(self, ids: Sequence[str], stored_before: datetime) -> int:
        """Remove these documents and report bodies if stored before then; returns how many."""
        if not ids:
            return 0
        with self._session() as s:
            removed = 0
            for table, at in (
                (FollowUpEvidenceRow, FollowUpEvidenceRow.uploaded_at),
                (FollowUpReportRow, FollowUpReportRow.created_at),
            ):
                result = s.execute(delete(table).where(table.id.in_(ids)).where(at < stored_before))
                removed += int(getattr(result, "rowcount", 0) or 0)
            return removed

    def set_terms(self, cycle: str, terms: FollowUpTerms) -> None:
        with self._session() as s:
            row = s.get(FollowUpTermsRow, cycle) or FollowUpTermsRow(cycle_id=cycle)
            row.interval_seconds = int(terms.interval.total_seconds())
            row.reminder_seconds = int(terms.reminder.total_seconds())
            s.add(row)

    def terms(self, cycle: str) -> FollowUpTerms:
        """The cycle's reporting terms; every twelve months unless the secretariat set others."""
        with self._session() as s:
            row = s.get(FollowUpTermsRow, cycle)
            if row is None:
                return FollowUpTerms()
            return FollowUpTerms(
                interval=timedelta(seconds=row.interval_seconds),
                reminder=timedelta(seconds=row.reminder_seconds),
            )
