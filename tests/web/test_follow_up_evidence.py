"""Documents sent as evidence with a progress report on the portal over HTTP (issue #22), several
for each recommendation: one unfit refuses them all with everything typed kept and none kept;
fit ones are kept, named in the items and the export, downloaded by whoever reads the follow-up
and never by anyone else or the public."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import UTC, datetime, timedelta

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
    # A file input for each recommendation, taking several documents.
    assert 'enctype="multipart/form-data"' in form
    for n in range(2):
        assert re.search(
            rf'<input id="evidence_{n}" name="evidence_{n}" type="file" multiple', form
        )

    typed = {
        "status_0": "under_way",
        "lead_0": "Federal Foreign Office",
        "narrative": "A budget line was <adopted>.",
    }
    fit = ("Haushalt 2027.pdf", PDF, "application/pdf")
    # Too large, or not what its name says, beside a fit one: refused, none is kept, nothing
    # changes, and what the focal point wrote comes back in the form.
    for name, data, said in (
        ("Gesetz.pdf", PDF + b"x" * 20 * MB, "Gesetz.pdf is larger than 20 MB"),
        ("Gesetz.pdf", b"MZ\x90\x00 an executable", "Gesetz.pdf is not a PDF, Word"),
    ):
        files = [("evidence_0", fit), ("evidence_1", (name, data, "application/pdf"))]
        refused = await deu.post(f"{page}/report", typed, files=files)
        assert refused.status_code == 409 and 'id="error"' in refused.text, name
        assert said in refused.text and "choose the documents again" in refused.text
        assert ">A budget line was &lt;adopted&gt;.</textarea>" in refused.text
        assert 'value="Federal Foreign Office"' in refused.text
        assert 'value="under_way" selected' in refused.text
    state = (await asyncio.to_thread(portal_env.store.follow_ups.get, cycle, "DEU")).state
    assert not state.reports and not state.items[0].evidence
    kept = await asyncio.to_thread(
        portal_env.store.follow_ups.kept_before, datetime.now(UTC) + timedelta(days=1)
    )
    assert not [k for k in kept if k[1:] == (cycle, "DEU")]  # not even the fit one was kept
    recorded = await asyncio.to_thread(portal_env.store.refusals.of_review, cycle, "DEU")
    assert [r.why.code for r in recorded] == ["evidence_file_too_large", "evidence_file_wrong_type"]

    # Two documents for the first recommendation, one for the second, in one report.
    plan = ("Aktionsplan.docx", b"PK\x03\x04 the plan", "application/octet-stream")
    files = [("evidence_0", fit), ("evidence_0", plan), ("evidence_1", fit)]
    sent = await deu.post(f"{page}/report", typed, files=files)
    assert sent.status_code == 303
    state = await _state_when(portal_env, cycle, lambda s: s.items[0].evidence)
    assert [e.filename for e in state.items[0].evidence] == [
        "Haushalt 2027.pdf",
        "Aktionsplan.docx",
    ]
    assert [e.filename for e in state.items[1].evidence] == ["Haushalt 2027.pdf"]
    document = state.items[0].evidence[0]
    assert document.sha256 and document.ref != state.items[1].evidence[0].ref
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
    assert [r[evidence] for r in rows[1:] if r[2] == state.items[0].key] == [
        "Haushalt 2027.pdf Aktionsplan.docx"
    ]
    assert (await deu.post(f"{page}/publish")).status_code == 303
    public = await http().get(f"/public/follow-ups/{cycle}/DEU")
    assert public.status_code == 200 and state.items[0].key in public.text
    assert document.ref not in public.text and "Haushalt" not in public.text
