"""The indicator catalogue and the rules every recorded value meets (issue #22)."""

from __future__ import annotations

import pytest

from napreview.schemas.indicators import (
    Catalogue,
    Indicator,
    Measure,
    Reading,
    Titles,
    global_catalogue,
    period_problem,
    reading_problems,
)
from napreview.schemas.nap import Pillar


def _indicator(measure: Measure, by_sex: bool) -> Indicator:
    return Indicator(
        id="DEU-1",
        member="DEU",
        pillar=Pillar.PARTICIPATION,
        measure=measure,
        by_sex=by_sex,
        title=Titles(en="Women among police officers deployed abroad"),
    )


def test_the_catalogue_holds_the_26_global_indicators_across_the_four_pillars():
    catalogue = global_catalogue()
    ids = [i.id for i in catalogue.indicators]
    assert ids == [f"SG-{n:02d}" for n in range(1, 27)]
    assert {i.pillar for i in catalogue.indicators} == set(Pillar)
    # the annex's order: prevention, participation, protection, relief and recovery
    annex = [Pillar.PREVENTION, Pillar.PARTICIPATION, Pillar.PROTECTION, Pillar.RELIEF_AND_RECOVERY]
    order = [i.pillar for i in catalogue.indicators]
    assert order == sorted(order, key=annex.index)
    assert catalogue.indicators[0].title.en == "Prevalence of sexual violence"
    assert "S/2010/498" in catalogue.source


def test_every_global_indicator_is_titled_in_english_french_and_spanish():
    for found in global_catalogue().indicators:
        assert found.title.en and found.title.fr and found.title.es, found.id
        assert found.title.fr != found.title.en and found.title.es != found.title.en, found.id
        assert found.is_global


def test_the_catalogue_says_which_wordings_are_still_to_be_checked_and_against_what():
    indicators = {i.id: i for i in global_catalogue().indicators}
    checked = {code for code, i in indicators.items() if i.checked}
    assert {"SG-01", "SG-02", "SG-03", "SG-07"} <= checked  # seen in sources quoting the annex
    assert "PeaceWomen" in (indicators["SG-01"].checked_against or "")
    assert "11a" in (indicators["SG-07"].checked_against or "")  # the annex's own number
    assert indicators["SG-07"].title.en.startswith("Representation of women among mediators")
    if len(checked) < 26:
        assert "still to be checked" in global_catalogue().note


def test_a_wording_said_to_be_checked_names_its_source():
    catalogue = global_catalogue().model_dump()
    catalogue["indicators"][3]["checked"] = True  # SG-04, whose source nobody has named
    with pytest.raises(ValueError, match="SG-04"):
        Catalogue.model_validate(catalogue)


@pytest.mark.parametrize("period", ["2024", "2024-H1", "2024-H2", "2024-Q1", "2000", "2100"])
def test_a_year_a_half_or_a_quarter_is_a_period(period):
    assert period_problem(period) is None


@pytest.mark.parametrize(
    ("period", "said"),
    [
        ("24", "is not a period"),
        ("2024-Q5", "is not a period"),
        ("2024/25", "is not a period"),
        ("1999", "not between 2000 and 2100"),
        ("2101-H1", "not between 2000 and 2100"),
    ],
)
def test_anything_else_is_refused_naming_the_period(period, said):
    problem = period_problem(period)
    assert problem is not None and said in problem and period in problem


def test_a_count_kept_by_sex_adds_up():
    count = _indicator(Measure.COUNT, by_sex=True)
    assert reading_problems(count, Reading(women=30, men=70, total=100)) == []
    assert reading_problems(count, Reading(women=30, men=70)) == []
    assert reading_problems(count, Reading(total=100)) == []
    (problem,) = reading_problems(count, Reading(women=30, men=70, total=101))
    assert "make 100, not the total given (101)" in problem


def test_negative_or_fractional_counts_are_refused():
    count = _indicator(Measure.COUNT, by_sex=True)
    assert reading_problems(count, Reading(women=-1, men=3)) == ["women: -1 is negative"]
    (problem,) = reading_problems(count, Reading(total=2.5))
    assert "not a whole number" in problem


def test_women_and_men_only_where_the_indicator_is_kept_by_sex():
    count = _indicator(Measure.COUNT, by_sex=False)
    (problem,) = reading_problems(count, Reading(women=3, men=4, total=7))
    assert "not kept by sex" in problem


def test_a_percentage_lies_between_0_and_100_and_need_not_add_up():
    share = _indicator(Measure.PERCENTAGE, by_sex=True)
    assert reading_problems(share, Reading(women=40.5, men=30, total=35)) == []
    (problem,) = reading_problems(share, Reading(total=101))
    assert "more than 100 per cent" in problem


def test_a_qualitative_indicator_takes_a_statement_not_numbers():
    statement = _indicator(Measure.QUALITATIVE, by_sex=False)
    assert reading_problems(statement, Reading(text="Reported in every mission report.")) == []
    assert "give a statement" in reading_problems(statement, Reading())[0]
    assert "not numbers" in reading_problems(statement, Reading(total=3, text="x"))[0]


def test_numbers_are_asked_for_where_they_are_the_measure():
    count = _indicator(Measure.COUNT, by_sex=True)
    (problem,) = reading_problems(count, Reading(text="many"))
    assert "takes numbers" in problem
