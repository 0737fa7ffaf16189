"""Members of the Network, their focal points and the people who act in a review."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from napreview.schemas.names import LocalNames

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class MemberKind(StrEnum):
    STATE = "state"
    REGIONAL_ORGANIZATION = "regional_organization"


class RegionalGroup(StrEnum):
    """UN regional groups. Regional organisations have none (``None``)."""

    AF = "AF"
    APG = "APG"
    EEG = "EEG"
    GRULAC = "GRULAC"
    WEOG = "WEOG"


class CedawStatus(StrEnum):
    STATE_PARTY = "state_party"
    NOT_PARTY = "not_party"
    NOT_APPLICABLE = "not_applicable"


class Language(StrEnum):
    EN = "en"
    FR = "fr"
    ES = "es"


class Member(BaseModel):
    """A member of the Network: a UN member state or a regional organisation."""

    model_config = ConfigDict(frozen=True)

    code: str = Field(
        description="ISO 3166-1 alpha-3 code for a state, acronym for an organisation"
    )
    name: str
    kind: MemberKind
    regional_group: RegionalGroup | None
    cedaw_status: CedawStatus
    language: Language
    joined_on: date | None = Field(
        default=None, description="the day it joined the Network; None for the founding members"
    )
    left_on: date | None = Field(
        default=None,
        description="the day it left the Network (dated, never deleted: past reviews stay)",
    )
    names: LocalNames | None = Field(
        default=None,
        description="its names in en/fr/es as recorded with `members add`; None for the "
        "founding members, whose names are in i18n/member_names.json",
    )

    def belongs_on(self, day: date) -> bool:
        """A member of the Network on that day: joined by then and not yet left. Only such a
        member is drawn or invited in a cycle started that day."""
        joined = self.joined_on is None or self.joined_on <= day
        return joined and (self.left_on is None or day < self.left_on)

    @property
    def draw_group(self) -> str:
        """The group used by the troika draw: regional organisations count as one group."""
        return self.regional_group.value if self.regional_group else "ORG"


class Location(StrEnum):
    CAPITAL = "capital"
    NEW_YORK_MISSION = "new_york_mission"


class Honorific(StrEnum):
    """The courtesy title a letter addresses a person by; it also gives French and Spanish the
    gender of the salutation (Madame / Monsieur, Estimada Sra. / Estimado Sr.)."""

    MS = "Ms"
    MR = "Mr"


class Rank(StrEnum):
    """A title the salutation uses in place of Ms or Mr (Dear Ambassador Shikongo, Madame
    l'Ambassadrice, Estimada Dra. Hassan)."""

    DR = "Dr"
    AMBASSADOR = "Ambassador"
    PROFESSOR = "Professor"


class FocalPoint(BaseModel):
    """A member's WPS focal point at one location, for a dated period.

    ``title`` is the person's position (shown under the name); ``honorific``, ``rank`` and
    ``family_name`` make the salutation ("Dear Ms Schmidt", "Madame,", "Estimada Sra.
    Fernández:"). Without an honorific, letters use a neutral salutation.
    """

    member: str
    name: str
    title: str | None = None
    honorific: Honorific | None = None
    rank: Rank | None = None
    family_name: str | None = None
    ministry: str | None = None
    email: str = Field(pattern=EMAIL_PATTERN)
    location: Location = Location.CAPITAL
    active_from: date
    active_to: date | None = None


class Role(StrEnum):
    SECRETARIAT = "secretariat"
    FOCAL_POINT = "focal_point"
    AUDITOR = "auditor"


class Actor(BaseModel):
    """The person behind a step, as the store knows them when the step is sent.

    The front end resolves the person to role and member; the workflow checks both against the
    step, because a validator cannot look anything up. History carries the opaque ``person_id``
    only: the email stays on this side (``exclude``), so personal data can be corrected in the
    store. (Reviews started before person ids carry an email instead, and still replay.)
    """

    model_config = ConfigDict(frozen=True)

    person_id: str = Field(default="", max_length=40)
    role: Role
    member: str | None = Field(default=None, max_length=16)
    email: str | None = Field(default=None, exclude=True, max_length=254)

    @property
    def ref(self) -> str:
        """How records name this person: the person id (an email only in old histories)."""
        return self.person_id or self.email or "unknown"

    def describe(self) -> str:
        where = f" of {self.member}" if self.member else ""
        return f"{self.ref} ({self.role.value.replace('_', ' ')}{where})"

    def acts_as(self) -> str:
        """'the focal point of DEU', 'the secretariat': how refusals address the person."""
        if self.role is Role.FOCAL_POINT:
            return (
                f"the focal point of {self.member}" if self.member else "a focal point of no member"
            )
        return f"the {self.role.value.replace('_', ' ')}"
