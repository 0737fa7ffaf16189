"""One reader's language: phrases and the Network's words from the catalogs (i18n/catalogs.py),
member names from the names file (i18n/names.py), dates and numbers by Babel, and refusals
rendered from their codes (i18n/refusals.py). The portal, the audit timeline and the letters all
take their words from a ``Translator``; ``translator(language)`` gives the one of a language.

Phrases fill their ``{name}`` fields themselves, in templates as in Python (the refusals' English,
fixed in schemas/refusals.py, is written so), so there is one placeholder style for translators.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal

from napreview.i18n import glossary, names, refusals
from napreview.i18n.catalogs import EN, LANGUAGES, translated, translations
from napreview.schemas.members import Member
from napreview.schemas.refusals import Param, render

log = logging.getLogger(__name__)

MemberT = TypeVar("MemberT", Member, str)

# A paragraph reference: a range "34-38" (hyphen or en dash), or a lettered one "28(a)".
_RANGE = re.compile(r"^(\d+)\s*[-\u2010-\u2015]\s*(\d+)$")
_LETTERED = re.compile(r"^(\d+)\((\w+)\)$")


class Words:
    """One group of the Network's words looked up by code, for templates:
    ``t.stage["peer_review"]``, ``t.frequency.get(typed, typed)``."""

    def __init__(self, translator: Translator, group: str) -> None:
        self._translator = translator
        self._group = group

    def __getitem__(self, code: Any) -> str:
        if code not in self:
            raise KeyError(f"no word for {self._group} {code!r}")
        return self._translator.term(self._group, code)

    def __contains__(self, code: Any) -> bool:
        return self._translator.has_term(self._group, code)

    def get(self, code: Any, default: str | None = None) -> str | None:
        return self._translator.term(self._group, code) if code in self else default


class Translator:
    """Everything a reader sees in one language."""

    def __init__(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"no catalog for language {language!r}")
        self.language = language
        self.locale = Locale.parse(language)
        self._translations = translations(language)

    # --- phrases ---

    def gettext(self, message: str, /, **fields: object) -> str:
        """A phrase in the language, its ``{fields}`` filled: ``gettext("Review of {member}",
        member=…)``."""
        return fill(self._translations.gettext(message), fields)

    def ngettext(self, singular: str, plural: str, n: int, /, **fields: object) -> str:
        """A phrase that counts: the language's form for ``n`` (``{n}`` is filled with it)."""
        return fill(self._translations.ngettext(singular, plural, n), {"n": n, **fields})

    def pgettext(self, context: str, message: str, /, **fields: object) -> str:
        return fill(str(self._translations.pgettext(context, message)), fields)

    def npgettext(
        self, context: str, singular: str, plural: str, n: int, /, **fields: object
    ) -> str:
        return fill(
            str(self._translations.npgettext(context, singular, plural, n)), {"n": n, **fields}
        )

    def quoted(self, text: str) -> str:
        """Someone's words quoted as the language quotes: “…” in English, « … » in French (with
        its no-break spaces), «…» in Spanish."""
        if self.language == "fr":
            return f"«\u00a0{text}\u00a0»"
        if self.language == "es":
            return f"«{text}»"
        return f"“{text}”"

    # --- the Network's words ---

    def has_term(self, group: str, code: Any) -> bool:
        """Whether the language, or English, has a word for the code."""
        key = (group, _code(code))
        return key in translated(self.language) or key in translated(EN)

    def term(self, group: str, code: Any) -> str:
        """The word for a coded value, e.g. ``term("stage", "peer_review")``: the language's,
        else the English one; a code no catalog knows is shown as it is, and logged."""
        if not self.has_term(group, code):
            _say_missing(group, _code(code))
            return _code(code).replace("_", " ")
        return str(self._translations.pgettext(group, _code(code)))

    def words(self, group: str) -> Words:
        """A group of words looked up by code, for templates (``t.stage["peer_review"]``)."""
        return Words(self, group)

    def word(self, name: str, *, plural: bool = False) -> str:
        """One of the Network's words from the glossary (i18n/glossary.py) as it reads in a
        sentence: ``word("focal_point")`` is "point focal", "punto focal"."""
        found = glossary.term(name, self.language)
        return found.plural if plural else found.word

    @staticmethod
    def in_sentence(word: str) -> str:
        """A word written as a label ("Peer review") as it reads inside a sentence ("peer
        review"); an acronym keeps its capitals ("CEDAW linkage check")."""
        if word[:1].isupper() and not word[1:2].isupper():
            return word[:1].lower() + word[1:]
        return word

    # --- members ---

    def member_name(self, member: Member | str, form: str = "short") -> str:
        """A member's name from the names file: ``short`` bare (lists, headings), ``name`` with
        its article, ``of``/``to`` after the language's de/à, of/to. A code the file does not
        know (a member added later, given by its code alone) is shown as its code."""
        if isinstance(member, Member):
            forms = names.name_forms(member, self.language)
        else:
            found = names.forms_of(member, self.language)
            if found is None:
                return member
            forms = found
        return str(getattr(forms, form))

    def about(self, member: Member | str) -> dict[str, str]:
        """The fields a phrase about a member may use, so that each language builds it with its
        own grammar: {member} the bare name (English headings: "Self-assessment of Senegal"),
        {member_name} with its article ("réalisé par la France"), {member_of} and {member_to}
        after de/à, de/a ("Auto-évaluation du Sénégal")."""
        return {
            "member": self.member_name(member),
            "member_name": self.member_name(member, "name"),
            "member_of": self.member_name(member, "of"),
            "member_to": self.member_name(member, "to"),
        }

    def member_label(self, member: Member | str) -> str:
        """'Allemagne (DEU)': the name and the code, where both help (tables, choices)."""
        code = member.code if isinstance(member, Member) else member
        return f"{self.member_name(member)} ({code})"

    def name_key(self, member: Member | str) -> tuple[str, str]:
        """A key that sorts members by their name in this language as a reader expects, accents
        and capitals aside ("Émirats arabes unis" among the E, not after "Zimbabwe")."""
        name = self.member_name(member)
        return collation_key(name), name

    def by_name(self, members: Iterable[MemberT]) -> list[MemberT]:
        """Members (or their codes) in the order of their names in this language."""
        return sorted(members, key=self.name_key)

    def names(self, members: Iterable[Member | str], form: str = "name") -> str:
        """Members as a sentence lists them: "la Belgique, le Canada et le Japon"."""
        return self.join([self.member_name(member, form) for member in members])

    def join(self, words: Sequence[str], conjunction: str = "and") -> str:
        """Words joined with the language's "and" (or "or")."""
        return names.join(self.language, words, conjunction)

    def in_words(self, count: int) -> str:
        """A count as United Nations style writes it in running text: below ten in words ("three",
        "trois", "tres"; the catalogs' ``number`` words, masculine), from ten in figures."""
        if 0 < count < 10:
            return self.term("number", count)
        return self.number(count)

    def paragraphs(self, references: str) -> str:
        """Paragraph references as the language writes them after "paras": "34–38, 28(a)"
        reads "34 à 38, 28 a)" in French, "34 a 38, 28 a)" in Spanish; two in a row are joined
        with "and" ("83 et 84"). A reference of another shape is left as written."""
        written = []
        for part in (p.strip() for p in references.split(",")):
            if found := _RANGE.match(part):
                first, last = found.groups()
                if int(last) == int(first) + 1:
                    # Translators: two paragraphs in a row after "paras" (French "83 et 84").
                    phrase = self.pgettext("two paragraphs", "{first}–{last}")
                else:
                    # Translators: a range of paragraphs after "paras" (French "34 à 38").
                    phrase = self.pgettext("paragraph range", "{first}–{last}")
                written.append(fill(phrase, {"first": first, "last": last}))
            elif found := _LETTERED.match(part):
                # Translators: a lettered sub-paragraph (French and Spanish "28 a)").
                phrase = self.pgettext("sub-paragraph", "{number}({letter})")
                written.append(fill(phrase, {"number": found[1], "letter": found[2]}))
            else:
                written.append(part)
        return ", ".join(written)

    # --- dates and numbers ---

    def day(self, value: date | datetime | None) -> str:
        """A day as the language writes it in prose: 4 December 2026, 1er décembre 2026,
        4 de diciembre de 2026."""
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = value.date()
        return self._day(value)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one translator per language and process)
    def _day(self, value: date) -> str:
        """``day``, kept: a page of a cycle writes the same few days hundreds of times, and
        Babel takes 0.1 ms for each."""
        # Translators: the CLDR pattern of a date in prose (d: day, MMMM: month, y: year; text
        # in quotes is written as it is), so that each language sets its own.
        if value.day == 1:
            pattern = self.pgettext("date, the first of a month", "d MMMM y")
        else:
            pattern = self.pgettext("date", "d MMMM y")
        return str(format_date(value, pattern, locale=self.locale))

    def moment(self, value: datetime | None) -> str:
        """A moment to the second, in UTC, as United Nations texts write it: the day as in prose
        and the time on the 24-hour clock ("4 December 2026, 08:22:39 UTC", "4 décembre 2026 à
        08:22:39 UTC"), never the United States' "Dec 4, 2026, 8:22:39 AM"."""
        if value is None:
            return ""
        # Translators: a moment, its day as in prose and its time on the 24-hour clock.
        return self.pgettext("moment", "{day}, {time} UTC", day=self.day(value),
                             time=self.clock(value))  # fmt: skip

    def deadline(self, value: datetime | None, zone: str = "UTC") -> str:
        """A deadline in the reader's time zone, the zone named: "28 December 2026, 17:56
        (Africa/Dakar)"."""
        if value is None:
            return ""
        local = value.astimezone(ZoneInfo(zone))
        # Translators: a deadline: its day, its time of day and the time zone's name.
        return self.pgettext(
            "deadline",
            "{day}, {time} ({zone})",
            day=self.day(local),
            time=format_time(local, format="short", locale=self.locale),
            zone=zone,
        )

    def clock(self, value: datetime | None) -> str:
        """The time of day alone on the 24-hour clock (08:22:39), for a moment and the ticks of
        a chart spanning hours."""
        if value is None:
            return ""
        return f"{value:%H:%M:%S}"  # CLDR's HH:mm:ss: the same digits in every language served

    def size(self, count: int) -> str:
        """A file's size as the language writes it: "9 KB", "9 Ko", "2,5 MB"."""
        if count < 1024 * 1024:
            kilobytes = self.number(max(1, round(count / 1024)))
            # Translators: a file's size in kilobytes (French "{n} Ko").
            return self.pgettext("file size", "{n} KB", n=kilobytes)
        megabytes = format_decimal(round(count / (1024 * 1024), 1), "#,##0.#", locale=self.locale)
        # Translators: a file's size in megabytes (French "{n} Mo").
        return self.pgettext("file size", "{n} MB", n=megabytes)

    def number(self, value: float | None) -> str:
        """A number with the language's digit grouping: whole numbers as they are, others with
        two decimals (1,000,000 / 1 000 000 / 1.000.000; 12.50 / 12,50)."""
        if value is None:
            return ""
        whole = float(value).is_integer()
        return str(format_decimal(value, "#,##0" if whole else "#,##0.00", locale=self.locale))

    # --- refusals ---

    def refusal(
        self, english: str, code: str | None = None, params: Mapping[str, Param] | None = None
    ) -> str:
        """A refused step's reason for this reader (i18n/refusals.py)."""
        return refusals.shown(self, english, code, params or {})


