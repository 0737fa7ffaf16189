"""The timeline's sentences, written from each event's kind, detail and actor (audit/reader.py).

Kept apart from reading history so that one timeline can be said in English (the audit trail,
the export and its digest) and in the portal reader's language (en, fr, es: audit/phrases.py)
without reading the history again. Refusal reasons are quoted as the workflow wrote them.
"""

from __future__ import annotations

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
from napreview.audit.phrases import LANGUAGES, Phrases, phrases_for

STEP_LINE_VIA = ("signal", "update", "command")
_durations = TypeAdapter(timedelta)


def summarize(event: TimelineEvent, lang: str = "en", *, with_actor: bool = True) -> str:
    """One sentence for one event; ``with_actor=False`` leaves the person out (a table that
    shows them in a column of their own)."""
    p = phrases_for(lang)
    if event.detail.get("via") in STEP_LINE_VIA and "step" in event.detail:
        return _step_line(p, event, with_actor)
    render = _KINDS.get(event.kind)
    if render is None:
        return event.kind.replace("_", " ").capitalize()
    return render(p, event)


def localized(timeline: Timeline, lang: str) -> Timeline:
    """The same timeline with its sentences in another language; the digest stays that of the
    English timeline, which is what exports hold and verify."""
    if lang == "en" or lang not in LANGUAGES:
        return timeline
    events = [e.model_copy(update={"summary": summarize(e, lang)}) for e in timeline.events]
    return timeline.model_copy(update={"events": events})


def describe_actor(actor: dict[str, str | None] | None, lang: str = "en") -> str:
    """'fp.deu@example.org (focal point of DEU)'."""
    p = phrases_for(lang)
    if actor is None:
        return p.text["nobody_named"]
    role_key = actor.get("role") or ""
    role = p.roles.get(role_key) or (
        p.text["role_unknown"].format(role=role_key) if role_key else p.text["role_not_recorded"]
    )
    of = "member_is" if role_key and role_key not in p.roles else "of_member"
    member = p.text[of].format(member=actor["member"]) if actor.get("member") else ""
    who = actor.get("email") or p.text["person_gone"].format(person=actor.get("person_id"))
    return f"{who} ({role}{member})"


def describe_step(step: str, command: dict[str, Any], lang: str = "en") -> str:
    """What a step did, in words: 'Self-assessment submitted', 'Sign-off: approve'."""
    p = phrases_for(lang)
    reason = p.text["in_brackets"].format(text=command["reason"]) if command.get("reason") else ""
    steps = p.steps
    if step == "respond_to_recommendations":
        count = len(command.get("responses") or {})
        return steps["respond_n"].format(n=count) if count else steps["respond"]
    if step in ("replace_reviewer", "reassign_reviewer"):
        return steps[step].format(reviewer=command.get("reviewer", "")).replace("  ", " ")
    if step == "sign_off":
        decision = command.get("decision")
        said = (
            steps["sign_off_decision"].format(decision=p.decisions.get(decision, decision))
            if decision
            else steps["sign_off"]
        )
        comments = str(command.get("comments") or "")
        if comments:
            said += f" (“{comments[:80]}{'…' if len(comments) > 80 else ''}”)"
        return said
    if step == "extend":
        by = steps["extend_by"].format(by=command["by"]) if command.get("by") else ""
        return steps["extend"].format(by=by, reason=reason)
    if step in ("withdraw", "cancel", "cancel_cycle"):
        return steps["cancel" if step == "cancel_cycle" else step].format(reason=reason)
    if step in ("trust_key", "distrust_key"):
        return steps[step].format(key_id=command.get("key_id", ""))
    if step in steps:
        return steps[step]
    return p.text["no_such_step"].format(step=step)


def stage_name(stage: str | None, lang: str = "en") -> str:
    return phrases_for(lang).stages.get(stage or "", stage or "")


# --------------------------------------------------------------------------- steps


