"""`napreview demo`: a whole cycle with simulated people, and a live table until it is done.

Every simulated person acts through the same operations as the command line, as the example
people of DESIGN §10.4. One member's review is returned for revision once, to show a second round.
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
from napreview.schemas.review import (
    CycleSettings,
    Decision,
    Durations,
    ReviewState,
    SignOff,
    Stage,
)
from napreview.schemas.submissions import RecommendationResponse
from napreview.services import cycles, documents, members, network, steps, users
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
    console.print(
        f"All {len(taking_part)} reviews of cycle {cycle} are completed. "
        f"See them with: napreview cycle status {cycle}"
    )
    return counts


def run_demo(members: str) -> None:
    run(_demo(member_codes(members)))
