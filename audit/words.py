"""The timeline's sentences, written from each event's kind, detail and actor (audit/reader.py).

Kept apart from reading history so that one timeline can be said in English (the audit trail,
the export and its digest) and in the portal reader's language without reading the history
again. The words come from the translation catalogs (napreview.i18n): each sentence's English is
its message id. A refusal is said from its code where the event carries one ("reason"), else
quoted as the workflow wrote it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import TypeAdapter, ValidationError

from napreview.audit.model import (
    ACCEPTED,
    IGNORED,
    PENDING,
    REFUSED,
    UNKNOWN,
    Timeline,
    TimelineEvent,
)
from napreview.i18n.catalogs import EN, LANGUAGES
from napreview.i18n.translator import Translator, translator, upfirst

STEP_LINE_VIA = ("signal", "update", "command")
# How an actor acted when it is not what history's role says: a member's deputy focal point.
DEPUTY = "deputy"
_durations = TypeAdapter(timedelta)


def summarize(event: TimelineEvent, lang: str = EN, *, with_actor: bool = True) -> str:
    """One sentence for one event; ``with_actor=False`` leaves the person out (a table that
    shows them in a column of their own)."""
    t = _translator(lang)
    if event.detail.get("via") in STEP_LINE_VIA and "step" in event.detail:
        return _step_line(t, event, with_actor)
    render = _KINDS.get(event.kind)
    if render is None:
        return event.kind.replace("_", " ").capitalize()
    return render(t, event)


def localized(timeline: Timeline, lang: str) -> Timeline:
    """The same timeline with its sentences in another language; the digest stays that of the
    English timeline, which is what exports hold and verify."""
    if lang == EN or lang not in LANGUAGES:
        return timeline
    events = [e.model_copy(update={"summary": summarize(e, lang)}) for e in timeline.events]
    return timeline.model_copy(update={"events": events})


def describe_actor(actor: dict[str, str | None] | None, lang: str = EN) -> str:
    """'fp.deu@example.org (focal point of DEU)'; 'a.diop@example.sn (deputy focal point of
    SEN)' for a deputy (marked by the timeline from the store, as history names the role)."""
    t = _translator(lang)
    if actor is None:
        return t.gettext("someone not named")
    person = actor.get("person_id")
    who = actor.get("email") or t.gettext(
        "person {person} (no longer in the records)", person=person
    )
    role_code = actor.get("role") or ""
    known = not role_code or t.has_term("role", role_code)
    if not role_code:
        role = t.gettext("role not recorded")
    elif known and actor.get("acting_as") == DEPUTY:
        role = t.gettext("deputy focal point")
    elif known:
        role = t.term("role", role_code)
    else:
        role = t.gettext("role '{role}', unknown to napreview", role=role_code)
    member = actor.get("member")
    if member and known:
        return t.gettext("{who} ({role} of {member})", who=who, role=role, member=member)
    if member:
        return t.gettext("{who} ({role}, member {member})", who=who, role=role, member=member)
    return t.gettext("{who} ({role})", who=who, role=role)


def describe_step(step: str, command: dict[str, Any], lang: str = EN) -> str:
    """What a step did, in words: 'Self-assessment submitted', 'Sign-off: approve'."""
    t = _translator(lang)
    reason = f" ({command['reason']})" if command.get("reason") else ""
    if step == "respond_to_recommendations":
        count = len(command.get("responses") or {})
        if not count:
            return t.term("step", "respond")
        return t.ngettext(
            "Responses to {n} peer recommendation", "Responses to {n} peer recommendations", count
        )
    reviewer = command.get("reviewer", "")
    if step == "replace_reviewer":
        return t.gettext("Substitution of reviewer {reviewer} requested", reviewer=reviewer)
    if step == "reassign_reviewer":
        return t.gettext("Reassignment of reviewer {reviewer}", reviewer=reviewer)
    if step == "sign_off":
        return _sign_off(t, command)
    if step in _FOLLOW_UP_STEPS:
        return _FOLLOW_UP_STEPS[step](t, command)
    if step == "extend":
        if command.get("by"):
            return t.gettext("Deadline extension by {by}", by=command["by"]) + reason
        return t.term("step", "extend") + reason
    if step in ("withdraw", "cancel", "cancel_cycle"):
        return t.term("step", "cancel" if step == "cancel_cycle" else step) + reason
    if step == "trust_key":
        return t.gettext("Trust in signing key {key_id}", key_id=command.get("key_id", ""))
    if step == "distrust_key":
        return t.gettext("End of trust in signing key {key_id}", key_id=command.get("key_id", ""))
    if t.has_term("step", step):
        return t.term("step", step)
    return t.gettext("A step napreview does not have ('{step}')", step=step)


