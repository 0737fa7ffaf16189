"""The Network's 83 members (DESIGN §2, from the 2018 debriefing) and its Chairs by year."""

from __future__ import annotations

from napreview.schemas.members import (
    CedawStatus,
    Language,
    Member,
    MemberKind,
    RegionalGroup,
)

_STATES: dict[RegionalGroup, list[tuple[str, str]]] = {
    RegionalGroup.AF: [
        ("AGO", "Angola"),
        ("BFA", "Burkina Faso"),
        ("EGY", "Egypt"),
        ("ETH", "Ethiopia"),
        ("KEN", "Kenya"),
        ("LBR", "Liberia"),
        ("MLI", "Mali"),
        ("MAR", "Morocco"),
        ("NAM", "Namibia"),
        ("NGA", "Nigeria"),
        ("SEN", "Senegal"),
        ("SLE", "Sierra Leone"),
        ("ZAF", "South Africa"),
        ("TUN", "Tunisia"),
    ],
    RegionalGroup.APG: [
        ("AFG", "Afghanistan"),
        ("BHR", "Bahrain"),
        ("BGD", "Bangladesh"),
        ("CYP", "Cyprus"),
        ("IDN", "Indonesia"),
        ("JPN", "Japan"),
        ("JOR", "Jordan"),
        ("KAZ", "Kazakhstan"),
        ("KWT", "Kuwait"),
        ("MYS", "Malaysia"),
        ("PHL", "Philippines"),
        ("LKA", "Sri Lanka"),
        ("THA", "Thailand"),
        ("ARE", "United Arab Emirates"),
    ],
    RegionalGroup.EEG: [
        ("BIH", "Bosnia and Herzegovina"),
        ("BGR", "Bulgaria"),
        ("HRV", "Croatia"),
        ("CZE", "Czech Republic"),
        ("EST", "Estonia"),
        ("GEO", "Georgia"),
        ("HUN", "Hungary"),
        ("LVA", "Latvia"),
        ("LTU", "Lithuania"),
        ("MNE", "Montenegro"),
        ("POL", "Poland"),
        ("ROU", "Romania"),
        ("SRB", "Serbia"),
        ("SVK", "Slovakia"),
        ("SVN", "Slovenia"),
        ("UKR", "Ukraine"),
    ],
    RegionalGroup.GRULAC: [
        ("ARG", "Argentina"),
        ("BRA", "Brazil"),
        ("CHL", "Chile"),
        ("COL", "Colombia"),
        ("SLV", "El Salvador"),
        ("GTM", "Guatemala"),
        ("MEX", "Mexico"),
        ("PER", "Peru"),
        ("URY", "Uruguay"),
    ],
    RegionalGroup.WEOG: [
        ("AUS", "Australia"),
        ("AUT", "Austria"),
        ("BEL", "Belgium"),
        ("CAN", "Canada"),
        ("DNK", "Denmark"),
        ("FIN", "Finland"),
        ("FRA", "France"),
        ("DEU", "Germany"),
        ("GRC", "Greece"),
        ("IRL", "Ireland"),
        ("ITA", "Italy"),
        ("LIE", "Liechtenstein"),
        ("LUX", "Luxembourg"),
        ("MLT", "Malta"),
        ("NLD", "Netherlands"),
        ("NZL", "New Zealand"),
        ("NOR", "Norway"),
        ("PRT", "Portugal"),
        ("ESP", "Spain"),
        ("SWE", "Sweden"),
        ("CHE", "Switzerland"),
        ("GBR", "United Kingdom"),
        ("USA", "United States"),
    ],
}

_ORGANISATIONS: list[tuple[str, str]] = [
    ("AU", "African Union"),
    ("COE", "Council of Europe"),
    ("ECOWAS", "Economic Community of West African States"),
    ("EU", "European Union"),
    ("NATO", "North Atlantic Treaty Organization"),
    ("OSCE", "Organization for Security and Co-operation in Europe"),
    ("UFM", "Union for the Mediterranean"),
]

_FRENCH = {"FRA", "BEL", "LUX", "CHE", "BFA", "MLI", "SEN", "MAR", "TUN"}
_SPANISH = {"ESP", "ARG", "CHL", "COL", "SLV", "GTM", "MEX", "PER", "URY"}
# Signed CEDAW in 1980, never ratified.
_NOT_PARTY = {"USA"}


def _language(code: str) -> Language:
    if code in _FRENCH:
        return Language.FR
    if code in _SPANISH:
        return Language.ES
    return Language.EN


def _build() -> tuple[Member, ...]:
    members = [
        Member(
            code=code,
            name=name,
            kind=MemberKind.STATE,
            regional_group=group,
            cedaw_status=CedawStatus.NOT_PARTY if code in _NOT_PARTY else CedawStatus.STATE_PARTY,
            language=_language(code),
        )
        for group, states in _STATES.items()
        for code, name in states
    ]
    members += [
        Member(
            code=code,
            name=name,
            kind=MemberKind.REGIONAL_ORGANIZATION,
            regional_group=None,
            cedaw_status=CedawStatus.NOT_APPLICABLE,
            language=Language.EN,
        )
        for code, name in _ORGANISATIONS
    ]
    return tuple(members)


MEMBERS: tuple[Member, ...] = _build()
MEMBERS_BY_CODE: dict[str, Member] = {m.code: m for m in MEMBERS}

# The Chairs a new store is seeded with: the leadership troika of 2018 (previous, current, next).
# Later Chairs are data the secretariat records (`napreview network chair set YEAR CODE`), kept
# in the store; cycles look their Chair up there.
CHAIRS: dict[int, str] = {2017: "ESP", 2018: "DEU", 2019: "NAM"}


def cycle_year(cycle: str) -> int | None:
    """The year a cycle id starts with ("2019", "2019-short" → 2019), if it starts with one."""
    year = cycle[:4]
    if year.isdigit() and (len(cycle) == 4 or not cycle[4].isdigit()):
        return int(year)
    return None


def default_chair(cycle: str) -> str:
    """The seeded Chair of the cycle's year; a year without one is an error, never a guess."""
    year = cycle_year(cycle)
    if year is None or year not in CHAIRS:
        raise ValueError(f"no Chair of the Network is known for cycle {cycle!r}")
    return CHAIRS[year]
