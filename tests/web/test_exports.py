"""Issue #21: the cycle's spreadsheets in the reader's words. The status of the reviews and the
peer recommendations with their answers, downloaded as CSV and XLSX by a French-speaking and a
Spanish-speaking reader, read back: headers, stages and answers in their language (the
glossary's words), deadlines as dates."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from openpyxl import load_workbook  # type: ignore[import-untyped]

from napreview.i18n.translator import translator
from napreview.schemas.review import RecommendationResponse, Stage
from napreview.services import documents

from ..helpers import (
    SECRETARIAT,
    answering,
    fp,
    state_when,
)

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN"]


async def _answered(env) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A cycle where Germany's peer reviews are in and one recommendation is supported."""
    cycle, state = await answering(env.client, env.store, env.settings.task_queue, MEMBERS)
    key = f"{state.reviewers[0].member}#1"
    actor = env.store.people.actor(fp("DEU"))
    supported = {key: RecommendationResponse.SUPPORTED}
    await documents.respond(env.client, env.store, cycle, "DEU", actor, supported)
    await state_when(env.client, cycle, "DEU", lambda s: key in s.responses)
    await state_when(  # the read model has the review in peer review too
        env.client,
        cycle,
        "DEU",
        lambda s: any(
            r.member == "DEU" and r.stage is Stage.PEER_REVIEW
            for r in env.store.reviews.of_cycle(cycle)
        ),
    )
    return cycle, key


async def test_the_spreadsheets_speak_french_and_spanish(portal_env, http):
    env = portal_env
    cycle, key = await _answered(env)
    reviewer = key.split("#")[0]
    env.accounts.set_language(SECRETARIAT, "fr")
    try:
        sec = http()
        await sec.sign_in(SECRETARIAT)
        status = await sec.get(f"/cycles/{cycle}/export/status.csv")
        rows = list(csv.reader(io.StringIO(status.content.decode("utf-8-sig"))))
        assert rows[0] == [
            "Code",
            "Membre",
            "Étape",
            "Tour",
            "En retard",
            "Échéance (UTC)",
            "Examinateurs",
            "Lien avec la CEDEF",
            "Recommandations encore sans réponse",
        ]
        by_member = {r[0]: r for r in rows[1:]}
        assert by_member["DEU"][1:3] == ["Allemagne", "Examen par les pairs"]
        assert by_member["JPN"][1:5] == ["Japon", "Auto-évaluation", "1", "non"]
        due = datetime.fromisoformat(by_member["JPN"][5])  # a date a spreadsheet reads
        assert due > datetime.now(UTC).replace(tzinfo=None)
        answers = await sec.get(f"/cycles/{cycle}/export/recommendations.csv")
        rows = list(csv.reader(io.StringIO(answers.content.decode("utf-8-sig"))))
        assert rows[0] == ["Code", "Membre", "Examinateur", "Numéro", "Recommandation", "Réponse"]
        of_deu = [r for r in rows[1:] if r[0] == "DEU"]
        assert [r[5] for r in of_deu].count("acceptée") == 1
        assert [r[5] for r in of_deu].count("sans réponse") == len(of_deu) - 1

        env.accounts.set_language(SECRETARIAT, "es")
        sheet = await sec.get(f"/cycles/{cycle}/export/status.xlsx")
        rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
        assert rows[0][:6] == ("Código", "Miembro", "Etapa", "Ronda", "Con retraso", "Plazo (UTC)")
        by_member = {r[0]: r for r in rows[1:]}
        assert by_member["DEU"][1:3] == ("Alemania", "Examen entre pares")
        assert isinstance(by_member["JPN"][5], datetime)  # a date cell, not text
        assert by_member["JPN"][4] == "no"
        sheet = await sec.get(f"/cycles/{cycle}/export/recommendations.xlsx")
        rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
        assert rows[0] == (
            "Código",
            "Miembro",
            "Examinador",
            "Número",
            "Recomendación",
            "Respuesta",
        )
        answered = [r for r in rows[1:] if r[0] == "DEU" and r[5] == "cuenta con apoyo"]
        assert len(answered) == 1 and answered[0][3] == 1
        assert answered[0][2] == translator("es").member_name(reviewer)
    finally:
        env.accounts.set_language(SECRETARIAT, "en")
