"""A follow-up made public in Debian's Chromium (issue #22): the member's focal point reaches the
consent page from its follow-up and gives consent; anyone then reads the public page without
signing in, in English, French and Spanish (its browser's language), photographed
(tests/screenshots/public-follow-up-<language>.png) with no serious axe-core violation."""

from __future__ import annotations

import asyncio

from ..helpers import fp
from ..published import WORDING, published_follow_up
from .browser import serious_violations, shoot, signed_in

LOCALES = {"en": "en-GB", "fr": "fr-FR", "es": "es-ES"}
HEADINGS = {
    "en": "Follow-up of Germany",
    "fr": "Suivi de l'Allemagne",
    "es": "Seguimiento de Alemania",
}


async def test_the_member_publishes_and_the_public_reads_it_in_three_languages(portal_env, browser):
    cycle = await asyncio.to_thread(published_follow_up, portal_env.store)
    problems: list[str] = []

    deu = await signed_in(browser, portal_env.url, fp("DEU"))
    await deu.goto(f"/reviews/{cycle}/DEU/follow-up")
    await deu.locator("#publication a").click()
    await deu.wait_for_url("**/follow-up/publication")
    await shoot(deu, "public-follow-up-consent")
    problems += await serious_violations(deu)
    await deu.locator("#publish button.primary").click()
    await deu.wait_for_url("**?done=published")
    assert await deu.locator("p.notice[role=status]").is_visible()
    await deu.locator("#consent-status a").click()
    await deu.wait_for_url(f"**/public/follow-ups/{cycle}/DEU")
    await deu.context.close()

    for language, locale in LOCALES.items():
        context = await browser.new_context(
            base_url=portal_env.url, locale=locale, viewport={"width": 1280, "height": 900}
        )
        page = await context.new_page()
        await page.goto(f"/public/follow-ups/{cycle}/DEU")
        assert await page.locator("html").get_attribute("lang") == language
        assert HEADINGS[language] in await page.locator("h1").inner_text()
        assert WORDING in await page.content()
        await shoot(page, f"public-follow-up-{language}")
        problems += await serious_violations(page)
        await context.close()
    assert not problems, problems
