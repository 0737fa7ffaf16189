"""The texts people type about people and members (names, titles, ministries, email addresses)
checked where both doors meet, before the store or a letter sees them.

Each must be one line: a letter's header carries it, and a line break there would add header
lines of someone's choosing, or stop every letter to that person. None may hold a NUL, nor be
longer than the store keeps: SQLite would keep it and PostgreSQL fail on it, so both refuse it
here, with the same words, naming the field.
"""

from __future__ import annotations

import re

from napreview.schemas.members import EMAIL_PATTERN
from napreview.schemas.text import EMAIL_LENGTH, NAME_LENGTH, control_characters
from napreview.services.errors import InvalidInput

# The field (a portal form's name for it) in the words of a sentence.
FIELDS = {
    "email": "The email address",
    "name": "The name",
    "title": "The title",
    "ministry": "The ministry",
    "family_name": "The family name",
    "name_en": "The English name",
    "name_fr": "The French name",
    "name_es": "The Spanish name",
    "label": "The token's label",
    "comment": "The comment",
}


class UnfitText(InvalidInput):
    """A typed text that cannot be kept. ``field`` names it (see FIELDS); ``problem`` says why
    in a word the portal translates: ``control`` (a line break or another control
    character), ``too_long`` (more than ``limit`` characters), ``not_an_address``,
    ``missing``."""

    def __init__(self, field: str, problem: str, message: str, limit: int = 0) -> None:
        super().__init__(message)
        self.field = field
        self.problem = problem
        self.limit = limit


def fit_line(field: str, value: str | None, limit: int = NAME_LENGTH) -> str | None:
    """``value`` if it is one line of at most ``limit`` characters without control
    characters (None stays None); UnfitText naming the field otherwise."""
    if value is None:
        return None
    words = FIELDS[field]
    found = control_characters(value)
    if found:
        raise UnfitText(
            field,
            "control",
            f"{words} must be one line without control characters; it contains {', '.join(found)}.",
        )
    if len(value) > limit:
        raise UnfitText(
            field,
            "too_long",
            f"{words} is too long: at most {limit} characters ({len(value)} given).",
            limit,
        )
    return value


def fit_email(value: str, field: str = "email") -> str:
    """An email address as kept: trimmed, lower case, one line, an address."""
    email = fit_line(field, value.strip().lower(), EMAIL_LENGTH) or ""
    if not re.match(EMAIL_PATTERN, email):
        raise UnfitText(
            field, "not_an_address", f"{FIELDS[field]} {email!r} is not an address (name@domain)."
        )
    return email


# What a text of several lines may hold besides printable characters.
_LINE_BREAKS = "\n\t"


def fit_text(field: str, value: str, limit: int) -> str:
    """A text of paragraphs as kept: line breaks made plain (\\n), trimmed, not empty, at most
    ``limit`` characters, without NUL or any other control character."""
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    words = FIELDS[field]
    if not text:
        raise UnfitText(field, "missing", f"{words} is empty.")
    found = control_characters("".join(c for c in text if c not in _LINE_BREAKS))
    if found:
        raise UnfitText(
            field,
            "control",
            f"{words} may hold line breaks but no other control characters; it contains "
            f"{', '.join(found)}.",
        )
    if len(text) > limit:
        raise UnfitText(
            field,
            "too_long",
            f"{words} is too long: at most {limit} characters ({len(text)} given).",
            limit,
        )
    return text
