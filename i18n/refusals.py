"""A refused step's reason in the reader's language, from its code and parameters
(schemas/refusals.py): the English sentence of the code is the message id the catalogs
translate, and each parameter is rendered by its name, as that module's docstring says.

English readers are shown the sentence as it was recorded (history, the store and the command
line hold it so); a refusal recorded before codes existed is shown as its English too.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from napreview.i18n.catalogs import EN
from napreview.schemas.refusals import ENGLISH, Param, render

if TYPE_CHECKING:
    from napreview.i18n.translator import Translator

# Parameters that name a member by its code; a sentence may use the name with its article
# ({member}), or its forms after "of" and "to" ({member_of}, {member_to}).
MEMBER_PARAMS = ("member", "reviewer", "actor_member")


def shown(t: Translator, english: str, code: str | None, params: Mapping[str, Param]) -> str:
    """What a reader is shown of a refusal: its code rendered in their language; the recorded
    English for English readers, and for a refusal without a code (or a code this version does
    not know)."""
    if code not in ENGLISH or (t.language == EN and english):
        return english
    return sentence(t, code, params)


def sentence(t: Translator, code: str, params: Mapping[str, Param]) -> str:
    """The refusal of a code in the translator's language, its parameters filled in."""
    said = render(t.gettext(ENGLISH[code]), values(t, params))
    return said[:1].upper() + said[1:]


def values(t: Translator, params: Mapping[str, Param]) -> dict[str, str]:
    """Each parameter as a sentence in the language writes it (see schemas/refusals.py)."""
    found: dict[str, str] = {}
    for key, value in params.items():
        if key in MEMBER_PARAMS and isinstance(value, str):
            for form, suffix in (("name", ""), ("of", "_of"), ("to", "_to")):
                found[key + suffix] = t.member_name(value, form)
        elif key in ("stage", "stages") and value:
            stages = value if isinstance(value, list) else [str(value)]
            found[key] = t.join([t.in_sentence(t.term("stage", s)) for s in stages], "or")
        elif key == "roles" and isinstance(value, list):
            found[key] = t.join([t.term("role", role) for role in value], "or")
        elif key == "outcome":
            found[key] = t.term("outcome", value)
        elif key == "on" and isinstance(value, str):
            found[key] = _day(t, value)
        elif key == "signed_at" and isinstance(value, str):
            found[key] = _moment(t, value)
        elif key == "keys" and isinstance(value, list):
            found[key] = ", ".join(value)
        else:
            found[key] = str(value)
    found["acts_as"] = acts_as(t, params)
    return found


def acts_as(t: Translator, params: Mapping[str, Param]) -> str:
    """How a refusal addresses the person: "the focal point of Germany", "le secrétariat"."""
    role = str(params.get("actor_role") or "")
    member = params.get("actor_member")
    if role == "focal_point":
        if not isinstance(member, str) or not member:
            return t.pgettext("refusal", "a focal point of no member")
        return t.pgettext(
            "refusal",
            "the focal point of {member}",
            member=t.member_name(member, "name"),
            member_of=t.member_name(member, "of"),
        )
    return t.term("acting_as", role) if role else t.pgettext("refusal", "someone")


def _day(t: Translator, iso: str) -> str:
    try:
        return t.day(date.fromisoformat(iso[:10]))
    except ValueError:
        return iso


def _moment(t: Translator, iso: str) -> str:
    """An ISO moment as the reader's language writes it ("4 December 2026, 14:05:00 UTC")."""
    try:
        return t.moment(datetime.fromisoformat(iso).astimezone(UTC))
    except ValueError:
        return iso
