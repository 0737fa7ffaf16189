"""A document sent as evidence with a progress report on the portal over HTTP (issue #22): an
unfit one is refused with everything typed kept; a fit one is kept, named in the items and the
export, downloaded by whoever reads the follow-up and never by anyone else or the public."""

from __future__ import annotations

import asyncio
import csv
import io
import re

from ..helpers import SECRETARIAT, complete_review, fp
from .test_access import _cycle
from .test_follow_up import _drawn, _state_when

PDF = b"%PDF-1.7\n the budget line adopted by the Bundestag"
MB = 1024 * 1024


async def test_a_document_sent_as_evidence_is_checked_kept_and_read_like_the_follow_up(
    portal_env, http
):
    cycle, reviewers, outsider = await _cycle(portal_env)
    await complete_review(portal_env.client, portal_env.store, cycle, "DEU")
    await _drawn(portal_env, cycle)
    page = f"/reviews/{cycle}/DEU/follow-up"
    deu = http()
    await deu.sign_in(fp("DEU"))
    form = (await deu.get(page)).text
    assert 'enctype="multipart/form-data"' in form and 'name="evidence_file"' in form
    # The recommendation a document supports is chosen by its words, not by a key alone.
    picker = form[form.index('<select id="evidence_item"') :].split("</select>")[0]
    first = re.search(r'<option value="0"[^>]*>([^<]*)</option>', picker)
    assert first is not None and " — " in first.group(1) and len(first.group(1)) > 30

    typed = {
        "status_0": "under_way",
        "lead_0": "Federal Foreign Office",
        "evidence_item": "0",
        "narrative": "A budget line was <adopted>.",
    }
    # Too large, or not what its name says: refused, nothing changes, and what the focal point
    # wrote comes back in the form.
    for name, data, said in (
        ("Haushalt.pdf", PDF + b"x" * 20 * MB, "Haushalt.pdf is larger than 20 MB"),
        ("Haushalt.pdf", b"MZ\x90\x00 an executable", "Haushalt.pdf is not a PDF, Word"),
    ):
        refused = await deu.post(
            f"{page}/report", typed, files={"evidence_file": (name, data, "application/pdf")}
        )
        assert refused.status_code == 409 and 'id="error"' in refused.text, name
        assert said in refused.text and "choose a document again" in refused.text
        assert ">A budget line was &lt;adopted&gt;.</textarea>" in refused.text
        assert 'value="Federal Foreign Office"' in refused.text
        assert 'value="under_way" selected' in refused.text
    state = (await asyncio.to_thread(portal_env.store.follow_ups.get, cycle, "DEU")).state
    assert not state.reports and not state.items[0].evidence
    recorded = await asyncio.to_thread(portal_env.store.refusals.of_review, cycle, "DEU")
    assert [r.why.code for r in recorded] == ["evidence_file_too_large", "evidence_file_wrong_type"]

    sent = await deu.post(
        f"{page}/report",
        typed,
        files={"evidence_file": ("Haushalt 2027.pdf", PDF, "application/pdf")},
    )
    assert sent.status_code == 303
    state = await _state_when(portal_env, cycle, lambda s: s.items[0].evidence)
    [document] = state.items[0].evidence
    assert document.filename == "Haushalt 2027.pdf" and document.sha256
    shown = await deu.get(page)
    link = f"{page}/evidence/{document.ref}"
    assert re.search(rf'<a href="{re.escape(link)}"[^>]*>Haushalt 2027.pdf</a>', shown.text)

    # Downloaded by the member, its reviewers, the secretariat; 404 for another member.
    got = await deu.get(link)
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert "Haushalt%202027.pdf" in got.headers["content-disposition"]
    assert got.headers["x-content-sha256"] == document.sha256
    for email in (fp(reviewers[0]), SECRETARIAT):
        reader = http()
        await reader.sign_in(email)
        assert (await reader.get(link)).status_code == 200, email
    stranger = http()
    await stranger.sign_in(fp(outsider))
    assert (await stranger.get(link)).status_code == 404
    elsewhere = f"/reviews/{cycle}/{outsider}/follow-up/evidence/{document.ref}"
    assert (await deu.get(elsewhere)).status_code == 404

    # The export names the document; the public page shows links only, never the document.
    sec = http()
    await sec.sign_in(SECRETARIAT)
    sheet = await sec.get(f"/follow-ups/{cycle}/export.csv")
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    evidence = rows[0].index("evidence")
    assert [r[evidence] for r in rows[1:] if r[2] == state.items[0].key] == ["Haushalt 2027.pdf"]
    assert (await deu.post(f"{page}/publish")).status_code == 303
    public = await http().get(f"/public/follow-ups/{cycle}/DEU")
    assert public.status_code == 200 and state.items[0].key in public.text
    assert document.ref not in public.text and "Haushalt" not in public.text
