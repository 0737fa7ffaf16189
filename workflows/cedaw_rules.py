"""The data the CEDAW linkage check reads, and what makes it trustworthy.

Three files beside this module, each one a human-rights officer can read and correct without
touching code:

- ``cedaw_rules.json``: the GR30 themes (paragraph range, recommendations paragraph, WPS pillars,
  articles, related general recommendations, weight and why), the findings (severity, weight,
  references and why) and the rating's thresholds;
- ``gr30_sections.json``: the sections of GR30 with their paragraphs, against which every GR30
  reference in the rules is checked when they are loaded (:func:`reference_problems`);
- ``cedaw_treaty_status.json``: where members stand with the Convention and its Optional
  Protocol (signature, reservations): member data, not the plan's.

Nothing here does I/O except reading those files.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Any, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from napreview.schemas.cedaw import GeneralRecommendationRef, Severity
from napreview.schemas.nap import ActionAbroad, Gr30Theme, Pillar

RULES_RESOURCE = "cedaw_rules.json"
SECTIONS_RESOURCE = "gr30_sections.json"
TREATIES_RESOURCE = "cedaw_treaty_status.json"
LAST_ARTICLE = 30  # the Convention has 30 articles

_ARTICLE = re.compile(r"^(\d{1,2})(?:\(([a-z]|\d)\)|([a-z]))?$")
_PREFIX = re.compile(r"^(?:cedaw\s*)?(?:articles?|arts?\.?)?\s*", re.IGNORECASE)
_DASHES = re.compile(r"\s*[-\u2010-\u2015]\s*")
_PARAGRAPH = re.compile(r"^(\d{1,3})(?:\(([a-z])\))?$")


class RulesError(ValueError):
    """A data file of the check is not valid; the message says where and how to correct it."""


# --- Articles of the Convention ----------------------------------------------------------------


def normalise_article(text: str) -> str:
    """Canonical form of one CEDAW article citation: "Art. 5 (a)" -> "5(a)", "Article 7" -> "7".

    Accepts an optional "CEDAW", "Article", "Art." or "Arts." prefix, spaces, and a sub-paragraph
    letter or number with or without brackets ("5a", "5 (a)", "4(1)"). Raises ``ValueError`` for
    anything that is not one article between 1 and 30.
    """
    compact = re.sub(r"\s+", "", _PREFIX.sub("", text.strip())).lower()
    match = _ARTICLE.match(compact)
    if match is None:
        raise ValueError(f"{text!r} is not a CEDAW article; write it like '7' or '5(a)'")
    number = int(match.group(1))
    if not 1 <= number <= LAST_ARTICLE:
        raise ValueError(f"{text!r} is not a CEDAW article; the Convention has articles 1 to 30")
    letter = match.group(2) or match.group(3)
    return f"{number}({letter})" if letter else str(number)


def expand_citation(text: str) -> list[str]:
    """One citation as canonical articles; a range "1-5(a)" gives ["1", "2", "3", "4", "5(a)"].

    A range runs over whole articles; only its end may name a sub-paragraph.
    """
    parts = _DASHES.split(text.strip())
    if len(parts) == 1:
        return [normalise_article(text)]
    if len(parts) != 2:
        raise ValueError(f"{text!r} is not a CEDAW article or range of articles")
    first, last = normalise_article(parts[0]), normalise_article(parts[1])
    if "(" in first:
        raise ValueError(f"{text!r}: a range must start at a whole article, e.g. '1-5(a)'")
    start, (end, letter) = int(first), article_key(last)
    if end <= start:
        raise ValueError(f"{text!r}: a range must run from a lower to a higher article")
    whole = [str(n) for n in range(start, end if letter else end + 1)]
    return [*whole, last] if letter else whole


def article_key(article: str) -> tuple[int, str]:
    """Sort key of a provision ("16(1)(c)"): by number, the whole article before its parts."""
    number, _, rest = article.partition("(")
    return int(number), rest


def covers(cited: str, required: str) -> bool:
    """Whether citing ``cited`` satisfies ``required`` (both canonical): a whole article covers
    its sub-paragraphs ("5" covers "5(a)"), a sub-paragraph covers only itself."""
    return cited == required or (
        "(" not in cited and article_key(required)[0] == article_key(cited)[0]
    )


# --- Paragraph references ----------------------------------------------------------------------


class Paragraphs(BaseModel):
    """One reference to GR30: a paragraph, a range of paragraphs, or one lettered sub-paragraph."""

    model_config = ConfigDict(frozen=True)

    first: int
    last: int
    letter: str | None = None


def parse_paragraphs(text: str) -> list[Paragraphs]:
    """ "83-84, 38(d)" -> [83 to 84, 38(d)]; a mistake raises ``ValueError`` naming it."""
    found = []
    for part in (p.strip() for p in text.split(",")):
        bounds = _DASHES.split(part)
        if len(bounds) == 2 and all(b.isdigit() for b in bounds):
            first, last = int(bounds[0]), int(bounds[1])
            if last <= first:
                raise ValueError(f"{part!r}: a range runs from a lower to a higher paragraph")
            found.append(Paragraphs(first=first, last=last))
            continue
        match = _PARAGRAPH.match(part)
        if len(bounds) != 1 or match is None:
            raise ValueError(f"{part!r} is not a paragraph; write '28', '28(a)' or '34-38'")
        number = int(match.group(1))
        found.append(Paragraphs(first=number, last=number, letter=match.group(2)))
    return found


def show_paragraphs(text: str) -> str:
    """As the letters print a reference: ranges with an en dash ("83\u201384, 38(d)")."""
    return ", ".join(_DASHES.sub("\u2013", p.strip()) for p in text.split(","))


# --- The rules file ----------------------------------------------------------------------------


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _valid_paragraphs(value: str | None) -> str | None:
    if value is not None:
        parse_paragraphs(value)
    return value


def _canonical_articles(value: Any) -> Any:
    if not isinstance(value, list | tuple):
        return value
    articles = [a for item in value for a in expand_citation(str(item))]
    if len(set(articles)) != len(articles):
        raise ValueError("an article is listed twice")
    return articles


class Source(_Frozen):
    id: str = Field(min_length=1)
    citation: str = Field(min_length=1)
    url: str | None = None


class GeneralRecommendation(_Frozen):
    number: int = Field(ge=1)
    symbol: str = Field(pattern=r"^CEDAW/C/GC/\d+$")
    year: int = Field(ge=1986, le=2100)
    subject: str = Field(min_length=1)


class Thresholds(_Frozen):
    strong_at_most: int = Field(ge=0)
    partial_at_most: int = Field(ge=0)
    why: str = Field(min_length=1)

    @model_validator(mode="after")
    def _in_order(self) -> Self:
        if self.partial_at_most < self.strong_at_most:
            raise ValueError("rating: partial_at_most must not be below strong_at_most")
        return self


class Theme(_Frozen):
    """A GR30 theme: its whole paragraph range beside its recommendations paragraph(s).

    A theme without pillars is the frame of every plan (the Security Council agenda, monitoring
    and reporting): no plan "addresses" it, its findings come from the plan's other facts.
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    pillars: tuple[Pillar, ...]
    called_for_abroad_by: tuple[Literal["peacekeeping_contingents", "peace_process_role"], ...] = ()
    paragraphs: str
    recommendations: str
    articles: tuple[str, ...]
    general_recommendations: tuple[int, ...] = ()
    weight: int = Field(ge=0)
    why: str = Field(min_length=1)

    _paragraphs = field_validator("paragraphs", "recommendations")(_valid_paragraphs)
    _articles = field_validator("articles", mode="before")(_canonical_articles)

    @property
    def addressable(self) -> bool:
        return bool(self.pillars)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        spans = parse_paragraphs(self.paragraphs)
        if len(spans) != 1 or spans[0].letter:
            raise ValueError(f"theme {self.id!r}: 'paragraphs' is one range, e.g. '34-38'")
        whole = spans[0]
        for ref in parse_paragraphs(self.recommendations):
            if not whole.first <= ref.first <= ref.last <= whole.last:
                raise ValueError(
                    f"theme {self.id!r}: its recommendations ({self.recommendations}) lie outside "
                    f"its paragraphs ({self.paragraphs})"
                )
        if self.addressable and (self.weight < 1 or not self.articles):
            raise ValueError(
                f"theme {self.id!r}: a theme with pillars weighs at least 1 and rests on at "
                "least one article"
            )
        return self

    def called_for_by(self, pillars: list[Pillar], abroad: ActionAbroad) -> list[str]:
        """What in the plan calls for this theme: its pillars, or its roles abroad."""
        reasons = [p.value for p in self.pillars if p in pillars]
        return reasons + [role for role in self.called_for_abroad_by if getattr(abroad, role)]


