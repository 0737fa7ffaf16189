"""The translation catalogs (i18n/locale): they parse, every message id the code and the
portal's pages use is translated in French and Spanish with the same {fields}, every refusal
code too, and the three old systems of phrases are gone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from napreview.i18n.catalogs import catalog, po_file, translated
from napreview.i18n.refusals import MEMBER_PARAMS
from napreview.i18n.translator import translator
from napreview.schemas.cedaw import LinkageRating, Severity
from napreview.schemas.follow_up import ItemStatus
from napreview.schemas.indicators import ValueKind
from napreview.schemas.letters import LetterKind
from napreview.schemas.members import CedawStatus, Location, MemberKind, RegionalGroup, Role
from napreview.schemas.nap import CivilSocietyRole, Gr30Theme, Pillar
from napreview.schemas.recommendations import THEME_TITLES, Theme
from napreview.schemas.refusals import ENGLISH
from napreview.schemas.review import Decision, ReviewerStatus, Stage
from napreview.schemas.submissions import Rating, RecommendationResponse, RecommendationStatus
from napreview.workflows.cedaw_rules import load_rules

ROOT = Path(__file__).parents[2]
FIELD = re.compile(r"\{(\w+)\}")


def extracted() -> set[tuple[str | None, str]]:
    """(context, message id) of everything `make i18n` extracts (i18n/babel.cfg)."""
    with (ROOT / "i18n" / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        ROOT, method_map, options_map
    ):
        found.add((context, message if isinstance(message, str) else message[0]))
    return found


def fields(text: str) -> set[str]:
    """A text's {fields}; a member's forms ({member_of}, {reviewer_to}, {member_name}) count as
    the member."""
    names = set(FIELD.findall(text))
    return {
        re.sub(r"_(of|to|name)$", "", n) if n.rsplit("_", 1)[0] in MEMBER_PARAMS else n
        for n in names
    }


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_catalogs_parse_with_two_plural_forms_and_nothing_fuzzy(language):
    assert po_file(language).is_file()
    found = catalog(language)
    assert found.num_plurals == 2
    assert not [m.id for m in found if m.id and m.fuzzy]
    assert not [(m.id, errors) for m, errors in found.check()]


@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_message_id_of_the_code_and_the_pages_is_translated(language):
    wanted = extracted()
    assert len(wanted) > 500  # the extraction found the portal, the timeline and the refusals
    assert (None, "Review of {member}") in wanted and ("stage", "peer_review") in wanted
    assert (None, "C. Linkage with the Convention") in wanted  # the CEDAW report draft's words
    assert not sorted(wanted - translated(language), key=str)


# Every coded value the pages, the timeline and the letters name, by the group of its words.
CODED = {
    "stage": list(Stage),
    "status": list(RecommendationStatus),
    "status_plural": list(RecommendationStatus),
    "rating": list(Rating),
    "linkage": list(LinkageRating),
    "severity": list(Severity),
    "pillar": list(Pillar),
    "civil_society": list(CivilSocietyRole),
    "response": list(RecommendationResponse),
    "decision": list(Decision),
    "decision_taken": list(Decision),
    "reviewer_status": list(ReviewerStatus),
    "role": list(Role),
    "cedaw_status": list(CedawStatus),
    "regional_group": [*RegionalGroup, "ORG"],
    "letter": list(LetterKind),
    "plan": list(MemberKind),
    "location": list(Location),
    "theme": list(Theme),
    "linkage_count": list(LinkageRating),
    "gr30_theme": list(Gr30Theme),
    # every gap of the CEDAW rules but a theme left out, which is named by its theme
    "gap_label": [
        code
        for code, finding in load_rules().findings.items()
        if finding.severity is Severity.GAP and code != "THEME_NOT_ADDRESSED"
    ],
    "abroad_role": ["donor_assistance", "peacekeeping_contingents", "peace_process_role"],
    "number": list(range(1, 10)),
    "outcome": [Stage.COMPLETED, Stage.WITHDRAWN],
    "plan_status": ["active", "expired", "upcoming"],
    "value_kind": list(ValueKind),
    "item_status": list(ItemStatus),
}


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_every_coded_value_has_its_word(language):
    words = translated(language)
    missing = [(g, str(c)) for g, codes in CODED.items() for c in codes if (g, str(c)) not in words]
    assert not missing


@pytest.mark.parametrize("language", ["fr", "es"])
def test_translations_keep_the_fields_of_their_english(language):
    wrong = []
    for message in catalog(language):
        if not message.id or not message.string:
            continue
        if isinstance(message.id, str):
            pairs = [(message.id, message.string, False)]
        else:
            singular, plural = message.id
            pairs = [(singular, message.string[0], True), (plural, message.string[1], False)]
        for english, said, singular_form in pairs:
            expected, got = fields(english), fields(said)
            if singular_form:  # "Only the latest letter is shown" need not say "1"
                expected, got = expected - {"n"}, got - {"n"}
            if expected != got:
                wrong.append((english, said))
    assert not wrong


@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_refusal_code_is_translated_with_the_same_fields(language):
    found = catalog(language)
    for code, english in ENGLISH.items():
        message = found.get(english)
        assert message is not None and message.string and not message.fuzzy, code
        assert fields(message.string) == fields(english), code


def test_no_python_dict_or_template_of_phrases_is_left():
    assert not (ROOT / "i18n" / "catalog.py").exists()
    assert not (ROOT / "i18n" / "translate.py").exists()
    assert not (ROOT / "audit" / "phrases.py").exists()
    assert not list((ROOT / "templates" / "letters").glob("*/terms.j2"))


def test_the_english_glossary_keeps_the_schemas_english():
    en = translator("en")
    themes = {t.id: t.title for t in load_rules().themes}  # the CEDAW rules name them in English
    assert {t: en.term("gr30_theme", t) for t in themes} == themes
    assert {t: en.term("theme", t) for t in THEME_TITLES} == THEME_TITLES
