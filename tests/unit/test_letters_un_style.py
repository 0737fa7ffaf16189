"""A letter as the United Nations writes one (issue #19): a reference number per letter, on the
letter and in its subject; a named signatory with a title the installation configures, the
secretariat's own signature when none is; each language's closing for a letter to a focal
point (not the "haute considération" of a note verbale, not a bare "Atentamente,")."""

from __future__ import annotations

import pytest

from napreview.letters.compose import Sender, reference
from napreview.letters.render import render_letter
from napreview.letters.salutation import address_form
from napreview.schemas.letters import Addressee, LetterKind, LetterRequest
from napreview.schemas.members import Language
from napreview.settings import read_settings

from .test_letters_render import context


def request(kind: LetterKind, **fields: object) -> LetterRequest:
    return LetterRequest.model_validate(
        {"cycle": "2027", "member": "SEN", "kind": kind, "chair": "CAN", **fields}
    )


def test_each_letter_of_a_review_has_its_own_reference_the_same_each_time_it_is_written() -> None:
    letters = {
        "WPS-FPN/2027/SEN/01": request(LetterKind.INVITATION),
        "WPS-FPN/2027/SEN/02-20270402": request(LetterKind.REMINDER, occasion="2027-04-02"),
        "WPS-FPN/2027/SEN/02-20270502": request(LetterKind.REMINDER, occasion="2027-05-02"),
        "WPS-FPN/2027/SEN/04/MLI": request(LetterKind.REVIEW_REQUEST, recipient_member="MLI"),
        "WPS-FPN/2027/SEN/04/FRA": request(LetterKind.REVIEW_REQUEST, recipient_member="FRA"),
        "WPS-FPN/2027/SEN/05-MLI/MLI": request(
            LetterKind.REVIEWER_CHANGE, recipient_member="MLI", occasion="MLI->JPN"
        ),
        "WPS-FPN/2027/SEN/06-2": request(LetterKind.RETURNED, round=2),
        "WPS-FPN/2027/SEN/03-2/SEC": request(
            LetterKind.OVERDUE, round=2, addressee=Addressee.SECRETARIAT
        ),
        "WPS-FPN/2027/09": request(LetterKind.CYCLE_SUMMARY, member="CAN"),
    }
    for expected, letter in letters.items():
        assert reference(letter) == expected
        assert reference(letter.model_copy()) == expected


@pytest.mark.parametrize(
    ("language", "label"),
    [(Language.EN, "Reference:"), (Language.FR, "Référence\u00a0:"), (Language.ES, "Referencia:")],
)
def test_the_reference_is_printed_on_the_letter_and_in_its_subject(
    language: Language, label: str
) -> None:
    letter = render_letter(context(LetterKind.INVITATION, language, reference="WPS-FPN/2019/X/01"))
    assert f"{label} WPS-FPN/2019/X/01" in letter.text
    assert f"{label} WPS-FPN/2019/X/01" in letter.html
    assert letter.subject.endswith("(WPS-FPN/2019/X/01)")


CLOSINGS = {
    Language.EN: ("Yours sincerely,", "Yours sincerely,"),
    Language.FR: (
        "Je vous prie d'agréer, {form}, l'expression de ma considération distinguée.",
        "Nous vous prions d'agréer, {form}, l'expression de notre considération distinguée.",
    ),
    Language.ES: (
        "Aprovecho la oportunidad para saludarle muy atentamente.",
        "Aprovechamos la oportunidad para saludarle muy atentamente.",
    ),
}
SECRETARIAT = {
    Language.EN: "Secretariat of the Women, Peace and Security Focal Points Network\nUN Women",
    Language.FR: "Secrétariat du Réseau des points focaux pour les femmes et la paix et la "
    "sécurité\nONU Femmes",
    Language.ES: "Secretaría de la Red de Puntos Focales sobre las Mujeres y la Paz y la "
    "Seguridad\nONU Mujeres",
}
TITLES = {
    Language.EN: "Chief, Peace and Security Section",
    Language.FR: "Cheffe de la Section paix et sécurité",
    Language.ES: "Jefa de la Sección de Paz y Seguridad",
}


@pytest.mark.parametrize("language", list(Language))
def test_a_named_signatory_signs_with_her_title_above_the_secretariat(language: Language) -> None:
    ctx = context(
        LetterKind.FINAL_FEEDBACK,
        language,
        signatory="Amina Diallo",
        signatory_title=TITLES[language],
    )
    named = render_letter(ctx)
    closing = CLOSINGS[language][0].format(form=address_form(ctx.recipient, language))
    assert f"{closing}\n\nAmina Diallo\n{TITLES[language]}\n{SECRETARIAT[language]}\n" in (
        named.text
    )
    assert "Amina Diallo<br>" in named.html


@pytest.mark.parametrize("language", list(Language))
def test_without_a_signatory_the_secretariat_signs_in_its_own_words(language: Language) -> None:
    ctx = context(LetterKind.INVITATION, language)
    letter = render_letter(ctx).text
    closing = CLOSINGS[language][1].format(form=address_form(ctx.recipient, language))
    assert f"{closing}\n\n{SECRETARIAT[language]}\n" in letter


@pytest.mark.parametrize("kind", list(LetterKind))
@pytest.mark.parametrize("language", list(Language))
def test_no_letter_closes_as_a_note_verbale_or_with_a_bare_atentamente(
    kind: LetterKind, language: Language
) -> None:
    text = render_letter(context(kind, language)).text
    assert "haute considération" not in text
    assert "\nAtentamente," not in text


def test_the_installation_names_its_signatory_and_her_title_in_each_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NAPREVIEW_LETTER_SIGNATORY", "Amina Diallo")
    monkeypatch.setenv(
        "NAPREVIEW_LETTER_SIGNATORY_TITLE", '{"en": "Chief, Peace and Security Section"}'
    )
    monkeypatch.setenv("NAPREVIEW_PORTAL_URL", "https://fpn.example.int")
    sender = Sender.from_settings(read_settings())
    assert sender.signatory == "Amina Diallo"
    assert sender.portal_url == "https://fpn.example.int"
    assert sender.title(Language.EN) == "Chief, Peace and Security Section"
    assert sender.title(Language.FR) is None  # no English title in a French letter
    assert Sender().signatory is None and Sender().title(Language.EN) is None


def test_french_letters_keep_french_typography() -> None:
    """No-break spaces before ":" ";" "?" "!" and inside « »; one colon in the subject line; a
    colon in an address is left alone."""
    letter = render_letter(context(LetterKind.REVIEW_REQUEST, Language.FR, reference="R/1"))
    for text in (letter.text, letter.html):
        assert " :" not in text and " ;" not in text and "« " not in text and " »" not in text
    assert "Référence\u00a0:" in letter.text and "«\u00a0" in letter.text
    assert "http://" in letter.text or "https://" in letter.text
    assert letter.subject.count(":") == 0  # "Objet :" is the one colon before the subject
    assert letter.subject.startswith("Demande d'examen")
    assert "<style" not in letter.html or "\u00a0!" not in letter.html.split("</style>")[0]


def test_rounds_below_ten_are_in_words() -> None:
    for language, said in (
        (Language.EN, "after two rounds"),
        (Language.FR, "à l'issue de deux tours"),
        (Language.ES, "tras dos rondas"),
    ):
        letter = render_letter(context(LetterKind.FINAL_FEEDBACK, language, round=2))
        assert said in " ".join(letter.text.split()), language