def _sign_off(t: Translator, command: dict[str, Any]) -> str:
    decision = command.get("decision")
    if decision:
        said = t.gettext("Sign-off: {decision}", decision=t.term("decision_taken", decision))
    else:
        said = t.term("step", "sign_off")
    return said + _quoted(t, command.get("comments"))


def _quoted(t: Translator, comments: Any) -> str:
    """The start of what someone wrote (the secretariat's comments, a peer recommendation's
    wording), quoted after what it came with, as the reader's language quotes."""
    said = str(comments or "")
    return f" ({t.quoted(said[:80] + ('…' if len(said) > 80 else ''))})" if said else ""


# --------------------------------------------------------------------------- a follow-up's steps


def _update_item(t: Translator, command: dict[str, Any]) -> str:
    update = command.get("update")
    if not isinstance(update, dict) or not update.get("key"):
        if command.get("item"):  # a refused change the store kept: which item it was for
            return t.gettext("A change to {item}", item=item_named(t, command))
        return t.term("step", "update_item")
    status = update.get("status")
    if status and t.has_term("item_status", status):
        status = t.term("item_status", status)
        said = t.gettext("Recommendation {key}: {status}", key=update["key"], status=status)
    else:
        said = t.gettext("Recommendation {key} updated", key=update["key"])
    return said + (f" ({update['reason']})" if update.get("reason") else "")


def _progress_report(t: Translator, command: dict[str, Any]) -> str:
    count = len(command.get("updates") or [])
    if not count:
        if command.get("item"):  # a refused report the store kept, refused for this item
            return t.gettext("A progress report changing {item}", item=item_named(t, command))
        return t.term("step", "submit_progress_report")
    return t.ngettext(
        "Progress report sent, changing {n} recommendation",
        "Progress report sent, changing {n} recommendations",
        count,
    )


def _acknowledgement(t: Translator, command: dict[str, Any]) -> str:
    if not command.get("period"):
        return t.term("step", "acknowledge_report")
    said = t.gettext("Progress report {n} acknowledged", n=command["period"])
    return said + _quoted(t, command.get("comments"))


def item_named(t: Translator, detail: dict[str, Any]) -> str:
    """An item as people know it, from its key ("network:B4", "peer:SEN#2", "cedaw:X/Y"): the
    Network recommendation's number, the peer recommendation's number and reviewing member
    with the start of its wording, the CEDAW gap's code; an unknown kind of key stands as it is."""
    kind, _, ref = str(detail["item"]).partition(":")
    if kind == "network":
        return t.gettext("Network recommendation {n}", n=ref)
    if kind == "cedaw":
        return t.gettext("the CEDAW linkage gap {code}", code=ref)
    if kind != "peer":
        return str(detail["item"])
    reviewer, _, number = ref.partition("#")
    # Translators: {member} the reviewing member's bare name; {member_name}, {member_of} and
    # {member_to} with its article, after de/à.
    said = t.gettext("peer recommendation {n} from {member}", n=number, **t.about(reviewer))
    return said + _quoted(t, detail.get("item_text"))


_FOLLOW_UP_STEPS: dict[str, Callable[[Translator, dict[str, Any]], str]] = {
    "update_item": _update_item,
    "submit_progress_report": _progress_report,
    "acknowledge_report": _acknowledgement,
}


def stage_name(stage: str | None, lang: str = EN) -> str:
    """A stage as the timeline names it inside a sentence ("peer review")."""
    if not stage:
        return ""
    t = _translator(lang)
    return t.in_sentence(t.term("stage", stage))


