"""The translation catalogs: one gettext catalog per language,
``i18n/locale/<language>/LC_MESSAGES/napreview.po``, read with Babel once per process.

The ``.po`` files are read as they are (no compiled ``.mo``), so a fresh clone runs without a build
step. Two kinds of entries live in them (README, "Translating"):

- a **phrase**: its message id is the English, as the code or a template writes it
  (``_("Review of {member}")``); the English catalog leaves it empty;
- a **word of the Network's vocabulary** for a coded value (a stage, a status, a field of the
  self-assessment form …): its context names the kind of value and its message id is the code
  (``msgctxt "stage"`` / ``msgid "peer_review"``); every catalog gives the word, English included,
  so ``en/…/napreview.po`` is the English glossary, and where a new code's word is first written.

A French or Spanish entry left empty or fuzzy is not used: the reader sees the English instead.
"""

from __future__ import annotations

import functools
import io
from importlib import resources
from importlib.resources.abc import Traversable

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from napreview.schemas.members import Language

DOMAIN = "napreview"
LANGUAGES: tuple[str, ...] = tuple(language.value for language in Language)
EN = Language.EN.value


def po_file(language: str) -> Traversable:
    """Where a language's catalog is, inside the installed package."""
    return resources.files("napreview.i18n").joinpath(
        "locale", language, "LC_MESSAGES", f"{DOMAIN}.po"
    )


@functools.cache
def catalog(language: str) -> Catalog:
    """A language's catalog as Babel reads it (entries, comments, flags)."""
    with po_file(language).open("rb") as source:
        return read_po(source, locale=language, domain=DOMAIN)


@functools.cache
def translations(language: str) -> Translations:
    """gettext over a language's catalog; what it lacks is looked up in English."""
    compiled = io.BytesIO()
    write_mo(compiled, catalog(language))  # fuzzy entries are left out
    compiled.seek(0)
    found = Translations(compiled, domain=DOMAIN)
    if language != EN:
        found.add_fallback(translations(EN))
    return found


@functools.cache
def translated(language: str) -> frozenset[tuple[str | None, str]]:
    """(context, message id) of every entry the language translates (not empty, not fuzzy)."""
    return frozenset(
        (message.context, message.id if isinstance(message.id, str) else message.id[0])
        for message in catalog(language)
        if message.id and not message.fuzzy and _written(message.string)
    )


def _written(string: str | tuple[str, ...] | list[str] | None) -> bool:
    return all(string) if isinstance(string, tuple | list) else bool(string)
