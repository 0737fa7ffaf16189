"""A person's own settings for their deadlines: the time zone every deadline is shown in (a
choice of theirs; UTC until they choose), a calendar link of their own, which a calendar
application can follow without signing in (its token is the proof, shown once, kept hashed,
replaced when they ask), and how many days before each deadline they want a reminder by email
(services/reminders.py sends them)."""

from __future__ import annotations

import functools
import hashlib
import secrets
from zoneinfo import ZoneInfo, available_timezones

from napreview.people.accounts import Accounts
from napreview.schemas.members import Actor
from napreview.services.errors import InvalidInput
from napreview.store.records import Store

DEFAULT_ZONE = "UTC"


@functools.cache
def zones() -> tuple[str, ...]:
    """The zones a person may choose: the IANA names of places (Africa/Dakar,
    America/Bogota …) and UTC, without the aliases kept for old systems."""
    places = {
        z
        for z in available_timezones()
        if "/" in z and not z.startswith(("Etc/", "SystemV/", "US/", "posix", "right"))
    }
    return (DEFAULT_ZONE, *sorted(places))


def time_zone(store: Store, email: str) -> str:
    """The zone this person reads deadlines in."""
    chosen = store.preferences.get(email).time_zone if email else None
    return chosen if chosen in zones() else DEFAULT_ZONE


def zone_info(name: str) -> ZoneInfo:
    return ZoneInfo(name if name in zones() else DEFAULT_ZONE)


class UnknownTimeZone(InvalidInput):
    """Not a time zone a person may choose."""


def set_time_zone(store: Store, email: str, zone: str) -> str:
    if zone not in zones():
        raise UnknownTimeZone(f"{zone!r} is not a time zone; choose one such as Africa/Dakar.")
    store.preferences.set_time_zone(email, zone)
    return zone


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_calendar_link(store: Store, email: str) -> str:
    """A new token for this person's calendar link (the previous link stops working); the
    token itself is not kept, so it is shown once."""
    token = secrets.token_urlsafe(32)
    store.preferences.set_calendar_token(email, _digest(token))
    return token


def has_calendar_link(store: Store, email: str) -> bool:
    return store.preferences.get(email).has_calendar_link


def calendar_owner(store: Store, token: str) -> Actor | None:
    """Who a calendar link belongs to, as they are now; None for an unknown link or a person
    whose account is deactivated."""
    if not token or len(token) > 100:
        return None
    email = store.preferences.email_of_calendar(_digest(token))
    if email is None or not Accounts(store).is_active(email):
        return None
    return store.people.actor(email)


# A reminder of one's own at most this many days before a deadline (a self-assessment's is 60).
MOST_DAYS_BEFORE = 90


class NotReminderDays(InvalidInput):
    """Not a number of days a reminder can come before a deadline."""


def set_reminder_days(store: Store, email: str, days: int | None) -> None:
    """Ask for a reminder by email ``days`` before each deadline (None or 0: none)."""
    if days is not None and not 0 <= days <= MOST_DAYS_BEFORE:
        raise NotReminderDays(f"A reminder comes 1 to {MOST_DAYS_BEFORE} days before; got {days}.")
    store.preferences.set_reminder_days(email, days or None)


def reminder_days(store: Store, email: str) -> int | None:
    return store.preferences.get(email).reminder_days