def describe_duration(value: timedelta, lang: str = EN) -> str:
    """'14d', '2h', '90s' as people write them on the command line; '14 jours', '14 días'."""
    t = _translator(lang)
    seconds = int(value.total_seconds())
    # Translators: a duration as the command line writes it ("14d": 14 days; "2h", "30m",
    # "90s"); write it in words, as "14 jours".
    if seconds and seconds % 86400 == 0:
        return t.ngettext("{n}d", "{n}d", seconds // 86400)
    if seconds and seconds % 3600 == 0:
        return t.ngettext("{n}h", "{n}h", seconds // 3600)
    if seconds and seconds % 60 == 0:
        return t.ngettext("{n}m", "{n}m", seconds // 60)
    return t.ngettext("{n}s", "{n}s", seconds)


def sender(event: TimelineEvent, lang: str = EN) -> str:
    """Who sent a step, as far as it can be told: 'by X'; 'in the name of X' when its signature
    does not hold (X is only claimed); 'from an unknown sender' when it could not be read."""
    t = _translator(lang)
    d = event.detail
    unproven = d.get("signature") in ("unsigned", "fails")
    who = describe_actor(event.actor, t.language) if event.actor else t.gettext("an unknown sender")
    if d.get("readable") is False:
        return t.gettext("from {who}", who=who)
    if unproven:
        return t.gettext("in the name of {who}", who=who)
    return t.gettext("by {who}", who=who)


def _translator(lang: str) -> Translator:
    return translator(lang if lang in LANGUAGES else EN)


# --------------------------------------------------------------------------- steps


def _step_line(t: Translator, event: TimelineEvent, with_actor: bool) -> str:
    d = event.detail
    if d.get("readable") is False:
        what = t.gettext("A '{step}' step that could not be read", step=d["step"])
    else:
        command = dict(d)
        if d.get("step") == "extend" and d.get("by") is not None:
            command["by"] = _duration(d["by"], t.language)
        what = describe_step(d["step"], command, t.language)
    said = _outcome(t, d)
    if not with_actor:
        return f"{what} — {said}"
    return f"{what} {sender(event, t.language)} — {said}"


def _outcome(t: Translator, d: dict[str, Any]) -> str:
    outcome = d.get("outcome")
    if outcome == REFUSED:
        return t.gettext("refused: {reason}", reason=_refusal(t, d))
    if outcome == ACCEPTED:
        return t.gettext("accepted")
    if outcome == PENDING:
        return t.gettext("still in progress")
    if outcome == IGNORED:
        return t.gettext("ignored: the review does not take this step")
    if outcome == UNKNOWN:
        why = d.get("unknown_because") or "no_replay"
        if not t.has_term("why_unknown", why):
            why = "no_replay"
        return t.gettext("outcome not known: {why}", why=t.term("why_unknown", why))
    return str(outcome)


def _refusal(t: Translator, d: dict[str, Any]) -> str:
    """The refusal as the reader reads it: from its code where the event has one."""
    reason: dict[str, Any] = d["reason"] if isinstance(d.get("reason"), dict) else {}
    return t.refusal(str(d.get("refusal", "")), reason.get("code"), reason.get("params"))


def _duration(value: Any, lang: str) -> str:
    try:
        return describe_duration(_durations.validate_python(value), lang)
    except ValidationError:
        return str(value)


# --------------------------------------------------------------------------- other events


def _started(t: Translator, e: TimelineEvent) -> str:
    d = e.detail
    if d.get("follow_up"):
        if d.get("continued"):
            return t.gettext(
                "The follow-up {member} carries on in a new part of its history",
                member=t.member_name(d["member"], "of"),
            )
        return t.gettext(
            "Follow-up {member} ({code}) started after its review in cycle {cycle}",
            member=t.member_name(d["member"], "of"),
            code=d["member"],
            cycle=d["cycle"],
        )
    if "member_name" in d:
        return t.gettext(
            "Review {member} ({code}) in cycle {cycle} started; reviewers {reviewers} drawn "
            "with seed {seed}",
            member=_member_of(t, d["member"], d["member_name"]),
            code=d["member"],
            cycle=d["cycle"],
            reviewers=", ".join(d.get("reviewers") or []) or t.gettext("none"),
            seed=d["seed"],
        )
    if "reviewers_per_member" in d:
        if d.get("continued"):
            return t.gettext(
                "Cycle {cycle} carries on in a new part of its history: {started}, {finished}",
                cycle=d["cycle"],
                started=t.ngettext(
                    "{n} review started", "{n} reviews started", int(d.get("started") or 0)
                ),
                finished=t.ngettext("{n} finished", "{n} finished", int(d.get("finished") or 0)),
            )
        members = d.get("members")
        each = int(d["reviewers_per_member"])
        return t.gettext(
            "Cycle {cycle} started by {actor}: {members}, {reviewers}, seed {seed}, chair {chair}",
            cycle=d["cycle"],
            actor=describe_actor(e.actor, t.language),
            members=t.ngettext("{n} member", "{n} members", len(members))
            if members is not None
            else t.gettext("every member"),
            reviewers=t.ngettext("{n} reviewer each", "{n} reviewers each", each),
            seed=d["seed"],
            chair=d["chair"],
        )
    return t.gettext("The process {workflow_type} began", workflow_type=d.get("workflow_type", ""))


def _member_of(t: Translator, code: str, name: str) -> str:
    """'of Germany' / 'de l'Allemagne' / 'de Alemania', the form after "Review"; a member the
    names file does not know, by the name history recorded."""
    found = t.member_name(code, "of")
    return found if found != code else t.gettext("of {member}", member=name)


def _completed(t: Translator, e: TimelineEvent) -> str:
    d = e.detail
    if "follow_up_closed" in d:
        return t.ngettext(
            "Follow-up closed, every recommendation done or no longer pursued, after {n} "
            "progress report",
            "Follow-up closed, every recommendation done or no longer pursued, after {n} "
            "progress reports",
            int(d.get("reports") or 0),
        )
    if "outcome" in d:
        rounds = int(d.get("rounds") or 0)
        return t.ngettext(
            "Review ended: {outcome} after {n} round",
            "Review ended: {outcome} after {n} rounds",
            rounds,
            outcome=stage_name(str(d["outcome"]), t.language),
        )
    if "outcomes" in d:
        outcomes = ", ".join(
            t.gettext("{stage}: {n}", stage=stage_name(stage, t.language), n=n)
            for stage, n in sorted((d["outcomes"] or {}).items())
        )
        return t.gettext("Cycle ended ({outcomes})", outcomes=outcomes or t.gettext("no reviews"))
    return t.gettext("The process ended")


def _terminated(t: Translator, e: TimelineEvent) -> str:
    return t.gettext(
        "The process was stopped by {identity}: {reason}",
        identity=e.detail.get("identity") or t.gettext("an operator"),
        reason=e.detail.get("reason") or t.gettext("no reason"),
    )


def _review_finished(t: Translator, e: TimelineEvent) -> str:
    d = e.detail
    if d.get("readable") is False:
        return t.gettext("A 'review_finished' signal that could not be read; the cycle ignored it")
    member, outcome = d.get("member"), stage_name(str(d.get("outcome")), t.language)
    if d.get("cedaw_rating"):
        return t.gettext(
            "Review of {member} ended {outcome} (CEDAW {rating})",
            member=member,
            outcome=outcome,
            rating=t.term("linkage", d["cedaw_rating"]),
        )
    return t.gettext("Review of {member} ended {outcome}", member=member, outcome=outcome)


def _letter(t: Translator, e: TimelineEvent) -> str:
    d = e.detail
    recipient = d.get("recipient") or ""
    if not recipient:
        to = t.gettext("nobody on record")
    elif "@" in recipient:
        to = recipient
    elif recipient == "secretariat":
        to = t.gettext("the secretariat")
    else:
        to = t.gettext("the focal point of {member}", member=recipient)
    kind = d.get("kind", "")
    letter = t.term("letter", kind) if kind else ""
    sha = str(d.get("sha256", ""))[:12]
    if d.get("deadline"):
        said = t.gettext(
            "{letter} letter stored for {to}, deadline {date} (SHA-256 {sha}…)",
            letter=letter,
            to=to,
            date=_day(t, d["deadline"]),
            sha=sha,
        )
    else:
        said = t.gettext(
            "{letter} letter stored for {to} (SHA-256 {sha}…)", letter=letter, to=to, sha=sha
        )
    return upfirst(said)


def _redraw(t: Translator, e: TimelineEvent) -> str:
    d = e.detail
    why = (
        t.term("reviewer_leaving", d["why"])
        if t.has_term("reviewer_leaving", d["why"])
        else d["why"]
    )
    fields = {"previous": d["previous"], "why": why, "chosen": d["chosen"], "seed": d["seed"]}
    if d.get("relaxed"):
        return t.gettext(
            "Reviewer {previous} {why}; {chosen} drawn in its place with seed {seed}; rules "
            "relaxed: {rules}",
            rules=", ".join(d["relaxed"]),
            **fields,
        )
    return t.gettext(
        "Reviewer {previous} {why}; {chosen} drawn in its place with seed {seed}", **fields
    )


def _timer_fired(t: Translator, e: TimelineEvent) -> str:
    notice = e.detail.get("notice")
    if notice == "reminder":
        return t.gettext("A reminder fell due")
    if notice == "overdue":
        return t.gettext("The deadline passed")
    return t.gettext("A scheduled date arrived")


def _timer_set(t: Translator, e: TimelineEvent) -> str:
    fires = datetime.fromisoformat(e.detail["fires_at"])
    when = t.gettext(
        "{day} {time}", day=_day(t, fires.date().isoformat()), time=fires.strftime("%H:%M")
    )
    return t.gettext("Next reminder or deadline scheduled for {when} UTC", when=when)


def _day(t: Translator, value: str) -> str:
    """A date as the language writes it ('27 janvier 2027'); English keeps ISO 8601."""
    if t.language == EN:
        return value
    try:
        return t.day(date.fromisoformat(value))
    except ValueError:
        return value


def _review_started(t: Translator, e: TimelineEvent) -> str:
    d = e.detail
    if "member" not in d:
        return t.gettext("The process {workflow_id} began", workflow_id=d.get("workflow_id"))
    return t.gettext(
        "Review of {member} started: reviewers {reviewers} (seed {seed})",
        member=d["member"],
        reviewers=", ".join(d.get("reviewers") or []),
        seed=d.get("seed"),
    )


def _cedaw(t: Translator, e: TimelineEvent) -> str:
    d = e.detail
    rating = d.get("rating") or ""
    return t.gettext(
        "CEDAW linkage check: {rating} ({gaps}, {findings})",
        rating=t.term("linkage", rating) if t.has_term("linkage", rating) else rating,
        gaps=t.ngettext("{n} gap", "{n} gaps", int(d.get("gaps") or 0)),
        findings=t.ngettext("{n} finding", "{n} findings", int(d.get("findings") or 0)),
    )


def _stage(t: Translator, e: TimelineEvent) -> str:
    if "round" not in e.detail:  # a follow-up's: it has progress reports, not rounds
        return t.gettext("Stage: {stage}", stage=stage_name(e.detail["stage"], t.language))
    return t.gettext(
        "Stage: {stage} (round {round})",
        stage=stage_name(e.detail["stage"], t.language),
        round=e.detail["round"],
    )


def _draw(t: Translator, e: TimelineEvent) -> str:
    d = e.detail
    return t.ngettext(
        "Review troika drawn for {n} member with seed {seed} (draw SHA-256 {sha}…, {relaxations})",
        "Review troika drawn for {n} members with seed {seed} (draw SHA-256 {sha}…, {relaxations})",
        len(d.get("members") or []),
        seed=d.get("seed"),
        sha=str(d.get("draw_sha256", ""))[:12],
        relaxations=t.ngettext(
            "{n} rule relaxation", "{n} rule relaxations", int(d.get("relaxations") or 0)
        ),
    )


_KINDS: dict[str, Callable[[Translator, TimelineEvent], str]] = {
    "started": _started,
    "completed": _completed,
    "failed": lambda t, e: t.gettext(
        "The process stopped on an error: {message}", message=e.detail.get("message")
    ),
    "terminated": _terminated,
    "cancelled": lambda t, e: t.gettext("The process was cancelled"),
    "timed_out": lambda t, e: t.gettext("The process ran out of time"),
    "continued_as_new": lambda t, e: t.gettext(
        "The history carries on in a new part ({run})", run=e.detail.get("new_run_id")
    ),
    "workflow_task_failed": lambda t, e: t.gettext(
        "A step could not be processed and was tried again: {message}",
        message=e.detail.get("message"),
    ),
    "review_finished": _review_finished,
    "stage": _stage,
    "overdue": lambda t, e: t.gettext("Flagged overdue"),
    "overdue_cleared": lambda t, e: t.gettext("No longer overdue"),
    "letter": _letter,
    "cedaw": _cedaw,
    "redraw": _redraw,
    "draw": _draw,
    "withdrawals_sent": lambda t, e: t.ngettext(
        "Withdrawal sent to {n} open review",
        "Withdrawal sent to {n} open reviews",
        int(e.detail.get("reviews") or 0),
    ),
    "activity_failed": lambda t, e: t.gettext(
        "{activity} did not succeed: {message}",
        activity=e.detail.get("activity"),
        message=e.detail.get("message"),
    ),
    "timer_set": _timer_set,
    "timer_fired": _timer_fired,
    "review_started": _review_started,
    "items_drawn": lambda t, e: t.ngettext(
        "{n} recommendation to follow, with a progress report every {interval}",
        "{n} recommendations to follow, with a progress report every {interval}",
        len(e.detail.get("items") or []),
        interval=_duration(e.detail.get("interval_seconds"), t.language),
    ),
    "follow_up_started": lambda t, e: t.gettext(
        "Follow-up of the recommendations started ({workflow_id})",
        workflow_id=e.detail.get("workflow_id"),
    ),
    "review_start_failed": lambda t, e: t.gettext(
        "Review {workflow_id} could not start ({cause})",
        workflow_id=e.detail.get("workflow_id"),
        cause=e.detail.get("cause"),
    ),
}
