"""The indicator pages in Debian's Chromium (issue #22): a focal point records values in the
form and sees their trend; the secretariat chooses an indicator and sees it across members.
Each page is photographed in English, French and Spanish (tests/screenshots/,
"extras-<language>-indicators-…png"); axe-core finds no serious violation on any of them."""

from __future__ import annotations

from ..helpers import SECRETARIAT, fp
from .browser import signed_in
from .test_browser_extras import _in_every_language


async def test_values_recorded_in_a_browser_and_their_trends(portal_env, browser):
    env = portal_env
    env.accounts.set_language(fp("NLD"), "en")
    nld = await signed_in(browser, env.url, fp("NLD"))
    await nld.get_by_role("navigation", name="Main").get_by_role("link", name="Indicators").click()
    await nld.wait_for_url("**/indicators/NLD")
    for period, women, men in (("2022", "45", "105"), ("2024", "60", "90")):
        await nld.select_option("#indicator", "SG-09")
        await nld.fill("#period", period)
        await nld.fill("#women", women)
        await nld.fill("#men", men)
        await nld.fill("#source", "House of Representatives, members by sex")
        await nld.get_by_role("button", name="Record the value").click()
        await nld.wait_for_url("**/indicators/NLD?done=recorded&indicator=SG-09#values")
    assert await nld.get_by_role("status").inner_text() == "The value is recorded."
    row = nld.locator("#values + table tbody tr", has_text="2024")
    assert "60" in await row.inner_text() and "150" in await row.inner_text()
    chart = nld.locator('svg[aria-labelledby="trend-SG-09-title trend-SG-09-desc"]')
    assert await chart.locator("polyline").count() == 3
    problems = await _in_every_language(nld, env, fp("NLD"), "page")

    # a total that does not add up is refused beside the form, what was typed kept; the form
    # offers the indicator last recorded first
    assert await nld.input_value("#indicator") == "SG-09"
    await nld.fill("#period", "2025")
    await nld.fill("#women", "1")
    await nld.fill("#men", "1")
    await nld.fill("#total", "3")
    await nld.fill("#source", "estimate")
    await nld.get_by_role("button", name="Record the value").click()
    alert = nld.get_by_role("alert")
    assert "make 2, not the total given (3)" in await alert.inner_text()
    assert await nld.input_value("#total") == "3"

    secretariat = await signed_in(browser, env.url, SECRETARIAT)
    env.accounts.set_language(SECRETARIAT, "en")
    await secretariat.goto("/indicators")
    await secretariat.select_option("#indicator", "SG-09")
    await secretariat.get_by_role("button", name="Show").click()
    await secretariat.wait_for_url("**/indicators?indicator=SG-09")
    assert await secretariat.locator('main a[href="/indicators/NLD"]').count() == 2
    problems += await _in_every_language(secretariat, env, SECRETARIAT, "page")
    assert not problems, problems