def _code(code: Any) -> str:
    return str(getattr(code, "value", code))


_said_missing: set[tuple[str, str]] = set()


def _say_missing(group: str, code: str) -> None:
    if (group, code) not in _said_missing:  # once per process, not once per page
        _said_missing.add((group, code))
        log.warning("no word for %s %r in any catalog; it is shown as its code", group, code)


def fill(text: str, fields: Mapping[str, object]) -> str:
    """A phrase's ``{fields}`` filled; a placeholder the caller did not give stays as it is
    (a translation with a mistyped field shows it rather than failing the page)."""
    if not fields:
        return text
    return render(text, {name: str(value) for name, value in fields.items()})


def collation_key(text: str) -> str:
    """A text reduced to what alphabetical order looks at: letters without their accents, in
    one case, without apostrophes and hyphens."""
    bare = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in bare if not unicodedata.combining(c))
    return bare.replace("'", "").replace("’", "").replace("-", " ").casefold()


def upfirst(text: str) -> str:
    """The first letter in capitals, the rest untouched ("les Pays-Bas" → "Les Pays-Bas")."""
    return text[:1].upper() + text[1:]


def translator(language: str) -> Translator:
    """The translator of a language (one per process)."""
    return _translator(str(language))  # a Language is a str; the cache holds plain codes


@functools.cache
def _translator(language: str) -> Translator:
    return Translator(language)


def pick_language(header: str | None) -> str:
    """The best of the catalogs' languages for an Accept-Language header; English by default."""
    if not header:
        return EN
    ranked = []
    for part in header.split(","):
        bits = part.strip().split(";q=")
        code = bits[0].strip().lower()[:2]
        try:
            weight = float(bits[1]) if len(bits) > 1 else 1.0
        except ValueError:
            weight = 0.0
        if code in LANGUAGES:
            ranked.append((weight, code))
    return max(ranked)[1] if ranked else EN


def language_names() -> dict[str, str]:
    """Each language by its own name ("English", "Français", "Español"), for a language menu."""
    return {code: upfirst(Locale.parse(code).get_display_name(code) or code) for code in LANGUAGES}