def _step_line(p: Phrases, event: TimelineEvent, with_actor: bool) -> str:
    d = event.detail
    if d.get("readable") is False:
        what = p.text["unreadable_step"].format(step=d["step"])
    else:
        command = dict(d)
        if d.get("step") == "extend" and d.get("by") is not None:
            command["by"] = _duration(d["by"], p.lang)
        what = describe_step(d["step"], command, p.lang)
    outcome = d.get("outcome")
    if outcome == REFUSED:
        said = p.text["refused"].format(reason=d.get("refusal", ""))
    elif outcome == ACCEPTED:
        said = p.text["accepted"]
    elif outcome == PENDING:
        said = p.text["in_progress"]
    elif outcome == IGNORED:
        said = p.text["ignored"]
    elif outcome == UNKNOWN:
        why = p.unknown.get(d.get("unknown_because") or "", p.unknown["no_replay"])
        said = p.text["unknown"].format(why=why)
    else:
        said = str(outcome)
    if not with_actor:
        return f"{what} — {said}"
    return f"{what} {sender(event, p.lang)} — {said}"


def sender(event: TimelineEvent, lang: str = "en") -> str:
    """Who sent a step, as far as it can be told: 'by X'; 'in the name of X' when its signature
    does not hold (X is only claimed); 'from an unknown sender' when it could not be read."""
    p = phrases_for(lang)
    d = event.detail
    unproven = d.get("signature") in ("unsigned", "fails")
    who = describe_actor(event.actor, p.lang) if event.actor else p.text["unknown_sender"]
    way = "from" if d.get("readable") is False else "in_the_name_of" if unproven else "by"
    return p.text[way].format(who=who)


def describe_duration(value: timedelta, lang: str = "en") -> str:
    """'14d', '2h', '90s' as people write them on the command line; '14 jours', '14 días'."""
    seconds = int(value.total_seconds())
    count, unit = seconds, "s"
    for name, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            count, unit = seconds // size, name
            break
    words = phrases_for(lang).units.get(unit)
    if words is None:
        return f"{count}{unit}"
    return f"{count}\u00a0{words[0] if count == 1 else words[1]}"


def _duration(value: Any, lang: str) -> str:
    try:
        return describe_duration(_durations.validate_python(value), lang)
    except ValidationError:
        return str(value)


# --------------------------------------------------------------------------- other events


def _started(p: Phrases, e: TimelineEvent) -> str:
    d = e.detail
    if "member_name" in d:
        return p.text["review_started"].format(
            member=p.member(d["member"], d["member_name"]),
            code=d["member"],
            cycle=d["cycle"],
            reviewers=", ".join(d.get("reviewers") or []) or p.text["none"],
            seed=d["seed"],
        )
    if "reviewers_per_member" in d:
        if d.get("continued"):
            return p.text["cycle_continued"].format(
                cycle=d["cycle"], started=d.get("started"), finished=d.get("finished")
            )
        members = d.get("members")
        return p.text["cycle_started"].format(
            cycle=d["cycle"],
            actor=describe_actor(e.actor, p.lang),
            members=p.text["n_members"].format(n=len(members))
            if members is not None
            else p.text["every_member"],
            n=d["reviewers_per_member"],
            seed=d["seed"],
            chair=d["chair"],
        )
    return p.text["workflow_started"].format(workflow_type=d.get("workflow_type", ""))


def _completed(p: Phrases, e: TimelineEvent) -> str:
    d = e.detail
    if "outcome" in d:
        return p.text["review_ended"].format(
            outcome=p.stages.get(str(d["outcome"]), d["outcome"]), rounds=d.get("rounds")
        )
    if "outcomes" in d:
        outcomes = ", ".join(
            f"{p.stages.get(k, k)}: {v}" for k, v in sorted((d["outcomes"] or {}).items())
        )
        return p.text["cycle_ended"].format(outcomes=outcomes or p.text["no_reviews"])
    return p.text["workflow_completed"]


def _terminated(p: Phrases, e: TimelineEvent) -> str:
    return p.text["terminated"].format(
        identity=e.detail.get("identity") or p.text["an_operator"],
        reason=e.detail.get("reason") or p.text["no_reason"],
    )


def _review_finished(p: Phrases, e: TimelineEvent) -> str:
    d = e.detail
    if d.get("readable") is False:
        return p.text["unreadable_finished"]
    outcome = p.stages.get(str(d.get("outcome")), d.get("outcome"))
    said = p.text["review_finished"].format(member=d.get("member"), outcome=outcome)
    if d.get("cedaw_rating"):
        said += f" (CEDAW {p.ratings.get(d['cedaw_rating'], d['cedaw_rating'])})"
    return said


