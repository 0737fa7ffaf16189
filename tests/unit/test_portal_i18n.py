"""Every phrase of the portal's pages has its French and Spanish; forms come from the schemas
and carry their errors back to the right field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from napreview.i18n.catalog import EN, ES, FR
from napreview.i18n.translate import (
    format_day,
    member_name,
    pick_language,
    term,
)
from napreview.schemas.examples import example_self_assessment
from napreview.schemas.submissions import PeerReview, SelfAssessment
from napreview.store.network import MEMBERS
from napreview.web import forms

TEMPLATES = Path(__file__).parents[2] / "templates" / "portal"
PHRASE = re.compile(r"""_\(\s*(["'])((?:(?!\1).)*)\1""")


def _phrases() -> set[str]:
    found = set()
    for path in TEMPLATES.glob("*.html"):
        for match in PHRASE.finditer(path.read_text()):
            found.add(match.group(2))
    # "done." ~ action and the like are families: their members are listed under EN
    return {p for p in found if not (p.endswith(".") and " " not in p)}


@pytest.mark.parametrize("catalog", [FR, ES], ids=["fr", "es"])
def test_every_phrase_and_name_is_translated(catalog):
    missing = sorted(p for p in _phrases() | set(EN) if p not in catalog)
    assert not missing, missing
    fields = {f.path for g in forms.groups_for(SelfAssessment) for f in g.fields}
    fields |= {f.path for g in forms.groups_for(PeerReview) for f in g.fields}
    labels = {p if not p.startswith("recommendations.") else p.rsplit(".", 1)[1] for p in fields}
    assert not sorted(labels - set(catalog))


def test_the_words_of_the_domain_and_the_dates_follow_the_language():
    assert term("fr", "stage", "peer_review") == "Examen par les pairs"
    assert member_name("DEU", "fr") == "Allemagne" and member_name("DEU", "es") == "Alemania"
    assert member_name("EU", "es") == "Unión Europea"
    assert all(member_name(m.code, "fr") for m in MEMBERS)
    from datetime import date

    assert format_day(date(2026, 1, 1), "fr") == "1 janvier 2026"
    assert format_day(date(2026, 1, 1), "es") == "1 de enero de 2026"
    assert pick_language("es-MX,es;q=0.9,en;q=0.5") == "es"
    assert pick_language("de-DE") == "en"


def test_a_form_round_trips_a_document_and_places_each_error():
    groups = forms.groups_for(SelfAssessment)
    document = example_self_assessment(MEMBERS[0]).model_dump(mode="json")
    raw = forms.raw_from_document(groups, document)
    assert (
        SelfAssessment.model_validate(forms.document_from_raw(groups, raw)).model_dump(mode="json")
        == document
    )
    raw["nap.iteration"] = "two"
    raw["recommendations.B2.status"] = ""
    broken = forms.document_from_raw(groups, raw)
    with pytest.raises(ValidationError) as err:
        SelfAssessment.model_validate(broken)
    places = {p.path for p in forms.problems(groups, broken, err.value)}
    assert places == {"nap.iteration", "recommendations.B2.status"}
    kinds = {f.path: f.kind for g in groups for f in g.fields}
    assert kinds["nap.pillars"] == "checkboxes" and kinds["nap.adopted_on"] == "date"
    assert kinds["recommendations.P1.evidence"] == "textarea"
    assert kinds["nap.cedaw.articles_cited"] == "lines"
