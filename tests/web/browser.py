"""What the browser tests share: a person signed in in a context of their own, screenshots,
and the accessibility check (axe-core)."""

from __future__ import annotations

import os
from pathlib import Path

from axe_playwright_python.async_playwright import Axe

from napreview.people.accounts import EXAMPLE_PASSWORD

from .conftest import SCREENSHOTS

_axe = Axe()
SERIOUS = ("serious", "critical")


async def signed_in(  # type: ignore[no-untyped-def]
    browser, base: str, email: str, locale: str = "en-GB", password: str = EXAMPLE_PASSWORD
):
    context = await browser.new_context(
        base_url=base, locale=locale, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(20000)
    page = await context.new_page()
    await page.goto("/sign-in")
    await page.fill("#email", email)
    await page.fill("#password", password)
    await page.locator("main button[type=submit]").click()
    await page.wait_for_url(lambda url: "/sign-in" not in url)
    return page


async def shoot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


async def serious_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Serious or critical axe-core violations of the page, one line each."""
    results = await _axe.run(page, options={"resultTypes": ["violations", "passes"]})
    found = []
    if os.environ.get("NAPREVIEW_AXE_REPORT"):
        for v in results.response.get("violations", []):
            print(page.url, v["id"], v.get("impact"), len(v.get("nodes", [])))
        print(page.url, "passes:", len(results.response.get("passes", [])))
    for violation in results.response.get("violations", []):
        if violation.get("impact") in SERIOUS:
            targets = [n.get("target") for n in violation.get("nodes", [])][:3]
            found.append(f"{page.url}: {violation['id']} ({violation['impact']}) {targets}")
    return found
