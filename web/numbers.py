"""Numbers as each language writes them: "4,500.5" in English, "4 500,5" in French, "4.500,5" in
Spanish. A number typed in a form is read with the reader's language (Babel, strict), and never
changed silently: what could be read two ways ("4.500" in English: four and a half, or four
thousand five hundred?) is refused with both readings, written the reader's way, for the person
to choose; what is no number in their language is refused with what it would mean in the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import (
    NumberFormatError,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

from napreview.i18n.catalogs import LANGUAGES

# What people type between groups of digits where their language writes a (narrow) space.
_SPACES = re.compile("[ \u00a0\u202f]")
_EXAMPLE = Decimal("1250000.5")


@dataclass
class UnclearNumber(ValueError):
    """A typed number the form refuses, with what to tell the person: ``kind`` is ``ambiguous``
    (two readings), ``unclear`` (no number in the reader's language; ``readings`` are what it
    means in the others), ``not_whole`` (a fraction where a whole number is asked) or
    ``not_a_number``; ``readings`` and ``example`` are written as the reader's language writes
    numbers."""

    kind: str
    typed: str
    readings: tuple[str, ...] = ()
    example: str = ""


def read_number(typed: str, language: str, *, whole: bool = False) -> Decimal:
    """The number ``typed`` means in ``language``, or UnclearNumber saying why it is refused."""
    text = typed.strip()
    ambiguous = _two_readings(text, language)
    if ambiguous:
        raise UnclearNumber("ambiguous", text, tuple(shown(r, language) for r in ambiguous))
    value = _as_written(text, language)
    if value is None:
        others = {r for other in LANGUAGES if other != language for r in _reading_in(text, other)}
        if others:
            readings = tuple(shown(r, language) for r in sorted(others))
            raise UnclearNumber("unclear", text, readings)
        example = "12" if whole else shown(_EXAMPLE, language)
        raise UnclearNumber("not_a_number", text, example=example)
    if whole and value != value.to_integral_value():
        raise UnclearNumber("not_whole", text, example=shown(value.to_integral_value(), language))
    return value


def shown(value: Decimal | float | int, language: str, *, grouped: bool = True) -> str:
    """A number as the language writes it, every digit typed kept ("4,500", "4 500", "4,5")."""
    if not grouped:
        return str(format_decimal(value, "0.################", locale=language))
    return str(format_decimal(value, locale=language, decimal_quantization=False))


def _symbols(language: str) -> tuple[str, str]:
    return get_decimal_symbol(language), get_group_symbol(language)


def _as_written(text: str, language: str) -> Decimal | None:
    """The number as ``language`` writes it: digits in groups of three after the first, one
    decimal mark; None if ``text`` is not written so."""
    decimal, group = _symbols(language)
    if _SPACES.fullmatch(group):
        text = _SPACES.sub(group, text)
    g, d = re.escape(group), re.escape(decimal)
    if not re.fullmatch(rf"[-+]?(?:[0-9]{{1,3}}(?:{g}[0-9]{{3}})+|[0-9]+)(?:{d}[0-9]+)?", text):
        return None
    try:
        return parse_decimal(text, locale=language, strict=True)
    except NumberFormatError:
        # Well grouped, but not as CLDR would print it (Spanish prints 4500, yet every reader
        # reads "4.500" as four thousand five hundred): the grouping above was checked.
        return parse_decimal(text, locale=language)


def _two_readings(text: str, language: str) -> tuple[Decimal, Decimal] | None:
    """ "4.500" in English, "1,500" in French or Spanish: a decimal mark followed by exactly three
    digits, which another language's writer means as thousands."""
    decimal, _ = _symbols(language)
    if not re.fullmatch(rf"[-+]?[1-9][0-9]{{0,2}}{re.escape(decimal)}[0-9]{{3}}", text):
        return None
    as_fraction = _as_written(text, language)
    as_thousands = Decimal(text.replace(decimal, ""))
    return (as_thousands, as_fraction) if as_fraction is not None else None


def _reading_in(text: str, language: str) -> list[Decimal]:
    """What ``text`` means to a writer of ``language`` (nothing if it is unclear there too)."""
    if _two_readings(text, language):
        return []
    found = _as_written(text, language)
    return [found] if found is not None else []
