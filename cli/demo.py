"""`napreview demo`: a whole cycle with simulated people, and a live table until it is done.

Every simulated person acts through the same operations as the command line, as the example
people of DESIGN §10.4. One member's review is returned for revision once, to show a second round.
Once approved, each member's follow-up (issue #22) gets its first progress report, with one
recommendation under way and a figure for one of the global indicators, and the secretariat
acknowledges it: what the next cycle's self-assessment and the CEDAW report draft start from.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

from rich.live import Live
from rich.table import Table
from temporalio.client import Client

from napreview.cli.common import (
    client,
    console,
    member_codes,
    run,
    settings,
    store,
)
from napreview.people.examples import SECRETARIAT_EMAIL, example_focal_point_email
from napreview.schemas.examples import example_peer_review, example_self_assessment
from napreview.schemas.follow_up import ItemStatus, ItemUpdate, ProgressReport
from napreview.schemas.indicators import NewValue, Reading
from napreview.schemas.review import (
    CycleSettings,
    Decision,
    Durations,
    ReviewState,
    SignOff,
    Stage,
)
from napreview.schemas.submissions import RecommendationResponse
from napreview.services import (
    cycles,
    documents,
    follow_up,
    indicators,
    members,
    network,
    steps,
    users,
)
from napreview.services.errors import NotFoundError
from napreview.services.installation import Store

DEMO_DURATIONS = Durations(
    self_assessment=timedelta(hours=2),
    peer_review=timedelta(hours=2),
    sign_off=timedelta(hours=2),
    reminder=timedelta(minutes=30),
    responses=timedelta(hours=2),
)


async def _drive(client: Client, s: Store, cycle: str, member: str, returned: bool) -> None:
    """One member's people, doing their part in turn."""
    fp = users.actor(s, example_focal_point_email(member))
    secretariat = users.actor(s, SECRETARIAT_EMAIL)
    assessment = example_self_assessment(members.get(s, member))

    async def reached(ready) -> ReviewState:
        return await steps.wait_for_review(client, cycle, member, ready, interval=0.2)

    state = await steps.wait_for_review(
        client, cycle, member, lambda st: st.stage is Stage.SELF_ASSESSMENT
    )
    await steps.submit_self_assessment(client, s, cycle, member, fp, assessment)
    state = await steps.wait_for_review(
        client, cycle, member, lambda st: st.stage is not Stage.SELF_ASSESSMENT
    )
    for slot in state.reviewers:
        reviewer = users.actor(s, example_focal_point_email(slot.member))
        await steps.submit_peer_review(client, s, cycle, member, reviewer, example_peer_review())
    # The member answers the peer recommendations: the first supported, the others noted.
    state = await reached(lambda st: st.answers_due is not None or st.stage is Stage.SIGN_OFF)
    keys = [
        f"{slot.member}#{n}"
        for slot in state.reviewers
        if slot.document
        for n in range(1, slot.recommendations + 1)
    ]
    if keys and state.stage is not Stage.SIGN_OFF:
        answers = {key: RecommendationResponse.NOTED for key in keys}
        answers[keys[0]] = RecommendationResponse.SUPPORTED
        await documents.respond(client, s, cycle, member, fp, answers)
    await reached(lambda st: st.stage is Stage.SIGN_OFF)
    if returned:
        await steps.review_step(
            client,
            s,
            cycle,
            member,
            "sign_off",
            SignOff(
                actor=secretariat,
                decision=Decision.RETURN_FOR_REVISION,
                comments="Please say how the budget is allocated across the four pillars.",
            ),
        )
        await steps.submit_self_assessment(client, s, cycle, member, fp, assessment)
        await reached(lambda st: st.stage is Stage.SIGN_OFF)
    await steps.review_step(
        client,
        s,
        cycle,
        member,
        "sign_off",
        SignOff(
            actor=secretariat,
            decision=Decision.APPROVE,
            comments="Approved for the annual meeting.",
        ),
    )


# A global indicator kept by sex (S/2010/498), for the demo's one figure per member.
DEMO_INDICATOR = "SG-09"
FOLLOW_UP_WAIT = 60.0  # seconds for an approved review's follow-up to draw its items


