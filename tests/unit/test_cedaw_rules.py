"""The CEDAW linkage check (DESIGN §6, issue #18): substance judged theme by theme, on the shipped
rules data, with every GR30 reference held against the table of GR30's sections."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from napreview.schemas.cedaw import CedawResult, Finding, LinkageRating, Severity
from napreview.schemas.digest import sha256_of
from napreview.schemas.members import CedawStatus, MemberKind
from napreview.schemas.nap import Gr30Theme, Pillar
from napreview.schemas.network import MEMBERS, MEMBERS_BY_CODE
from napreview.schemas.recommendations import RECOMMENDATION_IDS
from napreview.schemas.submissions import SelfAssessment
from napreview.workflows.cedaw import check_linkage, priorities, result_digest
from napreview.workflows.cedaw_rules import (
    RULES_RESOURCE,
    RulesError,
    covers,
    expand_citation,
    load_rules,
    load_sections,
    load_treaties,
    normalise_article,
    parse_paragraphs,
    parse_rules,
    reference_problems,
)

DEU = MEMBERS_BY_CODE["DEU"]
USA = MEMBERS_BY_CODE["USA"]
AU = MEMBERS_BY_CODE["AU"]
ALL_THEMES = [t.value for t in Gr30Theme]


def assessment(**changes: Any) -> SelfAssessment:
    """A strong plan: every theme its four pillars call for covered, with a budget, a monitoring
    framework, civil society monitoring it, data kept by sex, the Committee's observations
    answered. ``changes`` vary it; keys are dotted paths, e.g. ``{"nap.budget.allocated": False}``.
    """
    doc: dict[str, Any] = {
        "nap": {
            "iteration": 2,
            "title": "Action Plan of the Federal Government 2017-2020",
            "adopted_on": "2017-01-11",
            "period_start": "2017-01-01",
            "period_end": "2020-12-31",
            "lead_agency": "Federal Foreign Office",
            "pillars": ["participation", "prevention", "protection", "relief_and_recovery"],
            "budget": {"allocated": True, "amount": 1000000, "currency": "EUR"},
            "monitoring": {"framework": True, "reporting_frequency": "annual"},
            "civil_society_role": "monitoring",
            "local_action_plans": 0,
            "cedaw": {"articles_cited": ["2", "5(a)", "7", "8"], "cites_gr30": True},
            "gender_disaggregated_data": True,
            "gr30_themes": list(ALL_THEMES),
            "small_arms": True,
        },
        "recommendations": [
            {"id": rid, "status": "in_progress", "evidence": "see the plan"}
            for rid in RECOMMENDATION_IDS
        ],
        "cedaw_reporting": {
            "last_report_year": 2017,
            "covered_wps": True,
            "observations_on_wps": True,
            "nap_answers_observations": True,
            "observations_symbol": "CEDAW/C/DEU/CO/7-8",
            "observations_paragraphs": "27-28",
        },
    }
    for path, value in changes.items():
        *parents, leaf = path.split(".")
        node = doc
        for key in parents:
            node = node[key]
        node[leaf] = value
    return SelfAssessment.model_validate(doc)


def without(*themes: str) -> dict[str, Any]:
    return {"nap.gr30_themes": [t for t in ALL_THEMES if t not in themes]}


EMPTY = {
    "nap.gr30_themes": [],
    "nap.small_arms": False,
    "nap.budget": {"allocated": False},
    "nap.monitoring": {"framework": False},
    "nap.civil_society_role": "none",
    "nap.gender_disaggregated_data": False,
    "nap.cedaw": {"articles_cited": [], "cites_gr30": False},
}


def codes(result: CedawResult) -> list[str]:
    return [f.code for f in result.findings]


def gaps(result: CedawResult) -> list[Finding]:
    return [f for f in result.findings if f.severity is Severity.GAP]


def only(result: CedawResult, code: str) -> Finding:
    (finding,) = [f for f in result.findings if f.code == code]
    return finding


def missing_theme(result: CedawResult, theme: str) -> Finding:
    (finding,) = [
        f for f in result.findings if f.code == "THEME_NOT_ADDRESSED" and f.theme == theme
    ]
    return finding


def rules_json() -> dict[str, Any]:
    return json.loads(
        resources.files("napreview.workflows").joinpath(RULES_RESOURCE).read_text("utf-8")
    )


# --- Article citations ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("5(a)", "5(a)"),
        ("5 (a)", "5(a)"),
        ("5a", "5(a)"),
        ("Art. 5(a)", "5(a)"),
        ("Article 7", "7"),
        ("CEDAW article 12", "12"),
        ("Arts. 16", "16"),
        ("4 (1)", "4(1)"),
    ],
)
def test_article_citations_normalise_to_one_form(text: str, canonical: str) -> None:
    assert normalise_article(text) == canonical


@pytest.mark.parametrize("text", ["", "0", "31", "Art. 45", "GR30", "5(a)(i)", "seven"])
def test_a_citation_that_is_not_an_article_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a CEDAW article"):
        normalise_article(text)


def test_a_range_expands_to_whole_articles_and_its_last_sub_paragraph() -> None:
    assert expand_citation("1–5(a)") == ["1", "2", "3", "4", "5(a)"]
    assert expand_citation("Arts. 1-3") == ["1", "2", "3"]
    with pytest.raises(ValueError):
        expand_citation("5(a)-7")


def test_a_whole_article_covers_its_sub_paragraphs_but_not_the_reverse() -> None:
    assert covers("5", "5(a)") and covers("4", "4(1)")
    assert not covers("5(a)", "5") and not covers("4(2)", "4(1)") and not covers("15", "5(a)")


# --- The rules data and the table of GR30's sections -----------------------------------------


def test_every_gr30_reference_in_the_rules_is_borne_out_by_the_table_of_sections() -> None:
    rules, sections = load_rules(), load_sections()
    assert reference_problems(rules, sections) == []
    spans = [s.span for s in sections.sections]
    assert all(a.last < b.first for a, b in zip(spans, spans[1:], strict=False)), "in order"
    # every theme is one whole section of GR30, its recommendations inside it
    by_range = {s.paragraphs: s for s in sections.sections}
    for theme in rules.themes:
        assert theme.paragraphs in by_range, theme.id


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda d: d["themes"][2].update(paragraphs="34-37", recommendations="37"), "34-37"),
        (lambda d: d["findings"]["SMALL_ARMS_NOT_ADDRESSED"].update(paragraphs="33(f)"), "33(f)"),
        (lambda d: d["findings"]["NO_BUDGET"].update(paragraphs="85"), "85"),
        (lambda d: d["findings"]["GR30_ALIGNMENT"].update(paragraphs="9, 12(b), 14"), "12(b)"),
    ],
)
def test_a_gr30_reference_the_table_does_not_know_is_refused(edit: Any, problem: str) -> None:
    data = rules_json()
    edit(data)
    with pytest.raises(RulesError, match="cites GR30 wrongly") as err:
        parse_rules(json.dumps(data))
    assert problem in str(err.value)


def test_the_themes_hold_their_ranges_recommendations_articles_and_related_recommendations() -> (
    None
):
    rows = {
        t.id: (t.paragraphs, t.recommendations, set(t.pillars), t.articles,
               t.general_recommendations)
        for t in load_rules().themes
    }  # fmt: skip
    assert rows["gender_based_violence"] == (
        "34-38", "38", {Pillar.PREVENTION, Pillar.PROTECTION}, ("1", "2", "3", "5(a)"), (35,),
    )  # fmt: skip
    assert rows["participation"][:2] == ("42-47", "46-47")
    # temporary special measures are article 4(1), never article 4 as a whole (4(2): maternity)
    assert rows["participation"][3] == ("4(1)", "7", "8")
    assert "4(1)" in rows["constitutional_electoral_reform"][3]
    assert not any("4" in articles for *_, articles, _ in rows.values())
    # access to justice rests on article 5(a) too (stereotyping, para 81(h))
    assert "5(a)" in rows["access_to_justice"][3]
    related = {theme: row[4] for theme, row in rows.items() if row[4]}
    assert related == {
        "gender_based_violence": (35,),
        "displacement": (32,),
        "nationality": (32,),
        "access_to_justice": (33,),
        "trafficking": (38,),
        "education_employment_health": (34,),
        "participation": (40,),
    }
    assert rows["conflict_prevention"][:2] == ("29-33", "33")
    assert rows["monitoring_reporting"][:2] == ("82-84", "83-84")
    assert rows["security_council_agenda"][:2] == ("25-28", "28")
    assert {t for t, row in rows.items() if row[2]} == set(ALL_THEMES)


def test_the_gr30_citation_gives_its_adoption_and_issue() -> None:
    (gr30,) = [s for s in load_rules().sources if s.id == "gr30"]
    assert "CEDAW/C/GC/30" in gr30.citation
    assert "adopted on 18 October 2013" in gr30.citation
    assert "issued on 1 November 2013" in gr30.citation
    assert (load_sections().adopted_on, load_sections().issued_on) == ("2013-10-18", "2013-11-01")


def test_every_finding_says_what_it_weighs_and_why_and_only_gaps_weigh() -> None:
    rules = load_rules()
    for code, rule in rules.findings.items():
        assert rule.why, code
        assert (rule.weight != 0) == (rule.severity is Severity.GAP), code
    assert rules.findings["ARTICLES_NOT_CITED"].severity is Severity.ADVICE
    assert all(t.why for t in rules.themes)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["themes"][1].update(pillars=["prevent"]), "pillars"),
        (lambda d: d["themes"][1].update(general_recommendations=[99]), r"\[99\]"),
        (lambda d: d["themes"][1].update(id="prevention"), "Gr30Theme"),
        (lambda d: d["findings"]["CIVIL_SOCIETY_NO_ROLE"].update(weight=1), "only gaps weigh"),
        (lambda d: d["findings"]["NO_BUDGET"].update(weight=0), "at least 1"),
        (lambda d: d["findings"]["NO_BUDGET"].update(theme="budgets"), "budgets"),
        (lambda d: d["themes"][3].update(articles=["6", "31"]), "31"),
        (lambda d: d["rating"].update(partial_at_most=0), "partial_at_most"),
        (lambda d: d["themes"][3].update(colour="red"), "colour"),
    ],
)
def test_a_mistake_in_the_rules_is_reported_not_loaded(edit: Any, message: str) -> None:
    data = rules_json()
    edit(data)
    with pytest.raises(RulesError, match=message):
        parse_rules(json.dumps(data))


def test_paragraph_references_are_read_as_written_in_the_rules() -> None:
    refs = parse_paragraphs("83-84, 38(d)")
    assert [(r.first, r.last, r.letter) for r in refs] == [(83, 84, None), (38, 38, "d")]
    with pytest.raises(ValueError, match="not a paragraph"):
        parse_paragraphs("para 28")


def test_treaty_status_is_member_data_with_reservations_and_the_optional_protocol() -> None:
    treaties = load_treaties()
    assert treaties.of("USA").convention == "signed" and treaties.of("USA").signed_in == 1980
    assert "9(2)" in treaties.of("JOR").reservations
    assert treaties.of("JPN").optional_protocol == "not_party"
    assert treaties.of("DEU").reservations == () and treaties.of("DEU").optional_protocol is None
    assert set(treaties.members) <= set(MEMBERS_BY_CODE)


# --- The check: rated on substance --------------------------------------------------------------


def test_a_strong_plan_is_rated_strong() -> None:
    result = check_linkage(DEU, assessment())
    assert result.rating is LinkageRating.STRONG
    assert gaps(result) == []
    assert result.addressed == ALL_THEMES
    # it cites only articles 2, 5(a), 7 and 8: one grouped piece of advice, nothing more
    assert codes(result) == ["ARTICLES_NOT_CITED", "THEMES_ADDRESSED"]
    assert "gender-based violence (paras 34–38)" in only(result, "THEMES_ADDRESSED").message


def test_an_empty_plan_is_rated_weak() -> None:
    result = check_linkage(DEU, assessment(**EMPTY))
    assert result.rating is LinkageRating.WEAK
    assert result.addressed == []
    assert {f.theme for f in result.findings if f.code == "THEME_NOT_ADDRESSED"} == set(ALL_THEMES)
    assert {"NO_BUDGET", "NO_MONITORING_FRAMEWORK", "NO_SEX_DISAGGREGATED_DATA"} <= set(
        codes(result)
    )


def test_the_plan_of_the_issue_covering_its_themes_is_no_longer_weak() -> None:
    """Issue #18: a plan citing articles 2, 5(a), 7 and 8 and GR30, with a budget and a
    monitoring framework, came out weak because it did not cite the other articles."""
    result = check_linkage(DEU, assessment(**{"cedaw_reporting.nap_answers_observations": False}))
    assert result.rating is LinkageRating.PARTIAL
    assert [f.code for f in gaps(result)] == ["OBSERVATIONS_NOT_ANSWERED"]


def test_article_numbers_not_cited_are_one_piece_of_advice_that_never_counts() -> None:
    cites_nothing = check_linkage(DEU, assessment(**{"nap.cedaw.articles_cited": []}))
    advice = only(cites_nothing, "ARTICLES_NOT_CITED")
    assert advice.severity is Severity.ADVICE and advice.weight == 0
    assert advice.article is not None and advice.article.startswith("1, 2, 3, 4(1), 5(a), 6, 7")
    assert advice.gr30_paragraph == "28(a)"
    assert "does not count toward the rating" in advice.message
    assert cites_nothing.rating is LinkageRating.STRONG

    every = ["Art. 1-4", "5 (a)", "Article 6", "art 7", "8-12", "14", "15", "16"]
    cites_all = check_linkage(DEU, assessment(**{"nap.cedaw.articles_cited": every}))
    assert "ARTICLES_NOT_CITED" not in codes(cites_all)


@pytest.mark.parametrize(
    ("changes", "code", "expected"),
    [
        (
            {"nap.budget": {"allocated": False}},
            "NO_BUDGET",
            (Severity.GAP, 3, "28(a)", None, []),
        ),
        (
            {"nap.monitoring": {"framework": False}},
            "NO_MONITORING_FRAMEWORK",
            (Severity.GAP, 2, "83–84", "18", []),
        ),
        (
            {"nap.gender_disaggregated_data": False},
            "NO_SEX_DISAGGREGATED_DATA",
            (Severity.GAP, 2, "83, 38(d)", None, [(35, "34(b)")]),
        ),
        (
            {"nap.civil_society_role": "none"},
            "CIVIL_SOCIETY_NO_ROLE",
            (Severity.ADVICE, 0, "28(d), 46(c)", None, []),
        ),
        (
            {"nap.small_arms": False},
            "SMALL_ARMS_NOT_ADDRESSED",
            (Severity.GAP, 1, "33(e)", None, []),
        ),
        (
            {"cedaw_reporting.covered_wps": False},
            "REPORT_WITHOUT_WPS",
            (Severity.GAP, 1, "84", "18", []),
        ),
        (
            {"cedaw_reporting.nap_answers_observations": False},
            "OBSERVATIONS_NOT_ANSWERED",
            (Severity.GAP, 2, None, "18", []),
        ),
        (
            {"nap.cedaw.cites_gr30": False},
            "GR30_NOT_CITED",
            (Severity.ADVICE, 0, "28(a)", None, []),
        ),
        (
            {"cedaw_reporting.last_report_year": None},
            "NO_REPORT_YEAR",
            (Severity.ADVICE, 0, "84", "18", []),
        ),
    ],
)
def test_each_finding_cites_its_paragraphs_articles_and_related_recommendations(
    changes: dict[str, Any], code: str, expected: tuple[Any, ...]
) -> None:
    finding = only(check_linkage(DEU, assessment(**changes)), code)
    related = [(g.number, g.paragraph) for g in finding.general_recommendations]
    assert (
        finding.severity,
        finding.weight,
        finding.gr30_paragraph,
        finding.article,
        related,
    ) == expected


@pytest.mark.parametrize(
    ("theme", "paragraphs", "articles", "related", "weight"),
    [
        ("conflict_prevention", "29–33", "2, 3, 7", [], 2),
        ("gender_based_violence", "34–38", "1, 2, 3, 5(a)", [35], 2),
        ("trafficking", "39–41", "6", [38], 1),
        ("participation", "42–47", "4(1), 7, 8", [40], 2),
        ("education_employment_health", "48–52", "10, 11, 12, 14", [34], 1),
        ("displacement", "53–57", "1, 2, 3, 15", [32], 1),
        ("nationality", "58–61", "9", [32], 1),
        ("marriage_family", "62–65", "15, 16", [], 1),
        ("security_sector_reform", "66–69", "1, 2, 3, 7", [], 1),
        ("constitutional_electoral_reform", "70–73", "1, 2, 3, 4(1), 5(a), 7, 15", [], 1),
        ("access_to_justice", "74–81", "1, 2, 3, 5(a), 15", [33], 2),
    ],
)
def test_a_theme_the_pillars_call_for_and_the_plan_leaves_out_is_a_gap_citing_its_range(
    theme: str, paragraphs: str, articles: str, related: list[int], weight: int
) -> None:
    finding = missing_theme(check_linkage(DEU, assessment(**without(theme))), theme)
    assert finding.severity is Severity.GAP and finding.weight == weight
    assert (finding.gr30_paragraph, finding.article) == (paragraphs, articles)
    assert [g.number for g in finding.general_recommendations] == related
    assert f"GR30 paras {paragraphs}" in finding.message
    for number in related:
        assert f"general recommendation No. {number}" in finding.message


def test_only_the_themes_the_plans_pillars_call_for_are_required() -> None:
    participation_only = assessment(
        **{"nap.pillars": ["participation"], "nap.gr30_themes": [], "nap.small_arms": False}
    )
    result = check_linkage(DEU, participation_only)
    missing = {f.theme for f in result.findings if f.code == "THEME_NOT_ADDRESSED"}
    assert missing == {"participation", "security_sector_reform", "constitutional_electoral_reform"}
    assert {f.pillar for f in gaps(result)} == {"participation"}
    assert "SMALL_ARMS_NOT_ADDRESSED" not in codes(result)  # no prevention pillar


def test_a_plan_that_acts_abroad_is_judged_under_paras_9_and_47() -> None:
    abroad = {"peacekeeping_contingents": True, "peace_process_role": True}
    result = check_linkage(
        DEU,
        assessment(**{"nap.pillars": ["relief_and_recovery"], "nap.gr30_themes": [],
                      "nap.abroad": abroad}),
    )  # fmt: skip
    # contingents call for gender-based violence (para 9), a third party's role for participation
    violence = missing_theme(result, "gender_based_violence")
    assert violence.pillar is None and "peacekeeping contingents (GR30 para 9)" in violence.message
    assert "peace processes (GR30 para 47)" in missing_theme(result, "participation").message
    delegations = only(result, "DELEGATIONS_WITHOUT_WOMEN")
    assert (delegations.gr30_paragraph, delegations.article) == ("47", "7, 8")
    assert delegations.weight == 1
    acts = only(result, "ACTS_ABROAD")
    assert acts.severity is Severity.INFO and acts.gr30_paragraph == "9, 47"

    with_women = {**abroad, "women_in_delegations": True}
    assert "DELEGATIONS_WITHOUT_WOMEN" not in codes(
        check_linkage(DEU, assessment(**{"nap.abroad": with_women}))
    )
    assert "ACTS_ABROAD" not in codes(check_linkage(DEU, assessment()))


def test_unanswered_observations_cite_article_18_and_the_observations_not_para_84() -> None:
    finding = only(
        check_linkage(DEU, assessment(**{"cedaw_reporting.nap_answers_observations": False})),
        "OBSERVATIONS_NOT_ANSWERED",
    )
    assert (finding.article, finding.gr30_paragraph) == ("18", None)
    assert "CEDAW/C/DEU/CO/7-8, paras 27–28" in finding.message
    assert finding.params == {"symbol": "CEDAW/C/DEU/CO/7-8", "paragraphs": "27-28"}

    unnamed = assessment(
        **{
            "cedaw_reporting.nap_answers_observations": False,
            "cedaw_reporting.observations_symbol": None,
            "cedaw_reporting.observations_paragraphs": None,
        }
    )
    message = only(check_linkage(DEU, unnamed), "OBSERVATIONS_NOT_ANSWERED").message
    assert "Give their symbol and paragraphs" in message


def test_a_citation_that_is_not_an_article_is_advice() -> None:
    result = check_linkage(DEU, assessment(**{"nap.cedaw.articles_cited": ["2", "45"]}))
    finding = only(result, "ARTICLE_UNRECOGNISED")
    assert finding.severity is Severity.ADVICE and "'45'" in finding.message
    assert result.rating is LinkageRating.STRONG


@pytest.mark.parametrize(
    ("changes", "weighed", "rating"),
    [
        ({}, 0, LinkageRating.STRONG),
        (without("trafficking"), 1, LinkageRating.STRONG),
        (without("trafficking", "nationality"), 2, LinkageRating.PARTIAL),
        ({"nap.budget": {"allocated": False}}, 3, LinkageRating.PARTIAL),
        (
            {"nap.budget": {"allocated": False}, "nap.monitoring": {"framework": False},
             **without("nationality")},
            6,
            LinkageRating.PARTIAL,
        ),
        (
            {"nap.budget": {"allocated": False}, "nap.monitoring": {"framework": False},
             "nap.gender_disaggregated_data": False},
            7,
            LinkageRating.WEAK,
        ),
    ],
)  # fmt: skip
def test_the_rating_follows_the_weight_of_the_gaps(
    changes: dict[str, Any], weighed: int, rating: LinkageRating
) -> None:
    result = check_linkage(DEU, assessment(**changes))
    assert sum(f.weight for f in gaps(result)) == weighed
    assert result.rating is rating


def test_the_rules_passed_in_are_the_only_source_of_the_weights() -> None:
    data = rules_json()
    next(t for t in data["themes"] if t["id"] == "trafficking")["weight"] = 7
    heavy = parse_rules(json.dumps(data))
    plan = assessment(**without("trafficking"))
    assert check_linkage(DEU, plan).rating is LinkageRating.STRONG
    assert check_linkage(DEU, plan, heavy).rating is LinkageRating.WEAK


# --- Members that get advice and no rating ------------------------------------------------------


def test_the_united_states_gets_advice_and_never_a_compliance_rating() -> None:
    assert USA.cedaw_status is CedawStatus.NOT_PARTY
    for plan in (assessment(), assessment(**EMPTY)):
        result = check_linkage(USA, plan)
        assert result.rating is LinkageRating.NOT_APPLICABLE
        assert gaps(result) == [] and all(f.weight == 0 for f in result.findings)
        first = result.findings[0]
        assert (first.code, first.article) == ("STATE_NOT_PARTY", "25")
        assert "signed the Convention in 1980 but has not ratified it" in first.message
    empty = check_linkage(USA, assessment(**EMPTY))
    assert "NO_BUDGET" in codes(empty)  # the same findings, as advice
    assert not {"REPORT_WITHOUT_WPS", "OBSERVATIONS_NOT_ANSWERED"} & set(codes(empty))


def test_a_regional_organisation_gets_advice_citing_paras_9_12a_and_14() -> None:
    assert AU.kind is MemberKind.REGIONAL_ORGANIZATION
    result = check_linkage(AU, assessment(**EMPTY))
    assert result.rating is LinkageRating.NOT_APPLICABLE
    assert gaps(result) == []
    first = result.findings[0]
    assert (first.code, first.severity, first.gr30_paragraph) == (
        "GR30_ALIGNMENT",
        Severity.ADVICE,
        "9, 12(a), 14",
    )
    assert {"NO_BUDGET", "THEME_NOT_ADDRESSED"} <= set(codes(result))


def test_no_state_that_is_not_a_party_and_no_organisation_is_ever_rated() -> None:
    for member in MEMBERS:
        for plan in (assessment(), assessment(**EMPTY)):
            rating = check_linkage(member, plan).rating
            unrated = member.kind is MemberKind.REGIONAL_ORGANIZATION or member.code == "USA"
            assert (rating is LinkageRating.NOT_APPLICABLE) == unrated, member.code


def test_reservations_to_articles_the_themes_rest_on_are_advice_naming_both() -> None:
    result = check_linkage(MEMBERS_BY_CODE["JOR"], assessment())
    finding = only(result, "RESERVATIONS")
    assert (finding.severity, finding.weight, finding.article) == (Severity.ADVICE, 0, "28(2)")
    assert "9(2), 16(1)(c), 16(1)(d) and 16(1)(g)" in finding.message
    assert finding.params["themes"] == "nationality, marriage_family"
    assert result.rating is LinkageRating.STRONG
    assert "RESERVATIONS" not in codes(check_linkage(DEU, assessment()))


def test_the_optional_protocol_not_ratified_is_advice_under_access_to_justice() -> None:
    finding = only(check_linkage(MEMBERS_BY_CODE["JPN"], assessment()), "OPTIONAL_PROTOCOL")
    assert (finding.severity, finding.gr30_paragraph, finding.theme) == (
        Severity.ADVICE,
        "74–81",
        "access_to_justice",
    )
    assert [g.number for g in finding.general_recommendations] == [33]
    assert "OPTIONAL_PROTOCOL" not in codes(check_linkage(DEU, assessment()))


# --- Order, selection, digest --------------------------------------------------------------------


def test_gaps_come_first_heaviest_first_then_advice_then_information() -> None:
    result = check_linkage(DEU, assessment(**EMPTY))
    order = [Severity.GAP, Severity.ADVICE, Severity.INFO]
    severities = [f.severity for f in result.findings]
    assert severities == sorted(severities, key=order.index)
    weights = [f.weight for f in gaps(result)]
    assert weights == sorted(weights, reverse=True)
    assert result.findings[0].code == "NO_BUDGET"


def test_the_priorities_are_the_heaviest_gaps_and_the_rest_is_kept_for_grouping() -> None:
    result = check_linkage(DEU, assessment(**EMPTY))
    first, rest = priorities(result, 5)
    assert len(first) == 5 and len(first) + len(rest) == len(gaps(result))
    assert first[0].code == "NO_BUDGET"
    assert min(f.weight for f in first) >= max(f.weight for f in rest)
    assert priorities(check_linkage(DEU, assessment()), 5) == ([], [])


def test_the_order_of_citations_pillars_and_themes_does_not_change_the_result() -> None:
    one = assessment(**{"nap.cedaw.articles_cited": ["2", "7", "5(a)"]})
    other = assessment(
        **{
            "nap.cedaw.articles_cited": ["5 (a)", "Article 7", "2"],
            "nap.pillars": ["relief_and_recovery", "protection", "prevention", "participation"],
            "nap.gr30_themes": list(reversed(ALL_THEMES)),
        }
    )
    assert check_linkage(DEU, one) == check_linkage(DEU, other)
    assert result_digest(check_linkage(DEU, one)) == result_digest(check_linkage(DEU, other))


def test_result_digest_is_the_sha256_of_canonical_json() -> None:
    result = check_linkage(DEU, assessment(**EMPTY))
    digest = result_digest(result)
    assert digest == sha256_of(result.model_dump(mode="json"))
    assert digest == result_digest(CedawResult.model_validate_json(result.model_dump_json()))
    assert digest != result_digest(check_linkage(DEU, assessment()))


def test_the_result_keeps_the_json_shape_of_cedaw_check_and_adds_to_it() -> None:
    body = json.loads(check_linkage(DEU, assessment(**EMPTY)).model_dump_json())
    assert {"member", "rating", "findings"} <= set(body)
    assert {"code", "severity", "article", "gr30_paragraph", "pillar", "message"} <= set(
        body["findings"][0]
    )


def test_a_result_stored_before_issue_18_is_still_read() -> None:
    old = {
        "member": "DEU",
        "rating": "weak",
        "findings": [
            {"code": "ARTICLE_NOT_CITED", "severity": "gap", "article": "6",
             "gr30_paragraph": "41", "pillar": "protection", "message": "Cite article 6."}
        ],
    }  # fmt: skip
    read = CedawResult.model_validate(old)
    assert read.addressed == [] and read.findings[0].weight == 0
    assert priorities(read, 5) == (read.findings, [])


def test_the_readme_table_says_what_each_finding_and_theme_weighs() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    rows = {
        cells[0].strip(): cells
        for line in readme.splitlines()
        if line.startswith("| ")
        for cells in [line.strip("|").split(" | ")]
    }
    rules = load_rules()
    for code, rule in rules.findings.items():
        cells = rows[f"`{code}`"]
        assert cells[1] == rule.severity.value, code
        assert cells[2] == (str(rule.weight) if rule.weight is not None else "the theme's (below)")
    for theme in rules.themes:
        assert rows[theme.title][5] == str(theme.weight), theme.id
    said, rating = " ".join(readme.split()), rules.rating
    assert f"**strong** at most {rating.strong_at_most}, **partial** at most " in said
    assert f"at most {rating.partial_at_most}, **weak** from {rating.partial_at_most + 1}" in said


# --- The para 84 finding and the member's indicator values (issue #22) -------------------------


def test_the_para_84_finding_names_the_indicator_values_the_report_can_give() -> None:
    from napreview.letters.render import finding_text
    from napreview.schemas.indicators import IndicatorEvidence

    plan = assessment(**{"cedaw_reporting.covered_wps": False})
    recorded = IndicatorEvidence(indicators=3, global_indicators=2, by_sex=1, latest_period="2024")
    (finding,) = [
        f for f in check_linkage(DEU, plan, indicators=recorded).findings
        if f.code == "REPORT_WITHOUT_WPS"
    ]  # fmt: skip
    assert finding.gr30_paragraph == "84"
    assert (
        "Values are recorded for three indicators (two of the Secretary-General's global "
        "indicators, S/2010/498; one by sex), the latest for 2024: give them in that report"
    ) in finding.message
    assert finding.params["indicators"] == "3" and finding.params["latest_period"] == "2024"
    french = " ".join(finding_text(finding, DEU, "fr").split())
    assert "Des valeurs sont enregistrées pour trois indicateurs (dont deux parmi" in french
    assert "un ventilé par sexe), les plus récentes pour 2024" in french
    spanish = " ".join(finding_text(finding, DEU, "es").split())
    assert "Hay valores registrados para tres indicadores (dos de ellos" in spanish

    (none,) = [
        f for f in check_linkage(DEU, plan, indicators=IndicatorEvidence()).findings
        if f.code == "REPORT_WITHOUT_WPS"
    ]  # fmt: skip
    assert "No indicator values are recorded yet" in none.message
    assert "Aucune valeur d'indicateur" in finding_text(none, DEU, "fr")
    assert "ningún valor de indicador" in finding_text(none, DEU, "es")


def test_without_values_to_read_the_para_84_finding_is_as_it_was() -> None:
    plan = assessment(**{"cedaw_reporting.covered_wps": False})
    before = check_linkage(DEU, plan)
    (finding,) = [f for f in before.findings if f.code == "REPORT_WITHOUT_WPS"]
    assert finding.message.endswith("in the next report under article 18.")
    assert finding.params == {"year": "2017"}


def test_indicator_values_never_change_the_rating() -> None:
    from napreview.schemas.indicators import IndicatorEvidence

    plan = assessment(**{"cedaw_reporting.covered_wps": False})
    many = IndicatorEvidence(indicators=12, global_indicators=5, by_sex=4, latest_period="2024")
    assert check_linkage(DEU, plan, indicators=many).rating == check_linkage(DEU, plan).rating
