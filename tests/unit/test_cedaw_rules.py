"""The CEDAW linkage check (DESIGN §6) and its mapping data."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest
from pydantic import ValidationError

from napreview.schemas.cedaw import CedawResult, LinkageRating, Severity
from napreview.schemas.digest import sha256_of
from napreview.schemas.members import CedawStatus, MemberKind
from napreview.schemas.nap import Pillar
from napreview.schemas.network import MEMBERS, MEMBERS_BY_CODE
from napreview.schemas.recommendations import RECOMMENDATION_IDS
from napreview.schemas.submissions import SelfAssessment
from napreview.workflows.cedaw import (
    LinkageMapping,
    MappingError,
    check_linkage,
    covers,
    expand_citation,
    load_mapping,
    normalise_article,
    parse_mapping,
    result_digest,
)

DEU = MEMBERS_BY_CODE["DEU"]
USA = MEMBERS_BY_CODE["USA"]
AU = MEMBERS_BY_CODE["AU"]

# Every article the four pillars need, by the table of DESIGN §6 ("5" covers "5(a)").
ALL_NEEDED = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "14", "15", "16"]


def assessment(**changes: Any) -> SelfAssessment:
    """A complete, valid self-assessment that leaves nothing to find; ``changes`` vary it.

    Keys are dotted paths into the JSON document, e.g. ``{"nap.budget.allocated": False}``.
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
            "cedaw": {"articles_cited": list(ALL_NEEDED), "cites_gr30": True},
            "gender_disaggregated_data": True,
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
        },
    }
    for path, value in changes.items():
        *parents, leaf = path.split(".")
        node = doc
        for key in parents:
            node = node[key]
        node[leaf] = value
    return SelfAssessment.model_validate(doc)


def germany_example() -> SelfAssessment:
    """The self-assessment of DESIGN §10.1."""
    return assessment(
        **{
            "nap.cedaw.articles_cited": ["2", "5(a)", "7", "8"],
            "cedaw_reporting.nap_answers_observations": False,
        }
    )


def codes(result: CedawResult) -> list[str]:
    return [f.code for f in result.findings]


def missing_articles(result: CedawResult) -> list[str]:
    return [f.article for f in result.findings if f.code == "ARTICLE_NOT_CITED"]


def shipped_mapping_json() -> dict[str, Any]:
    return json.loads(
        resources.files("napreview.workflows").joinpath("cedaw_mapping.json").read_text("utf-8")
    )


# --- Article citations ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("5(a)", "5(a)"),
        ("5 (a)", "5(a)"),
        ("5a", "5(a)"),
        ("5A", "5(a)"),
        ("Art. 5(a)", "5(a)"),
        ("art 5 (a)", "5(a)"),
        ("Article 7", "7"),
        ("  7 ", "7"),
        ("CEDAW article 12", "12"),
        ("Arts. 16", "16"),
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
    with pytest.raises(ValueError):
        expand_citation("7-2")


def test_a_whole_article_covers_its_sub_paragraphs_but_not_the_reverse() -> None:
    assert covers("5", "5(a)")
    assert covers("5(a)", "5(a)")
    assert not covers("5(a)", "5")
    assert not covers("5(b)", "5(a)")
    assert not covers("15", "5(a)")


# --- The mapping ------------------------------------------------------------------------------


def test_the_shipped_mapping_holds_the_table_of_design_section_6() -> None:
    mapping = load_mapping()
    rows = {t.theme: (set(t.pillars), list(t.articles)) for t in mapping.themes}
    assert len(rows) == 12
    assert rows["conflict prevention"] == ({Pillar.PREVENTION}, ["2", "3", "7"])
    assert rows["gender-based violence"] == (
        {Pillar.PREVENTION, Pillar.PROTECTION},
        ["1", "2", "3", "5(a)"],
    )
    assert rows["constitutional and electoral reform"] == (
        {Pillar.PARTICIPATION},
        ["1", "2", "3", "4", "5(a)", "7", "15"],
    )
    reporting = mapping.reporting_theme
    assert (reporting.pillars, reporting.articles, reporting.gr30_paragraphs) == (
        (),
        ("18",),
        ("27", "83", "84"),
    )
    assert mapping.references.nap_compliance.paragraph == "28"
    assert mapping.references.reporting.paragraph == "84"
    participation = next(t for t in mapping.themes if t.id == "participation")
    assert (participation.articles, participation.gr30_paragraphs) == (
        ("4(1)", "7", "8"),
        ("46", "47"),
    )
    assert any(
        "CEDAW/C/GC/30" in s.citation and "2013" in s.citation for s in mapping.references.sources
    )
    assert mapping.version
    assert all(t.gr30_paragraphs for t in mapping.themes)


