"""A follow-up on the portal over HTTP (issue #22): the page the report letters link to, the
member's progress report sent from it, the secretariat's acknowledgement, in each language,
scoped like the review it follows."""

from __future__ import annotations

import asyncio
import csv
import io

from napreview.schemas.follow_up import FollowUpState

from ..helpers import SECRETARIAT, complete_review, fp, submit_sa
from .test_access import _cycle


async def _drawn(portal_env, cycle: str) -> None:
    for _ in range(300):
        found = await asyncio.to_thread(portal_env.store.follow_ups.get, cycle, "DEU")
        if found and found.state.drawn:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the follow-up never published its items")


async def test_the_member_reports_from_the_follow_up_page_and_the_secretariat_acknowledges(
    portal_env, http
):
    cycle, reviewers, outsider = await _cycle(portal_env)
    await complete_review(portal_env.client, portal_env.store, cycle, "DEU")
    await _drawn(portal_env, cycle)
    page = f"/reviews/{cycle}/DEU/follow-up"

    deu = http()
    await deu.sign_in(fp("DEU"))
    home = await deu.get("/")
    assert f'href="{page}#report"' in home.text and "Send progress report 1" in home.text
    review = await deu.get(f"/reviews/{cycle}/DEU")
    assert f'href="{page}" id="follow-up"' in review.text
    shown = await deu.get(page)
    assert shown.status_code == 200
    assert 'id="report"' in shown.text and "Send progress report 1" in shown.text
    # Nobody outside the review reads it; a reviewer reads it but sends nothing.
    stranger = http()
    await stranger.sign_in(fp(outsider))
    assert (await stranger.get(page)).status_code == 404
    reviewer = http()
    await reviewer.sign_in(fp(reviewers[0]))
    seen = await reviewer.get(page)
    assert seen.status_code == 200 and 'id="report"' not in seen.text
    assert (await reviewer.post(f"{page}/report", {"narrative": "x"})).status_code == 404

    # A recommendation not pursued without a reason is refused, and nothing changes; what the
    # focal point wrote comes back in the form, to be sent again once the reason is given.
    narrative = "Two ministries <drafted> the budget line."
    refused = await deu.post(
        f"{page}/report",
        {"status_0": "not_pursued", "lead_0": "Federal Foreign Office", "narrative": narrative},
    )
    assert refused.status_code == 409 and 'id="error"' in refused.text
    assert "Say why item" in refused.text
    assert ">Two ministries &lt;drafted&gt; the budget line.</textarea>" in refused.text
    assert 'value="not_pursued" selected' in refused.text
    assert 'value="Federal Foreign Office"' in refused.text
    state = (await asyncio.to_thread(portal_env.store.follow_ups.get, cycle, "DEU")).state
    assert not state.reports

    sent = await deu.post(
        f"{page}/report",
        {
            "status_0": "under_way",
            "lead_0": "Federal Foreign Office",
            "target_0": "2028-12-31",
            "link_0": "https://example.org/budget",
            "narrative": "A budget line was adopted.",
        },
    )
    assert sent.status_code == 303 and sent.headers["location"].endswith("?done=report")
    after = await deu.get(page + "?done=report")
    assert "Your progress report was received" in after.text
    assert (
        "Federal Foreign Office" in after.text and 'href="https://example.org/budget"' in after.text
    )

    sec = http()
    await sec.sign_in(SECRETARIAT)
    waiting = await sec.get("/")
    assert f'href="{page}#acknowledge-1"' in waiting.text
    asked = await sec.get(page)
    assert 'id="acknowledge-1"' in asked.text
    for language, title, status in (
        ("fr", "Suivi de l&#39;Allemagne", "en cours"),
        ("es", "Seguimiento de Alemania", "en curso"),
    ):
        portal_env.accounts.set_language(SECRETARIAT, language)
        said = await sec.get(page)
        assert title in said.text and status in said.text, language
    portal_env.accounts.set_language(SECRETARIAT, "en")
    acknowledged = await sec.post(f"{page}/acknowledge", {"period": "1", "comments": "Merci."})
    assert acknowledged.status_code == 303
    state = await _state_when(portal_env, cycle, lambda s: s.reports[0].acknowledged_at)
    assert state.reports[0].acknowledgement == "Merci."
    assert state.items[0].lead_institution == "Federal Foreign Office"

    # The secretariat sees implementation per member and per theme, and downloads the items.
    overview = await sec.get(f"/follow-ups?cycle={cycle}")
    assert overview.status_code == 200 and 'id="themes"' in overview.text
    assert f'href="{page}"' in overview.text
    sheet = await sec.get(f"/follow-ups/{cycle}/export.csv")
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["cycle", "member", "item"]
    assert [r[5] for r in rows[1:] if r[2] == state.items[0].key] == ["under_way"]
    assert (await deu.get("/follow-ups")).status_code == 404

    # In Germany's next review, its reviewers read beside the self-assessment what became of
    # these recommendations.
    following, next_reviewers, _ = await _cycle(portal_env)
    await submit_sa(portal_env.client, portal_env.store, following, "DEU")
    reader = http()
    await reader.sign_in(fp(next_reviewers[0]))
    beside = await reader.get(f"/reviews/{following}/DEU/self-assessment")
    assert beside.status_code == 200 and 'id="previous"' in beside.text
    assert state.items[0].key in beside.text


async def _state_when(portal_env, cycle: str, ready) -> FollowUpState:
    for _ in range(300):
        found = await asyncio.to_thread(portal_env.store.follow_ups.get, cycle, "DEU")
        if found and ready(found.state):
            return found.state
        await asyncio.sleep(0.1)
    raise AssertionError("never reached")
