"""Issue #21 part C over HTTP: a document added and downloaded under its own name, a comment
posted and shown to the reviewers (its author from the session), search, the cycle's
spreadsheets and a letter's PDF, each scoped like everything else."""

from __future__ import annotations

import csv
import io

from ..helpers import SECRETARIAT, fp
from .test_access import _cycle

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
# An annex of a real plan's size (a megabyte), far above a form without a file's 256 KB.
ANNEX = PDF[:-6] + b"% page content\n" * 70_000 + b"%%EOF\n"


async def test_documents_conversation_search_and_exports(portal_env, http):
    cycle, reviewers, outsider = await _cycle(portal_env)
    deu = http()
    await deu.sign_in(fp("DEU"))
    page = f"/reviews/{cycle}/DEU"
    await deu.get(page)
    added = await deu.post(
        f"{page}/files",
        {"kind": "annex"},
        files={"file": ("PAN-Sénégal-2025.pdf", ANNEX, "application/pdf")},
    )
    assert added.status_code == 303
    refused = await deu.post(
        f"{page}/files", {"kind": "nap"}, files={"file": ("plan.pdf", b"MZ", "application/pdf")}
    )
    assert refused.status_code == 422 and 'id="attach-error"' in refused.text
    shown = await deu.get(page)
    assert "PAN-Sénégal-2025.pdf" in shown.text
    file_path = "/reviews/" + next(
        part.split('"')[0] for part in shown.text.split('href="/reviews/') if "/files/" in part
    )
    got = await deu.get(file_path)
    assert got.content == ANNEX
    assert "filename*=UTF-8''PAN-S%C3%A9n%C3%A9gal-2025.pdf" in got.headers["content-disposition"]

    posted = await deu.post(f"{page}/comments", {"text": "<b>Le cadre</b> suivra."})
    assert posted.status_code == 303
    empty = await deu.post(f"{page}/comments", {"text": "   "})
    assert empty.status_code == 422 and 'id="comment-error"' in empty.text
    reviewer = http()
    await reviewer.sign_in(fp(reviewers[0]))
    seen = await reviewer.get(page)
    assert "&lt;b&gt;Le cadre&lt;/b&gt; suivra." in seen.text and fp("DEU") in seen.text
    stranger = http()
    await stranger.sign_in(fp(outsider))
    await stranger.get("/")
    assert (await stranger.post(f"{page}/comments", {"text": "Hello"})).status_code == 404
    assert (await stranger.get(file_path)).status_code == 404

    found = await deu.get("/search?q=allemagne")
    assert found.status_code == 200 and f'href="/reviews/{cycle}/DEU"' in found.text
    assert (
        f'href="/reviews/{cycle}/{outsider}"' not in (await deu.get(f"/search?q={outsider}")).text
    )

    sec = http()
    await sec.sign_in(SECRETARIAT)
    status = await sec.get(f"/cycles/{cycle}/export/status.csv")
    rows = list(csv.reader(io.StringIO(status.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Code", "Member", "Stage"] and "DEU" in [r[0] for r in rows[1:]]
    mine = await deu.get(f"/cycles/{cycle}/export/status.csv")
    listed = [r[0] for r in csv.reader(io.StringIO(mine.content.decode("utf-8-sig")))][1:]
    assert "DEU" in listed and outsider not in listed  # its own, and those it was drawn for
    xlsx = await sec.get(f"/cycles/{cycle}/export/recommendations.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
