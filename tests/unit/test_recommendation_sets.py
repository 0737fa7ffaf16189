"""The Network's recommendations as versioned sets (DESIGN §3.1, issue #18): the 2018 set keeps
the seed's words whole, in United Nations style, with French and Spanish texts; a cycle names its
set, a later set can retire a time-bound item, and past cycles keep theirs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from napreview.schemas.examples import example_self_assessment
from napreview.schemas.network import MEMBERS_BY_CODE
from napreview.schemas.recommendations import (
    DEFAULT_SET,
    RECOMMENDATION_IDS,
    RecommendationSet,
    UnknownSet,
    recommendation_set,
    set_names,
)
from napreview.schemas.review import CycleSettings, recommendation_set_of
from napreview.schemas.submissions import SET_CONTEXT, SelfAssessment

from ..helpers import LATER_SET, later_set  # noqa: F401 (a fixture)

# A copy of the seed document (../shared/seed/000_3981c79b867a21a1.txt): the Chair's summary of
# the 2018 debriefing, issued as A/72/926–S/2018/669.
SEED = Path(__file__).parents[1] / "seed" / "A-72-926-S-2018-669.txt"
DEU = MEMBERS_BY_CODE["DEU"]


def seed_recommendations() -> list[str]:
    """The 24 bullets under "Summary of Recommendations", as a reader sees them (no bold)."""
    text = SEED.read_text(encoding="utf-8")
    section = text[text.index("Summary of Recommendations") : text.index("Planned Activities")]
    bullets = re.findall(r"^- (.+)$", section, re.MULTILINE)
    return [" ".join(b.replace("**", "").split()) for b in bullets]


def test_the_2018_set_holds_the_seeds_24_recommendations_word_for_word() -> None:
    """Each English text is the seed's sentence with the set's editorial changes, in order, and
    nothing else: no word lost (P5's "female personnel in other positions", P7's "candidates
    for high-level political operations", B4's "whether in constitutional or legislative
    reform", B1's Group of Friends for Gender Parity, A10's group of friends in the Council)."""
    answered = recommendation_set(DEFAULT_SET)
    seed = seed_recommendations()
    assert len(seed) == 24 == len(answered.recommendations)
    used = set()
    for recommendation, sentence in zip(answered.recommendations, seed, strict=True):
        for change in answered.editorial:
            if change.seed in sentence:
                used.add(change.seed)
            sentence = sentence.replace(change.seed, change.text)
        assert recommendation.text.en == sentence, recommendation.id
    assert used == {c.seed for c in answered.editorial}, "an editorial change nothing needs"
    texts = answered.texts("en")
    assert "female personnel in other positions" in texts["P5"]
    assert "candidates for high-level political operations" in texts["P7"]
    assert "whether in constitutional or legislative reform" in texts["B4"]
    assert "the United Nations Group of Friends for Gender Parity" in texts["B1"]
    assert texts["A10"].startswith("Members of the Network who are also members of the Security")


def test_united_nations_style_writes_the_name_in_full() -> None:
    for language in ("en", "fr", "es"):
        for rid, text in recommendation_set().texts(language).items():
            assert not re.search(r"\bUN\b|\bONU\b", text), (language, rid)
    texts = recommendation_set().texts("en")
    assert "Security Council resolution 1325 (2000)" in texts["A1"]
    assert "Convention on the Elimination of All Forms of Discrimination" in texts["A2"]
    assert "Secretary-General and Deputy Secretary-General" in texts["P3"]


def test_every_recommendation_has_its_french_and_spanish_text() -> None:
    answered = recommendation_set()
    for r in answered.recommendations:
        assert r.text.fr != r.text.en and r.text.es != r.text.en, r.id
        assert r.text.fr[-1] == r.text.es[-1] == ".", r.id
    assert "Windhoek (Namibie)" in answered.text("P1", "fr")
    assert "1325 (2000) del Consejo de Seguridad" in answered.text("A1", "es")
    assert "Réseau des points focaux pour les femmes et la paix et la sécurité" in (
        answered.text("P1", "fr")
    )


def test_the_2018_set_names_its_source_and_keeps_its_ids() -> None:
    answered = recommendation_set()
    assert answered.source.symbol == "A/72/926–S/2018/669"
    assert answered.follows is None and answered.retired == {}
    assert answered.ids == list(RECOMMENDATION_IDS)
    assert answered.ids[:2] == ["P1", "P2"] and answered.ids[-1] == "B5"
    assert [r.theme.value for r in answered.recommendations].count("accountability") == 10
    assert DEFAULT_SET in set_names()


def test_a_cycle_names_its_set_and_past_cycles_keep_the_2018_set() -> None:
    settings = {
        "cycle": "2019",
        "seed": 1,
        "chair": "NAM",
        "started_by": {"person": "p", "role": "secretariat"},
    }
    assert CycleSettings.model_validate(settings).recommendation_set == DEFAULT_SET
    assert recommendation_set_of({}) == DEFAULT_SET  # a cycle stored before sets existed
    assert recommendation_set_of({"recommendation_set": "wps-fpn-2030"}) == "wps-fpn-2030"
    with pytest.raises(ValidationError):
        CycleSettings.model_validate({**settings, "recommendation_set": "../etc/passwd"})


def test_an_unknown_set_is_named_with_the_sets_there_are() -> None:
    with pytest.raises(UnknownSet, match="no recommendation set 'wps-fpn-1999'.*wps-fpn-2018"):
        recommendation_set("wps-fpn-1999")


def test_a_self_assessment_answers_every_recommendation_of_its_set_once() -> None:
    document = example_self_assessment(DEU).model_dump(mode="json")
    document["recommendations"] = document["recommendations"][1:] + document["recommendations"][1:2]
    with pytest.raises(ValidationError) as err:
        SelfAssessment.model_validate(document)
    message = str(err.value)
    assert "all 24 recommendations of set wps-fpn-2018 must be present exactly once" in message
    assert "given more than once: P2" in message and "missing: P1" in message


def test_a_later_set_retires_a_time_bound_item_and_adds_one(
    later_set: RecommendationSet,  # noqa: F811
) -> None:
    assert later_set.follows == DEFAULT_SET and list(later_set.retired) == ["P1"]
    assert "P1" not in later_set.ids and "P10" in later_set.ids and len(later_set.ids) == 24
    # a recommendation kept keeps its id and its words
    assert later_set.text("A2", "en") == recommendation_set().text("A2", "en")

    for_2018 = example_self_assessment(DEU).model_dump(mode="json")
    for_later = example_self_assessment(DEU, LATER_SET).model_dump(mode="json")
    # read back without a cycle, a document answering any one set is valid
    SelfAssessment.model_validate(for_2018)
    SelfAssessment.model_validate(for_later)
    # for a cycle on the later set, the 2018 shape is refused, naming what differs
    with pytest.raises(ValidationError) as err:
        SelfAssessment.model_validate(for_2018, context={SET_CONTEXT: LATER_SET})
    assert "missing: P10" in str(err.value) and "not in this set: P1 (retired)" in str(err.value)
    # and the past cycles on the 2018 set keep theirs
    SelfAssessment.model_validate(for_2018, context={SET_CONTEXT: DEFAULT_SET})
    with pytest.raises(ValidationError):
        SelfAssessment.model_validate(for_later, context={SET_CONTEXT: DEFAULT_SET})


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda d: d["recommendations"].append(d["recommendations"][0]), "given twice: P1"),
        (lambda d: d["recommendations"][0].update(theme="alliances"), "P1 belongs to theme"),
        (lambda d: d.update(retired={"P2": "why"}, follows="wps-fpn-2017"), "still listed: P2"),
        (lambda d: d.update(retired={"P99": "why"}), "names the set it follows"),
        (lambda d: d["recommendations"][0]["text"].pop("es"), "es"),
    ],
)
def test_a_mistake_in_a_set_is_refused(edit: Any, problem: str) -> None:
    data = recommendation_set().model_dump(mode="json")
    edit(data)
    with pytest.raises(ValidationError, match=problem):
        RecommendationSet.model_validate(data)