def _letter(p: Phrases, e: TimelineEvent) -> str:
    d = e.detail
    recipient = d.get("recipient") or ""
    if not recipient:
        to = p.text["nobody_on_record"]
    elif "@" in recipient:
        to = recipient
    elif recipient == "secretariat":
        to = p.text["to_secretariat"]
    else:
        to = p.text["to_focal_point"].format(member=recipient)
    deadline = p.text["deadline"].format(date=_day(d["deadline"], p)) if d.get("deadline") else ""
    return p.text["letter"].format(
        letter=p.letters.get(d.get("kind", ""), d.get("kind", "")),
        to=to,
        deadline=deadline,
        sha=str(d.get("sha256", ""))[:12],
    )


def _redraw(p: Phrases, e: TimelineEvent) -> str:
    d = e.detail
    relaxed = p.text["relaxed"].format(rules=", ".join(d["relaxed"])) if d.get("relaxed") else ""
    return p.text["redraw"].format(
        previous=d["previous"],
        why=p.leaving.get(d["why"], d["why"]),
        chosen=d["chosen"],
        seed=d["seed"],
        relaxed=relaxed,
    )


def _timer_fired(p: Phrases, e: TimelineEvent) -> str:
    return p.text[
        {"reminder": "reminder_due", "overdue": "deadline_passed"}.get(
            e.detail.get("notice") or "", "timer_fired"
        )
    ]


def _timer_set(p: Phrases, e: TimelineEvent) -> str:
    fires = datetime.fromisoformat(e.detail["fires_at"])
    when = p.text["day_at"].format(day=_day(fires.date().isoformat(), p), time=f"{fires:%H:%M}")
    return p.text["timer_set"].format(when=when)


def _day(value: str, p: Phrases) -> str:
    """A date as the language writes it ('27 janvier 2027'); English keeps ISO 8601."""
    if p.lang == "en":
        return value
    from babel.dates import format_date

    try:
        return str(format_date(date.fromisoformat(value), format="long", locale=p.lang))
    except ValueError:
        return value


def _review_started(p: Phrases, e: TimelineEvent) -> str:
    d = e.detail
    if "member" not in d:
        return p.text["child_started"].format(workflow_id=d.get("workflow_id"))
    return p.text["child_review_started"].format(
        member=d["member"], reviewers=", ".join(d.get("reviewers") or []), seed=d.get("seed")
    )


def _simple(key: str, **fields: str) -> Any:
    def render(p: Phrases, e: TimelineEvent) -> str:
        values = {name: e.detail.get(source) for name, source in fields.items()}
        return p.text[key].format(**values)

    return render


def _cedaw(p: Phrases, e: TimelineEvent) -> str:
    d = e.detail
    return p.text["cedaw"].format(
        rating=p.ratings.get(d.get("rating", ""), d.get("rating")),
        gaps=d.get("gaps"),
        findings=d.get("findings"),
    )


def _stage(p: Phrases, e: TimelineEvent) -> str:
    return p.text["stage"].format(
        stage=p.stages.get(e.detail["stage"], e.detail["stage"]), round=e.detail["round"]
    )


def _draw(p: Phrases, e: TimelineEvent) -> str:
    d = e.detail
    return p.text["draw"].format(
        n=len(d.get("members") or []),
        seed=d.get("seed"),
        sha=str(d.get("draw_sha256", ""))[:12],
        relaxations=d.get("relaxations"),
    )


_KINDS = {
    "started": _started,
    "completed": _completed,
    "failed": _simple("workflow_failed", message="message"),
    "terminated": _terminated,
    "cancelled": _simple("workflow_cancelled"),
    "timed_out": _simple("workflow_timed_out"),
    "continued_as_new": _simple("continued_as_new", run="new_run_id"),
    "workflow_task_failed": _simple("workflow_task_failed", message="message"),
    "review_finished": _review_finished,
    "stage": _stage,
    "overdue": _simple("overdue"),
    "overdue_cleared": _simple("overdue_cleared"),
    "letter": _letter,
    "cedaw": _cedaw,
    "redraw": _redraw,
    "draw": _draw,
    "withdrawals_sent": _simple("withdrawals_sent", n="reviews"),
    "activity_failed": _simple("activity_failed", activity="activity", message="message"),
    "timer_set": _timer_set,
    "timer_fired": _timer_fired,
    "review_started": _review_started,
    "review_start_failed": _simple("child_failed", workflow_id="workflow_id", cause="cause"),
}
