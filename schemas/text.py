"""Limits every text that arrives must meet, the same as the store's columns.

A value the database would refuse must be refused here, before it reaches Temporal: an activity
that can never store what a review asks it to would be retried for ever, and the review with it.
PostgreSQL refuses NUL characters in text and JSON, so they are refused everywhere.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, Field

# Dates people give (NAP adoption, plan periods) must fall in a plausible range.
EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2100, 12, 31)
# A name (a person's, a member's, in any of its forms), a title, a ministry: what a letter's
# header and address lines carry. The store's columns are as long (store/tables.py).
NAME_LENGTH = 200
EMAIL_LENGTH = 254
# No deadline, extension or reminder is longer than this: a typo of 9999d must not overflow.
LONGEST_DURATION = timedelta(days=3 * 366)


def no_nul(value: Any) -> Any:
    """Refuse NUL characters in a string, or in any string inside lists and dicts."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("contains a NUL character (\\x00), which cannot be stored")
    elif isinstance(value, list | tuple):
        for item in value:
            no_nul(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            no_nul(key)
            no_nul(item)
    return value


def control_characters(value: str) -> list[str]:
    """The characters that cannot stand in one line of a header or an address: line breaks
    (CR, LF and Unicode's own), NUL and the other control characters, as escapes people
    can read (\\r, \\n, \\x00)."""
    found = [c for c in value if unicodedata.category(c) == "Cc" or c in "\u2028\u2029"]
    return list(dict.fromkeys(repr(c)[1:-1] for c in found))


def in_date_range(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"must be between {EARLIEST_DATE} and {LATEST_DATE}")
    return value


def sensible_duration(value: timedelta) -> timedelta:
    if value > LONGEST_DURATION:
        raise ValueError("is longer than three years")
    return value


def today() -> date:
    """Today in UTC: the day the records mean by "today" (focal points, membership, cycles).
    Never called in workflow code, which has a clock of its own."""
    return datetime.now(UTC).date()


def day_words(day: date) -> str:
    """A day as messages write it: 28 Dec 2026 (the reader's order, no leading zero)."""
    return f"{day.day} {day:%b %Y}"


NO_NUL = AfterValidator(no_nul)

# The texts people write, each at most as long as the store keeps (and never with a NUL).
Phrase = Annotated[str, Field(max_length=100), NO_NUL]
ArticleCited = Annotated[str, Field(min_length=1, max_length=16), NO_NUL]
Reference = Annotated[str, Field(min_length=1, max_length=60), NO_NUL]  # a symbol, paragraphs
Title = Annotated[str, Field(min_length=1, max_length=500), NO_NUL]
Explanation = Annotated[str, Field(min_length=1, max_length=2000), NO_NUL]
Recommendation = Annotated[str, Field(max_length=2000), NO_NUL]
Evidence = Annotated[str, Field(max_length=5000), NO_NUL]
Comments = Annotated[str, Field(max_length=20000), NO_NUL]
# One comment of a review's conversation: a few paragraphs, not a document.
MESSAGE_LENGTH = 5000
Message = Annotated[str, Field(min_length=1, max_length=MESSAGE_LENGTH), NO_NUL]

PlausibleDate = Annotated[date, AfterValidator(in_date_range)]
Duration = Annotated[timedelta, Field(ge=timedelta(0)), AfterValidator(sensible_duration)]
