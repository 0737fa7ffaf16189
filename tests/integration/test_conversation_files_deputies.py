"""The store's side of issue #21 part C on SQLite and PostgreSQL: files of each kind, the
conversation (author from the session, emailed to the others), deputies acting as themselves,
search and the cycle's spreadsheet, each scoped to what the person reads."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from napreview.schemas.attachments import AttachmentKind
from napreview.schemas.letters import LetterRef, comment_workflow_id
from napreview.schemas.members import Role
from napreview.services import attachments, conversation, exports, search, users
from napreview.services.access import ReadRefused
from napreview.services.errors import StepRefused
from napreview.services.inputs import UnfitText

from ..conftest import running_worker
from ..helpers import AUDITOR, SECRETARIAT, fp, new_cycle_id

PDF = b"%PDF-1.7\n%%EOF\n"
XLSX = b"PK\x03\x04" + b"\x00" * 40
DEPUTY = "a.schmidt@example.de"


def test_a_review_keeps_files_of_each_kind_under_their_own_names(any_store):
    deu = any_store.people.actor(fp("DEU"))
    nap = attachments.attach(
        any_store, deu, "2027", "DEU", AttachmentKind.NAP, "PAN-Sénégal-2025.pdf", PDF
    )
    framework = attachments.attach(
        any_store, deu, "2027", "DEU", AttachmentKind.MONITORING_FRAMEWORK, "Cadre.xlsx", XLSX
    )
    kept = attachments.files(any_store, deu, "2027", "DEU")
    assert [(f.kind, f.filename) for f in kept] == [
        (AttachmentKind.NAP, "PAN-Sénégal-2025.pdf"),
        (AttachmentKind.MONITORING_FRAMEWORK, "Cadre.xlsx"),
    ]
    assert attachments.download(any_store, deu, "2027", "DEU", framework.id).data == XLSX
    assert nap.media_type == "application/pdf"
    with pytest.raises(attachments.UnfitFile) as unfit:
        attachments.attach(any_store, deu, "2027", "DEU", AttachmentKind.NAP, "Cadre.xlsx", XLSX)
    assert unfit.value.problem == "wrong_type"
    # another member's focal point adds nothing to this review, and reads none of its files
    fra = any_store.people.actor(fp("FRA"))
    with pytest.raises(ReadRefused):
        attachments.attach(any_store, fra, "2027", "DEU", AttachmentKind.ANNEX, "a.pdf", PDF)
    assert attachments.files(any_store, fra, "2027", "DEU") == []


async def _told(dev_env, store, cycle: str, comment_id: int) -> list:  # type: ignore[no-untyped-def]
    """The letters the comment's workflow sent, each delivered (filed in the outbox)."""
    refs = await dev_env.client.get_workflow_handle(
        comment_workflow_id(cycle, "DEU", comment_id), result_type=list[LetterRef]
    ).result()
    assert [store.letters.get(ref.id).delivery_state for ref in refs] == ["filed"] * len(refs)
    return refs


