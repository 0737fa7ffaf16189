"""The Network's words, one glossary per language (``i18n/glossary.json``).

The catalogs hold every phrase of the portal, the timeline and the letters; the glossary holds
the few words those phrases must agree on: the Network's name, focal point, peer review, review
troika, self-assessment, sign-off, supported and noted as the United Nations says them. The
letters take these words from here (``t.word("network")``), and tests/unit/test_glossary.py
holds every catalog, every letter template and the letters of a whole review to them: a word
the glossary sets aside ("coordinador", "notée") or, in French and Spanish, the English word.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

from napreview.schemas.members import Language

GLOSSARY_RESOURCE = "glossary.json"


@dataclass(frozen=True)
class Term:
    """One of the Network's words in one language."""

    word: str
    plural: str
    set_aside: tuple[str, ...]


@functools.cache
def _glossary() -> dict[str, dict[Language, Term]]:
    text = resources.files("napreview.i18n").joinpath(GLOSSARY_RESOURCE).read_text("utf-8")
    return {
        name: {
            Language(language): Term(
                word=entry["word"],
                plural=entry.get("plural", entry["word"]),
                set_aside=tuple(entry.get("not", ())),
            )
            for language, entry in by_language.items()
        }
        for name, by_language in json.loads(text)["terms"].items()
    }


def terms() -> tuple[str, ...]:
    """The names of the glossary's terms ("network", "focal_point" …)."""
    return tuple(_glossary())


def term(name: str, language: Language | str) -> Term:
    """A term in a language; KeyError for a name the glossary does not have."""
    return _glossary()[name][Language(language)]


def set_aside(language: Language | str) -> tuple[str, ...]:
    """The words a page or letter in the language must not use for the Network's terms."""
    return tuple(word for by_language in _glossary().values()
                 for word in by_language[Language(language)].set_aside)  # fmt: skip
