"""Invitations and password resets written as the letters are (issue #19): a salutation, the
Network as the glossary names it, the expiry as the reader's language writes a moment, the
closing of the language and the secretariat's or the configured signatory's signature."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from napreview.people.account_messages import INVITE, RESET, account_message
from napreview.schemas.members import Honorific, Language
from napreview.settings import Settings
from napreview.store.focal_points import Designation

from ..vocabulary import problems

LINK = "https://portal.example.org/password/Ab-12_cd"
EXPIRES = datetime(2026, 12, 1, 18, 22, 39, tzinfo=UTC)
SAID = {
    Language.EN: ("Dear Ms. Dubois,", "before 1 December 2026, 18:22:39 UTC", "Yours sincerely,",
                  "Secretariat of the Women, Peace and Security Focal Points Network\nUN Women"),
    Language.FR: ("Madame,", "avant le 1er décembre 2026 à 18:22:39 UTC",
                  "Nous vous prions d'agréer, Madame, l'expression de notre considération "
                  "distinguée.", "Secrétariat du Réseau des points focaux pour les femmes et la "
                  "paix et la sécurité\nONU Femmes"),
    Language.ES: ("Estimada Sra. Dubois:", "antes del 1 de diciembre de 2026, a las 18:22:39 UTC",
                  "Aprovechamos la oportunidad para saludarle muy atentamente.",
                  "Secretaría de la Red de Puntos Focales sobre las Mujeres y la Paz y la "
                  "Seguridad\nONU Mujeres"),
}  # fmt: skip


def person() -> Designation:
    return Designation(
        member="BEL", name="Claire Dubois", email="c.dubois@example.org", honorific=Honorific.MS,
        family_name="Dubois",
    )  # fmt: skip


@pytest.mark.parametrize("purpose", [INVITE, RESET])
@pytest.mark.parametrize("language", list(Language))
def test_an_account_message_greets_dates_closes_and_signs(
    tmp_path, purpose: str, language: Language
) -> None:
    message = account_message(purpose, language, LINK, EXPIRES, Settings(home=tmp_path), person())
    text = message.text.replace("\u00a0", " ").replace("\u202f", " ")
    greeting, expiry, closing, signature = SAID[language]
    assert text.startswith(greeting + "\n\n")
    assert expiry in " ".join(text.split())
    assert closing in " ".join(text.split())
    assert text.rstrip().endswith(signature)
    assert f"\n\n{LINK}\n\n" in message.text  # on a line of its own, untouched
    letter = message.text.split("\n\n" + signature.split("\n")[0])[
        0
    ]  # the signature as letters sign
    assert max(len(line) for line in letter.splitlines()) <= 72
    assert problems(message.text, language) == [] and problems(message.subject, language) == []
    if language is Language.FR:
        assert "fois\u00a0:" in message.text and " :" not in message.text


def test_without_a_record_the_greeting_is_neutral_and_the_signatory_is_the_configured_one(
    tmp_path,
) -> None:
    settings = Settings(
        home=tmp_path,
        letter_signatory="Amina Diallo",
        letter_signatory_title={"fr": "Cheffe de la Section paix et sécurité"},
    )
    message = account_message(INVITE, "fr", LINK, EXPIRES, settings)
    assert message.text.startswith("Madame, Monsieur,\n")
    assert "Amina Diallo\nCheffe de la Section paix et sécurité\nSecrétariat du Réseau" in (
        message.text
    )
    assert "2026-12-01" not in message.text
