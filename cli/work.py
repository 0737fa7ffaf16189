"""A person's own work: `tasks`, `documents show` and `respond` (issue #8), each one call into
services/ that the portal makes too."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from napreview.cli.common import (
    AS_OPTION,
    JSON_OPTION,
    acting,
    client,
    console,
    describe_deadline,
    handled,
    parse_duration,
    print_json,
    print_table,
    run,
    say,
    store,
    words,
)

if TYPE_CHECKING:  # services (the Temporal client, the store) and models: inside the commands
    from napreview.schemas.review import StepTaken
    from napreview.services import documents, tasks

documents_app = typer.Typer(
    help="Read a review's documents; sweep those no review took.", no_args_is_help=True
)


class DocumentChoice(StrEnum):
    SELF_ASSESSMENT = "self-assessment"
    PEER_REVIEW = "peer-review"


_TASK_WORDS = {  # by services.tasks.TaskKind
    "self_assessment": "Submit the self-assessment",
    "revision": "Revise the self-assessment (returned)",
    "peer_review": "Write the peer review",
    "recommendations": "Answer the peer recommendations",
    "sign_off": "Sign off",
    "overdue": "Overdue",
    "progress_report": "Send the follow-up's progress report",
    "acknowledgement": "Acknowledge a progress report",
}


def _when(task: tasks.Task) -> str:
    if task.deadline is None:
        return ""
    return describe_deadline(task.deadline) + (" (overdue)" if task.overdue else "")


def tasks_command(as_: str | None = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """What waits for the acting person, overdue first."""
    from napreview.services import tasks

    actor = acting(as_)

    async def fetch() -> tasks.WorkList:
        return await tasks.work_list(store(), actor, client)

    result = run(fetch())
    if as_json:
        print_json(result)
        return
    if not result.tasks:
        console.print(f"Nothing waits for {actor.email}.")
        return
    print_table(
        f"Waiting for {actor.email}",
        ("What", "Cycle", "Member", "Stage", "Deadline", "Note"),
        (
            (
                _TASK_WORDS[task.kind],
                task.cycle,
                task.member,
                words(task.stage),
                _when(task),
                task.comments or (f"{task.count} to answer" if task.count else ""),
            )
            for task in result.tasks
        ),
        whole=("Cycle", "Member"),
    )


@documents_app.command("sweep")
@handled
def documents_sweep(
    older_than: str = typer.Option(
        "7d", "--older-than", help="Grace period: only documents stored longer ago, e.g. 7d"
    ),
    as_: str | None = AS_OPTION,
) -> None:
    """Remove the submitted documents no review took (a step whose sender gave up, a retry
    that stored its document again), once older than the grace period (secretariat). Each
    review with such a document is asked first whether it holds it."""
    from napreview.services import documents

    grace = parse_duration(older_than, "--older-than")

    async def sweep() -> documents.Swept:
        held = documents.held_by_reviews(await client())
        return await documents.sweep(store(), acting(as_), held, grace)

    swept = run(sweep())
    console.print(
        f"{_documents(swept.removed)} no review took, stored before "
        f"{swept.before:%Y-%m-%d %H:%M} UTC, removed.",
        highlight=False,
    )
    if swept.taken:
        console.print(
            f"{_documents(swept.taken)} held by their review although the store had not "
            "recorded it: kept, and now recorded.",
            highlight=False,
        )
    if swept.unasked:
        console.print(
            f"{_documents(swept.unasked)} kept: their review did not answer (is a worker "
            "running?). They will be looked at again by the next sweep.",
            highlight=False,
        )


def _documents(n: int) -> str:
    return f"{n} document{'s' if n != 1 else ''}"


@documents_app.command("show")
@handled
def documents_show(
    cycle: str,
    member: str,
    document: DocumentChoice,
    reviewer: str | None = typer.Option(None, "--reviewer", help="Whose peer review"),
    round_: int | None = typer.Option(None, "--round", min=1, help="Self-assessment round"),
    as_: str | None = AS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """A submitted document, for those who may read it (others: exit 3, recorded)."""
    from napreview.schemas.submissions import DocumentKind
    from napreview.services import documents

    actor = acting(as_)
    kind = (
        DocumentKind.SELF_ASSESSMENT
        if document is DocumentChoice.SELF_ASSESSMENT
        else DocumentKind.PEER_REVIEW
    )

    async def fetch() -> documents.DocumentView:
        return await documents.show_document(
            await client(), store(), actor, cycle, member, kind, reviewer, round_
        )

    view = run(fetch())
    if kind is not DocumentKind.SELF_ASSESSMENT:
        if as_json:
            print_json(view)
        else:
            _print_peer_review(view)
        return
    from napreview.services.next_cycle import previous_items

    # Beside a self-assessment, its reviewers see what became of the earlier recommendations.
    previous = previous_items(store(), view.member, view.cycle)
    if as_json:
        shown = view.model_dump(mode="json")
        print_json({**shown, "previous_recommendations": [v.as_json() for v in previous]})
        return
    _print_self_assessment(view)
    if previous:
        rows = [[v.cycle, v.key, words(v.status), v.text] for v in previous]
        print_table(
            "Recommendations of earlier reviews and what became of them",
            ["Cycle", "Item", "Status", "Recommendation"],
            rows,
            ["Item"],
        )


def _print_self_assessment(view: documents.DocumentView) -> None:
    from napreview.schemas.recommendations import RECOMMENDATIONS
    from napreview.schemas.submissions import SelfAssessment

    sa = SelfAssessment.model_validate(view.body)
    nap = sa.nap
    console.print(
        f"[bold]Self-assessment of {view.member}[/bold], cycle {view.cycle}, round {view.round} "
        f"(submitted {view.submitted_at:%Y-%m-%d %H:%M} UTC, SHA-256 {view.sha256[:16]}…)"
    )
    console.print(
        f"NAP {nap.iteration}: {nap.title} ({nap.period_start} to {nap.period_end}); "
        f"lead: {nap.lead_agency}; pillars: {', '.join(p.value for p in nap.pillars)}",
        markup=False,
    )
    console.print(
        f"CEDAW articles cited: {', '.join(nap.cedaw.articles_cited) or 'none'}; "
        f"GR30 cited: {'yes' if nap.cedaw.cites_gr30 else 'no'}",
        markup=False,
    )
    table = Table(title="The 24 recommendations")
    for column in ("Id", "Recommendation", "Status", "Evidence"):
        table.add_column(column, overflow="fold")
    for item in sa.recommendations:
        table.add_row(
            item.id,
            RECOMMENDATIONS.get(item.id, ""),  # the 2018 set's wording; another set's: none yet
            item.status.value.replace("_", " "),
            item.evidence,
        )
    console.print(table)


def _print_peer_review(view: documents.DocumentView) -> None:
    from napreview.schemas.submissions import PeerReview

    review = PeerReview.model_validate(view.body)
    console.print(
        f"[bold]Peer review of {view.member} by {view.reviewer}[/bold], cycle {view.cycle} "
        f"(submitted {view.submitted_at:%Y-%m-%d %H:%M} UTC)"
    )
    r = review.ratings
    console.print(
        f"Participation: {r.participation.value}; accountability: {r.accountability.value}; "
        f"alliances: {r.alliances.value}"
    )
    if review.comments:
        console.print(review.comments, markup=False)
    for n, text in enumerate(review.recommendations, start=1):
        console.print(f"  {view.reviewer}#{n}  {text}", markup=False)


def respond_command(
    cycle: str,
    member: str,
    file: Path | None = typer.Argument(None, help="JSON answers (optional)"),
    supported: str = typer.Option("", "--supported", help="Keys, e.g. FRA#1,MEX#2"),
    noted: str = typer.Option("", "--noted", help="Keys, e.g. JPN#1"),
    as_: str | None = AS_OPTION,
) -> None:
    """Answer the peer recommendations: supported or noted (the member's focal point)."""
    from napreview.services import documents, steps

    document = documents.read_responses_file(file) if file else None
    answers = documents.parse_responses(
        [k for k in supported.split(",") if k.strip()],
        [k for k in noted.split(",") if k.strip()],
        document,
    )
    actor = acting(as_)

    async def send() -> StepTaken:
        temporal = await client()
        answered = await steps.settled(
            temporal, await documents.respond(temporal, store(), cycle, member, actor, answers)
        )
        left = answered.unanswered or []
        say(
            f"{len(answers)} answer(s) recorded. "
            + (
                f"Still unanswered: {', '.join(left)}."
                if left
                else "Every recommendation is answered."
            )
        )
        return answered

    from napreview.cli.review import done

    done(run(send()), "")


def register(app: typer.Typer) -> None:
    app.command("tasks")(handled(tasks_command))
    app.add_typer(documents_app, name="documents")
    app.command("respond")(handled(respond_command))
