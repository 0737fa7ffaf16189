"""The follow-up's timeline in Debian's Chromium (issue #22): an auditor reading in Spanish goes
from the follow-up page to its timeline; the page is photographed
(tests/screenshots/follow-up-timeline-es.png) and axe-core finds no serious violation."""

from __future__ import annotations

from ..helpers import AUDITOR, complete_review
from .browser import serious_violations, signed_in
from .conftest import SCREENSHOTS
from .test_access import _cycle
from .test_follow_up import _drawn


async def test_an_auditor_reads_a_follow_ups_timeline_in_spanish(portal_env, browser):
    cycle, _, _ = await _cycle(portal_env)
    await complete_review(portal_env.client, portal_env.store, cycle, "DEU")
    await _drawn(portal_env, cycle)
    portal_env.accounts.set_language(AUDITOR, "es")
    try:
        page = await signed_in(browser, portal_env.url, AUDITOR)
        await page.goto(f"/reviews/{cycle}/DEU/follow-up")
        await page.locator(f'#audit a[href="/reviews/{cycle}/DEU/follow-up/timeline"]').click()
        await page.wait_for_url(f"**/reviews/{cycle}/DEU/follow-up/timeline")
        heading = await page.locator("h1").inner_text()
        assert heading.startswith("Cronología del seguimiento de Alemania")
        assert "Seguimiento de Alemania (DEU) iniciado tras su examen" in await page.content()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / "follow-up-timeline-es.png"), full_page=True)
        problems = await serious_violations(page)
        await page.context.close()
    finally:
        portal_env.accounts.set_language(AUDITOR, "en")
    assert not problems, "\n".join(problems)
