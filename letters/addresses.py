"""Who a letter names besides its addressee, in the letter's language: the Permanent Mission in
copy, the secretariat, the members of the Network (DESIGN §7)."""

from __future__ import annotations

from napreview.i18n.names import name_forms
from napreview.schemas.members import Language, Member, MemberKind

_MISSIONS: dict[Language, tuple[str, str]] = {
    Language.EN: (
        "Permanent Mission {of} to the United Nations",
        "Delegation {of} to the United Nations",
    ),
    Language.FR: (
        "Mission permanente {of} auprès de l'Organisation des Nations Unies",
        "Délégation {of} auprès de l'Organisation des Nations Unies",
    ),
    Language.ES: (
        "Misión Permanente {of} ante las Naciones Unidas",
        "Delegación {of} ante las Naciones Unidas",
    ),
}

SECRETARIAT_NAMES: dict[Language, str] = {
    Language.EN: "UN Women, secretariat of the WPS Focal Points Network",
    Language.FR: "ONU Femmes, secrétariat du Réseau des points focaux pour les femmes et la paix "
    "et la sécurité",
    Language.ES: "ONU Mujeres, secretaría de la Red de Puntos Focales sobre las Mujeres y la Paz "
    "y la Seguridad",
}

_MEMBERS_IN_COPY: dict[Language, str] = {
    Language.EN: "The focal points of the members taking part in the {cycle} review cycle",
    Language.FR: "Les points focaux des membres participant au cycle d'examen {cycle}",
    Language.ES: "Los puntos focales de los miembros que participan en el ciclo de examen {cycle}",
}


def mission_of(member: Member, language: Language | str = Language.EN) -> str:
    """The member's mission in New York, in the letter's language ("Mission permanente de la
    Belgique …", "Misión Permanente del Perú …", "Permanent Mission of the Netherlands …")."""
    language = Language(language)
    state, organisation = _MISSIONS[language]
    template = organisation if member.kind is MemberKind.REGIONAL_ORGANIZATION else state
    return template.format(of=name_forms(member, language).of)


def secretariat_name(language: Language | str) -> str:
    return SECRETARIAT_NAMES[Language(language)]


def members_in_copy(language: Language | str, cycle: str) -> str:
    """The copy line of the cycle summary, which goes to every participating member."""
    return _MEMBERS_IN_COPY[Language(language)].format(cycle=cycle)