class FindingRule(_Frozen):
    """What one kind of finding is, weighs, cites, and why."""

    severity: Severity
    weight: int | None = Field(ge=0, description="None: the weight of the finding's theme")
    theme: str | None = None
    paragraphs: str | None = None
    articles: tuple[str, ...] = ()
    general_recommendations: tuple[GeneralRecommendationRef, ...] = ()
    why: str = Field(min_length=1)

    _paragraphs = field_validator("paragraphs")(_valid_paragraphs)
    _articles = field_validator("articles", mode="before")(_canonical_articles)

    @model_validator(mode="after")
    def _only_gaps_weigh(self) -> Self:
        if self.severity is Severity.GAP and self.weight == 0:
            raise ValueError("a gap weighs at least 1; a finding that weighs nothing is advice")
        if self.severity is not Severity.GAP and self.weight != 0:
            raise ValueError(f"only gaps weigh: {self.severity.value} must have weight 0")
        return self


class CedawRules(_Frozen):
    """The whole rules file: version, sources, related general recommendations, the rating's
    thresholds, the themes and the findings."""

    version: str = Field(min_length=1)
    about: str = ""
    sources: tuple[Source, ...] = Field(min_length=1)
    general_recommendations: tuple[GeneralRecommendation, ...]
    rating: Thresholds
    themes: tuple[Theme, ...] = Field(min_length=1)
    findings: dict[str, FindingRule]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        ids = [t.id for t in self.themes]
        if len(set(ids)) != len(ids):
            raise ValueError(f"theme ids must be unique: {', '.join(ids)}")
        addressable = {t.id for t in self.themes if t.addressable}
        if addressable != {t.value for t in Gr30Theme}:
            raise ValueError(
                "the themes with pillars must be exactly those a plan can tick "
                f"(schemas/nap.py Gr30Theme); differ: {sorted(addressable ^ set(Gr30Theme))}"
            )
        known = {g.number for g in self.general_recommendations}
        cited = [n for t in self.themes for n in t.general_recommendations]
        cited += [g.number for f in self.findings.values() for g in f.general_recommendations]
        if unknown := sorted(set(cited) - known):
            raise ValueError(f"general recommendations {unknown} are not listed with their symbol")
        for code, rule in self.findings.items():
            if rule.theme is not None and rule.theme not in ids:
                raise ValueError(f"finding {code} names unknown theme {rule.theme!r}")
            if rule.weight is None and code != "THEME_NOT_ADDRESSED":
                raise ValueError(f"finding {code} needs a weight of its own")
        return self

    def theme(self, theme_id: str) -> Theme:
        return next(t for t in self.themes if t.id == theme_id)

    def general_recommendation(self, number: int) -> GeneralRecommendation:
        return next(g for g in self.general_recommendations if g.number == number)


