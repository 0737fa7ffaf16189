"""Member names as each language writes them (DESIGN §2): with article, gender, number, and the
forms after "de/à" (French), "de/a" (Spanish) and "of/to" (English).

The names are data (``i18n/member_names.json``), seeded from CLDR through Babel by
``i18n/names_build.py`` and corrected by hand to the United Nations' official short names
(UNTERM). This module holds the grammar that composes the forms, so the data file and the rule
can be checked against each other, and the lookups the letters use. No I/O but reading that file.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Sequence
from importlib import resources

from napreview.schemas.members import Language, Member
from napreview.schemas.names import Gender, NameForms, Number

NAMES_RESOURCE = "member_names.json"

logger = logging.getLogger(__name__)

_VOWELS = tuple("AEIOUYÂÀÉÈÊÎÏÔÛaeiouyâàéèêîïôû")

# (article) -> (form after "de", form after "à"/"a"): the contractions of each language.
_FR_CONTRACTIONS = {"le": ("du", "au"), "les": ("des", "aux"), "la": ("de la", "à la")}
_ES_CONTRACTIONS = {"el": ("del", "al"), "la": ("de la", "a la"), "los": ("de los", "a los")}
_ES_CONTRACTIONS["las"] = ("de las", "a las")


def compose(language: Language, article: str, short: str) -> tuple[str, str, str]:
    """(name, of, to) from an article and a bare name, by the grammar of the language.

    French: "l'" elides ("l'Allemagne", "de l'Allemagne", "à l'Allemagne"); "le" and "les"
    contract ("du Mali", "au Mali", "des Pays-Bas", "aux Pays-Bas"); a name without article
    takes "de", elided before a vowel ("de Chypre", "d'El Salvador", "à Chypre"). Spanish: only
    "el" contracts ("del Perú", "al Perú"); an article that is part of the name is part of
    ``short`` and never contracts ("de El Salvador"). English: "of"/"to" before the name.
    """
    language = Language(language)
    if language is Language.FR:
        if article == "l'":
            name = f"l'{short}"
            return name, f"de {name}", f"à {name}"
        if article in _FR_CONTRACTIONS:
            of, to = _FR_CONTRACTIONS[article]
            return f"{article} {short}", f"{of} {short}", f"{to} {short}"
        if article:
            raise ValueError(f"unknown French article {article!r} for {short!r}")
        of = f"d'{short}" if short.startswith(_VOWELS) else f"de {short}"
        return short, of, f"à {short}"
    if language is Language.ES:
        if article in _ES_CONTRACTIONS:
            of, to = _ES_CONTRACTIONS[article]
            return f"{article} {short}", f"{of} {short}", f"{to} {short}"
        if article:
            raise ValueError(f"unknown Spanish article {article!r} for {short!r}")
        return short, f"de {short}", f"a {short}"
    if article not in ("", "the"):
        raise ValueError(f"unknown English article {article!r} for {short!r}")
    name = f"{article} {short}" if article else short
    return name, f"of {name}", f"to {name}"


def forms(language: Language, short: str, article: str = "", **grammar: str) -> NameForms:
    """The forms of a name, composed by :func:`compose`."""
    name, of, to = compose(language, article, short)
    return NameForms(short=short, article=article, name=name, of=of, to=to, **grammar)


@functools.cache
def _table() -> dict[str, dict[Language, NameForms]]:
    text = resources.files("napreview.i18n").joinpath(NAMES_RESOURCE).read_text(encoding="utf-8")
    raw = json.loads(text)
    return {
        code: {Language(lang): NameForms.model_validate(f) for lang, f in by_language.items()}
        for code, by_language in raw["members"].items()
    }


def known_codes() -> frozenset[str]:
    """The member codes the names file covers."""
    return frozenset(_table())


def forms_of(code: str, language: Language | str) -> NameForms | None:
    """A founding member's name in a language, by its code alone (None for another code)."""
    return _table().get(code, {}).get(Language(language))


def name_forms(member: Member, language: Language | str) -> NameForms:
    """The member's name in a language: from the names file (the founding members), else as
    recorded with ``members add``; a language with no name recorded uses the English name,
    without article (``members add`` and ``members show`` say so)."""
    language = Language(language)
    entry = _table().get(member.code, {}).get(language)
    if entry is None and member.names is not None:
        entry = getattr(member.names, language.value)
    if entry is not None:
        return entry
    if (member.code, language) not in _said_missing:  # once per process, not once per letter
        _said_missing.add((member.code, language))
        logger.warning(
            "no %s name for member %s; using %r", language.value, member.code, member.name
        )
    return forms(language, member.name)


_said_missing: set[tuple[str, Language]] = set()


