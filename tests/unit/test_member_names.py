"""Member names as each language writes them (issue #10 item 1): the data file covers the 83
members in en, fr and es, every entry follows the grammar of i18n/names.py, and the tricky
cases the issue names are pinned. Salutations (item 3) from title and family name."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from napreview.i18n.names import (
    NAMES_RESOURCE,
    agree,
    forms,
    name_forms,
    pick,
)
from napreview.letters.salutation import address_form, salutation
from napreview.schemas.members import Honorific, Language, Rank
from napreview.schemas.network import MEMBERS, MEMBERS_BY_CODE


def raw() -> dict:
    return json.loads(resources.files("napreview.i18n").joinpath(NAMES_RESOURCE).read_text("utf-8"))


def test_every_member_has_its_name_in_the_three_languages() -> None:
    data = raw()["members"]
    assert set(data) == {m.code for m in MEMBERS} and len(data) == 83
    for code, entry in data.items():
        assert set(entry) == {"en", "fr", "es"}, code


def test_every_entry_follows_the_grammar() -> None:
    for code, entry in raw()["members"].items():
        for language_code, f in entry.items():
            language = Language(language_code)
            grammar = {k: f[k] for k in ("gender", "number") if k in f}
            expected = forms(language, f["short"], f["article"], **grammar)
            assert {**expected.model_dump(), **f} == expected.model_dump(), (code, language_code)
            if language is not Language.EN:
                assert f["gender"] in ("m", "f") and f["number"] in ("sg", "pl"), code


@pytest.mark.parametrize(
    ("code", "language", "name", "of", "to"),
    [
        ("DEU", "fr", "l'Allemagne", "de l'Allemagne", "à l'Allemagne"),
        ("MLI", "fr", "le Mali", "du Mali", "au Mali"),
        ("BEL", "fr", "la Belgique", "de la Belgique", "à la Belgique"),
        ("NLD", "fr", "les Pays-Bas", "des Pays-Bas", "aux Pays-Bas"),
        ("CYP", "fr", "Chypre", "de Chypre", "à Chypre"),
        ("JPN", "fr", "le Japon", "du Japon", "au Japon"),
        ("PHL", "fr", "les Philippines", "des Philippines", "aux Philippines"),
        ("SLV", "fr", "El Salvador", "d'El Salvador", "à El Salvador"),
        ("CZE", "fr", "la Tchéquie", "de la Tchéquie", "à la Tchéquie"),
        ("USA", "fr", "les États-Unis", "des États-Unis", "aux États-Unis"),
        ("AU", "fr", "l'Union africaine", "de l'Union africaine", "à l'Union africaine"),
        ("PER", "es", "el Perú", "del Perú", "al Perú"),
        ("USA", "es", "los Estados Unidos", "de los Estados Unidos", "a los Estados Unidos"),
        ("DEU", "es", "Alemania", "de Alemania", "a Alemania"),
        ("NLD", "es", "los Países Bajos", "de los Países Bajos", "a los Países Bajos"),
        ("SLV", "es", "El Salvador", "de El Salvador", "a El Salvador"),
        ("ARG", "es", "la Argentina", "de la Argentina", "a la Argentina"),
        ("JPN", "es", "el Japón", "del Japón", "al Japón"),
        ("CZE", "es", "Chequia", "de Chequia", "a Chequia"),
        ("AU", "es", "la Unión Africana", "de la Unión Africana", "a la Unión Africana"),
        ("NLD", "en", "the Netherlands", "of the Netherlands", "to the Netherlands"),
        ("USA", "en", "the United States", "of the United States", "to the United States"),
        ("EU", "en", "the European Union", "of the European Union", "to the European Union"),
        ("CZE", "en", "Czechia", "of Czechia", "to Czechia"),
    ],
)
def test_the_tricky_names(code: str, language: str, name: str, of: str, to: str) -> None:
    f = name_forms(MEMBERS_BY_CODE[code], language)
    assert (f.name, f.of, f.to) == (name, of, to)


@pytest.mark.parametrize(
    ("code", "language", "word", "agreed"),
    [
        ("BEL", "fr", "tiré", "tirée"),
        ("NLD", "fr", "tiré", "tirés"),
        ("PHL", "fr", "tiré", "tirées"),
        ("MLI", "fr", "tiré", "tiré"),
        ("NLD", "es", "elegido", "elegidos"),
        ("PHL", "es", "elegido", "elegidas"),
        ("ARG", "es", "elegido", "elegida"),
        ("PER", "es", "elegido", "elegido"),
        ("NLD", "en", "drawn", "drawn"),
    ],
)
def test_participles_agree_with_the_member(code, language, word, agreed) -> None:
    assert agree(word, MEMBERS_BY_CODE[code], language) == agreed


def test_pick_by_number_and_gender() -> None:
    nld, bel = MEMBERS_BY_CODE["NLD"], MEMBERS_BY_CODE["BEL"]
    assert pick(nld, "fr", "a", "ont") == "ont" and pick(bel, "fr", "a", "ont") == "a"
    assert pick(bel, "fr", "le", "la", "les", "les") == "la"


class P:
    def __init__(self, honorific=None, rank=None, family_name=None, name="Anna Schmidt"):
        self.honorific, self.rank, self.family_name, self.name = (
            honorific,
            rank,
            family_name,
            name,
        )


@pytest.mark.parametrize(
    ("person", "language", "expected"),
    [
        (P(Honorific.MS, None, "Schmidt"), "en", "Dear Ms. Schmidt,"),
        (P(Honorific.MR, None, "Okafor"), "en", "Dear Mr. Okafor,"),
        (P(Honorific.MS, Rank.DR, "Hassan"), "en", "Dear Dr. Hassan,"),
        (P(Honorific.MR, Rank.AMBASSADOR, "Pérez"), "en", "Dear Ambassador Pérez,"),
        (P(None, None, None), "en", "Dear Anna Schmidt,"),
        (P(Honorific.MS, None, "Dubois"), "fr", "Madame,"),
        (P(Honorific.MR, None, "Favre"), "fr", "Monsieur,"),
        (P(Honorific.MS, Rank.AMBASSADOR, "Dubois"), "fr", "Madame l'Ambassadrice,"),
        (P(None, None, None), "fr", "Madame, Monsieur,"),
        (P(Honorific.MS, None, "Fernández"), "es", "Estimada Sra. Fernández:"),
        (P(Honorific.MR, Rank.DR, "Pérez"), "es", "Estimado Dr. Pérez:"),
        (P(None, None, None), "es", "Estimada señora, estimado señor:"),
    ],
)
def test_salutations_as_diplomatic_correspondence_writes_them(person, language, expected):
    assert salutation(person, language) == expected
    assert "/" not in address_form(person, language)


def test_several_recipients_get_the_plural_form() -> None:
    assert salutation(None, "fr") == "Mesdames, Messieurs,"
    assert salutation(None, "es") == "Señoras y señores:"
