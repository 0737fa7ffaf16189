"""The CEDAW linkage check (DESIGN §6): a NAP read against CEDAW through GR30.

The table that links WPS pillars to GR30 themes, CEDAW articles and GR30 paragraphs lives in
``workflows/cedaw_mapping.json``, so that a human-rights officer can correct it without touching
code; this module holds only the rules that read it. Nothing here does I/O except reading that file.

Decisions the design leaves open, and what this module does:

- **Citing a whole article covers its sub-paragraphs**: a plan citing "5" covers "5(a)"; a plan
  citing "5(a)" does not cover "5" (nor "5(b)").
- **Regional organisations** (not parties to CEDAW) get an ``info`` finding on alignment with GR30
  principles, and the plan checks still run as advice: what would be a ``gap`` for a State party
  is reported as ``advice``. The CEDAW reporting checks (article 18, GR30 para 84) are skipped: an
  organisation submits no periodic report. The rating is always ``not_applicable``.
- **A State that is not a party** (the United States) gets an ``advice`` finding saying so; the
  plan checks run as for a State party and the rating is computed as usual. The reporting checks
  are skipped: the obligation to report under article 18 binds States parties only.
- **A plan that cites no article** gets the ``NO_ARTICLES_CITED`` gap and also one
  ``ARTICLE_NOT_CITED`` gap per article its pillars need, so the member sees what to cite; its
  rating is ``weak`` whatever the number of gaps (even under a mapping that needs few articles).
- A citation that is not a CEDAW article (e.g. "Art. 45", "GR30") is reported as ``advice`` and
  otherwise ignored; ranges such as "1-3" are expanded.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from napreview.schemas.cedaw import (
    CedawResult,
    Finding,
    LinkageRating,
    Severity,
)
from napreview.schemas.digest import sha256_of
from napreview.schemas.members import CedawStatus, Member, MemberKind
from napreview.schemas.nap import Pillar
from napreview.schemas.submissions import SelfAssessment

MAPPING_RESOURCE = "cedaw_mapping.json"
LAST_ARTICLE = 30  # the Convention has 30 articles

_PILLAR_ORDER = {p: i for i, p in enumerate(Pillar)}
_SEVERITY_ORDER = {Severity.GAP: 0, Severity.ADVICE: 1, Severity.INFO: 2}
_ARTICLE = re.compile(r"^(\d{1,2})(?:\(([a-z]|\d)\)|([a-z]))?$")
_PREFIX = re.compile(r"^(?:cedaw\s*)?(?:articles?|arts?\.?)?\s*", re.IGNORECASE)
_DASHES = re.compile(r"\s*[-\u2010-\u2015]\s*")
_PARAGRAPH = re.compile(r"^\d{1,3}$")


class MappingError(ValueError):
    """The mapping file is not valid; the message says where and how to correct it."""


# --- Articles ------------------------------------------------------------------------------


def normalise_article(text: str) -> str:
    """Canonical form of one CEDAW article citation: "Art. 5 (a)" -> "5(a)", "Article 7" -> "7".

    Accepts an optional "CEDAW", "Article", "Art." or "Arts." prefix, spaces, and a sub-paragraph
    letter with or without brackets ("5a", "5 (a)"). Raises ``ValueError`` for anything that is
    not one article between 1 and 30. Citing "5" covers "5(a)"; citing "5(a)" does not cover "5"
    (see :func:`covers`).
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
    start, (end, letter) = int(first), _article_key(last)
    if end <= start:
        raise ValueError(f"{text!r}: a range must run from a lower to a higher article")
    whole = [str(n) for n in range(start, end if letter else end + 1)]
    return [*whole, last] if letter else whole


def _article_key(article: str) -> tuple[int, str]:
    """Sort key of a canonical article: by number, the whole article before its sub-paragraphs."""
    number, _, rest = article.partition("(")
    return int(number), rest.rstrip(")")


def covers(cited: str, required: str) -> bool:
    """Whether citing ``cited`` satisfies ``required`` (both canonical)."""
    return cited == required or (
        "(" not in cited and _article_key(required)[0] == _article_key(cited)[0]
    )


# --- The mapping ---------------------------------------------------------------------------


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Source(_Frozen):
    id: str = Field(min_length=1)
    citation: str = Field(min_length=1)
    url: str | None = None


class ParagraphReference(_Frozen):
    source: str = Field(min_length=1)
    paragraph: str = Field(pattern=_PARAGRAPH.pattern)
    summary: str = Field(min_length=1)


