"""Review cycles: the troika draw, starting, watching and cancelling a cycle."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.table import Table

from cli.common import (
    AS_OPTION,
    EXIT_USAGE,
    JSON_OPTION,
    acting,
    client,
    console,
    fail,
    handled,
    member_codes,
    parse_duration,
    print_json,
    run,
    settings,
    store,
)
from operations.errors import StepRefused
from rules.network import cycle_year
from schemas.review import CycleSettings, Durations, Stage
from store.repository import Store

if TYPE_CHECKING:
    from operations.cycles import CycleStatus

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
) -> None:
    """Show the draw a cycle would make with this seed; starts nothing."""
    from rules.troika import TroikaError, draw_digest, draw_troika

    s = store()
    codes = member_codes(members)
    pool = s.list_members() if codes is None else s.get_members(codes)
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
        table.add_row(
            f"{member} {names[member]}",
            ", ".join(drawn),
            ", ".join(draw.relaxed.get(member, [])) or "-",
        )
    console.print(table)
    console.print(f"Digest {draw_digest(draw)}")


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
    own_group: str = typer.Option(
        "", "--own-group", help="Codes of members that asked for one reviewer of their own group"
    ),
    as_: str | None = AS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Start a cycle: draw the review troika and start one review per member."""
    actor = acting(as_)
    s = store()
    codes = member_codes(members)
    chair_code = s.get_member(chair).code if chair else recorded_chair(s, cycle)
    seed_value = seed if seed is not None else int.from_bytes(cycle.encode()[:6], "big")
    cycle_settings = CycleSettings(
        cycle=cycle,
        members=codes,
        reviewers_per_member=reviewers,
        seed=seed_value,
        chair=chair_code,
        durations=Durations(
            self_assessment=parse_duration(self_assessment, "--self-assessment"),
            peer_review=parse_duration(peer_review, "--peer-review"),
            sign_off=parse_duration(sign_off, "--sign-off"),
            reminder=parse_duration(reminder, "--reminder"),
        ),
        started_by=actor,
        own_group_requests=[s.get_member(c).code for c in own_group.split(",") if c.strip()],
    )

    async def start() -> str:
        from operations import cycles

        return await cycles.start_cycle(await client(), s, cycle_settings, settings().task_queue)

    workflow_id = run(start())
    count = len(codes) if codes is not None else s.member_count()
    if as_json:
        print_json(
            {
                "cycle": cycle,
                "workflow_id": workflow_id,
                "members": count,
                "seed": seed_value,
                "chair": chair_code,
            }
        )
        return
    console.print(
        f"Cycle {cycle} started for {count} members (seed {seed_value}, Chair {chair_code}).\n"
        f"Follow it with: napreview cycle status {cycle}"
    )


@cycle_app.command("status")
@handled
def cycle_status(
    cycle: str,
    stage: Stage | None = typer.Option(None, "--stage"),
    overdue: bool = typer.Option(False, "--overdue", help="Only reviews flagged overdue"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Where each review stands, from Temporal's visibility (search attributes)."""

    async def status() -> CycleStatus:
        from operations import cycles

        return await cycles.cycle_status(await client(), store(), cycle, stage, overdue)

    result = run(status())
    if as_json:
        print_json(result)
        return
    counts = ", ".join(f"{name.replace('_', ' ')} {n}" for name, n in result.counts.items() if n)
    console.print(f"Cycle {cycle}: {counts or 'no reviews yet'}")
    table = Table()
    for column in ("Member", "Stage", "Round", "Overdue", "Reviewers"):
        table.add_column(column)
    for line in result.reviews:
        table.add_row(
            line.member,
            line.stage.value.replace("_", " "),
            str(line.round),
            "yes" if line.overdue else "",
            ", ".join(line.reviewers),
        )
    console.print(table)


@cycle_app.command("cancel")
@handled
def cycle_cancel(
    cycle: str,
    reason: str = typer.Option(..., "--reason"),
    as_: str | None = AS_OPTION,
) -> None:
    """Cancel a cycle: every open review is withdrawn with this reason."""
    from schemas.review import CycleCancel

    actor = acting(as_)
    # A reason the reviews could never take (too long, a NUL) is refused here, naming the field,
    # before Temporal is reached.
    CycleCancel(actor=actor, reason=reason)

    async def cancel() -> None:
        from operations import cycles

        progress = await cycles.cancel_cycle(await client(), store(), cycle, actor, reason)
        open_reviews = progress.started - len(progress.finished)
        console.print(
            f"Cycle {cycle} is cancelled; {open_reviews} open review(s) are being "
            "withdrawn with a letter to each member."
        )

    run(cancel())


def recorded_chair(s: Store, cycle: str) -> str:
    """The Chair the secretariat recorded for the cycle's year; never a guess."""
    year = cycle_year(cycle)
    code = s.network_chair(year) if year is not None else None
    if code is None:
        which = f"for {year}" if year is not None else f"for cycle {cycle!r} (its id names no year)"
        raise fail(
            EXIT_USAGE,
            f"No Chair of the Network is recorded {which}. Pass --chair CODE, or record the "
            f"Chair first with 'napreview network chair set YEAR CODE'.",
        )
    return code


def register(app: typer.Typer) -> None:
    app.add_typer(troika_app, name="troika")
    app.add_typer(cycle_app, name="cycle")
