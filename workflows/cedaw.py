"""The CEDAW linkage check (DESIGN §6, issue #18): a plan read against the Convention through
general recommendation No. 30 (GR30), on substance and theme by theme.

What it judges, each rule with its references and weight in ``cedaw_rules.json``
(workflows/cedaw_rules.py reads and checks the data):

- **Themes.** Each GR30 theme the plan's pillars call for (and, for a plan that acts abroad, its
  contingents or its role in peace processes, GR30 paras 9 and 47) is a gap unless the plan
  addresses it with measures of its own; the gap cites the theme's whole paragraph range, its
  articles and its related general recommendations.
- **The plan's foundations.** Budget (para 28(a)), monitoring framework (paras 83-84), data kept
  by sex (para 83, 38(d); general recommendation No. 35, para 34(b)), small arms where there is
  a prevention pillar (para 33(e)), women in a third party's delegations (para 47); civil
  society's part (paras 28(d), 46(c)) is advice.
- **Reporting** (States parties only): the last periodic report (article 18, para 84) and the
  Committee's concluding observations, cited by their symbol and paragraphs.
- **Form.** Article numbers not cited are one grouped piece of advice, GR30 not cited another;
  neither ever counts toward the rating.
- **Treaty status** (member data): reservations to articles the themes rest on, the Optional
  Protocol not ratified: advice.

The rating adds up the weights of the gaps: ``strong``, ``partial`` or ``weak`` by the rules'
thresholds. A State that is not a party (the United States) and a regional organisation get the
same findings as advice, and never a compliance rating (``not_applicable``).
"""

from __future__ import annotations

from typing import Any

from napreview.schemas.cedaw import (
    THEMES_ADDRESSED,
    CedawResult,
    Finding,
    GeneralRecommendationRef,
    LinkageRating,
    Severity,
)
from napreview.schemas.digest import sha256_of
from napreview.schemas.indicators import IndicatorEvidence
from napreview.schemas.members import CedawStatus, Member, MemberKind
from napreview.schemas.nap import CivilSocietyRole, Nap, Pillar
from napreview.schemas.submissions import CedawReporting, SelfAssessment
from napreview.workflows.cedaw_rules import (
    CedawRules,
    Theme,
    TreatyStatus,
    article_key,
    covers,
    expand_citation,
    load_rules,
    load_treaties,
    show_paragraphs,
)

_SEVERITY_ORDER = {Severity.GAP: 0, Severity.ADVICE: 1, Severity.INFO: 2}
_PILLARS = {p.value for p in Pillar}
# Why a plan gets no rating comes before the advice it gets instead.
_STANDING = {"STATE_NOT_PARTY", "GR30_ALIGNMENT"}
# How a finding's message names what calls for a theme.
_CALLED_BY_ABROAD = {
    "peacekeeping_contingents": "its peacekeeping contingents (GR30 para 9)",
    "peace_process_role": "its role in peace processes (GR30 para 47)",
}
_ABROAD_ROLES = {
    "donor_assistance": "donor assistance",
    "peacekeeping_contingents": "peacekeeping contingents",
    "peace_process_role": "a third party's role in peace processes",
}


