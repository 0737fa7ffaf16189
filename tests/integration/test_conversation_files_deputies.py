"""The store's side of issue #21 part C on SQLite and PostgreSQL: files of each kind, the
conversation (author from the session, emailed to the others), deputies acting as themselves,
search and the cycle's spreadsheet, each scoped to what the person reads."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from napreview.schemas.attachments import AttachmentKind
from napreview.schemas.members import Role
from napreview.services import attachments, conversation, exports, search, users
from napreview.services.access import ReadRefused
from napreview.services.errors import StepRefused
from napreview.services.inputs import UnfitText

from ..conftest import settings_for
from ..helpers import AUDITOR, SECRETARIAT, fp

PDF = b"%PDF-1.7\n%%EOF\n"
XLSX = b"PK\x03\x04" + b"\x00" * 40


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


def test_a_comment_names_its_author_from_the_session_and_tells_the_others(any_store, tmp_path):
    settings = settings_for(any_store, tmp_path)
    deu = any_store.people.actor(fp("DEU"))
    posted = conversation.post(
        any_store, settings, deu, "2027", "DEU", "Le cadre de suivi\r\nest joint."
    )
    assert posted.comment.author_email == fp("DEU") and posted.comment.author_member == "DEU"
    assert posted.comment.text == "Le cadre de suivi\nest joint."
    assert SECRETARIAT in posted.notified and fp("DEU") not in posted.notified
    mails = list(settings.outbox_dir.glob("*.eml"))
    assert len(mails) == len(posted.notified)
    assert any("est joint." in m.read_text() for m in mails)
    secretariat = any_store.people.actor(SECRETARIAT)
    conversation.post(any_store, settings, secretariat, "2027", "DEU", "Merci.")
    thread = conversation.thread(any_store, secretariat, "2027", "DEU")
    assert [(c.author_email, c.author_role) for c in thread] == [
        (fp("DEU"), Role.FOCAL_POINT),
        (SECRETARIAT, Role.SECRETARIAT),
    ]
    # an auditor reads it and writes nothing; a member not in the review does neither
    auditor = any_store.people.actor(AUDITOR)
    assert len(conversation.thread(any_store, auditor, "2027", "DEU")) == 2
    with pytest.raises(ReadRefused):
        conversation.post(any_store, settings, auditor, "2027", "DEU", "Noted.")
    mex = any_store.people.actor(fp("MEX"))
    with pytest.raises(ReadRefused):
        conversation.post(any_store, settings, mex, "2027", "DEU", "Hello")
    assert conversation.thread(any_store, mex, "2027", "DEU") == []
    with pytest.raises(UnfitText):
        conversation.post(any_store, settings, deu, "2027", "DEU", "x" * 5001)


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
    assert header[:3] == ["member", "name", "stage"]
    xlsx, xlsx_name, _ = exports.encoded(table, "xlsx")
    assert (
        xlsx_name.endswith(".xlsx")
        and "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(xlsx)).namelist()
    )
