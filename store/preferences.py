"""Each person's own settings for their deadlines (services/preferences.py decides; this
module keeps and finds): the time zone they read deadlines in, the token of their calendar
link, kept as its SHA-256, how many days before a deadline they want a reminder by email, and
the reminders of their own sent."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from napreview.store.db import Repository
from napreview.store.tables import PersonalReminderRow, PreferenceRow, utcnow


@dataclass(frozen=True)
class Preferences:
    email: str
    time_zone: str | None = None
    has_calendar_link: bool = False
    reminder_days: int | None = None


class PreferenceRepository(Repository):
    def get(self, email: str) -> Preferences:
        with self._session() as s:
            row = s.get(PreferenceRow, email)
            if row is None:
                return Preferences(email)
            return Preferences(
                email, row.time_zone, row.calendar_token_sha256 is not None, row.reminder_days
            )

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

    def set_reminder_days(self, email: str, days: int | None) -> None:
        with self._session() as s:
            self._row(s, email).reminder_days = days

    def with_reminders(self) -> list[tuple[str, int]]:
        """Everyone who asked for reminders of their own, with how many days before."""
        with self._session() as s:
            rows = s.execute(
                select(PreferenceRow.email, PreferenceRow.reminder_days).where(
                    PreferenceRow.reminder_days.is_not(None)
                )
            )
            return [(email, days) for email, days in rows if days is not None]

    def claim_reminder(self, email: str, key: str) -> bool:
        """Claim the sending of one reminder; False when it was claimed before (sent)."""
        try:
            with self._session() as s:
                if s.get(PersonalReminderRow, (email, key)) is not None:
                    return False
                s.add(PersonalReminderRow(email=email, key=key[:300]))
        except IntegrityError:  # claimed meanwhile by another worker
            return False
        return True
