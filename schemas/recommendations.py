"""The Network's recommendations as versioned sets (DESIGN §3.1): a cycle names the set it uses.

Each set is a JSON file in ``schemas/recommendation_sets/`` named after its id
(``wps-fpn-2018.json``: the 24 recommendations of the 2018 debriefing, A/72/926–S/2018/669),
with each recommendation's full wording in English, French and Spanish. A set a cycle has used
is never edited; a later set is a new file that may follow an earlier one and retire a
time-bound item, so past cycles keep theirs. Ids are stable within a set, and a recommendation
kept by a later set keeps its id. The themes are the three of the peer review's ratings.

The files are read when a set is first asked for, never on import: workflows import this
module (through the schemas) and must stay free of I/O.
"""

from __future__ import annotations

import functools
import json
from enum import StrEnum
from importlib import resources
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

DEFAULT_SET = "wps-fpn-2018"
SETS_FOLDER = "recommendation_sets"
ID_LETTERS = {"P": "participation", "A": "accountability", "B": "alliances"}


class Theme(StrEnum):
    PARTICIPATION = "participation"
    ACCOUNTABILITY = "accountability"
    ALLIANCES = "alliances"


THEME_TITLES: dict[Theme, str] = {
    Theme.PARTICIPATION: "Participation and Representation",
    Theme.ACCOUNTABILITY: "Accountability and Advocacy",
    Theme.ALLIANCES: "Building Alliances",
}


def theme_of(recommendation_id: str) -> Theme:
    """The theme a recommendation belongs to, from its id's letter."""
    return Theme(ID_LETTERS[recommendation_id[0]])


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Words(_Frozen):
    """One text in the three languages of the Network's correspondence."""

    en: str = Field(min_length=1)
    fr: str = Field(min_length=1)
    es: str = Field(min_length=1)

    def __getitem__(self, language: Any) -> str:
        return str(getattr(self, getattr(language, "value", language)))


class Recommendation(_Frozen):
    id: str = Field(pattern=r"^[PAB][1-9][0-9]?$")
    theme: Theme
    text: Words

    @model_validator(mode="after")
    def _theme_matches_id(self) -> Self:
        if theme_of(self.id) is not self.theme:
            raise ValueError(f"{self.id} belongs to theme {theme_of(self.id).value}")
        return self


class Source(_Frozen):
    symbol: str = Field(min_length=1)
    title: Words


class EditorialChange(_Frozen):
    """A change the English makes to the seed's words, and why (a test replays them)."""

    seed: str = Field(min_length=1)
    text: str
    why: str = Field(min_length=1)


class RecommendationSet(_Frozen):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    about: str = ""
    source: Source
    of: Words = Field(description='how letters say whose they are: "of the 2018 debriefing"')
    follows: str | None = Field(default=None, description="the set this one succeeds")
    retired: dict[str, str] = Field(
        default_factory=dict, description="ids of the set it follows left out of this one, why"
    )
    editorial: tuple[EditorialChange, ...] = ()
    recommendations: tuple[Recommendation, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        ids = self.ids
        if repeated := sorted({i for i in ids if ids.count(i) > 1}):
            raise ValueError(f"recommendation ids given twice: {', '.join(repeated)}")
        if kept := sorted(set(self.retired) & set(ids)):
            raise ValueError(f"retired and still listed: {', '.join(kept)}")
        if self.retired and self.follows is None:
            raise ValueError("a set that retires recommendations names the set it follows")
        return self

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.recommendations]

    def text(self, recommendation_id: str, language: Any) -> str:
        return next(r.text for r in self.recommendations if r.id == recommendation_id)[language]

    def texts(self, language: Any) -> dict[str, str]:
        """Every recommendation's wording in a language, by id."""
        return {r.id: r.text[language] for r in self.recommendations}

    def problems(self, ids: list[str]) -> list[str]:
        """What keeps a self-assessment listing ``ids`` from answering this set exactly."""
        found = []
        if repeated := sorted({i for i in ids if ids.count(i) > 1}, key=ids.index):
            found.append("given more than once: " + ", ".join(repeated))
        if missing := [i for i in self.ids if i not in ids]:
            found.append("missing: " + ", ".join(missing))
        if unknown := [i for i in dict.fromkeys(ids) if i not in self.ids]:
            retired = [i for i in unknown if i in self.retired]
            found.append(
                "not in this set: " + ", ".join(unknown) + (" (retired)" if retired else "")
            )
        return found


class UnknownSet(ValueError):
    """A cycle or document names a recommendation set that does not exist."""


def _read(name: str) -> str | None:
    path = resources.files("napreview.schemas").joinpath(SETS_FOLDER, f"{name}.json")
    return path.read_text(encoding="utf-8") if path.is_file() else None


def set_names() -> list[str]:
    """The ids of every recommendation set shipped, oldest first by name."""
    folder = resources.files("napreview.schemas").joinpath(SETS_FOLDER)
    return sorted(
        p.name.removesuffix(".json") for p in folder.iterdir() if p.name.endswith(".json")
    )


@functools.cache
def recommendation_set(name: str = DEFAULT_SET) -> RecommendationSet:
    """A set by its id, read and checked once per process."""
    text = _read(name) if name.replace("-", "").isalnum() else None
    if text is None:
        raise UnknownSet(
            f"there is no recommendation set {name!r}; the sets are: {', '.join(set_names())}"
        )
    found = RecommendationSet.model_validate(json.loads(text))
    if found.id != name:
        raise UnknownSet(f"{name}.json holds set {found.id!r}; a set's file is named after it")
    if found.follows is not None:
        earlier = recommendation_set(found.follows)
        if strays := sorted(set(found.retired) - set(earlier.ids)):
            raise UnknownSet(f"set {name} retires {', '.join(strays)}, not in {earlier.id}")
    return found


def all_sets() -> list[RecommendationSet]:
    return [recommendation_set(name) for name in set_names()]


def __getattr__(name: str) -> Any:
    """``RECOMMENDATIONS`` (English wording by id) and ``RECOMMENDATION_IDS`` of the default
    set, read on first use, for the pages and commands that show the 2018 set."""
    if name == "RECOMMENDATIONS":
        return recommendation_set(DEFAULT_SET).texts("en")
    if name == "RECOMMENDATION_IDS":
        return tuple(recommendation_set(DEFAULT_SET).ids)
    raise AttributeError(name)
