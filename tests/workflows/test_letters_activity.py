"""send_letter, and letters from whole reviews: language, idempotency, a killed worker."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter

from temporalio.testing import ActivityEnvironment

from napreview.activities.letters import LetterActivities
from napreview.schemas.letters import LetterKind, LetterRequest
from napreview.schemas.members import Honorific
from napreview.schemas.review import Decision, SignOff, Stage
from napreview.services import steps
from napreview.store.focal_points import Designation

from ..conftest import running_worker, settings_for
from ..helpers import (
    SECRETARIAT,
    answer_all,
    at_stage,
    handle,
    start_cycle,
    submit_pr,
    submit_sa,
)


async def test_a_retried_send_stores_one_letter_and_one_file(store, tmp_path):
    activities = LetterActivities(store, tmp_path / "letters")
    request = LetterRequest(
        cycle="2019",
        member="FRA",
        kind=LetterKind.INVITATION,
        chair="NAM",
        deadline="2019-03-01",
        stage="self_assessment",
    )
    env = ActivityEnvironment()
    first = await env.run(activities.send_letter, request)
    second = await env.run(activities.send_letter, request)
    assert first == second
    rows = store.letters.list(cycle="2019", member="FRA")
    assert len(rows) == 1 and rows[0].language == "fr"
    assert rows[0].recipient == "fp.fra@example.org"
    # France's mission has no address recorded: the email copies no one, so the letter names no
    # copy (issue #19).
    assert rows[0].copy_to == [] and rows[0].cc == []
    files = sorted((tmp_path / "letters" / "2019" / "FRA").iterdir())
    assert [p.suffix for p in files] == [".html", ".txt"]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in files)


async def test_letters_follow_the_focal_point_at_the_time_of_writing(store, tmp_path):
    activities = LetterActivities(store, tmp_path / "letters")
    store.focal_points.designate(
        Designation(
            member="MEX",
            name="Lucía Pérez",
            email="lperez@sre.gob.mx",
            honorific=Honorific.MS,
            family_name="Pérez",
        )
    )
    ref = await ActivityEnvironment().run(
        activities.send_letter,
        LetterRequest(
            cycle="2019",
            member="MEX",
            kind=LetterKind.INVITATION,
            chair="NAM",
            deadline="2019-03-01",
            stage="self_assessment",
        ),
    )
    letter = store.letters.get(ref.id)
    assert letter.recipient == "lperez@sre.gob.mx" and letter.language == "es"
    assert "Lucía Pérez" in letter.body_text
    assert "Estimada Sra. Pérez:" in letter.body_text


async def _complete(client, store, cycle: str, member: str) -> None:
    await at_stage(client, cycle, member, Stage.SELF_ASSESSMENT)
    await submit_sa(client, store, cycle, member)
    state = await at_stage(client, cycle, member, Stage.PEER_REVIEW)
    for slot in state.reviewers:
        await submit_pr(client, store, cycle, member, slot.member)
    await answer_all(client, store, cycle, member)
    await at_stage(client, cycle, member, Stage.SIGN_OFF)
    await steps.review_step(
        client,
        store,
        cycle,
        member,
        "sign_off",
        SignOff(
            actor=store.people.actor(SECRETARIAT),
            decision=Decision.APPROVE,
            comments="Thank you for a thorough plan.",
        ),
    )


async def test_french_spanish_and_english_members_get_letters_in_their_language(
    dev_env, store, tmp_path
):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as settings:
        cycle = await start_cycle(
            client, store, settings.task_queue, ["FRA", "MEX", "DEU", "NAM", "JPN"]
        )
        for member in ("FRA", "MEX", "DEU"):
            await _complete(client, store, cycle, member)
        expected = {"FRA": ("fr", "Madame"), "MEX": ("es", "Estimad"), "DEU": ("en", "Dear")}
        for member, (language, greeting) in expected.items():
            result = await handle(client, cycle, member).result()
            own = [store.letters.get(ref.id) for ref in result.letters if ref.recipient == member]
            kinds = {letter.kind for letter in own}
            assert {"invitation", "final_feedback"} <= kinds
            assert {letter.language for letter in own} == {language}
            final = next(letter for letter in own if letter.kind == "final_feedback")
            assert greeting in final.body_text
            assert "Thank you for a thorough plan." in final.body_text


async def test_no_letter_is_stored_twice_when_a_worker_is_killed_mid_cycle(
    dev_env, store, tmp_path
):
    client = dev_env.client
    settings = settings_for(store, tmp_path)
    env = {
        **os.environ,
        "NAPREVIEW_HOME": str(tmp_path),
        "NAPREVIEW_DATABASE_URL": settings.database_url or "",
        "NAPREVIEW_TEMPORAL_ADDRESS": client.service_client.config.target_host,
        "NAPREVIEW_TASK_QUEUE": settings.task_queue,
    }

    def spawn() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "worker.py"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    members = ["FRA", "MEX", "DEU", "NAM", "JPN"]
    worker = spawn()
    try:
        cycle = await start_cycle(client, store, settings.task_queue, members)
        for member in members:
            await at_stage(client, cycle, member, Stage.SELF_ASSESSMENT)
        await asyncio.gather(*(submit_sa(client, store, cycle, m) for m in members))
        worker.send_signal(signal.SIGKILL)  # mid-cycle: letters for peer review in flight
        worker.wait()
        worker = spawn()
        for member in members:
            # work the killed worker held is retried once its activity time limit passes
            state = await at_stage(client, cycle, member, Stage.PEER_REVIEW, timeout=90)
            for slot in state.reviewers:
                await submit_pr(client, store, cycle, member, slot.member)
            await answer_all(client, store, cycle, member)
        for member in members:
            await at_stage(client, cycle, member, Stage.SIGN_OFF)
            await steps.review_step(
                client,
                store,
                cycle,
                member,
                "sign_off",
                SignOff(actor=store.people.actor(SECRETARIAT), decision=Decision.APPROVE),
            )
            await handle(client, cycle, member).result()
    finally:
        # stopped as an operator stops it, so that it ends its layout process itself (the
        # session checks that nothing is left: tests/processes.py)
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    letters = store.letters.list(cycle=cycle)
    keys = Counter(
        (r.member_code, r.kind, r.round, r.recipient) for r in letters if r.kind != "cycle_summary"
    )
    assert keys and max(keys.values()) == 1
    assert sum(1 for r in letters if r.kind == "review_request") == 3 * len(members)
