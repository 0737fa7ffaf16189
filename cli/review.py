"""A member's review: show it, and every step a person takes on it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from napreview.cli.common import (
    AS_OPTION,
    EXIT_UNEXPECTED,
    EXIT_USAGE,
    JSON_OPTION,
    acting,
    client,
    console,
    describe_day,
    describe_deadline,
    describe_duration,
    fail,
    handled,
    parse_span,
    print_json,
    run,
    say,
    store,
    words,
)
from napreview.schemas.stages import ReviewerStatus, Waiting

if TYPE_CHECKING:  # the review's models load inside the commands that send or read one
    from pydantic import BaseModel

    from napreview.schemas.members import Actor
    from napreview.schemas.review import Command, ReviewState, SignOff, StepTaken
    from napreview.services.installation import Store
    from napreview.services.repair import TaskFailing

review_app = typer.Typer(help="One member's review.", no_args_is_help=True)
submit_app = typer.Typer(
    help="Submit a document (JSON; see 'napreview schema').", no_args_is_help=True
)
reviewers_app = typer.Typer(help="Change a member's review troika.", no_args_is_help=True)


def show_json(state: ReviewState) -> dict[str, Any]:
    """The §10.2 shape, with refusals from the review and from the store in time order."""
    from napreview.services.documents import cedaw_result
    from napreview.services.refusals import recorded_refusals

    s = store()
    cedaw = None
    if state.cedaw:
        result = cedaw_result(s, state.cedaw.result_id)
        cedaw = {
            "rating": result.rating.value,
            "findings": [f.model_dump(mode="json") for f in result.findings],
        }
    rejected = [r.model_dump(mode="json") for r in state.rejected]
    rejected += [
        {
            "at": r.at.isoformat(),
            "actor": r.actor,
            "step": r.step,
            "reason": r.reason,
            "code": r.why.code if r.why else None,
            "params": r.why.params if r.why else {},
        }
        for r in recorded_refusals(s, state.cycle, state.member)
    ]
    rejected.sort(key=lambda r: r["at"])
    _name_people(s, rejected, "actor")
    return {
        "cycle": state.cycle,
        "member": state.member,
        "stage": state.stage.value,
        "round": state.round,
        "overdue": state.overdue,
        "deadline": state.deadline.due.isoformat() if state.deadline else None,
        "reviewers": [
            {
                "member": slot.member,
                "submitted": slot.document is not None,
                "status": slot.status.value,
                "overdue": slot.overdue,
                "deadline": slot.deadline.due.isoformat() if slot.deadline else None,
            }
            for slot in state.reviewers
        ],
        "cedaw": cedaw,
        "letters": [letter.id for letter in state.letters],
        "letter_details": _letters(state),
        "rejected": rejected,
        "extensions": _with_people(s, state.extensions),
        "redraws": [r.model_dump(mode="json") for r in state.redraws],
        "sign_offs": _with_people(s, state.sign_offs),
        "peer_reviews": _peer_reviews(state),
        "responses": {k: v.value for k, v in state.responses.items()},
        "answers_due": state.answers_due.isoformat() if state.answers_due else None,
        "noted_by_default": state.noted_by_default,
    }


def _with_people(s: Store, records: Sequence[BaseModel]) -> list[dict[str, Any]]:
    """Records as JSON, each with ``by_email`` beside ``by``."""
    shown = [r.model_dump(mode="json") for r in records]
    _name_people(s, shown, "by")
    return shown


def _name_people(s: Store, records: list[dict[str, Any]], field: str) -> None:
    """``<field>_email`` beside ``field``, whose first word is a person id: history keeps the
    opaque id only ('p-… (secretariat)'), so the store says who that is."""
    from napreview.services.users import emails

    ids = {record[field].split(" ", 1)[0] for record in records if record.get(field)}
    people = emails(s, sorted(ids))
    for record in records:
        record[f"{field}_email"] = people.get((record.get(field) or "").split(" ", 1)[0])


def _person(record: dict[str, Any], field: str) -> str:
    """The record's person for a reader: the email in place of the id where it is known."""
    said, email = record[field], record.get(f"{field}_email")
    return said.replace(said.split(" ", 1)[0], email, 1) if email else said


def _letters(state: ReviewState) -> list[dict[str, Any]]:
    """The review's letters with their kind, recipient and delivery, in the order sent."""
    from napreview.services.letters import of_review

    rows = of_review(store(), state.cycle, state.member)
    shown = []
    for ref in state.letters:
        row = rows.get(ref.id)
        shown.append(
            {
                "id": ref.id,
                "kind": ref.kind.value,
                "to": ref.recipient,
                "recipient": row.recipient if row else None,
                "recipient_name": row.recipient_name if row else None,
                "created_at": row.created_at.isoformat() if row else None,
                "delivery": row.delivery_state if row else None,
            }
        )
    return shown