async def _follow_up(client: Client, s: Store, cycle: str, member: str) -> None:
    """The member's first progress report on its follow-up and an indicator's figure; the
    secretariat acknowledges the report."""
    fp = users.actor(s, example_focal_point_email(member))
    secretariat = users.actor(s, SECRETARIAT_EMAIL)
    deadline = asyncio.get_running_loop().time() + FOLLOW_UP_WAIT
    while not (
        (record := await asyncio.to_thread(s.follow_ups.get, cycle, member)) and record.state.drawn
    ):
        if asyncio.get_running_loop().time() > deadline:
            raise RuntimeError(f"The follow-up of {member}'s review never drew its items.")
        await asyncio.sleep(0.2)
    figure = NewValue(
        indicator=DEMO_INDICATOR,
        member=member,
        period=str(datetime.now(UTC).year - 1),
        reading=Reading(women=40 + len(member), men=60),
        source="Demonstration figure, not an official statistic",
    )
    await asyncio.to_thread(indicators.record, s, fp, figure)
    updates = [
        ItemUpdate(
            key=item.key,
            status=ItemStatus.UNDER_WAY,
            lead_institution="Ministry of Foreign Affairs",
        )
        for item in record.state.items[:1]
    ]
    body = ProgressReport(narrative="A budget line for the plan was adopted.", updates=updates)
    await follow_up.report(client, s, fp, cycle, member, body)
    await follow_up.acknowledge(client, s, secretariat, cycle, member, 1, "Thank you.")


def _table(cycle: str, counts: dict[str, int], total: int, elapsed: float) -> Table:
    table = Table(title=f"Demo cycle {cycle}: {total} members, {elapsed:.0f}s")
    table.add_column("Stage")
    table.add_column("Reviews", justify="right")
    for stage in Stage:
        table.add_row(stage.value.replace("_", " "), str(counts.get(stage.value, 0)))
    return table


async def _demo(codes: list[str] | None) -> dict[str, int]:
    from napreview.worker import build_worker

    config = settings()
    s = store()
    temporal = await client()
    taking_part = codes if codes is not None else [m.code for m in members.current(s)]
    cycle = "demo-" + datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    cycle_settings = CycleSettings(
        cycle=cycle,
        members=taking_part,
        seed=2019,
        chair=network.chair_of_cycle(s, "2019"),
        durations=DEMO_DURATIONS,
        started_by=users.actor(s, SECRETARIAT_EMAIL),
    )
    started = asyncio.get_running_loop().time()
    async with build_worker(temporal, config, s):
        await cycles.start_cycle(temporal, s, cycle_settings, config.task_queue)
        limit = asyncio.Semaphore(12)

        async def one(member: str, returned: bool) -> None:
            async with limit:
                await _drive(temporal, s, cycle, member, returned)
                await _follow_up(temporal, s, cycle, member)

        people = asyncio.gather(*(one(m, i == 0) for i, m in enumerate(sorted(taking_part))))
        counts: dict[str, int] = {}
        with Live(console=console, refresh_per_second=4) as live:
            while True:
                # From visibility, like `cycle status`: the stage each review published.
                with contextlib.suppress(NotFoundError):
                    status = await cycles.cycle_status(temporal, s, cycle)
                    counts = {k: v for k, v in status.counts.items() if v}
                elapsed = asyncio.get_running_loop().time() - started
                live.update(_table(cycle, counts, len(taking_part), elapsed))
                if people.done():
                    people.result()
                if counts.get(Stage.COMPLETED.value, 0) == len(taking_part):
                    break
                await asyncio.sleep(0.5)
        if not console.is_terminal:
            # Live's last table ends without a newline when it is not drawn on a terminal.
            console.line()
        await people
    first = sorted(taking_part)[0]
    console.print(
        f"All {len(taking_part)} reviews of cycle {cycle} are completed.\n"
        "Each member's follow-up has its first progress report, acknowledged.\n"
        "See them with:\n"
        f"  napreview cycle status {cycle}\n"
        f"  napreview follow-up show {cycle} {first}\n"
        f"  napreview cedaw report-draft {cycle} {first}\n"
        f"  napreview template self-assessment {first}   (its next self-assessment, pre-filled)",
        soft_wrap=True,
    )
    return counts


def run_demo(members: str) -> None:
    run(_demo(member_codes(members)))
