"""The conversation of a review: a thread of comments between the member's focal points (its
deputies included), its review troika and the secretariat, for the command line and the portal
alike.

Who wrote a comment is the person the session or token proved, never a name typed in; the
comment is kept in the store with the review's record and shown in its timeline. Each new
comment is emailed to the others in the thread, in their language, by the path invitations take
(an .eml file in the outbox always, SMTP when configured): nobody has to watch the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from napreview.i18n.translator import translator
from napreview.people.invitations import deliver_account_message, language_for
from napreview.schemas.members import Actor, Role
from napreview.schemas.text import MESSAGE_LENGTH
from napreview.services import access
from napreview.services.inputs import fit_text
from napreview.settings import Settings
from napreview.store.comments import Comment
from napreview.store.records import Store


@dataclass(frozen=True)
class CommentView:
    """A comment as people read it: who wrote it (their address, and as whom: the
    secretariat, the focal point of a member or its deputy) and when."""

    id: int
    author_email: str
    author_role: Role
    author_member: str | None
    text: str
    at: datetime
    deputy: bool = False


@dataclass(frozen=True)
class Posted:
    comment: CommentView
    notified: list[str]  # the addresses told of it
    not_sent: list[str]  # why a message could not be sent by SMTP (kept in the outbox)


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
            CommentView(c.id, email, c.author.role, c.author.member, c.text, c.at, deputy=deputy)
        )
    return views


def post(
    store: Store, settings: Settings, actor: Actor, cycle: str, member: str, text: str
) -> Posted:
    """Add a comment to the review's thread and tell the others in it. The text is checked
    (UnfitText); anyone outside the thread is refused (recorded)."""
    code = store.members.get(member).code
    access.require_review(store, actor, cycle, code)
    if not may_comment(store, actor, cycle, code):
        raise access.refuse_read(
            store, actor, "comment", cycle, code, f"writing in the conversation of {code}"
        )
    kept = store.comments.add(cycle, code, actor, fit_text("comment", text, MESSAGE_LENGTH))
    (view,) = _views(store, [kept])
    notified, not_sent = [], []
    for email in participants(store, cycle, code):
        if email == view.author_email:
            continue
        _, failed = deliver_account_message(
            settings, email, *_message(store, email, view, cycle, code, settings)
        )
        notified.append(email)
        if failed:
            not_sent.append(f"{email}: {failed}")
    return Posted(view, notified, not_sent)


def participants(store: Store, cycle: str, member: str) -> list[str]:
    """Whom a new comment is sent to: the member's focal points and deputies, those of its
    review troika, and the secretariat."""
    members = [member, *store.cycles.assignments(cycle, [member]).get(member, [])]
    found: list[str] = []
    for code, points in store.focal_points.active_of(members).items():
        found += [p.email for p in points]
        found += [d.email for d in store.deputies.active(code)]
    found.append(store.people.secretariat_email())
    return list(dict.fromkeys(found))


def _message(
    store: Store, email: str, comment: CommentView, cycle: str, member: str, settings: Settings
) -> tuple[str, str]:
    """The subject and text of the email telling ``email`` of a new comment, in their language."""
    t = translator(language_for(store, email))
    link = f"{settings.portal_url.rstrip('/')}/reviews/{cycle}/{member}#conversation"
    subject = t.gettext(
        "New comment on the review of {member} ({cycle})",
        member=t.member_name(member),
        member_of=t.member_name(member, "of"),
        cycle=cycle,
    )
    body = t.gettext(
        "{author} wrote in the conversation on the review of {member} (cycle {cycle}):\n\n"
        "{text}\n\nTo read the whole conversation and answer: {link}\n",
        author=comment.author_email,
        member=t.member_name(member),
        member_of=t.member_name(member, "of"),
        cycle=cycle,
        text=comment.text,
        link=link,
    )
    return subject, body