def _peer_reviews(state: ReviewState) -> list[dict[str, Any]]:
    """Each submitted peer review with its ratings and recommendations (keyed as `respond`
    takes them) and the member's answers."""
    from napreview.services.documents import peer_recommendations, peer_reviews

    answers = {r.key: r.response for r in peer_recommendations(store(), state)}
    shown = []
    for reviewer, review in peer_reviews(store(), state):
        shown.append(
            {
                "reviewer": reviewer,
                "ratings": review.ratings.model_dump(mode="json"),
                "comments": review.comments,
                "recommendations": [
                    {
                        "key": key,
                        "text": text,
                        "response": answer.value if (answer := answers.get(key)) else None,
                    }
                    for key, text in (
                        (f"{reviewer}#{n}", text)
                        for n, text in enumerate(review.recommendations, start=1)
                    )
                ],
            }
        )
    return shown


def _when(at: datetime) -> str:
    """A moment in the reader's own time zone: 28 Dec 2026 14:05."""
    local = at.astimezone()
    return f"{describe_day(local.date())} {local:%H:%M}"


def _print_state(state: ReviewState) -> None:
    from napreview.services.members import get

    data = show_json(state)
    name = get(store(), state.member).name
    overdue = " [red](overdue)[/red]" if state.overdue else ""
    console.print(
        f"[bold]{name}[/bold] in cycle {state.cycle}: "
        f"{words(state.stage)}, round {state.round}{overdue}",
        highlight=False,
    )
    due = next_deadline(state)
    if due:
        console.print(f"{due[0]}: {describe_deadline(due[1])}", highlight=False)
    table = Table(title="Review troika")
    for column in ("Reviewer", "Status", "Deadline"):
        table.add_column(column)
    for slot in state.reviewers:
        status = slot.status.value + (" (overdue)" if slot.overdue else "")
        waiting = slot.deadline is not None and slot.status is ReviewerStatus.ACTIVE
        shown = describe_deadline(slot.deadline.due) if slot.deadline and waiting else ""
        table.add_row(slot.member, status, shown)
    console.print(table)
    if data["cedaw"]:
        findings = data["cedaw"]["findings"]
        counted = f"{len(findings)} finding(s)" if findings else "no findings"
        console.print(
            f"CEDAW linkage: {data['cedaw']['rating'].replace('_', ' ')}, {counted}",
            highlight=False,
        )
    for review in data["peer_reviews"]:
        ratings = ", ".join(f"{k} {v}" for k, v in review["ratings"].items())
        console.print(f"Peer review by {review['reviewer']}: {ratings}", markup=False)
        if review["comments"]:
            console.print(f"  {review['comments']}", markup=False)
        for rec in review["recommendations"]:
            answer = rec["response"] or "not answered"
            console.print(f"  {rec['key']} [{answer}] {rec['text']}", markup=False)
    for decision, shown in zip(state.sign_offs, data["sign_offs"], strict=True):
        say(
            f"Sign-off round {decision.round}: {words(decision.decision)} by "
            f"{_person(shown, 'by')} on {_when(decision.at)}"
            + (f" — {decision.comments}" if decision.comments else "")
        )
    letters = data["letter_details"]
    console.print("Letters:" if letters else "Letters: none yet", highlight=False)
    for letter in letters:
        to = letter["recipient"] or letter["to"]
        if letter["recipient_name"]:
            to = f"{letter['recipient_name']} <{to}>"
        sent = ""
        if letter["created_at"]:
            sent = f", {_when(datetime.fromisoformat(letter['created_at']))}"
        delivery = f", {letter['delivery']}" if letter["delivery"] else ""
        say(f"  {words(letter['kind'])} to {to}{sent}{delivery} (letters show {letter['id']})")
    for refusal in data["rejected"]:
        say(
            f"Refused {_when(datetime.fromisoformat(refusal['at']))}: {refusal['step']} by "
            f"{_person(refusal, 'actor')} — {refusal['reason']}"
        )


WAITING = {
    Waiting.SELF_ASSESSMENT: "Self-assessment due",
    Waiting.PEER_REVIEWS: "Peer reviews due",
    Waiting.ANSWERS: "Answers to the peer recommendations due",
    Waiting.SIGN_OFF: "Sign-off due",
}


