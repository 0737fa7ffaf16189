"""Deadlines in each person's time zone, the zone named; the deadline to answer the peer
recommendations shown with what happens at it; each person's deadlines as a calendar, by
download or by a link of their own (issue #21)."""

from __future__ import annotations

import re

import httpx
import pytest

from napreview.i18n.translator import translator
from napreview.schemas.review import Stage

from ..helpers import SECRETARIAT, at_stage, fp, start_cycle, state_when, submit_pr, submit_sa
from .browser import serious_violations, shoot, signed_in

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN"]


async def _started(portal_env) -> str:
    cycle = await start_cycle(
        portal_env.client, portal_env.store, portal_env.settings.task_queue, MEMBERS
    )
    await at_stage(portal_env.client, cycle, "DEU", Stage.SELF_ASSESSMENT)
    return cycle


async def test_deadlines_are_shown_in_the_time_zone_each_person_chose(portal_env, http):
    cycle = await _started(portal_env)
    state = await at_stage(portal_env.client, cycle, "JPN", Stage.SELF_ASSESSMENT)
    assert state.deadline is not None
    due = state.deadline.due
    jpn = http()
    await jpn.sign_in(fp("JPN"))
    utc = translator("en").deadline(due, "UTC")
    assert utc in (await jpn.get(f"/reviews/{cycle}/JPN")).text  # UTC until one is chosen
    await jpn.get("/account")
    refused = await jpn.post("/account/time-zone", {"time_zone": "Mars/Olympus_Mons"})
    assert refused.status_code == 422 and 'id="e-time_zone"' in refused.text
    chosen = await jpn.post("/account/time-zone", {"time_zone": "America/Bogota"})
    assert chosen.status_code == 303
    page = (await jpn.get(f"/reviews/{cycle}/JPN")).text
    bogota = translator("en").deadline(due, "America/Bogota")
    assert bogota in page and "(America/Bogota)" in bogota and utc not in page
    home = (await jpn.get("/")).text
    assert bogota in home
    portal_env.store.preferences.set_time_zone(fp("JPN"), None)  # as the other tests expect
    # another person's choice is their own
    sec = http()
    await sec.sign_in(SECRETARIAT)
    assert utc in (await sec.get(f"/reviews/{cycle}/JPN")).text
    # the cycle's page gives each review's next deadline
    await state_when(
        portal_env.client,
        cycle,
        "JPN",
        lambda s: any(
            r.member == "JPN" for r in portal_env.store.reviews.of_cycle(cycle, None, False)
        ),
    )
    assert utc in (await sec.get(f"/cycles/{cycle}")).text


async def test_the_answers_deadline_is_shown_with_what_happens_at_it(portal_env, http, browser):
    env = portal_env
    cycle = await _started(env)
    await submit_sa(env.client, env.store, cycle, "DEU")
    state = await at_stage(env.client, cycle, "DEU", Stage.PEER_REVIEW)
    for slot in state.reviewers:
        await submit_pr(env.client, env.store, cycle, "DEU", slot.member)
    state = await state_when(env.client, cycle, "DEU", lambda s: s.answers_due is not None)
    assert state.answers_due is not None
    deu = http()
    await deu.sign_in(fp("DEU"))
    page = (await deu.get(f"/reviews/{cycle}/DEU")).text
    shown = translator("en").deadline(state.answers_due, "UTC")
    assert "Answers to the peer recommendations due" in page and shown in page
    assert f"The review waits for every answer until {shown}" in page
    assert "Unanswered recommendations stand as noted." not in page
    for language in ("en", "fr", "es"):
        env.accounts.set_language(fp("DEU"), language)
        shown_page = await signed_in(browser, env.url, fp("DEU"))
        try:
            await shown_page.goto(f"/reviews/{cycle}/DEU#recommendations")
            await shoot(shown_page, f"{language}-review-answers-deadline")
        finally:
            await shown_page.context.close()
    env.accounts.set_language(fp("DEU"), "en")


def _events(ics: str) -> list[dict[str, str]]:
    unfolded = ics.replace("\r\n ", "")
    events = []
    for block in re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", unfolded, re.S):
        events.append(dict(line.split(":", 1) for line in block.split("\r\n") if line))
    return events


