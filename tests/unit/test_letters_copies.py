"""A letter names a copy only when its email carries it (issue #19): the Permanent Mission is
named in copy, by its official name, only when its address is recorded and in the Cc; no name is
made up for an organisation's mission."""

from __future__ import annotations

from pathlib import Path

import pytest

from napreview.letters.addresses import mission_of, secretariat_name
from napreview.letters.email import letter_message
from napreview.schemas.letters import LetterKind
from napreview.schemas.members import Language, MemberKind
from napreview.schemas.network import MEMBERS_BY_CODE
from napreview.store.records import Store

from .test_letters_golden import Scene, send, stored  # noqa: F401 - the fixture

COPY_LABEL = {Language.EN: "Copy:", Language.FR: "Copie\u00a0:", Language.ES: "Copia:"}
MISSION_EMAILS = {"BEL", "PER", "NLD"}  # the members whose mission the fixture records


@pytest.mark.parametrize("language", list(Language))
def test_no_copy_line_without_a_matching_cc_across_a_cycles_letters(
    language: Language,
    stored: Store,  # noqa: F811
    tmp_path: Path,
) -> None:
    secretariat = stored.people.secretariat_email()
    named_copies = 0
    for kind in LetterKind:
        row = send(stored, tmp_path, Scene(stored, language), kind)
        message = letter_message(row, "UN Women <wps@example.org>", b"%PDF", None)
        cc = [a.strip() for a in str(message.get("Cc") or "").split(",") if a.strip()]
        assert cc == row.cc, kind
        assert (COPY_LABEL[language] in row.body_text) == bool(row.copy_to), kind
        for named in row.copy_to:
            if named == secretariat_name(language):
                assert secretariat in cc, kind
            elif row.recipient_member and named == mission_of(
                MEMBERS_BY_CODE[row.recipient_member], language
            ):
                assert row.recipient_member in MISSION_EMAILS, kind
                assert any(a.startswith("wps@") and "-mission." in a for a in cc), kind
                named_copies += 1
            else:  # the cycle summary's focal points of the members, each in the Cc
                assert kind is LetterKind.CYCLE_SUMMARY and len(cc) > 1, (kind, named)
        if not cc:
            assert COPY_LABEL[language] not in row.body_text, kind
    assert named_copies > 0  # the missions recorded are named, so the check above ran


def test_a_missions_official_name_is_never_made_up() -> None:
    au, eu = MEMBERS_BY_CODE["AU"], MEMBERS_BY_CODE["EU"]
    assert mission_of(au) == "Permanent Observer Mission of the African Union to the United Nations"
    assert mission_of(eu) == "Delegation of the European Union to the United Nations"
    assert mission_of(MEMBERS_BY_CODE["NATO"]) is None
    assert mission_of(MEMBERS_BY_CODE["PER"], Language.ES) == (
        "Misión Permanente del Perú ante las Naciones Unidas"
    )
    for code, member in MEMBERS_BY_CODE.items():
        if member.kind is MemberKind.REGIONAL_ORGANIZATION and code not in ("AU", "EU"):
            assert all(mission_of(member, language) is None for language in Language), code