def next_deadline(state: ReviewState) -> tuple[str, datetime] | None:
    """What the review waits for next and by when (workflows/review_steps.waiting_for)."""
    from napreview.workflows.review_steps import waiting_for

    waiting = waiting_for(state)
    return (WAITING[waiting[0]], waiting[1]) if waiting else None


@review_app.command("show")
@handled
def review_show(
    cycle: str, member: str, as_json: bool = JSON_OPTION, as_: str | None = AS_OPTION
) -> None:
    """Where a review stands: stage, round, reviewers, peer reviews, CEDAW rating, sign-off
    decisions, letters, refusals; for those who may read the review (the secretariat,
    auditors, the member's focal point and its reviewers')."""
    from napreview.services.access import require_review
    from napreview.services.members import get

    actor = acting(as_)
    code = get(store(), member).code
    require_review(store(), actor, cycle, code)

    async def query() -> tuple[ReviewState | None, TaskFailing | None]:
        from temporalio.client import WorkflowQueryFailedError

        from napreview.services import steps
        from napreview.services.repair import not_replaying, task_failing
        from napreview.workflows.contract import review_workflow_id

        temporal = await client()
        failing = await task_failing(temporal, review_workflow_id(cycle, code))
        if failing is not None:
            return None, failing  # it cannot answer: a query would wait for its timeout
        try:
            return await steps.review_state(temporal, cycle, code), None
        except WorkflowQueryFailedError as err:
            found = not_replaying(err)
            if found is None:
                raise
            return None, found

    state, failing = run(query())
    if as_json:
        shown = show_json(state) if state else {"cycle": cycle, "member": code}
        print_json({**shown, "task_failing": failing.as_json() if failing else None})
    elif state:
        _print_state(state)
    if failing and not as_json:
        say(failing.status_line(get(store(), code).name, cycle, code))
    if state is None:
        raise fail(EXIT_UNEXPECTED, "Where the review stands cannot be read until it is repaired.")


@review_app.command("repair")
@handled
def review_repair(cycle: str, member: str, as_: str | None = AS_OPTION) -> None:
    """Repair a review whose workflow task keeps failing, or whose history no longer replays
    (secretariat): reset it to its last good workflow task; what came after runs again and
    nothing a person sent is lost."""
    from napreview.services.members import get

    actor = acting(as_)
    found = get(store(), member)

    async def repair() -> str:
        from napreview.services.repair import repair_review

        repaired = await repair_review(await client(), store(), actor, cycle, found.code)
        return repaired.describe(found.name)

    say(run(repair()))


def _step(cycle: str, member: str, step: str, make: Any, as_: str | None) -> StepTaken:
    from napreview.services.members import get

    actor = acting(as_)
    code = get(store(), member).code
    command: Command = make(actor)

    async def send() -> StepTaken:
        from napreview.services import steps

        temporal = await client()
        answered = await steps.review_step(temporal, store(), cycle, code, step, command)
        return await steps.settled(temporal, answered)

    return run(send())


def done(answer: StepTaken, what: str) -> None:
    """What the step did, then where the review stands after it and what it waits for."""
    from napreview.services.members import get

    name = get(store(), answer.member).name
    at = "" if answer.stage.terminal else "at "
    where = f"{at}{words(answer.stage)} (round {answer.round})"
    due = (WAITING[answer.waits_for], answer.due) if answer.waits_for and answer.due else None
    tail = f"; {due[0].lower()} {describe_deadline(due[1])}" if due else ""
    now = f"The review of {name} is now {where}{tail}."
    say(f"{what} {now}" if what else now)


@review_app.command("extend")
@handled
def review_extend(
    cycle: str,
    member: str,
    by: str = typer.Option(..., "--by", help="e.g. 14d"),
    reason: str = typer.Option(..., "--reason"),
    as_: str | None = AS_OPTION,
) -> None:
    """Move the current stage's deadline (secretariat)."""
    from napreview.schemas.review import Extend

    delta = parse_span(by, "--by")
    answer = _step(cycle, member, "extend", lambda a: Extend(actor=a, by=delta, reason=reason), as_)
    extension = answer.extension
    assert extension is not None
    done(
        answer,
        f"Deadline of the {words(extension.stage)} extended by {describe_duration(delta)}: "
        f"now {describe_deadline(extension.new_deadline)}.",
    )


@review_app.command("remind")
@handled
def review_remind(cycle: str, member: str, as_: str | None = AS_OPTION) -> None:
    """Send the reminder of the current deadline now (secretariat): to the member's focal
    point for the self-assessment, to each reviewer still to submit in peer review. The
    reminders sent on their own before each deadline still go out."""
    from napreview.schemas.review import Remind

    answer = _step(cycle, member, "remind", lambda a: Remind(actor=a), as_)
    done(answer, "Reminder sent.")


