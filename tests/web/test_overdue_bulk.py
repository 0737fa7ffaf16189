"""The secretariat acts on several overdue reviews at once (issue #21): extend their deadlines
by the same time, or send each its reminder now; each review takes the step as if alone.
Real seconds on the dev server, as the command line's overdue test does: the timers
themselves are tested with skipped time."""

from __future__ import annotations

from datetime import timedelta

import pytest

from napreview.i18n.translator import translator
from napreview.schemas.review import Durations, Stage

from ..helpers import SECRETARIAT, at_stage, fp, start_cycle, state_when
from .browser import serious_violations, shoot, signed_in

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN"]
SHORT = Durations(self_assessment=timedelta(seconds=2), reminder=timedelta(seconds=1))


async def _overdue_cycle(env) -> str:  # type: ignore[no-untyped-def]
    cycle = await start_cycle(
        env.client, env.store, env.settings.task_queue, MEMBERS, durations=SHORT
    )
    for member in MEMBERS:
        await state_when(env.client, cycle, member, lambda s: s.overdue)
    for member in MEMBERS:  # the read model has it too
        await state_when(
            env.client,
            cycle,
            member,
            lambda s, m=member: any(
                r.member == m and r.overdue for r in env.store.reviews.of_cycle(cycle, None, True)
            ),
        )
    return cycle


async def test_extend_and_remind_several_overdue_reviews_at_once(portal_env, http):
    env = portal_env
    cycle = await _overdue_cycle(env)
    sec = http()
    await sec.sign_in(SECRETARIAT)
    page = await sec.get(f"/cycles/{cycle}?overdue=1")
    for member in MEMBERS:
        assert f'id="late-{member}" name="members" value="{member}" checked' in page.text
    reminded = await sec.post(
        f"/cycles/{cycle}/overdue", {"action": "remind", "members": ["DEU", "FRA"]}
    )
    assert reminded.status_code == 200 and "2 reviews done." in reminded.text
    for member in ("DEU", "FRA"):
        asked = [
            r
            for r in env.store.letters.list(cycle=cycle, member=member)
            if r.kind == "reminder" and r.recipient == fp(member)
        ]
        assert len(asked) == 2  # the one sent on its own, and the one asked for now
    refused = await sec.post(
        f"/cycles/{cycle}/overdue", {"action": "extend", "members": ["DEU"], "days": "0"}
    )
    assert refused.status_code == 422
    typed = {"action": "extend", "members": ["MEX", "NAM"], "days": "10", "reason": "Elections"}
    asked = await sec.post(f"/cycles/{cycle}/overdue", typed)
    said = asked.text.split('id="what-happens"')[1].split("</ul>")[0]
    assert "Extend the deadlines of 2 overdue reviews?" in asked.text
    assert "Each deadline moves 10 days later:" in said and said.count("<li>") == 2
    due = {r.member: r.deadline for r in env.store.reviews.of_cycle(cycle, None, True)}
    for member in ("MEX", "NAM"):
        assert translator("en").deadline(due[member] + timedelta(days=10), "UTC") in said
    back = await sec.post(f"/cycles/{cycle}/overdue", {**typed, "confirmed": "yes", "back": "1"})
    again = (await sec.get(back.headers["location"])).text
    assert 'value="MEX" checked' in again and 'value="JPN">' in again
    assert 'id="bulk-reason" name="reason" value="Elections"' in again
    assert not (await at_stage(env.client, cycle, "MEX", Stage.SELF_ASSESSMENT)).extensions
    extended = await sec.confirm(asked)
    assert extended.status_code == 200 and "2 reviews done." in extended.text
    for member in ("MEX", "NAM"):
        state = await state_when(env.client, cycle, member, lambda s: not s.overdue)
        assert state.extensions[-1].extended_by == timedelta(days=10)
        assert state.extensions[-1].reason == "Elections"
    untouched = await at_stage(env.client, cycle, "JPN", Stage.SELF_ASSESSMENT)
    assert untouched.overdue and not untouched.extensions


@pytest.mark.parametrize("locale,language", [("en-GB", "en"), ("fr-FR", "fr"), ("es-CO", "es")])
async def test_the_overdue_reviews_form_in_a_browser(portal_env, browser, locale, language):
    env = portal_env
    cycle = await _overdue_cycle(env)
    env.accounts.set_language(SECRETARIAT, language)
    page = await signed_in(browser, env.url, SECRETARIAT, locale)
    try:
        await page.goto(f"/cycles/{cycle}?overdue=1")
        await page.locator("#overdue-heading").wait_for()
        await shoot(page, f"{language}-cycle-overdue-actions")
        assert await serious_violations(page) == []
        await page.uncheck("#late-JPN")
        await page.locator("button[value=remind]").click()
        await page.locator("p.notice[role=status]").wait_for()
        assert await page.locator("tbody tr").count() == len(MEMBERS) - 1
        await shoot(page, f"{language}-cycle-overdue-reminded")
        assert await serious_violations(page) == []
    finally:
        env.accounts.set_language(SECRETARIAT, "en")
        await page.context.close()
