"""Review cycles: the troika draw, starting, watching and cancelling a cycle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from napreview.cli.common import (
    AS_OPTION,
    JSON_OPTION,
    acting,
    check_acting,
    client,
    console,
    handled,
    member_codes,
    parse_span,
    print_json,
    run,
    say,
    settings,
    store,
    words,
)
from napreview.schemas.recommendations import DEFAULT_SET
from napreview.schemas.stages import Stage
from napreview.services.errors import StepRefused
from napreview.services.overview import CycleStatus

if TYPE_CHECKING:
    from napreview.schemas.members import Member
    from napreview.schemas.review import Durations
    from napreview.services.repair import TaskFailing
    from napreview.workflows.troika import TroikaDraw

troika_app = typer.Typer(help="The review troika (peer reviewers).", no_args_is_help=True)
cycle_app = typer.Typer(help="Review cycles.", no_args_is_help=True)

MEMBERS_OPTION = typer.Option("all", "--members", help="'all' or codes separated by commas")
REVIEWERS_OPTION = typer.Option(3, "--reviewers", min=1, max=10, help="Reviewers per member")


@troika_app.command("draw")
@handled
def troika_draw(
    cycle: str,
    seed: int = typer.Option(..., "--seed"),
    members: str = MEMBERS_OPTION,
    reviewers: int = REVIEWERS_OPTION,
    as_json: bool = JSON_OPTION,
    as_: str | None = AS_OPTION,
) -> None:
    """Show the draw a cycle started today would make with this seed; starts nothing."""
    from napreview.schemas.text import today
    from napreview.services.members import taking_part
    from napreview.workflows.troika import TroikaError, draw_digest, draw_troika

    check_acting(as_)
    s = store()
    pool = taking_part(s, member_codes(members), today())
    try:
        draw = draw_troika(pool, seed, reviewers)
    except TroikaError as err:
        raise StepRefused(str(err)) from None
    if as_json:
        print_json(
            {
                "cycle": cycle,
                "seed": seed,
                "reviewers": draw.reviewers,
                "relaxed": draw.relaxed,
                "sha256": draw_digest(draw),
            }
        )
        return
    names = {m.code: m.name for m in pool}
    table = Table(title=f"Review troika for cycle {cycle} (seed {seed})")
    table.add_column("Member")
    table.add_column("Reviewers")
    table.add_column("Rules relaxed")
    for member, drawn in draw.reviewers.items():
        table.add_row(f"{member} {names[member]}", ", ".join(drawn), _relaxed(draw, member))
    console.print(table)
    _explain_relaxations(draw)
    console.print(f"Digest {draw_digest(draw)}")


def _relaxed(draw: TroikaDraw, member: str) -> str:
    from napreview.workflows.troika import explain_relaxed

    return explain_relaxed(draw.relaxed.get(member, []))


def _explain_relaxations(draw: TroikaDraw) -> None:
    from napreview.workflows.troika import WHY_RELAXED

    if draw.relaxed:
        say(
            f"Rules relaxed for {len(draw.relaxed)} of {len(draw.reviewers)} members. "
            + WHY_RELAXED
        )


def _durations(**given: str) -> Durations:
    """The cycle's durations, each named by its option when it is not one (at most three
    years, like every duration a review keeps)."""
    from napreview.schemas.review import Durations

    return Durations(
        **{field: parse_span(text, "--" + field.replace("_", "-")) for field, text in given.items()}
    )


@cycle_app.command("start")
@handled
def cycle_start(
    cycle: str,
    members: str = MEMBERS_OPTION,
    reviewers: int = REVIEWERS_OPTION,
    seed: int | None = typer.Option(None, "--seed", help="Default: derived from the cycle id"),
    chair: str | None = typer.Option(
        None, "--chair", help="Default: the Chair recorded for the cycle's year"
    ),
    self_assessment: str = typer.Option("60d", "--self-assessment"),
    peer_review: str = typer.Option("30d", "--peer-review"),
    sign_off: str = typer.Option("14d", "--sign-off"),
    reminder: str = typer.Option("7d", "--reminder"),
    responses: str = typer.Option(
        "14d",
        "--responses",
        help="How long a member has to answer the peer recommendations once all are in",
    ),
    own_group: str = typer.Option(
        "", "--own-group", help="Codes of members that asked for one reviewer of their own group"
    ),
    recommendation_set: str = typer.Option(
        DEFAULT_SET,
        "--recommendation-set",
        help="The set of the Network's recommendations the self-assessments answer",
    ),
    as_: str | None = AS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Start a cycle: draw the review troika among the members of the Network today and start
    one review per member."""
    durations = _durations(
        self_assessment=self_assessment,
        peer_review=peer_review,
        sign_off=sign_off,
        reminder=reminder,
        responses=responses,
    )
    from napreview.schemas.review import CycleSettings
    from napreview.services import members as network_members
    from napreview.services.network import chair_of_cycle

    actor = acting(as_)
    s = store()
    codes = member_codes(members)
    chair_code = network_members.get(s, chair).code if chair else chair_of_cycle(s, cycle)
    seed_value = seed if seed is not None else int.from_bytes(cycle.encode()[:6], "big")
    cycle_settings = CycleSettings(
        cycle=cycle,
        members=codes,
        reviewers_per_member=reviewers,
        seed=seed_value,
        chair=chair_code,
        durations=durations,
        started_by=actor,
        own_group_requests=[
            network_members.get(s, c).code for c in own_group.split(",") if c.strip()
        ],
        recommendation_set=recommendation_set,
    )

    async def start() -> tuple[str, TroikaDraw]:
        from napreview.services import cycles

        return await cycles.start_cycle_with_draw(
            await client(), s, cycle_settings, settings().task_queue
        )

    workflow_id, draw = run(start())
    count = len(draw.reviewers)
    if as_json:
        print_json(
            {
                "cycle": cycle,
                "workflow_id": workflow_id,
                "members": count,
                "seed": seed_value,
                "chair": chair_code,
                "relaxed": draw.relaxed,
            }
        )
        return
    console.print(
        f"Cycle {cycle} started for {count} members (seed {seed_value}, Chair {chair_code}).",
        highlight=False,
    )
    for member in sorted(draw.relaxed):
        say(f"  {member}: {_relaxed(draw, member)}")
    _explain_relaxations(draw)
    _names_pending(network_members.get_many(s, sorted(draw.reviewers)))
    who = f" --as {as_}" if as_ else ""
    console.print(f"Follow it with: napreview cycle status {cycle}{who}", highlight=False)


