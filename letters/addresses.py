"""Who a letter names besides its addressee, in the letter's language: the Permanent Mission in
copy (by its official name, and only when the email carries its copy), the secretariat, the
members of the Network (DESIGN §7)."""

from __future__ import annotations

from napreview.i18n import glossary
from napreview.i18n.names import name_forms
from napreview.schemas.members import Language, Member, MemberKind

# A State's mission to the United Nations in New York, named from the member's name.
_PERMANENT_MISSION: dict[Language, str] = {
    Language.EN: "Permanent Mission {of} to the United Nations",
    Language.FR: "Mission permanente {of} auprès de l'Organisation des Nations Unies",
    Language.ES: "Misión Permanente {of} ante las Naciones Unidas",
}

# An organisation's mission in New York goes by its own official name, known here only for the
# members that have one; no name is made up for the others.
ORGANISATION_MISSIONS: dict[str, dict[Language, str]] = {
    "AU": {
        Language.EN: "Permanent Observer Mission of the African Union to the United Nations",
        Language.FR: "Mission permanente d'observation de l'Union africaine auprès de "
        "l'Organisation des Nations Unies",
        Language.ES: "Misión Permanente de Observación de la Unión Africana ante las Naciones "
        "Unidas",
    },
    "EU": {
        Language.EN: "Delegation of the European Union to the United Nations",
        Language.FR: "Délégation de l'Union européenne auprès de l'Organisation des Nations Unies",
        Language.ES: "Delegación de la Unión Europea ante las Naciones Unidas",
    },
}

# The secretariat as letters name it in copy, around the glossary's name of the Network.
SECRETARIAT_NAMES: dict[Language, str] = {
    language: said.format(network=glossary.term("network", language).word)
    for language, said in {
        Language.EN: "UN Women, secretariat of the {network}",
        Language.FR: "ONU Femmes, secrétariat du {network}",
        Language.ES: "ONU Mujeres, secretaría de la {network}",
    }.items()
}

_MEMBERS_IN_COPY: dict[Language, str] = {
    Language.EN: "The focal points of the members taking part in the {cycle} review cycle",
    Language.FR: "Les points focaux des membres participant au cycle d'examen {cycle}",
    Language.ES: "Los puntos focales de los miembros que participan en el ciclo de examen {cycle}",
}


def mission_of(member: Member, language: Language | str = Language.EN) -> str | None:
    """The official name of the member's mission to the United Nations in New York, in the
    letter's language ("Mission permanente de la Belgique …", "Misión Permanente del Perú …",
    "Permanent Observer Mission of the African Union …"); None for an organisation whose
    mission is not known."""
    language = Language(language)
    if member.kind is MemberKind.REGIONAL_ORGANIZATION:
        return ORGANISATION_MISSIONS.get(member.code, {}).get(language)
    return _PERMANENT_MISSION[language].format(of=name_forms(member, language).of)


def secretariat_name(language: Language | str) -> str:
    return SECRETARIAT_NAMES[Language(language)]


def members_in_copy(language: Language | str, cycle: str) -> str:
    """The copy line of the cycle summary, which goes to every participating member."""
    return _MEMBERS_IN_COPY[Language(language)].format(cycle=cycle)
