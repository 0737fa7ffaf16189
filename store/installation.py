"""The installation's own flags: things that happened to it once and are never undone (the
trial door closed, the example password given on the first start, the first secretariat made
without one). Decided in people/trial.py and services/users.py; this module only keeps and
finds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from napreview.store.db import Repository
from napreview.store.tables import InstallationFlagRow

TRIAL_CLOSED = "trial_closed"
EXAMPLE_PASSWORDS_GIVEN = "example_passwords_given"
SECRETARIAT_BOOTSTRAPPED = "secretariat_bootstrapped"


@dataclass(frozen=True)
class Flag:
    name: str
    set_at: datetime
    set_by: str


class InstallationRepository(Repository):
    def flag(self, name: str) -> Flag | None:
        with self._session() as s:
            row = s.get(InstallationFlagRow, name)
            return Flag(row.name, row.set_at, row.set_by) if row is not None else None

    def set_flag(self, name: str, by: str) -> bool:
        """Set a flag once; False when it was already set (who set it first is kept)."""
        try:
            with self._session() as s:
                if s.get(InstallationFlagRow, name) is not None:
                    return False
                s.add(InstallationFlagRow(name=name, set_by=by[:254]))
        except IntegrityError:  # set meanwhile by another process
            return False
        return True