async def test_a_comment_names_its_author_from_the_session_and_is_told_by_letter(
    any_store, dev_env, tmp_path
):
    client = dev_env.client
    cycle = new_cycle_id()  # one comment workflow per cycle, member and comment on the server
    secretariat = any_store.people.actor(SECRETARIAT)
    users.designate_deputy(any_store, secretariat, "DEU", name="Anna Schmidt", email=DEPUTY)
    async with running_worker(client, any_store, tmp_path) as settings:
        deputy = any_store.people.actor(DEPUTY)
        posted = await conversation.post(
            client, any_store, settings, deputy, cycle, "DEU", "Le cadre de suivi\r\nest joint."
        )
        assert posted.comment.author_email == DEPUTY and posted.comment.author_member == "DEU"
        assert posted.comment.deputy and posted.comment.text == "Le cadre de suivi\nest joint."
        # a deputy's comment goes to its focal point (the deputy copied) and the secretariat
        assert posted.told == ["DEU", "secretariat"]
        refs = await _told(dev_env, any_store, cycle, posted.comment.id)
        to_germany = any_store.letters.get(refs[0].id)
        assert to_germany.recipient == fp("DEU") and DEPUTY in to_germany.cc
        assert to_germany.kind == "comment"
        assert "Anna Schmidt, deputy focal point" in to_germany.copy_to  # named in the letter
        assert "deputy focal point of Germany" in " ".join(to_germany.body_text.split())
        assert "est joint." in to_germany.body_text
        mail = (settings.outbox_dir / f"{refs[0].id}.eml").read_text()
        assert f"Cc: {DEPUTY}" in mail and "New comment on the review of Germany" in mail

        await conversation.post(client, any_store, settings, secretariat, cycle, "DEU", "Merci.")
        thread = conversation.thread(any_store, secretariat, cycle, "DEU")
        assert [(c.author_email, c.author_role, c.deputy) for c in thread] == [
            (DEPUTY, Role.FOCAL_POINT, True),
            (SECRETARIAT, Role.SECRETARIAT, False),
        ]
        (to_germany,) = await _told(
            dev_env, any_store, cycle, thread[1].id
        )  # not the secretariat itself
        assert "on behalf of the secretariat" in " ".join(
            any_store.letters.get(to_germany.id).body_text.split()
        )
        # an auditor reads it and writes nothing; a member not in the review does neither
        auditor = any_store.people.actor(AUDITOR)
        assert len(conversation.thread(any_store, auditor, cycle, "DEU")) == 2
        with pytest.raises(ReadRefused):
            await conversation.post(client, any_store, settings, auditor, cycle, "DEU", "Noted.")
        mex = any_store.people.actor(fp("MEX"))
        with pytest.raises(ReadRefused):
            await conversation.post(client, any_store, settings, mex, cycle, "DEU", "Hello")
        assert conversation.thread(any_store, mex, cycle, "DEU") == []
        with pytest.raises(UnfitText):
            await conversation.post(client, any_store, settings, deputy, cycle, "DEU", "x" * 5001)
        assert len(any_store.comments.of_review(cycle, "DEU")) == 2


def test_a_deputy_acts_for_the_member_as_themselves_until_the_secretariat_ends_it(any_store):
    secretariat = any_store.people.actor(SECRETARIAT)
    deputy = users.designate_deputy(
        any_store, secretariat, "SEN", name="Awa Diop", email="A.Diop@example.sn"
    )
    assert deputy.email == "a.diop@example.sn"
    acting = any_store.people.actor("a.diop@example.sn")
    focal = any_store.people.actor(fp("SEN"))
    assert acting.role is Role.FOCAL_POINT and acting.member == "SEN"
    assert acting.person_id and acting.person_id != focal.person_id
    assert [d.email for d in users.deputies(any_store, "SEN")] == ["a.diop@example.sn"]
    # the member's letters still go to its focal point
    assert [p.email for p in any_store.focal_points.active("SEN")] == [fp("SEN")]
    with pytest.raises(StepRefused):
        users.designate_deputy(any_store, focal, "SEN", name="Someone", email="someone@example.sn")
    users.end_deputy(any_store, secretariat, "SEN", "a.diop@example.sn")
    assert any_store.people.actor("a.diop@example.sn").member is None
    assert users.deputies(any_store, "SEN") == []


def test_search_finds_members_by_any_of_their_names(any_store):
    deu = any_store.people.actor(fp("DEU"))
    found = search.search(any_store, deu, "senegal")
    assert [m.code for m in found.members] == ["SEN"]
    assert [m.code for m in search.search(any_store, deu, "Allemagne").members] == ["DEU"]
    assert search.search(any_store, deu, "  ").members == []


def test_the_cycle_status_spreadsheet_holds_only_what_the_person_reads(any_store):
    secretariat = any_store.people.actor(SECRETARIAT)
    table = exports.cycle_status(any_store, secretariat, "2027")
    data, name, media = exports.encoded(table, "csv")
    assert name == "cycle-2027-status.csv" and media.startswith("text/csv")
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header[:3] == ["Code", "Member", "Stage"]
    xlsx, xlsx_name, _ = exports.encoded(table, "xlsx")
    assert (
        xlsx_name.endswith(".xlsx")
        and "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(xlsx)).namelist()
    )