def _without_stamps(ics: str) -> list[dict[str, str]]:
    """The events, without when each copy was made."""
    return [{k: v for k, v in e.items() if k != "DTSTAMP"} for e in _events(ics)]


async def test_a_person_s_deadlines_as_a_calendar_by_download_and_by_link(portal_env, http):
    cycle = await _started(portal_env)
    state = await at_stage(portal_env.client, cycle, "MEX", Stage.SELF_ASSESSMENT)
    assert state.deadline is not None
    mex = http()
    await mex.sign_in(fp("MEX"))
    await mex.get("/account")
    await mex.post("/account/language", {"language": "es", "back": "/account"})
    download = await mex.get("/account/calendar.ics")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/calendar")
    ics = download.text
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    events = [e for e in _events(ics) if f"-{cycle}-MEX-" in e["UID"]]
    assert len(events) == 1
    [event] = events
    assert event["DTSTART"] == state.deadline.due.strftime("%Y%m%dT%H%M%SZ")
    assert event["SUMMARY"] == "Completar la autoevaluación de México"  # in their language
    assert event["URL"].endswith(f"/reviews/{cycle}/MEX/self-assessment")
    # a link of one's own, for a calendar application: no session needed
    made = await mex.post("/account/calendar-link")
    link = re.search(r'id="calendar-link" readonly value="([^"]+)"', made.text)
    assert link, made.text
    async with httpx.AsyncClient() as anyone:
        followed = await anyone.get(link.group(1))
        assert followed.status_code == 200
        assert _without_stamps(followed.text) == _without_stamps(ics)
        await mex.post("/account/calendar-link")  # a new link: the old one stops working
        assert (await anyone.get(link.group(1))).status_code == 404
        assert (await anyone.get(link.group(1)[:-8] + "x.ics")).status_code == 404


@pytest.mark.parametrize(
    "locale,language,zone",
    [
        ("en-GB", "en", "Europe/London"),
        ("fr-FR", "fr", "Africa/Dakar"),
        ("es-CO", "es", "America/Bogota"),
    ],
)
async def test_choosing_a_time_zone_in_a_browser(portal_env, browser, locale, language, zone):
    email = fp("NAM")
    portal_env.accounts.set_language(email, language)
    page = await signed_in(browser, portal_env.url, email, locale)
    try:
        await page.goto("/account")
        await page.fill("#reminder_days", "5")
        await page.locator("form[action='/account/reminders'] button").click()
        await page.wait_for_url("**/account?done=reminder_days")
        await page.select_option("#time_zone", zone)
        await page.locator("form[action='/account/time-zone'] button").click()
        await page.wait_for_url("**/account?done=time_zone")
        assert zone in await page.locator("p.notice[role=status]").inner_text()
        assert f"({zone})" in await page.locator("#time_zone-hint").inner_text()
        await shoot(page, f"{language}-account-time-zone")
        assert await serious_violations(page) == []
    finally:
        portal_env.accounts.set_language(email, "en")
        portal_env.store.preferences.set_time_zone(email, None)
        portal_env.store.preferences.set_reminder_days(email, None)
        await page.context.close()


async def test_a_person_sets_reminders_of_their_own_on_their_page(portal_env, http):
    portal_env.accounts.set_language(fp("FRA"), "en")
    fra = http()
    await fra.sign_in(fp("FRA"))
    await fra.get("/account")
    for typed in ("soon", "0.5", "400"):
        refused = await fra.post("/account/reminders", {"reminder_days": typed})
        assert refused.status_code == 422 and 'id="e-reminder_days"' in refused.text
    saved = await fra.post("/account/reminders", {"reminder_days": "7"})
    assert saved.status_code == 303
    page = (await fra.get(saved.headers["location"])).text
    assert "you will receive an email 7 days before each of your deadlines" in page
    assert portal_env.store.preferences.get(fp("FRA")).reminder_days == 7
    await fra.post("/account/reminders", {"reminder_days": ""})
    assert portal_env.store.preferences.get(fp("FRA")).reminder_days is None
