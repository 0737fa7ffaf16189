"""The plan's facts the CEDAW check reads (issue #18): new fields keep every document stored
before them valid, and say plainly what is wrong when they are filled in wrongly."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from napreview.schemas.examples import example_self_assessment
from napreview.schemas.nap import ActionAbroad, Gr30Theme
from napreview.schemas.network import MEMBERS_BY_CODE
from napreview.schemas.submissions import SelfAssessment


def stored_before_issue_18() -> dict[str, Any]:
    """A self-assessment as documents were stored before the plan's facts grew."""
    document = example_self_assessment(MEMBERS_BY_CODE["DEU"]).model_dump(mode="json")
    for name in ("gr30_themes", "small_arms", "abroad"):
        del document["nap"][name]
    for name in ("observations_symbol", "observations_paragraphs"):
        del document["cedaw_reporting"][name]
    return document


def test_a_self_assessment_stored_before_the_new_facts_is_still_valid() -> None:
    old = SelfAssessment.model_validate(stored_before_issue_18())
    assert old.nap.gr30_themes == []
    assert old.nap.small_arms is False
    assert old.nap.abroad == ActionAbroad() and not old.nap.abroad.any
    assert old.cedaw_reporting.observations_symbol is None


def test_the_new_facts_are_read_back_as_given() -> None:
    document = stored_before_issue_18()
    document["nap"].update(
        gr30_themes=["gender_based_violence", "access_to_justice"],
        small_arms=True,
        abroad={"peace_process_role": True, "women_in_delegations": True},
    )
    document["cedaw_reporting"].update(
        observations_symbol="CEDAW/C/DEU/CO/9", observations_paragraphs="27–28"
    )
    read = SelfAssessment.model_validate(document)
    assert read.nap.gr30_themes == [Gr30Theme.GENDER_BASED_VIOLENCE, Gr30Theme.ACCESS_TO_JUSTICE]
    assert read.nap.abroad.any and read.nap.abroad.women_in_delegations
    assert read.cedaw_reporting.observations_symbol == "CEDAW/C/DEU/CO/9"


@pytest.mark.parametrize(
    ("where", "field", "value", "problem"),
    [
        ("nap", "gr30_themes", ["trafficking", "trafficking"], "more than once"),
        ("nap", "gr30_themes", ["peace"], "Input should be"),
        ("nap", "abroad", {"armed_forces": True}, "Extra inputs"),
        ("cedaw_reporting", "observations_symbol", "CO/9", "should match pattern"),
        ("cedaw_reporting", "observations_paragraphs", "paragraph 27", "should match pattern"),
    ],
)
def test_a_fact_given_wrongly_is_refused_by_its_field(
    where: str, field: str, value: Any, problem: str
) -> None:
    document = stored_before_issue_18()
    document[where][field] = value
    with pytest.raises(ValidationError) as err:
        SelfAssessment.model_validate(document)
    (error,) = err.value.errors()
    assert error["loc"][:2] == (where, field)
    assert problem in error["msg"]


def test_an_organisation_example_gives_no_concluding_observations() -> None:
    reporting = example_self_assessment(MEMBERS_BY_CODE["AU"]).cedaw_reporting
    assert reporting.observations_symbol is None and reporting.observations_paragraphs is None
    assert example_self_assessment(MEMBERS_BY_CODE["MLI"]).cedaw_reporting.observations_symbol == (
        "CEDAW/C/MLI/CO/9"
    )
