"""Implementation's charts and the annual-meeting report in Debian's Chromium (issue #22): the
secretariat reads /follow-ups with its bar charts, downloads the items as a spreadsheet and
opens it, opens the report and prints it; each page is
photographed in English, French and Spanish (tests/screenshots/follow-up-<language>-charts.png,
follow-up-<language>-annual-report.png, and the report as printed,
annual-report-print-<language>.png), and axe-core finds no serious violation on any of them."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from ..follow_up_seed import ITEMS
from ..helpers import SECRETARIAT
from .browser import shoot, signed_in
from .test_annual_report import seeded
from .test_browser_follow_up import LANGUAGES, _photographed


async def test_the_charts_and_the_report_read_and_printed_in_a_browser(portal_env, browser):
    _, cycle = await seeded(portal_env)
    page = await signed_in(browser, portal_env.url, SECRETARIAT)
    await page.goto(f"/follow-ups?cycle={cycle}")
    charts = page.locator("figure.chart.bars svg[role=img]")
    assert await charts.count() == 2
    assert await charts.first.is_visible()
    problems = await _photographed(page, portal_env, SECRETARIAT, "charts")

    # The items as a spreadsheet, opened as a spreadsheet program would.
    async with page.expect_download() as started:
        await page.get_by_role("link", name="XLSX").click()
    download = await started.value
    assert download.suggested_filename == f"follow-up-{cycle}.xlsx"
    sheet = load_workbook(io.BytesIO(Path(await download.path()).read_bytes())).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    items = [dict(zip(header, row, strict=True)) for row in rows]
    seeded_items = ITEMS["second"]
    assert sorted((i["member"], i["status"]) for i in items) == sorted(
        (member, status.value) for member, seeded in seeded_items.items() for _, status in seeded
    )

    await page.locator("#annual-report").click()
    await page.wait_for_url(f"**/follow-ups/report?cycle={cycle}")
    # Drawn in full: its stylesheet applied (the page's CSP allows it), four charts.
    assert (
        await page.locator("header.masthead").evaluate("e => getComputedStyle(e).display") == "flex"
    )
    assert await page.locator("svg[role=img]").count() == 4
    problems += await _photographed(page, portal_env, SECRETARIAT, "annual-report")
    await page.emulate_media(media="print")
    for language in LANGUAGES:
        portal_env.accounts.set_language(SECRETARIAT, language)
        await page.reload()
        assert not await page.locator("nav.links").is_visible()  # the portal's links not printed
        await shoot(page, f"annual-report-print-{language}")
    portal_env.accounts.set_language(SECRETARIAT, "en")
    await page.context.close()
    assert not problems, "\n".join(problems)
