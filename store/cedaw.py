"""Results of the CEDAW linkage check, stored once per self-assessment document."""

from __future__ import annotations

from sqlalchemy import select

from napreview.schemas.cedaw import CedawResult, CedawSummary
from napreview.schemas.digest import sha256_of
from napreview.store.db import Repository
from napreview.store.errors import NotFoundError
from napreview.store.tables import CedawResultRow


def _result(row: CedawResultRow) -> CedawResult:
    return CedawResult.model_validate(
        {"member": row.member_code, "rating": row.rating, "findings": row.findings}
    )


class CedawRepository(Repository):
    def save(self, cycle: str, member: str, document_id: str, result: CedawResult) -> CedawSummary:
        """Store a check once per self-assessment document; a retry finds the stored one."""
        result_id = f"cedaw-{cycle}-{member}-{document_id[:12]}"
        body = result.model_dump(mode="json")
        digest = sha256_of(body)
        with self._session() as s:
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

    def get(self, result_id: str) -> CedawResult:
        with self._session() as s:
            row = s.get(CedawResultRow, result_id)
            if row is None:
                raise NotFoundError(f"There is no CEDAW result {result_id!r}.")
            return _result(row)

    def latest_of_cycle(self, cycle: str) -> dict[str, CedawResult]:
        """The latest check of each member of a cycle."""
        with self._session() as s:
            rows = s.scalars(
                select(CedawResultRow)
                .where(CedawResultRow.cycle_id == cycle)
                .order_by(CedawResultRow.created_at)
            ).all()
            return {r.member_code: _result(r) for r in rows}
