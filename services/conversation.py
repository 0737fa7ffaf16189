"""The conversation of a review: a thread of comments between the member's focal points (its
deputies included), its review troika and the secretariat, for the command line and the portal
alike.

Who wrote a comment is the person the session or token proved, never a name typed in; the
comment is kept in the store with the review's record and shown in its timeline. Each new
comment is told to the others in the thread by letter, in their language, on the path every
letter takes (stored, filed, delivered from the outbox, retried until sent): nobody
has to watch the page. A comment posted while Temporal cannot be reached is kept all the same,
its letters waiting: the worker looks for such comments every minute and starts their letters
(started once, by the workflow's id, however many workers look).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from napreview.schemas.letters import (
    Addressee,
    CommentNotice,
    LetterKind,
    LetterRequest,
    comment_workflow_id,
)
from napreview.schemas.members import Actor, Role
from napreview.schemas.network import cycle_year, default_chair
from napreview.schemas.text import MESSAGE_LENGTH
from napreview.services import access
from napreview.services.inputs import fit_text
from napreview.settings import Settings
from napreview.store.comments import Comment
from napreview.store.errors import NotFoundError
from napreview.store.records import Store
from napreview.workflows import contract

log = logging.getLogger(__name__)

# How often the worker looks for comments whose letters wait to be started.
LOOK_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class CommentView:
    """A comment as people read it: who wrote it (their address, and as whom: the
    secretariat, the focal point of a member or its deputy) and when."""

    id: int
    member: str  # the member whose review the thread is on
    author_email: str
    author_role: Role
    author_member: str | None
    text: str
    at: datetime
    deputy: bool = False


@dataclass(frozen=True)
class Posted:
    comment: CommentView
    told: list[str]  # whose focal points (member codes) and "secretariat", each sent a letter


def may_comment(store: Store, actor: Actor, cycle: str, member: str) -> bool:
    """The secretariat, the member's focal points and the focal points of its review troika;
    auditors read the thread and write nothing."""
    if not access.may_change(actor):
        return False
    if actor.role is Role.SECRETARIAT:
        return True
    if actor.role is not Role.FOCAL_POINT or actor.member is None:
        return False
    return actor.member == member or store.cycles.is_drawn_reviewer(cycle, member, actor.member)


def thread(store: Store, actor: Actor, cycle: str, member: str) -> list[CommentView]:
    """The review's comments, oldest first, for whoever reads the review (none otherwise)."""
    if not access.can_read_review(store, actor, cycle, member):
        return []
    return _views(store, store.comments.of_review(cycle, member))


def read_thread(store: Store, actor: Actor, cycle: str, member: str) -> list[CommentView]:
    """``thread`` for a front end that says when a read is refused (recorded)."""
    code = store.members.get(member).code
    access.require_review(store, actor, cycle, code)
    return thread(store, actor, cycle, code)


def _views(store: Store, comments: list[Comment]) -> list[CommentView]:
    emails = store.people.emails([c.author.ref for c in comments])
    periods = store.deputies.periods(sorted(set(emails.values())))
    views = []
    for c in comments:
        email = emails.get(c.author.ref, c.author.ref)
        deputy = c.author.member is not None and any(
            d.served(c.author.member, c.at.date()) for d in periods.get(email, ())
        )
        views.append(
            CommentView(
                c.id, c.member, email, c.author.role, c.author.member, c.text, c.at, deputy=deputy
            )
        )
    return views


async def reachable(connect: Callable[[], Awaitable[Client]]) -> Client | None:
    """The Temporal client, or None when its server cannot be reached now: a comment is kept
    all the same, and the workers' look starts its letters later."""
    try:
        return await connect()
    except (RPCError, RuntimeError):  # RuntimeError: "Failed client connect"
        log.warning("Temporal unreachable: a comment's letters wait for the workers' look")
        return None


