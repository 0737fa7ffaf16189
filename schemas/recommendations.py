"""The 24 recommendations of the 2018 debriefing (ids are stable) and their themes."""

from __future__ import annotations

from enum import StrEnum


class Theme(StrEnum):
    PARTICIPATION = "participation"
    ACCOUNTABILITY = "accountability"
    ALLIANCES = "alliances"


THEME_TITLES: dict[Theme, str] = {
    Theme.PARTICIPATION: "Participation and Representation",
    Theme.ACCOUNTABILITY: "Accountability and Advocacy",
    Theme.ALLIANCES: "Building Alliances",
}

RECOMMENDATIONS: dict[str, str] = {
    "P1": "Join the Network; capital-level representation at the 2019 annual meeting (Windhoek)",
    "P2": "Women briefers from government and civil society at open debates and side events",
    "P3": "Gender expertise at the UN Secretariat; women as Secretary-General and Deputy",
    "P4": "Gender-disaggregated data to diagnose WPS problems",
    "P5": "Gender expertise in the field (senior gender advisers, women in peacekeeping), "
    "with defence ministries",
    "P6": "Whole peacekeeping mission staffing: women and child protection advisers, judicial "
    "affairs, human rights officers, police on SGBV",
    "P7": "Gender perspective in peacekeeping from planning on; women in peace negotiations, "
    "as mediators and diplomats",
    "P8": "Political and financial support for women peacebuilders",
    "P9": "Collective responsibility to protect civil society and women's rights organisations",
    "A1": "A designated WPS focal point and a national action plan on resolution 1325, with "
    "local, sub-regional and regional plans",
    "A2": "A stronger link between CEDAW implementation and the WPS agenda",
    "A3": "Security Council sanctions regimes against impunity for sexual violence",
    "A4": "Regular Security Council reactions to conflict-related sexual violence",
    "A5": "A gendered lens on plans for preventing and countering violent extremism",
    "A6": "Engage men and boys; attention to sexual violence against men and boys",
    "A7": "WPS in the Peacebuilding Commission and Fund, the small-arms programme review and "
    "the UN Chiefs of Police summit",
    "A8": "Peacekeeping mandates that include WPS concerns and accountability for "
    "conflict-related sexual violence",
    "A9": "Influence Security Council mandate language and implementation with civil society",
    "A10": "A group of friends of Network members serving on the Security Council",
    "B1": "Collaborate with existing mechanisms (Group of Friends on WPS, Informal Experts Group, "
    "Gender Parity, Gender Champions)",
    "B2": "Bring the Berlin communique to the Peacebuilding Commission",
    "B3": "Developing and developed countries together in negotiations for gender-sensitive "
    "declarations",
    "B4": "Collective political strength against roll-back of WPS progress",
    "B5": "Highlight WPS issues not in the spotlight",
}

RECOMMENDATION_IDS: tuple[str, ...] = tuple(RECOMMENDATIONS)


def theme_of(recommendation_id: str) -> Theme:
    """The theme a recommendation belongs to, from its id's letter."""
    return {"P": Theme.PARTICIPATION, "A": Theme.ACCOUNTABILITY, "B": Theme.ALLIANCES}[
        recommendation_id[0]
    ]
