"""The shape of a member's name in one language (DESIGN §2): the bare name, its article, the
forms a sentence needs, gender and number. The grammar that composes them is i18n/names.py."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

Gender = Literal["m", "f"]


class Number(StrEnum):
    SINGULAR = "sg"
    PLURAL = "pl"


class NameForms(BaseModel):
    """One member's name in one language, in every form a sentence needs.

    ``short`` is the bare name (address lines, lists, tables); ``name`` has its article
    ("la Belgique", "el Perú", "the Netherlands"); ``of`` and ``to`` are the forms after the
    language's "de"/"à", "de"/"a" or "of"/"to", contracted where the language contracts
    ("du Mali", "aux Philippines", "del Perú", "al Japón").
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    short: str
    article: str = ""
    name: str
    of: str
    to: str
    gender: Gender = "m"
    number: Number = Number.SINGULAR


class LocalNames(BaseModel):
    """A member's names as recorded with `members add` (members that joined later; the founding
    members' names are data in i18n/member_names.json). A language left None has no name
    recorded yet: letters in it use the English name, and every command that shows the member
    says so."""

    model_config = ConfigDict(frozen=True)

    en: NameForms | None = None
    fr: NameForms | None = None
    es: NameForms | None = None

    def missing(self) -> list[str]:
        """The languages (fr, es) without a recorded name."""
        return [language for language in ("fr", "es") if getattr(self, language) is None]