@review_app.command("withdraw")
@handled
def review_withdraw(
    cycle: str,
    member: str,
    reason: str = typer.Option(..., "--reason"),
    as_: str | None = AS_OPTION,
) -> None:
    """Withdraw a review at any stage (secretariat); a withdrawal letter goes to the member."""
    from napreview.schemas.review import Withdraw

    state = _step(cycle, member, "withdraw", lambda a: Withdraw(actor=a, reason=reason), as_)
    done(state, "Withdrawn.")


@submit_app.command("self-assessment")
@handled
def submit_self_assessment(
    cycle: str, member: str, file: Path, as_: str | None = AS_OPTION
) -> None:
    """Submit a member's self-assessment (its focal point)."""
    from napreview.schemas.submissions import SelfAssessment
    from napreview.services import steps

    document = steps.read_document(file, SelfAssessment)
    actor = acting(as_)

    async def send() -> StepTaken:
        temporal = await client()
        answered = await steps.submit_self_assessment(
            temporal, store(), cycle, member, actor, document
        )
        return await steps.settled(temporal, answered)

    done(run(send()), "Self-assessment received.")


@submit_app.command("peer-review")
@handled
def submit_peer_review(cycle: str, member: str, file: Path, as_: str | None = AS_OPTION) -> None:
    """Submit a peer review of MEMBER; the reviewer is the acting person's member."""
    from napreview.schemas.submissions import PeerReview
    from napreview.services import steps

    document = steps.read_document(file, PeerReview)
    actor = acting(as_)

    async def send() -> StepTaken:
        temporal = await client()
        answered = await steps.submit_peer_review(temporal, store(), cycle, member, actor, document)
        return await steps.settled(temporal, answered)

    done(run(send()), "Peer review received.")


@reviewers_app.command("replace")
@handled
def reviewers_replace(cycle: str, member: str, reviewer: str, as_: str | None = AS_OPTION) -> None:
    """The reviewed member's one substitution of a reviewer per cycle."""
    from napreview.schemas.review import ReplaceReviewer
    from napreview.services.members import get

    code = get(store(), reviewer).code
    state = _step(
        cycle, member, "replace_reviewer", lambda a: ReplaceReviewer(actor=a, reviewer=code), as_
    )
    _changed(state)


@reviewers_app.command("recuse")
@handled
def reviewers_recuse(cycle: str, member: str, as_: str | None = AS_OPTION) -> None:
    """The acting reviewer steps down from reviewing MEMBER."""
    from napreview.schemas.review import Recuse

    state = _step(cycle, member, "recuse", lambda a: Recuse(actor=a), as_)
    _changed(state)


@reviewers_app.command("reassign")
@handled
def reviewers_reassign(cycle: str, member: str, reviewer: str, as_: str | None = AS_OPTION) -> None:
    """Replace a reviewer that does not respond (secretariat)."""
    from napreview.schemas.review import ReassignReviewer
    from napreview.services.members import get

    code = get(store(), reviewer).code
    state = _step(
        cycle, member, "reassign_reviewer", lambda a: ReassignReviewer(actor=a, reviewer=code), as_
    )
    _changed(state)


def _changed(answer: StepTaken) -> None:
    redraw = answer.redraw
    assert redraw is not None
    console.print(
        f"{redraw.previous} leaves the review troika of {answer.member}; "
        f"{redraw.chosen} was drawn in its place (seed {redraw.seed})."
    )


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
    app.add_typer(submit_app, name="submit")
    app.add_typer(reviewers_app, name="reviewers")

    @app.command("sign-off")
    @handled
    def sign_off(
        cycle: str,
        member: str,
        approve: bool = typer.Option(False, "--approve"),
        return_: bool = typer.Option(False, "--return", help="Return for revision"),
        comments: str = typer.Option("", "--comments"),
        as_: str | None = AS_OPTION,
    ) -> None:
        """The secretariat's decision: approve, or return for revision."""
        from napreview.schemas.review import Decision, SignOff

        if approve == return_:
            raise fail(EXIT_USAGE, "Give exactly one of --approve or --return.")
        decision = Decision.APPROVE if approve else Decision.RETURN_FOR_REVISION

        def make(actor: Actor) -> SignOff:
            return SignOff(actor=actor, decision=decision, comments=comments)

        state = _step(cycle, member, "sign_off", make, as_)
        done(state, "Approved." if approve else "Returned for revision.")
