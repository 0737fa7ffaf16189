"""The Chair the letters name is the one recorded for the cycle's year: one member, or two
co-Chairs with each language's articles; a year with none recorded is spoken for by the Network
itself, never by another year's Chair (issue #19)."""

from __future__ import annotations

from pathlib import Path

import pytest

from napreview.activities.letters import LetterActivities
from napreview.letters.render import render_letter
from napreview.schemas.letters import LetterKind, LetterRequest
from napreview.schemas.members import Language
from napreview.store.records import Store

from .test_letters_golden import CYCLE, Scene, flowing, send, stored  # noqa: F401 - the fixture

SECRETARIAT = "secretariat@example.org"
CO_CHAIRS = {
    "en": "on behalf of the co-Chairs of the Network, Canada and Uruguay",
    "fr": "au nom de la coprésidence du Réseau, assurée par le Canada et l'Uruguay",
    "es": "en nombre de la copresidencia de la Red, que ejercen el Canadá y el Uruguay",
}
THE_NETWORK = {
    "en": "on behalf of the Network",
    "fr": "au nom du Réseau",
    "es": "en nombre de la Red",
}
# A member of each language addressed: the letter speaks the member's language.
ADDRESSED = {"en": "NLD", "fr": "BEL", "es": "PER"}


def _letter(store: Store, tmp_path: Path, cycle: str, language: str, kind: LetterKind) -> str:
    activities = LetterActivities(store, tmp_path / "letters")
    request = LetterRequest(
        cycle=cycle, member=ADDRESSED[language], kind=kind, chair="NAM",
        deadline=f"{cycle[:4]}-05-02", stage="self_assessment", reviewers=["ESP"],
        reason="withdrawn" if kind is LetterKind.WITHDRAWAL else None,
    )  # fmt: skip
    return flowing(render_letter(activities.context_for(request)).text)


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_letters_of_a_year_with_co_chairs_name_both(
    language: str, store: Store, tmp_path: Path
) -> None:
    store.chairs.record(2027, ["CAN", "URY"], by=SECRETARIAT)
    for kind in (LetterKind.INVITATION, LetterKind.WITHDRAWAL):
        text = _letter(store, tmp_path, "2027", language, kind)
        assert CO_CHAIRS[language].lower() in text.lower(), kind
        assert "Namibi" not in text  # the Chair the request carries is not the year's


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_year_with_no_chair_recorded_never_borrows_another_years(
    language: str, store: Store, tmp_path: Path
) -> None:
    assert store.chairs.of_year(2031) == () and store.chairs.of_year(2019) == ("NAM",)
    text = _letter(store, tmp_path, "2031", language, LetterKind.INVITATION)
    assert THE_NETWORK[language].lower() in text.lower()
    assert "Namibi" not in text and "Chair" not in text and "résidenc" not in text


def test_a_year_has_one_chair_or_two_different_members(store: Store) -> None:
    for wrong in ([], ["CAN", "CAN"], ["CAN", "URY", "NAM"]):
        with pytest.raises(ValueError):
            store.chairs.record(2027, wrong, by=SECRETARIAT)
    store.chairs.record(2027, ["CAN", "URY"], by=SECRETARIAT)
    store.chairs.record(2027, ["CAN"], by=SECRETARIAT)  # corrected: one Chair after all
    assert store.chairs.all()[2027] == ("CAN",)


def test_the_cycle_summary_goes_to_a_co_chair_and_names_both(
    stored: Store,  # noqa: F811
    tmp_path: Path,
) -> None:
    scene = Scene(stored, Language.EN)  # its Chair, Namibia, receives the summary
    stored.chairs.record(int(CYCLE), [scene.chair, "URY"], by=SECRETARIAT)
    text = flowing(send(stored, tmp_path, scene, LetterKind.CYCLE_SUMMARY).body_text)
    assert "Co-Chair of the Network (Namibia)" in text
    assert "send the co-Chairs of the Network, Namibia and Uruguay, and the members" in text
