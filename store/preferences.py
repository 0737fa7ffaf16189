"""Each person's own settings for their deadlines (services/preferences.py decides; this
module keeps and finds): the time zone they read deadlines in, and the token of their calendar
link, kept as its SHA-256."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from napreview.store.db import Repository
from napreview.store.tables import PreferenceRow, utcnow


@dataclass(frozen=True)
class Preferences:
    email: str
    time_zone: str | None = None
    has_calendar_link: bool = False


class PreferenceRepository(Repository):
    def get(self, email: str) -> Preferences:
        with self._session() as s:
            row = s.get(PreferenceRow, email)
            if row is None:
                return Preferences(email)
            return Preferences(email, row.time_zone, row.calendar_token_sha256 is not None)

    def _row(self, s: Session, email: str) -> PreferenceRow:
        row = s.get(PreferenceRow, email)
        if row is None:
            row = PreferenceRow(email=email)
            s.add(row)
        row.updated_at = utcnow()
        return row

    def set_time_zone(self, email: str, zone: str | None) -> None:
        with self._session() as s:
            self._row(s, email).time_zone = zone

    def set_calendar_token(self, email: str, token_sha256: str) -> None:
        """A new calendar link: the previous one stops working."""
        with self._session() as s:
            self._row(s, email).calendar_token_sha256 = token_sha256

    def email_of_calendar(self, token_sha256: str) -> str | None:
        with self._session() as s:
            return s.scalar(
                select(PreferenceRow.email).where(
                    PreferenceRow.calendar_token_sha256 == token_sha256
                )
            )