# A lower-case article a person types before a name, per language, and what it says of the
# name's gender and number where it says anything ("l'" and "les" do not tell the gender).
_TYPED_ARTICLES: dict[Language, dict[str, tuple[Gender | None, Number]]] = {
    Language.EN: {"the": (None, Number.SINGULAR)},
    Language.FR: {
        "l'": (None, Number.SINGULAR),
        "le": ("m", Number.SINGULAR),
        "la": ("f", Number.SINGULAR),
        "les": (None, Number.PLURAL),
    },
    Language.ES: {
        "el": ("m", Number.SINGULAR),
        "la": ("f", Number.SINGULAR),
        "los": ("m", Number.PLURAL),
        "las": ("f", Number.PLURAL),
    },
}


def parse_name(language: Language | str, typed: str, gender: Gender | None = None) -> NameForms:
    """A name as a person writes it in a sentence, article included: "la Gambie",
    "l'Irlande", "les Îles Salomon", "Chypre", "el Perú", "los Países Bajos", "the Gambia".

    A leading article is the article (written in lower case in the forms); in Spanish only a
    lower-case one, since a capitalised one belongs to the name and never contracts ("El
    Salvador"). French and Spanish need the gender for agreement: the article
    gives it (le, la, el, la, los, las) or ``gender`` must (l', les, no article). Raises
    ValueError with a message for the person.
    """
    language = Language(language)
    text = " ".join(typed.replace("’", "'").split())
    if not text:
        raise ValueError("the name is empty")
    article, short = "", text
    said_gender: Gender | None = None
    number = Number.SINGULAR
    # Spanish names may begin with a capitalised article of their own ("El Salvador"): there
    # only a lower-case article counts. No English or French short name does.
    folded = text if language is Language.ES else text[:1].lower() + text[1:]
    for candidate, (article_gender, article_number) in _TYPED_ARTICLES[language].items():
        if folded.startswith(candidate if candidate.endswith("'") else candidate + " "):
            article = candidate
            short = text[len(candidate) :].strip()
            said_gender, number = article_gender, article_number
            break
    if not short:
        raise ValueError(f"{typed!r} has an article but no name")
    if language is Language.EN:
        return forms(language, short, article)
    if gender is not None and said_gender is not None and gender != said_gender:
        raise ValueError(
            f"the article {article!r} says the name is {_GENDER_WORDS[said_gender]}, "
            f"not {_GENDER_WORDS[gender]}"
        )
    chosen = gender or said_gender
    if chosen is None:
        raise ValueError(
            f"{text!r} needs its gender, masculine or feminine: "
            + ("its article does not tell" if article else "it has no article to tell")
        )
    return forms(language, short, article, gender=chosen, number=number)


_GENDER_WORDS = {"m": "masculine", "f": "feminine"}


# "and" / "or" before the last of several words, and the Spanish forms before the sound they
# would run into: "y" becomes "e" before an /i/ ("Portugal e Indonesia", but "y hielo"), "o"
# becomes "u" before an /o/ ("siete u ocho").
_CONJUNCTIONS = {
    Language.EN: {"and": "and", "or": "or"},
    Language.FR: {"and": "et", "or": "ou"},
    Language.ES: {"and": "y", "or": "o"},
}


def join(language: Language | str, words: Sequence[str], conjunction: str = "and") -> str:
    """Words as a sentence lists them: "Spain", "Spain and Kenya", "Spain, Kenya and Japan";
    "la Belgique, le Canada et le Japon"; "Portugal, Angola e Indonesia"."""
    language = Language(language)
    words = list(words)
    if len(words) < 2:
        return "".join(words)
    last = words[-1]
    said = _CONJUNCTIONS[language][conjunction]
    if language is Language.ES:
        said = _spanish_conjunction(said, last)
    return f"{', '.join(words[:-1])} {said} {last}"


def _spanish_conjunction(said: str, next_word: str) -> str:
    start = next_word.lower()
    if said == "y" and (start[:1] == "i" or (start[:2] == "hi" and start[2:3] not in "aeou")):
        return "e"
    if said == "o" and (start[:1] == "o" or start[:2] == "ho"):
        return "u"
    return said


def agree(word: str, member: Member, language: Language | str) -> str:
    """A participle or adjective agreed with the member: tiré → tirée, tirés, tirées (French);
    elegido → elegida, elegidos, elegidas (Spanish). English words do not change."""
    language = Language(language)
    f = name_forms(member, language)
    plural = f.number is Number.PLURAL
    if language is Language.FR:
        return word + ("e" if f.gender == "f" else "") + ("s" if plural else "")
    if language is Language.ES:
        if word.endswith("o"):
            stem = word[:-1]
            return stem + ("a" if f.gender == "f" else "o") + ("s" if plural else "")
        if plural:
            return word + ("s" if word.endswith(_VOWELS) else "es")
    return word


def pick(member: Member, language: Language | str, *words: str) -> str:
    """One of the words by the member's grammar: two words (singular, plural) or four
    (masculine singular, feminine singular, masculine plural, feminine plural)."""
    f = name_forms(member, language)
    plural = f.number is Number.PLURAL
    if len(words) == 2:
        return words[1] if plural else words[0]
    if len(words) == 4:
        return words[(2 if plural else 0) + (1 if f.gender == "f" else 0)]
    raise ValueError("pick takes two words (singular, plural) or four (m, f, m pl, f pl)")
