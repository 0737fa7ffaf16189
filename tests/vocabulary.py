"""What a reader of a French or Spanish page or letter must not meet (issue #19): an English
word of the Network's glossary, a word the glossary sets aside, or a member named otherwise than
in the names file (CLDR's "Kenia", the English "Germany"). Shared by the letter and portal
tests."""

from __future__ import annotations

import html
import re
from functools import cache

from napreview.i18n import glossary, names
from napreview.i18n.names_build import cldr_name
from napreview.schemas.members import Language

# Addresses and paths name pages and people, not words ("/reviews/2019/BEL/self-assessment",
# "secretariat@example.org").
_ADDRESSES = re.compile(
    r"(?:https?://|mailto:)\S+|(?<![\w.])/[\w\-./#?=&%]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
# A part of a page marked as written in another language (a letter's subject in the letter's
# language): its words are that language's.
_OTHER_LANGUAGE = re.compile(r'<((?!html\b)\w+)\b[^>]*\blang="(\w+)"[^>]*>.*?</\1>', re.S)
_TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)


def readable_text(page: str, language: str | None = None) -> str:
    """The words a reader of the language sees: tags, addresses and paths taken out, and the
    parts marked as written in another language."""
    if language is not None:
        page = _OTHER_LANGUAGE.sub(lambda m: m[0] if m[2] == language else " ", page)
    text = html.unescape(_TAGS.sub(" ", page))
    return " ".join(_ADDRESSES.sub(" ", text).split())


@cache
def _english_words(language: Language) -> tuple[str, ...]:
    words = []
    for name in glossary.terms():
        english, own = glossary.term(name, Language.EN), glossary.term(name, language)
        for said, theirs in ((english.word, own.word), (english.plural, own.plural)):
            if said.casefold() != theirs.casefold():
                words.append(said)
    return tuple(words)


@cache
def _names(language: Language) -> tuple[frozenset[str], tuple[str, ...]]:
    """(every form the names file gives in the language, the other names of the same members:
    CLDR's and, in French and Spanish, the English ones)."""
    ours: set[str] = set()
    for code in names.known_codes():
        forms = names.forms_of(code, language)
        if forms is not None:
            ours.update({forms.short, forms.name, forms.of, forms.to})
    others: set[str] = set()
    for code in names.known_codes():
        for other in (
            cldr_name(code, language),
            _english(code) if language != Language.EN else None,
        ):
            if other and other not in ours and not any(other in mine for mine in ours):
                others.add(other)
    others.update(_FORMER[language])
    return frozenset(ours), tuple(sorted(others, key=len, reverse=True))


# Former names a writer may still reach for, beyond CLDR's.
_FORMER = {Language.EN: ("Czech Republic", "Swaziland"), Language.FR: ("République tchèque",),
           Language.ES: ("República Checa",)}  # fmt: skip


def _english(code: str) -> str | None:
    forms = names.forms_of(code, Language.EN)
    return forms.short if forms else None


def problems(text: str, language: Language | str) -> list[str]:
    """What a reader in the language should not find in the text, each as it was found."""
    language = Language(language)
    seen = readable_text(text, language.value)
    found = []
    for word in glossary.set_aside(language):
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", seen, re.I):
            found.append(f"set aside by the glossary: {word!r}")
    if language is not Language.EN:
        for word in _english_words(language):
            if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", seen, re.I):
                found.append(f"English glossary word: {word!r}")
    ours, others = _names(language)
    for name in sorted(ours, key=len, reverse=True):
        seen = seen.replace(name, "·")
    for other in others:
        if re.search(rf"(?<!\w){re.escape(other)}(?!\w)", seen):
            found.append(f"member name not from the names file: {other!r}")
    return found