def test_the_mapping_is_read_once_and_matches_the_file() -> None:
    assert load_mapping() is load_mapping()
    assert load_mapping() == parse_mapping(json.dumps(shipped_mapping_json()))


def test_an_unknown_pillar_in_the_mapping_is_a_clear_error() -> None:
    data = shipped_mapping_json()
    data["themes"][2]["pillars"] = ["protecton"]
    with pytest.raises(MappingError, match=r"trafficking.*unknown WPS pillar 'protecton'"):
        parse_mapping(json.dumps(data))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["themes"][0].update(articles=["2", "31"]), "conflict_prevention"),
        (lambda d: d["themes"][0].update(articles=["2", "2"]), "twice"),
        (lambda d: d["themes"][1].update(id="conflict_prevention"), "unique"),
        (lambda d: d["themes"][0].update(pillars=[]), "exactly one theme must have no pillars"),
        (lambda d: d["references"]["reporting"].update(paragraph="85"), "reporting row"),
        (lambda d: d["themes"][0].update(colour="red"), "colour"),
        (lambda d: d["references"]["reporting"].update(source="gr35"), "gr35"),
    ],
)
def test_a_mistake_in_the_mapping_is_reported_not_loaded(edit: Any, message: str) -> None:
    data = shipped_mapping_json()
    edit(data)
    with pytest.raises(MappingError, match=message):
        parse_mapping(json.dumps(data))


def test_the_mapping_passed_in_is_the_only_source_of_the_articles() -> None:
    data = shipped_mapping_json()
    trafficking = next(t for t in data["themes"] if t["id"] == "trafficking")
    trafficking["articles"] = ["6", "17"]
    trafficking["gr30_paragraphs"] = ["40"]
    changed = parse_mapping(json.dumps(data))

    usual = check_linkage(DEU, assessment())
    result = check_linkage(DEU, assessment(), changed)

    assert usual.rating is LinkageRating.STRONG
    assert missing_articles(result) == ["17"]
    (finding,) = result.findings
    assert (finding.pillar, finding.gr30_paragraph) == ("protection", "40")
    assert result.rating is LinkageRating.PARTIAL


def test_by_default_the_check_uses_the_shipped_mapping() -> None:
    example = germany_example()
    assert check_linkage(DEU, example) == check_linkage(DEU, example, load_mapping())


# --- The check ---------------------------------------------------------------------------------


def test_germany_example_lacks_exactly_the_articles_its_four_pillars_need() -> None:
    result = check_linkage(DEU, germany_example())

    # Needed by the four pillars: 1, 2, 3, 4, 5(a), 6, 7, 8, 9, 10, 11, 12, 14, 15, 16.
    # Cited: 2, 5(a), 7, 8.
    assert missing_articles(result) == ["1", "3", "4", "6", "9", "10", "11", "12", "14", "15", "16"]
    assert codes(result) == ["ARTICLE_NOT_CITED"] * 11 + ["OBSERVATIONS_NOT_ANSWERED"]
    assert result.gaps == 12
    assert all(f.severity is Severity.GAP for f in result.findings)
    assert result.rating is LinkageRating.WEAK
    assert result.member == "DEU"


def test_a_missing_article_names_the_plans_pillars_and_the_themes_that_need_it() -> None:
    result = check_linkage(DEU, germany_example())
    by_article = {f.article: f for f in result.findings if f.code == "ARTICLE_NOT_CITED"}

    four = by_article["4"]
    assert four.pillar == "participation"
    # Article 4 for constitutional reform (para 73) and 4(1) for participation (paras 46-47):
    # citing article 4 covers both, so one finding names both themes.
    assert four.gr30_paragraph == "46, 47, 73"
    assert "constitutional and electoral reform" in four.message
    assert "participation in decision-making" in four.message
    assert "4(1)" not in by_article
    assert four.message.startswith("Cite CEDAW article 4 in the plan")

    one = by_article["1"]
    assert one.pillar == "participation, prevention, protection, relief_and_recovery"
    assert one.gr30_paragraph == "38, 57, 69, 73, 81"
    for theme in ["gender-based violence", "displacement", "security sector reform", "justice"]:
        assert theme in one.message

    six = by_article["6"]
    assert (six.pillar, six.gr30_paragraph) == ("protection", "41")
    assert "trafficking" in six.message