def _words(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _gr_words(refs: list[GeneralRecommendationRef]) -> str:
    said = [f"No. {r.number}" + (f", para {r.paragraph}" if r.paragraph else "") for r in refs]
    return ("general recommendation " if len(said) == 1 else "general recommendations ") + (
        _words(said)
    )


class _Findings:
    """Findings made from the rules: each takes its severity, weight and references from its
    rule, so the data file is the one place they are set."""

    def __init__(self, rules: CedawRules) -> None:
        self.rules = rules
        self.found: list[Finding] = []

    def add(self, code: str, message: str, **fields: Any) -> None:
        rule = self.rules.findings[code]
        base: dict[str, Any] = {
            "severity": rule.severity,
            "weight": rule.weight or 0,
            "theme": rule.theme,
            "gr30_paragraph": show_paragraphs(rule.paragraphs) if rule.paragraphs else None,
            "article": ", ".join(rule.articles) or None,
            "general_recommendations": list(rule.general_recommendations),
        }
        self.found.append(Finding(code=code, message=message, **{**base, **fields}))


def _theme_findings(out: _Findings, nap: Nap) -> None:
    """A gap for each theme the plan is called to address and does not; the themes it does
    address, as information."""
    addressed = {t.value for t in nap.gr30_themes}
    for theme in out.rules.themes:
        reasons = theme.called_for_by(nap.pillars, nap.abroad)
        if not reasons or theme.id in addressed:
            continue
        pillars = [r for r in reasons if r in _PILLARS]
        roles = [r for r in reasons if r not in pillars]
        by = []
        if pillars:
            names = _words([p.replace("_", " ") for p in pillars])
            by.append(f"its {names} {'pillar' if len(pillars) == 1 else 'pillars'}")
        by += [_CALLED_BY_ABROAD[r] for r in roles]
        related = [GeneralRecommendationRef(number=n) for n in theme.general_recommendations]
        drawing = f", drawing on {_gr_words(related)}" if related else ""
        articles = list(theme.articles)
        out.add(
            "THEME_NOT_ADDRESSED",
            f"The plan has no measures on {theme.title} (GR30 paras "
            f"{show_paragraphs(theme.paragraphs)}), called for by {_words(by)}. Add measures on "
            "this theme that give effect to the Committee's recommendations in para "
            f"{show_paragraphs(theme.recommendations)} and to "
            f"{'article' if len(articles) == 1 else 'articles'} {_words(articles)} of the "
            f"Convention{drawing}.",
            severity=Severity.GAP,
            weight=theme.weight,
            theme=theme.id,
            gr30_paragraph=show_paragraphs(theme.paragraphs),
            article=", ".join(theme.articles),
            pillar=", ".join(pillars) or None,
            general_recommendations=related,
            params={"theme": theme.id, "pillars": ", ".join(pillars), "roles": ", ".join(roles)},
        )
    named = [t for t in out.rules.themes if t.id in addressed]
    if named:
        out.add(
            THEMES_ADDRESSED,
            f"The plan addresses {len(named)} GR30 {'theme' if len(named) == 1 else 'themes'}: "
            + "; ".join(_theme_ref(t) for t in named)
            + ".",
            params={"themes": ", ".join(t.id for t in named)},
        )


def _called(rules: CedawRules, nap: Nap) -> set[str]:
    return {t.id for t in rules.themes if t.called_for_by(nap.pillars, nap.abroad)}


def _theme_ref(theme: Theme) -> str:
    return f"{theme.title} (paras {show_paragraphs(theme.paragraphs)})"


def _plan_findings(out: _Findings, nap: Nap) -> None:
    """The plan's foundations: budget, monitoring, data by sex, small arms, action abroad."""
    if not nap.budget.allocated:
        out.add(
            "NO_BUDGET",
            "The plan has no allocated budget. GR30 para 28(a) asks that action plans comply with "
            "the Convention and have adequate budgets: allocate funds to the plan and record the "
            "amount and currency.",
        )
    if not nap.monitoring.framework:
        out.add(
            "NO_MONITORING_FRAMEWORK",
            "The plan has no monitoring and evaluation framework. GR30 paras 83\u201384 ask States "
            "parties to report trends over time and against agreed United Nations indicators: add "
            "a framework with indicators, baselines and a reporting frequency.",
        )
    if not nap.gender_disaggregated_data:
        out.add(
            "NO_SEX_DISAGGREGATED_DATA",
            "The plan keeps no sex-disaggregated data. GR30 para 83 asks for sex-disaggregated "
            "statistics and their trends over time (see also para 38(d), and general "
            "recommendation No. 35, para 34(b)): collect and publish the plan's data by sex.",
        )
    if Pillar.PREVENTION in nap.pillars and not nap.small_arms:
        out.add(
            "SMALL_ARMS_NOT_ADDRESSED",
            "The plan's prevention pillar does not address disarmament or small arms. GR30 para "
            "33(e) asks States to address the gendered impact of international transfers of arms, "
            "especially small arms, including through the Arms Trade Treaty: add measures to that "
            "effect.",
        )
    if nap.abroad.peace_process_role and not nap.abroad.women_in_delegations:
        out.add(
            "DELEGATIONS_WITHOUT_WOMEN",
            "The plan has a role in peace processes abroad as a third party, but does not ensure "
            "that women serve in the negotiating and mediation delegations, as GR30 para 47 asks "
            "of third-party States (articles 7 and 8): include women in those delegations.",
        )
    if nap.civil_society_role is CivilSocietyRole.NONE:
        out.add(
            "CIVIL_SOCIETY_NO_ROLE",
            "The plan gives civil society no role. GR30 paras 28(d) and 46(c) ask States to work "
            "with civil society and women's organizations on the women and peace and security "
            "agenda and in peace processes: give them a part in drafting, carrying out or "
            "monitoring the plan.",
        )
    roles = [key for key in _ABROAD_ROLES if getattr(nap.abroad, key)]
    if roles:
        out.add(
            "ACTS_ABROAD",
            f"The plan acts abroad ({_words([_ABROAD_ROLES[r] for r in roles])}). GR30 para 9 "
            "holds States parties to the Convention in what they do beyond their territory: the "
            "themes are read for the plan's action abroad as well as at home.",
            params={"roles": ", ".join(roles)},
        )


def _citation_findings(out: _Findings, nap: Nap) -> None:
    """Citations are form, not substance: grouped advice that never counts toward the rating."""
    cited: list[str] = []
    for text in nap.cedaw.articles_cited:
        try:
            cited.extend(expand_citation(text))
        except ValueError:
            out.add(
                "ARTICLE_UNRECOGNISED",
                f"The plan cites {text!r}, which is not an article of the Convention (articles 1 "
                "to 30, with a letter or number for a sub-paragraph, e.g. '5(a)', '4(1)'). "
                "Correct the citation.",
                params={"citation": text},
            )
    themes = _called(out.rules, nap) | {t.value for t in nap.gr30_themes}
    needed = {a for t in out.rules.themes if t.id in themes for a in t.articles}
    missing = sorted((a for a in needed if not any(covers(c, a) for c in cited)), key=article_key)
    if missing:
        out.add(
            "ARTICLES_NOT_CITED",
            f"The themes of the plan rest on articles {_words(missing)} of the Convention, which "
            "the plan does not cite. Citing them makes its link with the Convention plain. GR30 "
            "para 28(a) asks that plans comply with the Convention, not that they cite its "
            "articles: this advice does not count toward the rating.",
            article=", ".join(missing),
            params={"articles": ", ".join(missing)},
        )
    if not nap.cedaw.cites_gr30:
        out.add(
            "GR30_NOT_CITED",
            "The plan does not cite general recommendation No. 30 (CEDAW/C/GC/30). Refer to it, "
            "so that the plan's commitments are read against the Convention.",
        )


_SMALL = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _count(n: int) -> str:
    """United Nations style: numbers below ten in words."""
    return _SMALL[n] if n < len(_SMALL) else str(n)


def _values_said(evidence: IndicatorEvidence | None) -> tuple[str, dict[str, str]]:
    """What the para 84 finding says of the member's indicator values, and its parameters
    (nothing where the check was given none to read)."""
    if evidence is None:
        return "", {}
    params = {
        "indicators": str(evidence.indicators),
        "global_indicators": str(evidence.global_indicators),
        "by_sex": str(evidence.by_sex),
        "latest_period": evidence.latest_period or "",
    }
    if not evidence.indicators:
        return (
            " No indicator values are recorded yet: record values for the plan's indicators, by "
            "sex where they apply, so that the report can give trends against agreed United "
            "Nations indicators (para 83).",
            params,
        )
    n = evidence.indicators
    return (
        f" Values are recorded for {_count(n)} {'indicator' if n == 1 else 'indicators'} "
        f"({_count(evidence.global_indicators)} of the Secretary-General's global indicators, "
        f"S/2010/498; {_count(evidence.by_sex)} by sex), the latest for "
        f"{evidence.latest_period}: give them in that report, with their trends over time "
        "(para 83).",
        params,
    )


def _reporting_findings(
    out: _Findings, facts: CedawReporting, evidence: IndicatorEvidence | None
) -> None:
    """A State party's periodic reporting under article 18; the para 84 finding says what the
    member's indicator values give that report."""
    if facts.last_report_year is None:
        out.add(
            "NO_REPORT_YEAR",
            "No year is given for the last periodic report to the Committee. Report under "
            "article 18, covering women and peace and security (GR30 para 84), and give the year "
            "of that report in the self-assessment.",
        )
    if not facts.covered_wps:
        which = f" ({facts.last_report_year})" if facts.last_report_year is not None else ""
        said, values = _values_said(evidence)
        out.add(
            "REPORT_WITHOUT_WPS",
            f"The last periodic report{which} did not cover women and peace and security. GR30 "
            "para 84 asks States parties to report on it: include the implementation of this "
            f"plan in the next report under article 18.{said}",
            params={"year": str(facts.last_report_year or ""), **values},
        )
    if facts.observations_on_wps and not facts.nap_answers_observations:
        symbol, paragraphs = facts.observations_symbol, facts.observations_paragraphs
        cited = symbol or "the Committee's latest concluding observations"
        if symbol and paragraphs:
            cited += f", paras {show_paragraphs(paragraphs)}"
        trace = (
            ""
            if symbol
            else " Give their symbol and paragraphs in the self-assessment, so that the answer "
            "can be traced."
        )
        out.add(
            "OBSERVATIONS_NOT_ANSWERED",
            f"The Committee's concluding observations on women and peace and security ({cited}) "
            "are not answered by the plan. The next periodic report under article 18 will be read "
            f"against them: add actions to the plan that respond to each of them.{trace}",
            params={"symbol": symbol or "", "paragraphs": paragraphs or ""},
        )


def _rests_on(theme: Theme, provision: str) -> bool:
    """Whether a theme rests on the article a provision ("16(1)(c)") belongs to."""
    return article_key(provision)[0] in {article_key(a)[0] for a in theme.articles}


def _treaty_findings(out: _Findings, member: Member, treaties: TreatyStatus) -> None:
    """Reservations and the Optional Protocol: the member's treaty status, as advice."""
    status = treaties.of(member.code)
    resting = {
        provision: [t for t in out.rules.themes if t.addressable and _rests_on(t, provision)]
        for provision in status.reservations
    }
    concerned = {p: themes for p, themes in resting.items() if themes}
    if concerned:
        themes = list(dict.fromkeys(t for ts in concerned.values() for t in ts))
        out.add(
            "RESERVATIONS",
            f"The reservations maintained to {_words(list(concerned))} of the Convention "
            f"concern the GR30 {'theme' if len(themes) == 1 else 'themes'} "
            f"{_words([_theme_ref(t) for t in themes])}. A reservation incompatible with the "
            "object and purpose of the Convention is not permitted (article 28(2)): review these "
            "reservations with a view to withdrawing them.",
            params={"provisions": ", ".join(concerned), "themes": ", ".join(t.id for t in themes)},
        )
    if status.optional_protocol in ("signed", "not_party"):
        signed = " (it has signed it, not ratified it)" * (status.optional_protocol == "signed")
        out.add(
            "OPTIONAL_PROTOCOL",
            f"This State is not a party to the Optional Protocol to the Convention{signed}. "
            "Ratifying it would open to women the communications procedure (article 2) and to the "
            "Committee its inquiry procedure (article 8), remedies that access to justice (GR30 "
            "paras 74\u201381; general recommendation No. 33) calls for: consider ratification.",
            params={"status": status.optional_protocol},
        )


def _without_rating(out: _Findings, member: Member, treaties: TreatyStatus) -> None:
    """Not bound by the Convention: every finding is advice, and the reason is said (it comes
    first in the result)."""
    out.found = [
        f.model_copy(update={"severity": Severity.ADVICE, "weight": 0})
        if f.severity is Severity.GAP
        else f
        for f in out.found
    ]
    if member.kind is MemberKind.REGIONAL_ORGANIZATION:
        out.add(
            "GR30_ALIGNMENT",
            "A regional organisation is not a party to the Convention, so this regional action "
            "plan is not rated for compliance. GR30 (paras 9, 12(a) and 14) sets out how the "
            "Convention reaches what States do through international and regional "
            "organisations: align the regional action plan with its principles, using the advice "
            "given here.",
        )
        return
    signed = treaties.of(member.code).signed_in
    standing = (
        f"signed the Convention in {signed} but has not ratified it"
        if signed
        else "has not ratified the Convention"
    )
    out.add(
        "STATE_NOT_PARTY",
        f"This State {standing}, so it is not a State party (article 25). Its plan is not "
        "rated for compliance: it is read against the principles of GR30 instead, the findings "
        "are advice, and the reporting checks under article 18 do not apply. Consider ratifying "
        "the Convention.",
        params={"signed_in": str(signed or "")},
    )


def _rating(findings: list[Finding], rules: CedawRules) -> LinkageRating:
    weighed = sum(f.weight for f in findings if f.severity is Severity.GAP)
    if weighed <= rules.rating.strong_at_most:
        return LinkageRating.STRONG
    if weighed <= rules.rating.partial_at_most:
        return LinkageRating.PARTIAL
    return LinkageRating.WEAK


def _order(rules: CedawRules) -> Any:
    themes = {t.id: i for i, t in enumerate(rules.themes)}

    def key(finding: Finding) -> tuple[Any, ...]:
        return (
            _SEVERITY_ORDER[finding.severity],
            finding.code not in _STANDING,
            -finding.weight,
            themes.get(finding.theme or "", len(themes)),
            finding.code,
            finding.message,
        )

    return key


def check_linkage(
    member: Member,
    assessment: SelfAssessment,
    rules: CedawRules | None = None,
    treaties: TreatyStatus | None = None,
    indicators: IndicatorEvidence | None = None,
) -> CedawResult:
    """Check a member's plan and CEDAW reporting against the rules (the shipped ones by default).
    ``indicators``: what the member's recorded indicator values give its next report (GR30 para
    84); None where the caller has none to give, and the finding says nothing of them.

    Findings come gaps first, heaviest first, then advice, then information; within each, in
    the order of GR30's themes.
    """
    rules = rules or load_rules()
    treaties = treaties or load_treaties()
    nap = assessment.nap
    out = _Findings(rules)
    _theme_findings(out, nap)
    _plan_findings(out, nap)
    _citation_findings(out, nap)
    bound = member.kind is MemberKind.STATE and member.cedaw_status is CedawStatus.STATE_PARTY
    if bound:
        _reporting_findings(out, assessment.cedaw_reporting, indicators)
        _treaty_findings(out, member, treaties)
    else:
        _without_rating(out, member, treaties)
    findings = sorted(out.found, key=_order(rules))
    rating = _rating(findings, rules) if bound else LinkageRating.NOT_APPLICABLE
    return CedawResult(member=member.code, rating=rating, findings=findings)


def priorities(result: CedawResult, limit: int) -> tuple[list[Finding], list[Finding]]:
    """The gaps that matter most for this plan, heaviest first (ties in the check's order), at
    most ``limit`` of them; and the gaps left over, for the letter to group."""
    gaps = sorted(
        (f for f in result.findings if f.severity is Severity.GAP), key=lambda f: -f.weight
    )
    return gaps[:limit], gaps[limit:]


def result_digest(result: CedawResult) -> str:
    """SHA-256 (hex) of the result's canonical JSON, the digest the store records for it."""
    return sha256_of(result)
