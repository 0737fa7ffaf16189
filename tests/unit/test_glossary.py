"""One vocabulary (issue #19): the glossary's words are the catalogs' words, so the portal, the
timeline and the letters say "punto focal" and "se toma nota" alike; no catalog entry and no
letter of a whole review (the goldens, written by the real letter path) in French or Spanish
uses a word the glossary sets aside, an English glossary word, or a member name not taken from
the names file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from napreview.i18n import glossary
from napreview.i18n.catalogs import catalog
from napreview.i18n.translator import translator
from napreview.letters.addresses import SECRETARIAT_NAMES
from napreview.schemas.members import Language

from ..vocabulary import problems

GOLDEN = Path(__file__).parents[1] / "golden" / "letters"

# (group, code) of the catalogs' coded words -> the glossary term they are
CODED = {
    ("response", "supported"): "supported",
    ("response", "noted"): "noted",
    ("role", "focal_point"): "focal_point",
    ("stage", "self_assessment"): "self_assessment",
    ("stage", "peer_review"): "peer_review",
    ("stage", "sign_off"): "sign_off",
    ("field", "evidence"): "evidence",
}


@pytest.mark.parametrize("language", list(Language))
def test_the_catalogs_coded_words_are_the_glossarys(language: Language) -> None:
    t = translator(language)
    for (group, code), name in CODED.items():
        assert t.in_sentence(t.term(group, code)) == t.word(name), (group, code)
    assert t.word("network") in SECRETARIAT_NAMES[language]


@pytest.mark.parametrize("language", list(Language))
def test_no_catalog_entry_strays_from_the_glossary(language: Language) -> None:
    strays = []
    for message in catalog(language):
        said = message.string if isinstance(message.string, str) else " ".join(message.string)
        if message.id and said and (found := problems(said, language)):
            strays.append(f"{message.id!r}: {said!r} {found}")
    assert not strays, "\n".join(strays)


def test_the_glossary_is_the_united_nations_wording() -> None:
    assert glossary.term("supported", "fr").word == "acceptée"
    assert glossary.term("noted", "fr").word == "dont il est pris note"
    assert glossary.term("supported", "es").word == "cuenta con apoyo"
    assert glossary.term("noted", "es").word == "se toma nota"
    assert "coordinador" in glossary.set_aside("es")


@pytest.mark.parametrize("language", [Language.FR, Language.ES, Language.EN])
def test_the_letters_of_a_whole_review_keep_to_the_glossary_and_the_names_file(
    language: Language,
) -> None:
    letters = sorted((GOLDEN / language.value).iterdir())
    assert len(letters) >= 10  # the golden test writes every kind of a review, text and HTML
    strays = {
        letter.name: found
        for letter in letters
        if (found := problems(letter.read_text(), language))
    }
    assert not strays


def test_the_check_finds_what_a_reader_would_object_to() -> None:
    assert problems("Le point focal du Kenya", "fr") == []
    assert problems("Designar un coordinador de Kenia", "es") == [
        "set aside by the glossary: 'coordinador'",
        "member name not from the names file: 'Kenia'",
    ]
    assert problems("La peer review de la Germany", "fr") == [
        "English glossary word: 'peer review'",
        "member name not from the names file: 'Germany'",
    ]
    # an address names a page, not a word
    assert problems("<a href='/reviews/2027/SEN/self-assessment'>Auto-évaluation</a>", "fr") == []
    assert problems("Czech Republic", "en") != []


def test_moments_and_sizes_as_each_language_writes_them() -> None:
    moment = datetime(2026, 12, 4, 8, 22, 39, tzinfo=UTC)
    assert translator("en").moment(moment) == "4 December 2026, 08:22:39 UTC"
    assert translator("fr").moment(moment) == "4 décembre 2026 à 08:22:39 UTC"
    assert translator("es").moment(moment) == "4 de diciembre de 2026, a las 08:22:39 UTC"
    assert translator("fr").size(9 * 1024) == "9 Ko"
    assert translator("en").size(9 * 1024) == "9 KB"
    assert translator("fr").size(5 * 1024 * 1024 // 2) == "2,5 Mo"


def test_lists_of_members_follow_the_names_in_the_readers_language() -> None:
    fr, es = translator("fr"), translator("es")
    codes = ["ARE", "ZAF", "DEU", "EGY", "ESP"]
    # French: Afrique du Sud, Allemagne, Égypte, Émirats arabes unis, Espagne
    assert fr.by_name(codes) == ["ZAF", "DEU", "EGY", "ARE", "ESP"]
    assert [es.member_name(c) for c in es.by_name(codes)] == sorted(
        (es.member_name(c) for c in codes), key=lambda n: n.replace("É", "E")
    )


def test_headings_are_built_with_each_languages_grammar() -> None:
    fr, es = translator("fr"), translator("es")
    assert fr.gettext("Self-assessment of {member}", **fr.about("SEN")) == (
        "Auto-évaluation du Sénégal"
    )
    assert fr.gettext("Peer review by {member}", **fr.about("FRA")) == (
        "Examen par les pairs réalisé par la France"
    )
    assert es.gettext("Review of {member}", **es.about("PER")) == "Examen del Perú"
    assert translator("en").gettext("Review of {member}", **translator("en").about("SEN")) == (
        "Review of Senegal"
    )
