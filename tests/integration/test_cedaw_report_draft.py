"""`napreview cedaw report-draft` end to end on the real dev server (issue #22): a review driven
to completed (which starts its follow-up), the member's indicator values recorded, and the draft
section for its next CEDAW periodic report read from the command line, citing the follow-up's
items, scoped like every read."""

from __future__ import annotations

import asyncio

from typer.testing import CliRunner

from napreview.cli.app import app
from napreview.schemas.indicators import NewValue, Reading
from napreview.services import documents, indicators

from ..conftest import running_worker
from ..helpers import AUDITOR, complete_review, fp, start_cycle
from ..workflows.test_review_timers import until

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN"]


async def test_the_draft_cites_what_the_member_supported_its_gaps_and_its_values(
    dev_env, store, tmp_path, monkeypatch
):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as worker:
        cycle = await start_cycle(client, store, worker.task_queue, MEMBERS)
        await complete_review(client, store, cycle, "DEU")
        germany = store.people.actor(fp("DEU"))
        value = NewValue(
            indicator="SG-09",
            member="DEU",
            period="2024",
            reading=Reading(women=280, men=456),
            source="Bundestag, members by sex",
        )
        await asyncio.to_thread(indicators.record, store, germany, value)
        followed = await until(
            lambda: asyncio.to_thread(store.follow_ups.get, cycle, "DEU"), "Germany's follow-up"
        )
        assert followed.texts
        dossier = await documents.dossier(client, store, germany, cycle, "DEU")
        supported = [r.text for r in dossier.recommendations if r.response]
        assert supported and dossier.cedaw is not None

        monkeypatch.setenv("NAPREVIEW_HOME", str(tmp_path))
        monkeypatch.setenv("NAPREVIEW_DATABASE_URL", store.engine.url.render_as_string(False))
        monkeypatch.setenv("NAPREVIEW_TEMPORAL_ADDRESS", client.service_client.config.target_host)
        monkeypatch.setenv("NAPREVIEW_TASK_QUEUE", worker.task_queue)
        monkeypatch.delenv("NAPREVIEW_USER", raising=False)

        def napreview(*args: str):
            return CliRunner().invoke(app, ["cedaw", "report-draft", cycle, "DEU", *args])

        text = await asyncio.to_thread(napreview, "--as", fp("DEU"))
        assert text.exit_code == 0, text.output
        draft = text.stdout
        assert draft.startswith("Women and peace and security (general recommendation No. 30")
        assert f"In review cycle {cycle}, Germany supported" in draft
        assert all(f"  - {r}" in draft for r in supported)
        assert "(general recommendation No. 30, para" in draft
        assert "(SG-09), 2024, measured: women 280, men 456, total 736" in draft
        assert "E. Follow-up to the recommendations" in draft
        words = " ".join(draft.split())
        assert all(f"{' '.join(t.split())}: not started" in words for t in followed.texts.values())

        page = tmp_path / "draft.html"
        french = await asyncio.to_thread(
            napreview, "--language", "fr", "--html", "-o", str(page), "--as", AUDITOR
        )
        assert french.exit_code == 0, french.output
        html = page.read_text(encoding="utf-8")
        assert '<section lang="fr">' in html
        assert "mise en œuvre par l&#39;Allemagne du programme" in html

        refused = await asyncio.to_thread(napreview, "--as", fp("FRA"))
        assert refused.exit_code == 3
        assert "may not read" in refused.output
