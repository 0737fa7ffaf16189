"""The front ends' public signing keys the workers vouch for: a workflow started without a parent
checks its start against these (workflows/start.py). Written by the front ends when they sign a
start and by `napreview keys`; retired, never deleted, so an auditor can still check what a key
signed. Nobody who only reaches Temporal can add one."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from napreview.store.db import Repository
from napreview.store.tables import FrontEndKeyRow


class FrontEndKeyRepository(Repository):
    def vouch_for(self, public_keys: dict[str, str]) -> None:
        """Record keys the workers may trust (a key already known stays as it is, a retired
        one stays retired)."""
        with self._session() as s:
            known = set(s.scalars(select(FrontEndKeyRow.key_id)))
            for key_id, public in public_keys.items():
                if key_id not in known:
                    s.add(FrontEndKeyRow(key_id=key_id, public_key=public))

    def retire(self, key_id: str) -> None:
        with self._session() as s:
            row = s.get(FrontEndKeyRow, key_id)
            if row is not None and row.retired_at is None:
                row.retired_at = datetime.now(UTC)

    def vouched(self) -> dict[str, str]:
        """Public keys by key id, retired ones left out."""
        with self._session() as s:
            rows = s.scalars(select(FrontEndKeyRow).where(FrontEndKeyRow.retired_at.is_(None)))
            return {row.key_id: row.public_key for row in rows}