def _names_pending(members: list[Member]) -> None:
    """Say which members' letters in French or Spanish will name them in English."""
    from napreview.cli.registry import missing_names, missing_words

    for member in members:
        for language in missing_names(member):
            say(missing_words(member, language))


class StatusAnswer(CycleStatus):
    """`cycle status --json`: the status, whose reviews it shows (a focal point's member, or
    null for the whole cycle), and with --live the reviews whose workflow task is failing."""

    scope: str | None
    task_failing: dict[str, Any] | None


SHOWN_LINES = 200  # a table longer than a screen or two is read better with --json or --stage


@cycle_app.command("status")
@handled
def cycle_status(
    cycle: str,
    stage: Stage | None = typer.Option(None, "--stage"),
    overdue: bool = typer.Option(False, "--overdue", help="Only reviews flagged overdue"),
    live: bool = typer.Option(
        False,
        "--live",
        help="Ask Temporal (visibility) instead of the store, and name reviews whose workflow "
        "task is failing",
    ),
    every: bool = typer.Option(
        False, "--all", help=f"List every review in the table, not the first {SHOWN_LINES}"
    ),
    as_json: bool = JSON_OPTION,
    as_: str | None = AS_OPTION,
) -> None:
    """Where each review stands, overdue first, from the store's read model (each review
    keeps it current); --live asks Temporal instead. The secretariat and auditors see the
    whole cycle; a focal point its own member's review and the reviews its member was drawn
    for."""
    from napreview.services.access import readable_reviews

    actor = acting(as_)
    readable = readable_reviews(store(), actor, cycle)
    stuck: dict[str, TaskFailing] = {}
    if live:
        result, stuck = run(_live_status(cycle, stage, overdue, readable))
    else:
        from napreview.services.overview import cycle_status as read_status

        result = read_status(store(), cycle, stage, overdue, readable)
    if as_json:
        print_json(
            StatusAnswer(
                **dict(result),
                scope=actor.member if readable is not None else None,
                task_failing={m: f.as_json() for m, f in stuck.items()} if live else None,
            )
        )
        return
    counts = ", ".join(f"{words(name)} {n}" for name, n in result.counts.items() if n)
    console.print(f"Cycle {cycle}: {counts or 'no reviews yet'}", highlight=False)
    if readable is not None:
        scope = (
            f"the review of {actor.member} and those {actor.member} was drawn for"
            if actor.member
            else f"none: {actor.email} acts for no member"
        )
        say(f"Shown: the reviews {actor.email} may read ({scope}).")
    shown = result.reviews if every else result.reviews[:SHOWN_LINES]
    table = Table()
    for column in ("Member", "Stage", "Round", "Overdue", "Reviewers"):
        table.add_column(column)
    for line in shown:
        table.add_row(
            line.member,
            words(line.stage),
            str(line.round),
            "yes" if line.overdue else "",
            ", ".join(line.reviewers),
        )
    console.print(table)
    if len(shown) < len(result.reviews):
        say(
            f"The first {len(shown)} of {len(result.reviews)} reviews, overdue first: --all "
            "lists every one, --json gives them to a program, --stage or --overdue narrow them."
        )
    from napreview.services.members import get

    for member, failing in sorted(stuck.items()):
        say(failing.status_line(get(store(), member).name, cycle, member))


async def _live_status(
    cycle: str, stage: Stage | None, overdue: bool, readable: set[str] | None
) -> tuple[CycleStatus, dict[str, TaskFailing]]:
    """The status as Temporal's visibility has it, with the reviews whose task is failing."""
    from napreview.services import cycles
    from napreview.services.repair import failing_reviews

    temporal = await client()
    found = await cycles.cycle_status(temporal, store(), cycle, stage, overdue, readable)
    open_ = [line.member for line in found.reviews if not line.stage.terminal]
    return found, await failing_reviews(temporal, cycle, open_)


@cycle_app.command("cancel")
@handled
def cycle_cancel(
    cycle: str,
    reason: str = typer.Option(..., "--reason"),
    as_: str | None = AS_OPTION,
) -> None:
    """Cancel a cycle: every open review is withdrawn with this reason."""
    from napreview.schemas.review import CycleCancel

    actor = acting(as_)
    # A reason the reviews could never take (too long, a NUL) is refused here, naming the field,
    # before Temporal is reached.
    CycleCancel(actor=actor, reason=reason)

    async def cancel() -> None:
        from napreview.services import cycles

        progress = await cycles.cancel_cycle(await client(), store(), cycle, actor, reason)
        open_reviews = progress.started - len(progress.finished)
        console.print(
            f"Cycle {cycle} is cancelled; {open_reviews} open review(s) are being "
            "withdrawn with a letter to each member."
        )

    run(cancel())


def register(app: typer.Typer) -> None:
    app.add_typer(troika_app, name="troika")
    app.add_typer(cycle_app, name="cycle")
