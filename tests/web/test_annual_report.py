"""Implementation's charts and the annual-meeting report over HTTP (issue #22): the secretariat
and auditors read /follow-ups with its bar charts and the report, and download it as PDF; a
focal point finds neither, as with every overview page."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from napreview.services.annual_report import STYLE_DIGEST
from napreview.web.app import create_app
from napreview.web.config import PortalSettings

from ..follow_up_seed import seed_follow_ups
from ..helpers import AUDITOR, SECRETARIAT, fp
from ..vocabulary import problems
from .conftest import Http
from .test_event_loop import store_calls_on_the_loop


async def seeded(portal_env) -> tuple[str, str]:
    """Two cycles of follow-ups of this test's own, the later second in order."""
    tag = uuid.uuid4().hex[:6]
    first, second = f"x{tag}-1", f"x{tag}-2"
    await asyncio.to_thread(seed_follow_ups, portal_env.store, first, second)
    return first, second


async def test_the_charts_and_the_report_for_the_secretariat_and_auditors_only(portal_env, http):
    first, cycle = await seeded(portal_env)
    sec = http()
    await sec.sign_in(SECRETARIAT)

    overview = await sec.get(f"/follow-ups?cycle={cycle}")
    assert overview.status_code == 200
    text = overview.text
    assert '<title id="themes-chart-title">Implementation by theme</title>' in text
    assert '<title id="cycles-chart-title">Implementation by cycle</title>' in text
    # The numbers of the bars are in the tables too, and the legend says the colours in words.
    assert 'id="themes"' in text and 'id="cycles"' in text
    assert f'<th scope="row">cycle {first}</th>' in text
    assert "Participation and Representation, under way: 1 (33 %)" in text
    assert '<ul class="legend" aria-label="Key to the colours">' in text
    assert f'href="/follow-ups/report?cycle={cycle}"' in text

    page = await sec.get(f"/follow-ups/report?cycle={cycle}")
    assert page.status_code == 200
    assert f"<h1>Implementation of the recommendations, cycle {cycle}</h1>" in page.text
    assert f"'sha256-{STYLE_DIGEST}'" in page.headers["content-security-policy"]
    assert f'href="/follow-ups/report.pdf?cycle={cycle}"' in page.text

    pdf = await sec.get(f"/follow-ups/report.pdf?cycle={cycle}")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert f"Annual meeting report, cycle {cycle}.pdf" in pdf.headers["content-disposition"]

    # In French and Spanish, the words of the glossary and the names file, as on every page.
    try:
        for language, heading in (
            ("fr", f"<h1>Mise en œuvre des recommandations, cycle {first}</h1>"),
            ("es", f"<h1>Aplicación de las recomendaciones, ciclo {first}</h1>"),
        ):
            portal_env.accounts.set_language(SECRETARIAT, language)
            read = await sec.get(f"/follow-ups/report?cycle={first}")
            assert heading in read.text
            charts = await sec.get(f"/follow-ups?cycle={first}")
            assert problems(read.text, language) == problems(charts.text, language) == []
    finally:
        portal_env.accounts.set_language(SECRETARIAT, "en")

    auditor = http()
    await auditor.sign_in(AUDITOR)
    assert (await auditor.get(f"/follow-ups/report?cycle={cycle}")).status_code == 200
    assert (await auditor.get("/follow-ups/report?cycle=nothing-here")).status_code == 404

    member = http()
    await member.sign_in(fp("DEU"))
    for path in (
        f"/follow-ups?cycle={cycle}",
        f"/follow-ups/report?cycle={cycle}",
        f"/follow-ups/report.pdf?cycle={cycle}",
    ):
        assert (await member.get(path)).status_code == 404, path


async def test_the_report_and_its_pdf_read_the_store_off_the_event_loop(portal_env):
    _, cycle = await seeded(portal_env)
    app = create_app(portal_env.settings, PortalSettings(failure_delay=0.01), portal_env.store)
    sec = Http("http://portal", transport=httpx.ASGITransport(app=app))
    with store_calls_on_the_loop(portal_env.store) as (on_loop, off_loop):
        assert (await sec.sign_in(SECRETARIAT)).status_code == 303
        assert (await sec.get(f"/follow-ups?cycle={cycle}")).status_code == 200
        assert (await sec.get(f"/follow-ups/report?cycle={cycle}")).status_code == 200
        assert (await sec.get(f"/follow-ups/report.pdf?cycle={cycle}")).status_code == 200
        await sec.close()
    assert on_loop == [], "store calls on the event loop:\n" + "\n".join(on_loop)
    assert off_loop
