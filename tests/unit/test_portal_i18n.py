"""The portal's words: every field of the forms has its label in each language; the domain's
words, member names and dates follow the reader's language; forms come from the schemas and
carry their errors back to the right field."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from napreview.i18n.translator import pick_language, translator
from napreview.schemas.examples import example_self_assessment
from napreview.schemas.network import MEMBERS
from napreview.schemas.submissions import PeerReview, SelfAssessment
from napreview.web import forms


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_every_field_of_the_forms_has_its_label(language):
    t = translator(language)
    groups = forms.groups_for(SelfAssessment) + forms.groups_for(PeerReview)
    paths = {f.path for g in groups for f in g.fields}
    paths |= {g.path for g in groups if g.path and not g.recommendation}  # legends
    labels = {p if not p.startswith("recommendations.") else p.rsplit(".", 1)[1] for p in paths}
    assert not sorted(label for label in labels if not t.has_term("field", label))
    fr = translator("fr")
    assert fr.term("field", "nap.title") == "Intitulé du plan"
    assert "nap.budget.currency" in fr.words("field_hint")
    assert "nap.title" not in fr.words("field_hint")


def test_the_words_of_the_domain_and_the_dates_follow_the_language():
    fr, es = translator("fr"), translator("es")
    assert fr.term("stage", "peer_review") == "Examen par les pairs"
    assert es.term("response", "supported") == "cuenta con apoyo"  # the glossary word
    assert fr.member_name("DEU") == "Allemagne" and es.member_name("DEU") == "Alemania"
    assert es.member_name("EU") == "Unión Europea"
    # names come from the names file, as in the letters (not from CLDR's "Kenia")
    assert es.member_name("KEN") == "Kenya" and fr.member_name("SLV") == "El Salvador"
    assert es.member_label("KEN") == "Kenya (KEN)"
    assert all(fr.member_name(m.code) != m.code for m in MEMBERS)
    assert fr.day(date(2026, 1, 1)) == "1er janvier 2026"
    assert fr.day(date(2026, 1, 2)) == "2 janvier 2026"
    assert es.day(date(2026, 1, 1)) == "1 de enero de 2026"
    assert translator("en").day(date(2026, 12, 4)) == "4 December 2026"
    assert fr.number(1234567) == "1\u202f234\u202f567" and es.number(1234.5) == "1.234,50"
    assert pick_language("es-MX,es;q=0.9,en;q=0.5") == "es"
    assert pick_language("de-DE") == "en"


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_form_round_trips_a_document_and_places_each_error(language):
    groups = forms.groups_for(SelfAssessment)
    document = example_self_assessment(MEMBERS[0]).model_dump(mode="json")
    document["nap"]["budget"]["amount"] = 4_500_000_000.0
    raw = forms.raw_from_document(groups, document, language)
    read = forms.document_from_raw(groups, raw, language)
    assert SelfAssessment.model_validate(read.document).model_dump(mode="json") == document
    raw["nap.iteration"] = "two"
    raw["recommendations.B2.status"] = ""
    broken = forms.document_from_raw(groups, raw, language)
    with pytest.raises(ValidationError) as err:
        SelfAssessment.model_validate(broken.document)
    problems = forms.problems(groups, broken, err.value)
    assert {p.path: p.type for p in problems} == {
        "nap.iteration": "number_not_a_number",  # said once, not also "missing"
        "recommendations.B2.status": "missing",
    }
    kinds = {f.path: f.kind for g in groups for f in g.fields}
    assert kinds["nap.pillars"] == "checkboxes" and kinds["nap.adopted_on"] == "date"
    assert kinds["recommendations.P1.evidence"] == "textarea"
    assert kinds["nap.cedaw.articles_cited"] == "lines"