async def post(
    client: Client | None,
    store: Store,
    settings: Settings,
    actor: Actor,
    cycle: str,
    member: str,
    text: str,
) -> Posted:
    """Add a comment to the review's thread and tell the others in it by letter. The text is
    checked (UnfitText); anyone outside the thread is refused (recorded). The letters are
    written and delivered by a workflow (``comment-<cycle>-<member>-<id>``), so that an outage
    of the database or the mail server delays them and never loses them. ``client`` None:
    Temporal cannot be reached (:func:`reachable`); the workers' look starts them later."""
    kept = await asyncio.to_thread(_keep, store, actor, cycle, member, text)
    view, notice = await asyncio.to_thread(_notice, store, kept)
    try:
        if client is not None:
            await _start_letters(client, store, settings, kept, notice)
    except (RPCError, RuntimeError):  # the server unreachable (RuntimeError: not connected)
        log.warning(
            "Temporal unreachable: the letters of comment %s wait for the worker's look",
            kept.id,
            exc_info=True,
        )
    return Posted(view, [r.recipient_key for r in notice.letters])


async def start_waiting_letters(client: Client, store: Store, settings: Settings) -> int:
    """Start the letters of every comment still waiting for them; how many were started."""
    waiting = await asyncio.to_thread(store.comments.waiting_letters)
    for comment in waiting:
        _, notice = await asyncio.to_thread(_notice, store, comment)
        await _start_letters(client, store, settings, comment, notice)
    return len(waiting)


async def keep_starting_letters(
    client: Client, store: Store, settings: Settings, stop: asyncio.Event
) -> None:
    """The worker's look for comments whose letters wait, every minute until ``stop`` is set;
    a failed look is logged and the next one tries again."""
    while not stop.is_set():
        try:
            started = await start_waiting_letters(client, store, settings)
            if started:
                log.info(
                    "Started the letters of %d comment(s) posted while Temporal was away", started
                )
        except Exception:  # noqa: BLE001 - the next look tries again; the worker serves on
            log.exception("comments' letters: this look failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), LOOK_EVERY.total_seconds())


async def _start_letters(
    client: Client, store: Store, settings: Settings, comment: Comment, notice: CommentNotice
) -> None:
    """Start the workflow writing the comment's letters (once: its id is the comment's), then
    record it started."""
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await client.start_workflow(
            contract.COMMENT_WORKFLOW,
            notice,
            id=comment_workflow_id(comment.cycle, comment.member, comment.id),
            task_queue=settings.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    await asyncio.to_thread(store.comments.letters_started, comment.id)


def _keep(store: Store, actor: Actor, cycle: str, member: str, text: str) -> Comment:
    code = store.members.get(member).code
    access.require_review(store, actor, cycle, code)
    if not may_comment(store, actor, cycle, code):
        raise access.refuse_read(
            store, actor, "comment", cycle, code, f"writing in the conversation of {code}"
        )
    return store.comments.add(cycle, code, actor, fit_text("comment", text, MESSAGE_LENGTH))


def _notice(store: Store, comment: Comment) -> tuple[CommentView, CommentNotice]:
    """The comment as people read it, and the letters telling the others in the thread."""
    (view,) = _views(store, [comment])
    return view, CommentNotice(letters=_letters_for(store, view, comment.cycle, comment.member))


def _letters_for(
    store: Store, comment: CommentView, cycle: str, member: str
) -> list[LetterRequest]:
    """One letter to each member in the conversation (to its focal point, its deputies and
    mission copied) and one to the secretariat, leaving out the author's own: a focal point is
    not told of what they wrote, but a deputy's comment is sent to their focal point."""
    chair = _chair(store, cycle)

    def letter(recipient: str | None, addressee: Addressee) -> LetterRequest:
        return LetterRequest(
            cycle=cycle,
            member=member,
            kind=LetterKind.COMMENT,
            recipient_member=recipient,
            addressee=addressee,
            chair=chair,
            occasion=str(comment.id),
            comment_id=comment.id,
        )

    letters = [
        letter(None if code == member else code, Addressee.FOCAL_POINT)
        for code in [member, *store.cycles.assignments(cycle, [member]).get(member, [])]
        if code != comment.author_member or comment.deputy
    ]
    if comment.author_role is not Role.SECRETARIAT:
        letters.append(letter(None, Addressee.SECRETARIAT))
    return letters


def _chair(store: Store, cycle: str) -> str:
    """The Chair the cycle's letters name: the cycle's own, else the one recorded for its year."""
    try:
        return str(store.cycles.settings(cycle)["chair"])
    except (NotFoundError, KeyError):
        year = cycle_year(cycle)
        recorded = store.chairs.of_year(year) if year is not None else ()
        return recorded[0] if recorded else default_chair(cycle)