def test_only_the_pillars_the_plan_covers_are_named_and_checked() -> None:
    result = check_linkage(
        DEU, assessment(**{"nap.pillars": ["participation"], "nap.cedaw.articles_cited": ["7"]})
    )
    # participation: participation in decision-making (7, 8), SSR/DDR (1, 2, 3, 7),
    # constitutional and electoral reform (1, 2, 3, 4, 5(a), 7, 15).
    assert missing_articles(result) == ["1", "2", "3", "4", "5(a)", "8", "15"]
    assert {f.pillar for f in result.findings} == {"participation"}


def test_a_whole_article_cited_satisfies_its_sub_paragraph_but_not_the_reverse() -> None:
    whole = check_linkage(DEU, assessment(**{"nap.cedaw.articles_cited": ALL_NEEDED}))
    assert missing_articles(whole) == []

    data = shipped_mapping_json()
    for theme in data["themes"]:
        theme["articles"] = ["5" if a == "5(a)" else a for a in theme["articles"]]
    needs_whole_5 = parse_mapping(json.dumps(data))
    cited = [a for a in ALL_NEEDED if a != "5"] + ["5(a)"]
    result = check_linkage(DEU, assessment(**{"nap.cedaw.articles_cited": cited}), needs_whole_5)
    assert missing_articles(result) == ["5"]


def test_citations_in_any_usual_spelling_count() -> None:
    spelled = ["Art. 1-4", "5 (a)", "Article 6", "art 7", "8", "9", "10", "11", "12", "14"]
    result = check_linkage(
        DEU, assessment(**{"nap.cedaw.articles_cited": [*spelled, "Arts. 15", "16"]})
    )
    assert result.findings == []
    assert result.rating is LinkageRating.STRONG


def test_a_citation_that_is_not_an_article_is_advice_and_does_not_count() -> None:
    result = check_linkage(DEU, assessment(**{"nap.cedaw.articles_cited": [*ALL_NEEDED, "45"]}))
    (finding,) = result.findings
    assert (finding.code, finding.severity) == ("ARTICLE_UNRECOGNISED", Severity.ADVICE)
    assert "'45'" in finding.message
    assert result.rating is LinkageRating.STRONG


def test_a_complete_plan_of_a_state_party_is_strong_with_no_findings() -> None:
    result = check_linkage(DEU, assessment())
    assert result.findings == []
    assert result.rating is LinkageRating.STRONG


def test_no_article_cited_is_a_gap_and_each_needed_article_is_one_too() -> None:
    result = check_linkage(DEU, assessment(**{"nap.cedaw.articles_cited": []}))
    assert result.findings[0].code == "NO_ARTICLES_CITED"
    assert result.findings[0].severity is Severity.GAP
    assert result.findings[0].gr30_paragraph == "28"
    assert len(missing_articles(result)) == 15
    assert result.gaps == 16
    assert result.rating is LinkageRating.WEAK


def test_a_plan_citing_no_article_is_weak_even_with_few_gaps() -> None:
    data = shipped_mapping_json()
    data["themes"] = [
        t for t in data["themes"] if t["id"] in {"trafficking", "monitoring_reporting"}
    ]
    tiny = parse_mapping(json.dumps(data))
    only_protection = {"nap.pillars": ["protection"], "nap.cedaw.articles_cited": []}

    result = check_linkage(DEU, assessment(**only_protection), tiny)

    assert codes(result) == ["NO_ARTICLES_CITED", "ARTICLE_NOT_CITED"]
    assert result.gaps == 2
    assert result.rating is LinkageRating.WEAK


def test_a_plan_not_citing_gr30_gets_advice() -> None:
    result = check_linkage(DEU, assessment(**{"nap.cedaw.cites_gr30": False}))
    (finding,) = result.findings
    assert (finding.code, finding.severity) == ("GR30_NOT_CITED", Severity.ADVICE)
    assert "CEDAW/C/GC/30" in finding.message
    assert result.rating is LinkageRating.STRONG


def test_a_plan_without_budget_is_a_gap_under_para_28() -> None:
    result = check_linkage(DEU, assessment(**{"nap.budget": {"allocated": False}}))
    (finding,) = result.findings
    assert (finding.code, finding.severity, finding.gr30_paragraph) == (
        "NO_BUDGET",
        Severity.GAP,
        "28",
    )
    assert "allocate" in finding.message
    assert result.rating is LinkageRating.PARTIAL


