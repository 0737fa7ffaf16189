"""Reminders of one's own: each person who asked for one on their page (services/
preferences.py) gets an email the chosen number of days before each of their deadlines (what
"Waiting for you" lists), in their language and time zone, through the account messages' path
(SMTP when configured, always a copy in the outbox). The worker looks every quarter of an hour;
each reminder is claimed in the store before it is sent, so several workers send it once. These
come besides the review's own reminder letters, which the cycle's settings time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from napreview.i18n.translator import translator
from napreview.people.accounts import Accounts
from napreview.people.invitations import deliver_account_message, language_for
from napreview.services import tasks
from napreview.services.calendar import task_words
from napreview.services.errors import NotFoundError
from napreview.services.preferences import time_zone
from napreview.settings import Settings
from napreview.store.records import Store

log = logging.getLogger(__name__)

LOOK_EVERY = timedelta(minutes=15)


@dataclass(frozen=True)
class SentReminder:
    email: str
    task: tasks.Task
    subject: str
    not_sent: str | None  # why SMTP failed (the outbox copy stands), or None


def _message(
    store: Store, settings: Settings, email: str, task: tasks.Task, days: int
) -> tuple[str, str]:
    """The reminder's subject and text, in the person's language and time zone."""
    t = translator(language_for(store, email))
    what, path = task_words(t, task)
    assert task.deadline is not None
    due = t.deadline(task.deadline, time_zone(store, email))
    portal = settings.portal_url.rstrip("/")
    subject = t.gettext("Reminder: {task}, by {deadline}", task=what, deadline=due)
    body = t.ngettext(
        "{task}\n\nDeadline: {deadline}.\n{link}\n\nYou receive this reminder {n} day before "
        "each of your deadlines, as you asked on your page of the review portal, where you can "
        "change it: {account}\n",
        "{task}\n\nDeadline: {deadline}.\n{link}\n\nYou receive this reminder {n} days before "
        "each of your deadlines, as you asked on your page of the review portal, where you can "
        "change it: {account}\n",
        days,
        task=what,
        deadline=due,
        link=portal + path,
        account=portal + "/account",
    )
    return subject, body


async def send_due(
    store: Store, settings: Settings, now: datetime | None = None
) -> list[SentReminder]:
    """Send every reminder of one's own that is due and not yet sent."""
    now = now or datetime.now(UTC)
    sent: list[SentReminder] = []
    for email, days in await asyncio.to_thread(store.preferences.with_reminders):
        try:
            if not await asyncio.to_thread(Accounts(store).is_active, email):
                continue
            actor = await asyncio.to_thread(store.people.actor, email)
        except NotFoundError:
            continue
        work = await tasks.work_list(store, actor)
        for task in work.tasks:
            due = task.deadline
            if due is None or not due - timedelta(days=days) <= now < due:
                continue
            key = f"{task.kind.value}/{task.cycle}/{task.member}/{due.isoformat()}/{days}d"
            if not await asyncio.to_thread(store.preferences.claim_reminder, email, key):
                continue
            subject, body = await asyncio.to_thread(_message, store, settings, email, task, days)
            _, not_sent = await asyncio.to_thread(
                deliver_account_message, settings, email, subject, body
            )
            sent.append(SentReminder(email, task, subject, not_sent))
    return sent


async def keep_reminding(store: Store, settings: Settings, stop: asyncio.Event) -> None:
    """Send the reminders due, every quarter of an hour, until ``stop`` is set. A failed look
    is logged and the next one tries again; a reminder is claimed just before it is written to
    the outbox and sent, so one whose SMTP sending fails keeps its outbox copy (as an
    invitation does) and is not sent twice."""
    while not stop.is_set():
        try:
            await send_due(store, settings)
        except Exception:  # noqa: BLE001 - the next look tries again; the worker serves on
            log.exception("reminders of one's own: this look failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), LOOK_EVERY.total_seconds())
