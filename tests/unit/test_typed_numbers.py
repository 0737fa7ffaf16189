"""Numbers typed in the portal's forms, read as the reader's language writes them (issue #21):
"4.500" is four thousand five hundred in Spanish and unclear in English; nothing is changed
without the person seeing it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from napreview.schemas.submissions import SelfAssessment
from napreview.web import forms
from napreview.web.numbers import UnclearNumber, read_number

NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("language", "typed", "meant"),
    [
        ("en", "4,500", "4500"),
        ("en", "4,500,000,000", "4500000000"),
        ("en", "1,250.75", "1250.75"),
        ("en", "4.5", "4.5"),
        ("en", "0.500", "0.500"),
        ("fr", "1 250 000 000", "1250000000"),  # a plain space, as people type it
        ("fr", f"1{NNBSP}250,5", "1250.5"),  # the narrow space French print uses
        ("fr", "4,5", "4.5"),
        ("es", "4.500", "4500"),  # CLDR prints 4500, yet every reader reads 4.500 so
        ("es", "4.500.000.000", "4500000000"),
        ("es", "1.234,5", "1234.5"),
        ("es", "1,5", "1.5"),
    ],
)
def test_a_number_is_read_as_the_language_writes_it(language, typed, meant):
    assert read_number(typed, language) == Decimal(meant)


@pytest.mark.parametrize(
    ("language", "typed", "readings"),
    [
        ("en", "4.500", ("4,500", "4.5")),
        ("es", "1,500", ("1.500", "1,5")),
        ("fr", "1,500", (f"1{NNBSP}500", "1,5")),
    ],
)
def test_what_reads_two_ways_is_refused_with_both_readings(language, typed, readings):
    with pytest.raises(UnclearNumber) as refused:
        read_number(typed, language)
    assert refused.value.kind == "ambiguous" and refused.value.readings == readings


@pytest.mark.parametrize(
    ("language", "typed", "kind", "said"),
    [
        ("fr", "4.500.000.000", "unclear", (f"4{NNBSP}500{NNBSP}000{NNBSP}000",)),
        ("fr", "1.5", "unclear", ("1,5",)),
        ("en", "1 500", "unclear", ("1,500",)),
        ("en", "1,50", "unclear", ("1.5",)),
        ("en", "a million", "not_a_number", ()),
    ],
)
def test_what_is_no_number_in_the_language_says_what_it_would_mean(language, typed, kind, said):
    with pytest.raises(UnclearNumber) as refused:
        read_number(typed, language)
    assert refused.value.kind == kind and refused.value.readings == said
    if kind == "not_a_number":
        assert refused.value.example == "1,250,000.5"


def test_a_whole_number_is_asked_whole():
    assert read_number("2017", "fr", whole=True) == 2017
    with pytest.raises(UnclearNumber) as refused:
        read_number("2,5", "fr", whole=True)
    assert refused.value.kind == "not_whole" and refused.value.example == "2"


def test_the_form_keeps_a_blank_number_blank_and_shows_back_what_it_read():
    groups = forms.groups_for(SelfAssessment)
    raw = {"nap.budget.amount": "", "nap.iteration": "2"}
    read = forms.document_from_raw(groups, raw, "es")
    assert "amount" not in read.document["nap"]["budget"]  # not 0
    raw = {"nap.budget.amount": "4.500", "nap.iteration": "2"}
    read = forms.document_from_raw(groups, raw, "es")
    assert read.document["nap"]["budget"]["amount"] == 4500.0
    shown = {
        f.path: (as_read, typed) for f, as_read, typed in forms.numbers_read(groups, read, raw)
    }
    assert shown == {"nap.budget.amount": ("4.500", "4.500"), "nap.iteration": ("2", "2")}
    refused = forms.document_from_raw(groups, raw, "en")
    assert "amount" not in refused.document["nap"]["budget"]  # never 4.5 silently
    assert [(p.path, p.type) for p in refused.problems] == [
        ("nap.budget.amount", "number_ambiguous")
    ]
