"""A follow-up in Debian's Chromium (issue #22): the member's focal point finds the progress
report on "Waiting for you", fills it in on the follow-up page and sends it; the secretariat
acknowledges it and reads implementation per member and per theme. Each page is photographed in
English, French and Spanish (tests/screenshots/follow-up-<language>-<page>.png) and axe-core
finds no serious violation on any of them."""

from __future__ import annotations

import asyncio

from ..helpers import SECRETARIAT, complete_review, fp
from .browser import serious_violations, signed_in
from .conftest import SCREENSHOTS
from .test_access import _cycle

LANGUAGES = ("en", "fr", "es")


async def _photographed(page, env, email: str, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The page as ``email`` reads it in each language, photographed; axe's serious findings."""
    problems: list[str] = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        env.accounts.set_language(email, language)
        await page.reload()
        await page.screenshot(
            path=str(SCREENSHOTS / f"follow-up-{language}-{name}.png"), full_page=True
        )
        problems += await serious_violations(page)
    env.accounts.set_language(email, "en")
    await page.reload()
    return problems


async def test_a_progress_report_sent_and_acknowledged_in_a_browser(portal_env, browser):
    cycle, _, _ = await _cycle(portal_env)
    await complete_review(portal_env.client, portal_env.store, cycle, "DEU")
    for _ in range(300):
        found = await asyncio.to_thread(portal_env.store.follow_ups.get, cycle, "DEU")
        if found and found.state.drawn:
            break
        await asyncio.sleep(0.1)
    problems: list[str] = []

    page = await signed_in(browser, portal_env.url, fp("DEU"))
    await page.goto("/")
    await page.locator(f'a[href="/reviews/{cycle}/DEU/follow-up#report"]').click()
    await page.wait_for_url(f"**/reviews/{cycle}/DEU/follow-up*")
    problems += await _photographed(page, portal_env, fp("DEU"), "member")
    await page.select_option("#status_0", "under_way")
    await page.fill("#lead_0", "Ministère fédéral des affaires étrangères")
    await page.fill("#target_0", "2028-12-31")
    await page.fill("#link_0", "https://example.org/plan-2028")
    await page.select_option("#status_1", "not_pursued")
    await page.fill("#reason_1", "Covered by the new national action plan.")
    await page.fill("#narrative", "A budget line was adopted in the 2028 federal budget.")
    await page.locator("#report button.primary").click()
    await page.wait_for_url("**?done=report")
    assert await page.locator("p.notice[role=status]").is_visible()
    assert "Ministère fédéral des affaires étrangères" in await page.content()
    await page.context.close()

    sec = await signed_in(browser, portal_env.url, SECRETARIAT)
    await sec.goto("/")
    await sec.locator(f'a[href="/reviews/{cycle}/DEU/follow-up#acknowledge-1"]').click()
    await sec.wait_for_url(f"**/reviews/{cycle}/DEU/follow-up*")
    problems += await _photographed(sec, portal_env, SECRETARIAT, "secretariat")
    await sec.fill("#comments-1", "Thank you for a clear report.")
    await sec.locator("#acknowledge-1 button[type=submit]").click()
    await sec.wait_for_url("**?done=acknowledge")
    assert "Thank you for a clear report." in await sec.content()
    await sec.goto(f"/follow-ups?cycle={cycle}")
    problems += await _photographed(sec, portal_env, SECRETARIAT, "implementation")
    rows = sec.locator("#members tbody tr")
    assert await rows.count() >= 1
    await sec.context.close()
    assert not problems, "\n".join(problems)