class References(_Frozen):
    sources: tuple[Source, ...] = Field(min_length=1)
    nap_compliance: ParagraphReference
    reporting: ParagraphReference
    note: str = ""

    @model_validator(mode="after")
    def _sources_known(self) -> Self:
        known = {s.id for s in self.sources}
        for name in ("nap_compliance", "reporting"):
            ref: ParagraphReference = getattr(self, name)
            if ref.source not in known:
                raise ValueError(
                    f"references.{name} cites source {ref.source!r}, which is not among "
                    f"references.sources ({', '.join(sorted(known))})"
                )
        return self


class TreatyStatus(_Frozen):
    signed_not_ratified: dict[str, int] = Field(
        default_factory=dict, description="Member code -> year it signed CEDAW without ratifying"
    )


class ThemeLink(_Frozen):
    """One row of the table: a GR30 theme, the WPS pillars it serves and the articles it rests on.

    A row without pillars is the reporting row (article 18, GR30 paras 27, 83, 84).
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    theme: str = Field(min_length=1)
    pillars: tuple[Pillar, ...]
    articles: tuple[str, ...] = Field(min_length=1)
    gr30_paragraphs: tuple[str, ...] = Field(min_length=1)

    @field_validator("pillars", mode="before")
    @classmethod
    def _known_pillars(cls, value: Any, info: ValidationInfo) -> Any:
        known = [p.value for p in Pillar]
        for item in value if isinstance(value, list | tuple) else []:
            if item not in known:
                raise ValueError(
                    f"theme {info.data.get('id', '?')!r} names unknown WPS pillar {item!r}; "
                    f"use one of {', '.join(known)}"
                )
        return value

    @field_validator("articles", mode="before")
    @classmethod
    def _canonical_articles(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, list | tuple):
            return value
        try:
            articles = [a for item in value for a in expand_citation(str(item))]
        except ValueError as error:
            raise ValueError(f"theme {info.data.get('id', '?')!r}: {error}") from None
        if len(set(articles)) != len(articles):
            raise ValueError(f"theme {info.data.get('id', '?')!r} lists an article twice")
        return articles

    @field_validator("gr30_paragraphs")
    @classmethod
    def _paragraph_numbers(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not _PARAGRAPH.match(item):
                raise ValueError(f"GR30 paragraph {item!r} must be a number such as '28'")
        return value


class LinkageMapping(_Frozen):
    """The whole mapping file: version, references, treaty status and the GR30 themes."""

    version: str = Field(min_length=1)
    references: References
    treaty_status: TreatyStatus = TreatyStatus()
    themes: tuple[ThemeLink, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        ids = [t.id for t in self.themes]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"theme ids must be unique; repeated: {', '.join(duplicates)}")
        reporting = [t for t in self.themes if not t.pillars]
        if len(reporting) != 1:
            raise ValueError(
                "exactly one theme must have no pillars (the reporting row, article 18); "
                f"found {len(reporting)}"
            )
        if self.references.reporting.paragraph not in reporting[0].gr30_paragraphs:
            raise ValueError(
                f"the reporting row cites GR30 para {', '.join(reporting[0].gr30_paragraphs)} "
                f"but references.reporting cites para {self.references.reporting.paragraph}"
            )
        return self

    @property
    def reporting_theme(self) -> ThemeLink:
        return next(t for t in self.themes if not t.pillars)

    def articles_needed(self, pillars: list[Pillar]) -> dict[str, list[ThemeLink]]:
        """Each article a plan covering ``pillars`` must cite, with the themes that need it."""
        needed: dict[str, list[ThemeLink]] = {}
        for theme in self.themes:
            if set(theme.pillars) & set(pillars):
                for article in theme.articles:
                    needed.setdefault(article, []).append(theme)
        # Citing a whole article covers its sub-paragraphs: where both are needed ("4" for
        # constitutional reform, "4(1)" for participation), one finding on "4" names all themes.
        for article in [a for a in needed if "(" in a]:
            whole = article.partition("(")[0]
            if whole in needed:
                needed[whole] += [t for t in needed.pop(article) if t not in needed[whole]]
        return dict(sorted(needed.items(), key=lambda item: _article_key(item[0])))


def parse_mapping(text: str) -> LinkageMapping:
    """Validate mapping JSON; a mistake is a :class:`MappingError` that says what to correct."""
    try:
        return LinkageMapping.model_validate(json.loads(text))
    except json.JSONDecodeError as error:
        raise MappingError(f"{MAPPING_RESOURCE} is not valid JSON: {error}") from None
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'mapping'}: {e['msg']}"
            for e in error.errors(include_url=False)
        )
        raise MappingError(f"{MAPPING_RESOURCE} is not valid: {problems}") from None


@functools.cache
def load_mapping() -> LinkageMapping:
    """The mapping shipped in the ``rules`` package, read and validated once per process."""
    text = (
        resources.files("napreview.workflows")
        .joinpath(MAPPING_RESOURCE)
        .read_text(encoding="utf-8")
    )
    return parse_mapping(text)


# --- The check -----------------------------------------------------------------------------


def _join(items: list[str]) -> str:
    return ", ".join(dict.fromkeys(items))


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _sorted_pillars(pillars: set[Pillar]) -> list[str]:
    return [p.value for p in sorted(pillars, key=_PILLAR_ORDER.__getitem__)]


def _plan_findings(assessment: SelfAssessment, mapping: LinkageMapping) -> list[Finding]:
    """Findings on the plan itself, with gaps as gaps (callers soften them where they must)."""
    nap = assessment.nap
    para28 = mapping.references.nap_compliance.paragraph
    findings: list[Finding] = []

    cited: list[str] = []
    for text in nap.cedaw.articles_cited:
        try:
            cited.extend(expand_citation(text))
        except ValueError:
            findings.append(
                Finding(
                    code="ARTICLE_UNRECOGNISED",
                    severity=Severity.ADVICE,
                    message=(
                        f"The plan cites {text!r}, which is not a CEDAW article (articles 1 to 30, "
                        "with a letter or number for a sub-paragraph, e.g. '5(a)', '4(1)'). "
                        "Correct the citation so that it counts."
                    ),
                )
            )

    if not cited:
        findings.append(
            Finding(
                code="NO_ARTICLES_CITED",
                severity=Severity.GAP,
                gr30_paragraph=para28,
                message=(
                    "The plan cites no CEDAW article. GR30 para "
                    f"{para28} asks that action plans comply with the Convention: cite the "
                    "articles that each pillar of the plan rests on (listed in the findings "
                    "below)."
                ),
            )
        )

    plan_pillars = set(nap.pillars)
    for article, themes in mapping.articles_needed(nap.pillars).items():
        if any(covers(c, article) for c in cited):
            continue
        pillars = _sorted_pillars({p for t in themes for p in t.pillars} & plan_pillars)
        names = "; ".join(t.theme for t in themes)
        paragraphs = _join(sorted({p for t in themes for p in t.gr30_paragraphs}, key=int))
        findings.append(
            Finding(
                code="ARTICLE_NOT_CITED",
                severity=Severity.GAP,
                article=article,
                gr30_paragraph=paragraphs,
                pillar=", ".join(pillars),
                message=(
                    f"Cite CEDAW article {article} in the plan: its "
                    f"{_plural(len(pillars), 'pillar', 'pillars')} "
                    f"{', '.join(p.replace('_', ' ') for p in pillars)} "
                    f"{_plural(len(pillars), 'rests', 'rest')} on it through the GR30 "
                    f"{_plural(len(themes), 'theme', 'themes')} {names} (GR30 "
                    f"{_plural(len(themes), 'para', 'paras')} {paragraphs})."
                ),
            )
        )

    if not nap.cedaw.cites_gr30:
        findings.append(
            Finding(
                code="GR30_NOT_CITED",
                severity=Severity.ADVICE,
                message=(
                    "The plan does not cite CEDAW General Recommendation No. 30 (CEDAW/C/GC/30, "
                    "2013). Reference it, so that the plan's commitments are read against the "
                    "Convention."
                ),
            )
        )
    if not nap.budget.allocated:
        findings.append(
            Finding(
                code="NO_BUDGET",
                severity=Severity.GAP,
                gr30_paragraph=para28,
                message=(
                    f"The plan has no allocated budget. GR30 para {para28} asks that action plans "
                    "be budgeted: allocate funds to the plan and record the amount and currency."
                ),
            )
        )
    if not nap.monitoring.framework:
        findings.append(
            Finding(
                code="NO_MONITORING_FRAMEWORK",
                severity=Severity.ADVICE,
                message=(
                    "The plan has no monitoring and evaluation framework. Add one, with "
                    "indicators and a reporting frequency, so that progress can be measured and "
                    "reported."
                ),
            )
        )
    return findings


def _reporting_findings(assessment: SelfAssessment, mapping: LinkageMapping) -> list[Finding]:
    """Findings on the State party's CEDAW periodic reporting (article 18, GR30 para 84)."""
    facts = assessment.cedaw_reporting
    article = _join(list(mapping.reporting_theme.articles))
    para = mapping.references.reporting.paragraph
    findings: list[Finding] = []
    if facts.last_report_year is None:
        findings.append(
            Finding(
                code="NO_REPORT_YEAR",
                severity=Severity.ADVICE,
                article=article,
                gr30_paragraph=para,
                message=(
                    "No year is given for the last CEDAW periodic report. Report to the CEDAW "
                    f"Committee under article {article}, covering women, peace and security (GR30 "
                    f"para {para}), and give the year of that report in the self-assessment."
                ),
            )
        )
    if not facts.covered_wps:
        which = f" ({facts.last_report_year})" if facts.last_report_year is not None else ""
        findings.append(
            Finding(
                code="REPORT_WITHOUT_WPS",
                severity=Severity.GAP,
                article=article,
                gr30_paragraph=para,
                message=(
                    f"The last CEDAW periodic report{which} did not cover women, peace and "
                    f"security. GR30 para {para} asks States parties to report on it: include the "
                    f"implementation of this plan in the next report under article {article}."
                ),
            )
        )
    if facts.observations_on_wps and not facts.nap_answers_observations:
        findings.append(
            Finding(
                code="OBSERVATIONS_NOT_ANSWERED",
                severity=Severity.GAP,
                article=article,
                gr30_paragraph=para,
                message=(
                    "The CEDAW Committee's concluding observations address women, peace and "
                    "security, but the plan does not answer them. Add actions to the plan that "
                    "respond to each of those observations."
                ),
            )
        )
    return findings


