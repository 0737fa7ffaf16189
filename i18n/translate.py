"""The portal in English, French and Spanish: phrases (i18n/catalog.py), the domain's words
(the letters' own terms, so the portal and the letters say the same thing), member names, and
dates and numbers formatted for the language with Babel."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from babel import Locale
from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.dates import format_time as babel_time
from babel.numbers import format_decimal

from napreview.i18n.catalog import CATALOG
from napreview.schemas.members import Member, MemberKind
from napreview.schemas.recommendations import RECOMMENDATIONS, THEME_TITLES
from napreview.store.network import MEMBERS

LANGUAGES = ("en", "fr", "es")
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}
log = logging.getLogger("napreview.portal")


def gettext(language: str) -> Callable[..., str]:
    """``_("English phrase", name=value)``: the phrase in the language, with fields filled."""
    table = CATALOG.get(language, {})
    english = CATALOG["en"]

    def _(text: str, **fields: Any) -> str:
        phrase = table.get(text) or english.get(text) or text
        return phrase.format(**fields) if fields else phrase

    return _


def pick_language(header: str | None) -> str:
    """The best of en/fr/es for an Accept-Language header."""
    if not header:
        return "en"
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
    return max(ranked)[1] if ranked else "en"


def format_day(value: date | datetime | None, language: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return babel_date(value, format="long", locale=language)


def format_moment(value: datetime | None, language: str) -> str:
    if value is None:
        return ""
    return babel_datetime(value, format="medium", tzinfo=None, locale=language) + " UTC"


def format_clock(value: datetime | None, language: str) -> str:
    """The time of day alone, for the ticks of a chart spanning hours."""
    if value is None:
        return ""
    return babel_time(value, format="medium", locale=language)


def format_number(value: float | int | None, language: str) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=language)


# --- the domain's words ---

_FALLBACK_TERMS: dict[str, dict[str, str]] = {
    "stage": {
        "self_assessment": "Self-assessment",
        "peer_review": "Peer review",
        "cedaw_check": "CEDAW linkage check",
        "sign_off": "Sign-off",
        "completed": "Completed",
        "withdrawn": "Withdrawn",
    },
    "recommendation": dict(RECOMMENDATIONS),
    "theme": {t.value: title for t, title in THEME_TITLES.items()},
}


@functools.cache
def _terms_module(language: str) -> Any:
    """The letters' terms.j2 of a language, rendered once (None when the letters have none)."""
    try:
        from napreview.letters.render import default_renderer

        env = default_renderer()._text  # the letters' own words, read-only
        return env.get_template(f"{language}/terms.j2").module
    except Exception:  # fall back to English words rather than fail a page
        log.warning("no letter terms for %s; the portal shows English words", language)
        return None


def finding_text(language: str, finding: Any, member: Any) -> str:
    """A CEDAW finding phrased as the letters phrase it in the language, else its message."""
    module = _terms_module(language)
    macro = getattr(module, "finding", None) if module is not None else None
    if macro is not None:
        try:
            return str(macro(finding, member)).strip() or finding.message
        except Exception:  # an unknown shape keeps the check's own message
            return str(finding.message)
    return str(finding.message)


@functools.cache
def terms(language: str) -> dict[str, dict[Any, str]]:
    """The letters' terms.j2 for the language (stage, status, rating, pillar, theme,
    recommendation, response, civil_society, severity, linkage …)."""
    found: dict[str, dict[Any, str]] = {}
    module = _terms_module(language)
    if module is not None:
        for name in dir(module):
            value = getattr(module, name)
            if not name.startswith("_") and isinstance(value, dict):
                found[name] = value
    for name, words in _FALLBACK_TERMS.items():
        found.setdefault(name, words)
    return found


def term(language: str, group: str, value: Any) -> str:
    """One word of the domain in the language, e.g. term("fr", "stage", "peer_review")."""
    key = getattr(value, "value", value)
    words = terms(language).get(group) or terms("en").get(group) or {}
    found = words.get(key)
    if found is None:
        found = (terms("en").get(group) or {}).get(key)
    if found is None:
        return str(key).replace("_", " ")
    return str(found)


# --- member names ---

_ALPHA2 = {
    "AFG": "AF", "AGO": "AO", "ARE": "AE", "ARG": "AR", "AUS": "AU", "AUT": "AT", "BEL": "BE",
    "BFA": "BF", "BGD": "BD", "BGR": "BG", "BHR": "BH", "BIH": "BA", "BRA": "BR", "CAN": "CA",
    "CHE": "CH", "CHL": "CL", "COL": "CO", "CYP": "CY", "CZE": "CZ", "DEU": "DE", "DNK": "DK",
    "EGY": "EG", "ESP": "ES", "EST": "EE", "ETH": "ET", "FIN": "FI", "FRA": "FR", "GBR": "GB",
    "GEO": "GE", "GRC": "GR", "GTM": "GT", "HRV": "HR", "HUN": "HU", "IDN": "ID", "IRL": "IE",
    "ITA": "IT", "JOR": "JO", "JPN": "JP", "KAZ": "KZ", "KEN": "KE", "KWT": "KW", "LBR": "LR",
    "LIE": "LI", "LKA": "LK", "LTU": "LT", "LUX": "LU", "LVA": "LV", "MAR": "MA", "MEX": "MX",
    "MLI": "ML", "MLT": "MT", "MNE": "ME", "MYS": "MY", "NAM": "NA", "NGA": "NG", "NLD": "NL",
    "NOR": "NO", "NZL": "NZ", "PER": "PE", "PHL": "PH", "POL": "PL", "PRT": "PT", "ROU": "RO",
    "SEN": "SN", "SLE": "SL", "SLV": "SV", "SRB": "RS", "SVK": "SK", "SVN": "SI", "SWE": "SE",
    "THA": "TH", "TUN": "TN", "UKR": "UA", "URY": "UY", "USA": "US", "ZAF": "ZA",
}  # fmt: skip

_ORGANISATIONS = {
    "fr": {
        "AU": "Union africaine",
        "COE": "Conseil de l'Europe",
        "ECOWAS": "Communauté économique des États de l'Afrique de l'Ouest",
        "EU": "Union européenne",
        "NATO": "Organisation du Traité de l'Atlantique Nord",
        "OSCE": "Organisation pour la sécurité et la coopération en Europe",
        "UFM": "Union pour la Méditerranée",
    },
    "es": {
        "AU": "Unión Africana",
        "COE": "Consejo de Europa",
        "ECOWAS": "Comunidad Económica de los Estados de África Occidental",
        "EU": "Unión Europea",
        "NATO": "Organización del Tratado del Atlántico Norte",
        "OSCE": "Organización para la Seguridad y la Cooperación en Europa",
        "UFM": "Unión por el Mediterráneo",
    },
}
_ENGLISH = {m.code: m.name for m in MEMBERS}


def member_name(code: str, language: str, fallback: str | None = None) -> str:
    """The member's name as the language writes it, without article (for lists and headings)."""
    english = fallback or _ENGLISH.get(code, code)
    if language == "en":
        return english
    if code in _ORGANISATIONS.get(language, {}):
        return _ORGANISATIONS[language][code]
    alpha2 = _ALPHA2.get(code)
    if alpha2:
        name = Locale(language).territories.get(alpha2)
        if name:
            return str(name)
    return english


def member_label(member: Member | str, language: str) -> str:
    code = member if isinstance(member, str) else member.code
    return f"{member_name(code, language)} ({code})"


def is_organisation(member: Member) -> bool:
    return member.kind is MemberKind.REGIONAL_ORGANIZATION
