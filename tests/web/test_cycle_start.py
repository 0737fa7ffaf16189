"""Starting a cycle without surprises (issue #21): a year with no Chair recorded is said
beside the field with the form kept, never a 500; the page after starting is the started
cycle; the draw says in words which rule it could not keep for whom; every duration the
command line takes is on the form and reaches the cycle."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from napreview.schemas.review import Durations
from napreview.web.routes.cycles import DEFAULTS

from ..helpers import SECRETARIAT
from .browser import serious_violations, shoot, signed_in

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN"]


def _form(cycle: str, members: list[str], action: str = "preview", **extra: str) -> dict:
    """The form as a browser sends it, durations at their defaults unless given."""
    return {"cycle": cycle, "members": members, "action": action, **DEFAULTS, **extra}


async def test_a_year_without_a_chair_is_said_beside_the_field_and_the_form_is_kept(http):
    sec = http()
    await sec.sign_in(SECRETARIAT)
    await sec.get("/cycles/new")
    answer = await sec.post("/cycles/new", _form("2041-nochair", MEMBERS, action="start"))
    assert answer.status_code == 422
    assert 'id="e-chair"' in answer.text
    assert "No Chair of the Network is recorded for this cycle&#39;s year" in answer.text
    assert 'value="2041-nochair"' in answer.text
    for code in MEMBERS:
        assert f'id="m-{code}" name="members" value="{code}" checked' in answer.text
    # choosing the Chair on the form is enough
    chosen = await sec.post("/cycles/new", _form("2041-nochair", MEMBERS, chair="DEU"))
    assert chosen.status_code == 200 and "draw-heading" in chosen.text


async def test_every_duration_of_the_command_line_is_on_the_form_and_reaches_the_cycle(
    portal_env, http
):
    from typer.main import get_command

    from napreview.cli.app import app

    start = get_command(app).commands["cycle"].commands["start"]  # type: ignore[attr-defined]
    options = {p.name for p in start.params}
    durations = set(Durations.model_fields)
    assert durations <= options  # the command line takes each of them
    sec = http()
    await sec.sign_in(SECRETARIAT)
    page = await sec.get("/cycles/new")
    for name in durations:
        assert f'name="{name}"' in page.text, name
    cycle = "2019-durations"
    given = {
        "self_assessment": "45d",
        "peer_review": "3w",
        "responses": "21d",
        "sign_off": "10d",
        "reminder": "5d",
    }
    answer = await sec.post("/cycles/new", _form(cycle, MEMBERS, action="start", **given))
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/cycles/{cycle}?done=started"
    # the page shown next is the started cycle, at once
    shown = await sec.get(answer.headers["location"])
    assert shown.status_code == 200 and "The cycle is started" in shown.text
    recorded = Durations(**portal_env.store.cycles.settings(cycle)["durations"])
    assert recorded == Durations(
        self_assessment=timedelta(days=45),
        peer_review=timedelta(weeks=3),
        responses=timedelta(days=21),
        sign_off=timedelta(days=10),
        reminder=timedelta(days=5),
    )


async def test_a_duration_longer_than_three_years_is_refused_beside_its_field(http):
    sec = http()
    await sec.sign_in(SECRETARIAT)
    await sec.get("/cycles/new")
    answer = await sec.post("/cycles/new", _form("2019-long", MEMBERS, responses="2000d"))
    assert answer.status_code == 422
    assert 'id="e-responses"' in answer.text and 'value="2000d"' in answer.text


async def test_the_draw_says_in_words_which_rule_it_could_not_keep(http):
    sec = http()
    await sec.sign_in(SECRETARIAT)
    await sec.get("/cycles/new")
    # three members of two groups, two reviewers each: every pair reviews each other
    small = _form("2019-small", ["DEU", "FRA", "MEX"], reviewers="2")
    answer = await sec.post("/cycles/new", small)
    assert answer.status_code == 200
    table = answer.text[answer.text.index("draw-heading") :]
    assert "one of its reviewers is a member it reviews too" in table
    for rule in ("reciprocal", "distinct_groups", "load_cap", "Rules relaxed"):
        assert rule not in table
    assert "No member ever reviews itself" in table


@pytest.mark.parametrize("locale,language", [("en-GB", "en"), ("fr-FR", "fr"), ("es-CO", "es")])
async def test_starting_a_cycle_in_a_browser(portal_env, browser, locale, language):
    portal_env.accounts.set_language(SECRETARIAT, language)
    page = await signed_in(browser, portal_env.url, SECRETARIAT, locale)
    try:
        await page.goto("/cycles/new")
        cycle = f"2042-{language}"
        await page.fill("#cycle", cycle)
        for code in ("DEU", "FRA", "MEX"):
            await page.check(f"#m-{code}")
        await page.fill("#reviewers", "2")
        await page.fill("#responses", "21d")
        await page.locator("button[value=preview]").click()
        await page.locator("#e-chair").wait_for()
        assert await page.get_attribute("#chair", "aria-invalid") == "true"
        assert await page.input_value("#cycle") == cycle
        assert await page.input_value("#responses") == "21d"
        assert await page.is_checked("#m-FRA")
        await shoot(page, f"{language}-cycle-start-no-chair")
        assert await serious_violations(page) == []
        await page.select_option("#chair", "DEU")
        await page.locator("button[value=preview]").click()
        await page.locator("#draw-heading").wait_for()
        await shoot(page, f"{language}-cycle-start-draw")
        assert await serious_violations(page) == []
        await page.locator("button[value=start]").click()
        await page.wait_for_url(re.compile(f"/cycles/{cycle}\\?done=started$"))
        await page.locator("main h1").wait_for()
        assert cycle in await page.locator("main h1").inner_text()
        assert await page.locator("p.notice[role=status]").count() == 1
        await shoot(page, f"{language}-cycle-started")
    finally:
        portal_env.accounts.set_language(SECRETARIAT, "en")
        await page.context.close()