def _finding_order(finding: Finding) -> tuple[Any, ...]:
    article = _article_key(finding.article.split(",")[0]) if finding.article else (0, "")
    return (
        _SEVERITY_ORDER[finding.severity],
        finding.article is not None,
        article,
        finding.code,
        finding.pillar or "",
        finding.message,
    )


def _rating(findings: list[Finding], cites_no_article: bool) -> LinkageRating:
    gaps = sum(1 for f in findings if f.severity is Severity.GAP)
    if gaps == 0:
        return LinkageRating.STRONG
    if gaps <= 3 and not cites_no_article:
        return LinkageRating.PARTIAL
    return LinkageRating.WEAK


def check_linkage(
    member: Member, assessment: SelfAssessment, mapping: LinkageMapping | None = None
) -> CedawResult:
    """Check a member's plan and CEDAW reporting against the mapping (the shipped one by default).

    Findings come in a fixed order: gaps, then advice, then info; within each, findings without
    an article first, then by article (1, 2, ..., 5, 5(a), ...), then by code.
    """
    mapping = mapping or load_mapping()
    findings = _plan_findings(assessment, mapping)
    cites_no_article = any(f.code == "NO_ARTICLES_CITED" for f in findings)

    if member.kind is MemberKind.REGIONAL_ORGANIZATION or (
        member.cedaw_status is CedawStatus.NOT_APPLICABLE
    ):
        findings = [
            f.model_copy(update={"severity": Severity.ADVICE}) if f.severity is Severity.GAP else f
            for f in findings
        ]
        findings.append(
            Finding(
                code="GR30_ALIGNMENT",
                severity=Severity.INFO,
                message=(
                    f"{member.name} is a regional organisation, not a party to CEDAW, so the "
                    "plan gets no linkage rating. GR30 principles still guide a regional action "
                    "plan: align it with them, using the advice given here."
                ),
            )
        )
        findings.sort(key=_finding_order)
        return CedawResult(
            member=member.code, rating=LinkageRating.NOT_APPLICABLE, findings=findings
        )

    if member.cedaw_status is CedawStatus.NOT_PARTY:
        signed = mapping.treaty_status.signed_not_ratified.get(member.code)
        status = (
            f"signed CEDAW in {signed} but has not ratified it, so it is not a State party"
            if signed
            else "is not a State party to CEDAW"
        )
        findings.append(
            Finding(
                code="STATE_NOT_PARTY",
                severity=Severity.ADVICE,
                message=(
                    f"{member.name} {status}. The plan is checked against GR30 principles "
                    "instead, and the CEDAW reporting checks (article 18) do not apply. Consider "
                    "ratifying the Convention."
                ),
            )
        )
    else:
        findings += _reporting_findings(assessment, mapping)

    findings.sort(key=_finding_order)
    return CedawResult(
        member=member.code, rating=_rating(findings, cites_no_article), findings=findings
    )


def result_digest(result: CedawResult) -> str:
    """SHA-256 (hex) of the result's canonical JSON, the digest the store records for it."""
    return sha256_of(result)