def test_a_plan_without_monitoring_framework_gets_advice() -> None:
    result = check_linkage(DEU, assessment(**{"nap.monitoring": {"framework": False}}))
    (finding,) = result.findings
    assert (finding.code, finding.severity) == ("NO_MONITORING_FRAMEWORK", Severity.ADVICE)
    assert result.rating is LinkageRating.STRONG


def test_a_report_that_did_not_cover_wps_is_a_gap_under_para_84() -> None:
    result = check_linkage(DEU, assessment(**{"cedaw_reporting.covered_wps": False}))
    (finding,) = result.findings
    assert (finding.code, finding.severity) == ("REPORT_WITHOUT_WPS", Severity.GAP)
    assert (finding.article, finding.gr30_paragraph) == ("18", "84")
    assert "2017" in finding.message
    assert result.rating is LinkageRating.PARTIAL


def test_observations_on_wps_not_answered_by_the_plan_are_a_gap() -> None:
    result = check_linkage(DEU, assessment(**{"cedaw_reporting.nap_answers_observations": False}))
    (finding,) = result.findings
    assert (finding.code, finding.severity) == ("OBSERVATIONS_NOT_ANSWERED", Severity.GAP)
    assert (finding.article, finding.gr30_paragraph) == ("18", "84")


def test_no_observations_on_wps_means_nothing_to_answer() -> None:
    result = check_linkage(
        DEU,
        assessment(
            **{
                "cedaw_reporting.observations_on_wps": False,
                "cedaw_reporting.nap_answers_observations": False,
            }
        ),
    )
    assert result.findings == []


def test_no_report_year_is_advice_to_report() -> None:
    result = check_linkage(DEU, assessment(**{"cedaw_reporting.last_report_year": None}))
    (finding,) = result.findings
    assert (finding.code, finding.severity) == ("NO_REPORT_YEAR", Severity.ADVICE)
    assert (finding.article, finding.gr30_paragraph) == ("18", "84")
    assert "Report to the CEDAW Committee" in finding.message


@pytest.mark.parametrize(
    ("changes", "gaps", "rating"),
    [
        ({}, 0, LinkageRating.STRONG),
        ({"nap.budget": {"allocated": False}}, 1, LinkageRating.PARTIAL),
        (
            {
                "nap.budget": {"allocated": False},
                "cedaw_reporting.covered_wps": False,
                "cedaw_reporting.nap_answers_observations": False,
            },
            3,
            LinkageRating.PARTIAL,
        ),
        (
            {
                "nap.budget": {"allocated": False},
                "cedaw_reporting.covered_wps": False,
                "cedaw_reporting.nap_answers_observations": False,
                "nap.cedaw.articles_cited": [a for a in ALL_NEEDED if a != "6"],
            },
            4,
            LinkageRating.WEAK,
        ),
    ],
)
def test_rating_follows_the_number_of_gaps(
    changes: dict[str, Any], gaps: int, rating: LinkageRating
) -> None:
    result = check_linkage(DEU, assessment(**changes))
    assert result.gaps == gaps
    assert result.rating is rating


def test_the_united_states_is_advised_it_is_not_a_party_and_rated_as_usual() -> None:
    assert USA.cedaw_status is CedawStatus.NOT_PARTY
    result = check_linkage(USA, assessment())
    (finding,) = result.findings
    assert (finding.code, finding.severity) == ("STATE_NOT_PARTY", Severity.ADVICE)
    assert "signed CEDAW in 1980 but has not ratified it" in finding.message
    assert result.rating is LinkageRating.STRONG

    weak_plan = assessment(
        **{"nap.budget": {"allocated": False}, "nap.cedaw.articles_cited": ["7", "8"]}
    )
    result = check_linkage(USA, weak_plan)
    assert "NO_BUDGET" in codes(result)
    assert result.rating is LinkageRating.WEAK


def test_the_united_states_is_not_held_to_cedaw_periodic_reporting() -> None:
    no_reporting = assessment(
        **{
            "cedaw_reporting.last_report_year": None,
            "cedaw_reporting.covered_wps": False,
            "cedaw_reporting.nap_answers_observations": False,
        }
    )
    assert codes(check_linkage(USA, no_reporting)) == ["STATE_NOT_PARTY"]