# --- The table of GR30's sections --------------------------------------------------------------


class Section(_Frozen):
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    paragraphs: str
    lettered: dict[str, str] = Field(default_factory=dict)

    _paragraphs = field_validator("paragraphs")(_valid_paragraphs)

    @property
    def span(self) -> Paragraphs:
        return parse_paragraphs(self.paragraphs)[0]


class Gr30Sections(_Frozen):
    document: str
    title: str
    adopted_on: str
    issued_on: str
    about: str = ""
    sections: tuple[Section, ...] = Field(min_length=1)

    def holding(self, ref: Paragraphs) -> Section | None:
        """The section a reference lies wholly within, if any."""
        for section in self.sections:
            span = section.span
            if span.first <= ref.first and ref.last <= span.last:
                return section
        return None


def reference_problems(rules: CedawRules, sections: Gr30Sections) -> list[str]:
    """Every GR30 reference in the rules that the table of sections does not bear out.

    A theme's range must be one whole section; every other reference must lie within a
    section, and a lettered sub-paragraph must be one the table knows.
    """
    problems = []
    whole = {s.paragraphs.replace(" ", ""): s for s in sections.sections}
    for theme in rules.themes:
        if theme.paragraphs.replace(" ", "") not in whole:
            problems.append(f"theme {theme.id}: paras {theme.paragraphs} are not one GR30 section")
    cited = [(f"theme {t.id}", t.recommendations) for t in rules.themes]
    cited += [(f"finding {c}", f.paragraphs) for c, f in rules.findings.items() if f.paragraphs]
    for where, text in cited:
        for ref in parse_paragraphs(text):
            section = sections.holding(ref)
            label = f"{ref.first}({ref.letter})" if ref.letter else text
            if section is None:
                problems.append(f"{where}: para {label} lies in no GR30 section of the table")
            elif ref.letter and ref.letter > section.lettered.get(str(ref.first), ""):
                problems.append(f"{where}: para {label} is not a sub-paragraph the table knows")
    return problems


