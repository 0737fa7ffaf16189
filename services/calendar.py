"""A person's deadlines as an iCalendar file (RFC 5545), for their calendar application: one
event per task that has a deadline, at the deadline's moment (in UTC, which every calendar
shows in its own zone), named as the portal's "Waiting for you" names it, in their language,
with the link to the page where it is done. Each event's UID is stable, so a calendar that
follows the link moves an extended deadline instead of adding a second event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from napreview.i18n.translator import Translator
from napreview.services.tasks import Task, TaskKind

PRODUCT = "-//UN Women//WPS Focal Points Network reviews//EN"


def task_words(t: Translator, task: Task) -> tuple[str, str]:
    """The task in the words of the home page, and the path of its page."""
    about = t.about(task.member)  # each language builds the phrase with its own grammar
    base = f"/reviews/{task.cycle}/{task.member}"
    if task.kind is TaskKind.SELF_ASSESSMENT:
        return t.gettext("Complete the self-assessment of {member}", **about), (
            base + "/self-assessment"
        )
    if task.kind is TaskKind.REVISION:
        return t.gettext(
            "Revise the self-assessment of {member} (returned by the secretariat)", **about
        ), base + "/self-assessment"
    if task.kind is TaskKind.PEER_REVIEW:
        return t.gettext("Write the peer review of {member}", **about), base + "/peer-review"
    if task.kind is TaskKind.RECOMMENDATIONS:
        n = task.count or 0
        return t.ngettext(
            "Answer the peer recommendations for {member} ({n} open)",
            "Answer the peer recommendations for {member} ({n} open)",
            n,
            **about,
        ), base + "#recommendations"
    if task.kind is TaskKind.SIGN_OFF:
        return t.gettext("Sign off the review of {member}", **about), base
    return t.gettext("Overdue: the review of {member}", **about), base


def _text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and line breaks escaped."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a space (RFC 5545 §3.1)."""
    data = line.encode()
    parts: list[bytes] = []
    while len(data) > 75:
        cut = 75 if not parts else 74
        while cut and (data[cut] & 0xC0) == 0x80:  # never inside a UTF-8 character
            cut -= 1
        parts.append(data[:cut])
        data = data[cut:]
    parts.append(data)
    return "\r\n ".join(p.decode() for p in parts)


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(
    tasks: Iterable[Task], t: Translator, portal_url: str, owner: str, now: datetime
) -> str:
    """The calendar of these tasks' deadlines (tasks without one are left out)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_text(t.gettext('WPS Focal Points Network reviews'))}",
    ]
    for task in tasks:
        if task.deadline is None:
            continue
        summary, path = task_words(t, task)
        url = portal_url.rstrip("/") + path
        cycle = t.gettext("Cycle {cycle}", cycle=task.cycle)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{task.kind.value}-{task.cycle}-{task.member}-{owner}@napreview",  # owner: an id
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(task.deadline)}",
            f"DTEND:{_stamp(task.deadline + timedelta(minutes=30))}",
            f"SUMMARY:{_text(summary)}",
            f"DESCRIPTION:{_text(cycle + chr(10) + url)}",
            f"URL:{url}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