def test_a_regional_organisation_is_not_applicable_with_alignment_info() -> None:
    assert AU.kind is MemberKind.REGIONAL_ORGANIZATION
    result = check_linkage(AU, assessment())
    (finding,) = result.findings
    assert (finding.code, finding.severity) == ("GR30_ALIGNMENT", Severity.INFO)
    assert "African Union" in finding.message
    assert result.rating is LinkageRating.NOT_APPLICABLE


def test_a_regional_organisation_gets_advice_not_gaps_and_no_rating() -> None:
    poor = assessment(
        **{
            "nap.budget": {"allocated": False},
            "nap.cedaw.articles_cited": [],
            "nap.cedaw.cites_gr30": False,
            "cedaw_reporting.covered_wps": False,
            "cedaw_reporting.nap_answers_observations": False,
        }
    )
    result = check_linkage(AU, poor)
    assert result.rating is LinkageRating.NOT_APPLICABLE
    assert result.gaps == 0
    assert {"NO_ARTICLES_CITED", "NO_BUDGET", "GR30_NOT_CITED", "ARTICLE_NOT_CITED"} <= set(
        codes(result)
    )
    assert not {"REPORT_WITHOUT_WPS", "OBSERVATIONS_NOT_ANSWERED"} & set(codes(result))
    assert result.findings[-1].code == "GR30_ALIGNMENT"


def test_every_regional_organisation_is_not_applicable_and_every_state_is_rated() -> None:
    example = germany_example()
    for member in MEMBERS:
        rating = check_linkage(member, example).rating
        if member.kind is MemberKind.REGIONAL_ORGANIZATION:
            assert rating is LinkageRating.NOT_APPLICABLE, member.code
        else:
            assert rating is LinkageRating.WEAK, member.code


def test_findings_come_gaps_first_then_advice_then_info_and_by_article() -> None:
    everything = assessment(
        **{
            "nap.budget": {"allocated": False},
            "nap.monitoring": {"framework": False},
            "nap.cedaw.articles_cited": ["16", "2", "5(a)", "45"],
            "nap.cedaw.cites_gr30": False,
            "cedaw_reporting.last_report_year": None,
            "cedaw_reporting.covered_wps": False,
            "cedaw_reporting.nap_answers_observations": False,
        }
    )
    result = check_linkage(DEU, everything)
    severities = [f.severity for f in result.findings]
    assert severities == sorted(
        severities, key=[Severity.GAP, Severity.ADVICE, Severity.INFO].index
    )
    assert codes(result)[0] == "NO_BUDGET"
    gap_articles = [f.article for f in result.findings if f.severity is Severity.GAP and f.article]
    assert gap_articles == [
        "1",
        "3",
        "4",
        "6",
        "7",
        "8",
        "9",
        "10",
        "11",
        "12",
        "14",
        "15",
        "18",
        "18",
    ]
    assert [f.code for f in result.findings if f.severity is Severity.ADVICE] == [
        "ARTICLE_UNRECOGNISED",
        "GR30_NOT_CITED",
        "NO_MONITORING_FRAMEWORK",
        "NO_REPORT_YEAR",
    ]


def test_the_order_of_citations_and_pillars_does_not_change_the_result() -> None:
    one = assessment(**{"nap.cedaw.articles_cited": ["2", "7", "5(a)"]})
    other = assessment(
        **{
            "nap.cedaw.articles_cited": ["5 (a)", "Article 7", "2"],
            "nap.pillars": ["relief_and_recovery", "protection", "prevention", "participation"],
        }
    )
    assert check_linkage(DEU, one) == check_linkage(DEU, other)
    assert result_digest(check_linkage(DEU, one)) == result_digest(check_linkage(DEU, other))


def test_result_digest_is_the_sha256_of_canonical_json() -> None:
    result = check_linkage(DEU, germany_example())
    digest = result_digest(result)
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert digest == sha256_of(result.model_dump(mode="json"))
    assert digest == result_digest(CedawResult.model_validate_json(result.model_dump_json()))
    assert digest != result_digest(check_linkage(DEU, assessment()))


def test_the_result_has_the_json_shape_of_cedaw_check() -> None:
    body = json.loads(check_linkage(DEU, germany_example()).model_dump_json())
    assert set(body) == {"member", "rating", "findings"}
    assert body["rating"] == "weak"
    assert set(body["findings"][0]) == {
        "code",
        "severity",
        "article",
        "gr30_paragraph",
        "pillar",
        "message",
    }


def test_linkage_mapping_is_immutable() -> None:
    mapping: LinkageMapping = load_mapping()
    with pytest.raises(ValidationError, match="frozen"):
        mapping.version = "2"  # type: ignore[misc]