# --- Treaty status -----------------------------------------------------------------------------


class MemberTreaties(_Frozen):
    """Where one member stands with the Convention and its Optional Protocol."""

    convention: Literal["party", "signed"] = "party"
    signed_in: int | None = Field(default=None, ge=1980, le=2100)
    reservations: tuple[str, ...] = ()
    optional_protocol: Literal["party", "signed", "not_party"] | None = None

    @field_validator("reservations")
    @classmethod
    def _provisions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for provision in value:
            if not re.match(r"^\d{1,2}(\(\w+\))*$", provision):
                raise ValueError(f"{provision!r} is not a provision; write it like '16(1)(c)'")
        return value


class TreatyStatus(_Frozen):
    about: str = ""
    recorded: str
    members: dict[str, MemberTreaties]

    def of(self, member: str) -> MemberTreaties:
        return self.members.get(member, MemberTreaties())


# --- Loading -----------------------------------------------------------------------------------

M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], text: str, name: str) -> M:
    """Validate one data file; a mistake is a :class:`RulesError` that says what to correct."""
    try:
        return model.model_validate(json.loads(text))
    except json.JSONDecodeError as error:
        raise RulesError(f"{name} is not valid JSON: {error}") from None
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'file'}: "
            + e["msg"].removeprefix("Value error, ")
            for e in error.errors(include_url=False)
        )
        raise RulesError(f"{name} is not valid: {problems}") from None


def _read(name: str) -> str:
    return resources.files("napreview.workflows").joinpath(name).read_text(encoding="utf-8")


def parse_rules(text: str, sections: Gr30Sections | None = None) -> CedawRules:
    """The rules, refused if a GR30 reference is not borne out by the table of sections."""
    rules = parse(CedawRules, text, RULES_RESOURCE)
    if problems := reference_problems(rules, sections or load_sections()):
        raise RulesError(f"{RULES_RESOURCE} cites GR30 wrongly: " + "; ".join(problems))
    return rules


@functools.cache
def load_sections() -> Gr30Sections:
    return parse(Gr30Sections, _read(SECTIONS_RESOURCE), SECTIONS_RESOURCE)


@functools.cache
def load_rules() -> CedawRules:
    """The shipped rules, read and checked once per process."""
    return parse_rules(_read(RULES_RESOURCE))


@functools.cache
def load_treaties() -> TreatyStatus:
    return parse(TreatyStatus, _read(TREATIES_RESOURCE), TREATIES_RESOURCE)
