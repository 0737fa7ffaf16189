"""Documents kept as evidence of a follow-up's items (services/evidence.py) on SQLite and
PostgreSQL: checked before any is kept, named in the step by id, digest and name, refused with
a recorded reason that changes nothing, and downloaded only by those who read the follow-up."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from napreview.schemas.follow_up import Evidence, EvidenceKind, ItemUpdate
from napreview.schemas.members import Actor, Role
from napreview.services import access, evidence
from napreview.services.errors import NotFoundError, StepRefused
from napreview.store.tables import FollowUpEvidenceRow

from .test_follow_up_store import published

PDF = b"%PDF-1.7\n budget line for the national action plan"
DOCX = b"PK\x03\x04 a Word document"
DEU = Actor(person_id="p-deu", role=Role.FOCAL_POINT, member="DEU", email="fp.deu@example.org")
MEX = Actor(person_id="p-mex", role=Role.FOCAL_POINT, member="MEX")
SECRETARIAT = Actor(person_id="p-sec", role=Role.SECRETARIAT)
AUDITOR = Actor(person_id="p-aud", role=Role.AUDITOR)
STEP = "submit_progress_report"


def _attach(store, updates, files, actor=DEU, limit_mb=1):
    return evidence.attach(store, actor, "2027", "DEU", STEP, updates, files, limit_mb=limit_mb)


def test_documents_are_kept_and_named_by_id_digest_and_name(any_store):
    any_store.follow_ups.project(published("2027", "DEU"))
    link = Evidence(kind=EvidenceKind.LINK, ref="https://example.org/law")
    updates = _attach(
        any_store,
        [ItemUpdate(key="network:P4", lead_institution="Federal Foreign Office", evidence=[link])],
        {
            "network:P4": [
                evidence.Upload("C:\\Berichte\\Haushalt 2027.pdf", PDF, "application/pdf"),
                evidence.Upload("plan.docx", DOCX),
            ]
        },
    )
    [update] = updates
    assert update.lead_institution == "Federal Foreign Office"
    assert update.evidence[0] == link
    budget, plan = update.evidence[1:]
    assert (budget.kind, budget.filename, budget.label) == (
        EvidenceKind.DOCUMENT,
        "Haushalt 2027.pdf",
        "Haushalt 2027.pdf",
    )
    assert budget.sha256 == hashlib.sha256(PDF).hexdigest()
    assert plan.filename == "plan.docx" and plan.ref != budget.ref

    # The bytes are in the store, for whoever reads the follow-up.
    for reader in (DEU, SECRETARIAT, AUDITOR):
        found, data = evidence.download(any_store, reader, "2027", "DEU", budget.ref)
        assert data == PDF and found.media_type == "application/pdf"
        assert found.uploaded_by == "fp.deu@example.org"
    with pytest.raises(access.ReadRefused):
        evidence.download(any_store, MEX, "2027", "DEU", budget.ref)
    with pytest.raises(NotFoundError):  # not a document of this follow-up
        evidence.download(any_store, SECRETARIAT, "2027", "MEX", budget.ref)

    # A document already kept may be named again (the JSON of a report): what history gets is
    # the store's digest and name, whatever was written.
    typed = Evidence(kind=EvidenceKind.DOCUMENT, ref=budget.ref, filename="other.pdf", note="p. 4")
    [again] = _attach(any_store, [ItemUpdate(key="network:P4", evidence=[typed])], {})
    assert again.evidence == [budget.model_copy(update={"note": "p. 4"})]


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (evidence.Upload("budget.pdf", b""), "evidence_file_empty"),
        (evidence.Upload("budget.pdf", PDF + b"x" * 1024 * 1024), "evidence_file_too_large"),
        (evidence.Upload("budget.pdf", b"MZ\x90\x00 an executable"), "evidence_file_wrong_type"),
        (evidence.Upload("budget.exe", PDF), "evidence_file_wrong_type"),
        (evidence.Upload("budget.pdf", PDF, "text/html"), "evidence_file_wrong_type"),
    ],
)
def test_an_unfit_file_is_refused_recorded_and_nothing_is_kept(any_store, upload, code):
    any_store.follow_ups.project(published("2027", "DEU"))
    good = evidence.Upload("law.pdf", PDF)
    with pytest.raises(StepRefused) as refused:
        _attach(any_store, [], {"network:P4": [good, upload]})
    assert refused.value.reason is not None and refused.value.reason.code == code
    assert "budget" in str(refused.value) and "nothing was sent" in str(refused.value)
    [recorded] = any_store.refusals.of_review("2027", "DEU")
    assert (recorded.step, recorded.why.code) == (STEP, code)
    # The good file sent with it was not kept either.
    with any_store.engine.connect() as db:
        kept = db.execute(select(func.count()).select_from(FollowUpEvidenceRow)).scalar()
    assert kept == 0


def test_only_the_members_focal_point_keeps_evidence_of_its_items(any_store):
    any_store.follow_ups.project(published("2027", "DEU"))
    files = {"network:P4": [evidence.Upload("law.pdf", PDF)]}
    with pytest.raises(StepRefused) as refused:
        _attach(any_store, [], files, actor=SECRETARIAT)
    assert refused.value.reason.code == "not_own_focal_point"
    with pytest.raises(access.ReadRefused):
        _attach(any_store, [], files, actor=MEX)
    with pytest.raises(StepRefused) as unknown:
        _attach(any_store, [], {"network:P9": [evidence.Upload("law.pdf", PDF)]})
    assert unknown.value.reason.code == "no_such_item"
    someone_elses = Evidence(kind=EvidenceKind.DOCUMENT, ref="0" * 32)
    with pytest.raises(StepRefused) as missing:
        _attach(any_store, [ItemUpdate(key="network:P4", evidence=[someone_elses])], {})
    assert missing.value.reason.code == "no_such_evidence_file"
    steps = [r.why.code for r in any_store.refusals.of_review("2027", "DEU")]
    assert steps == ["not_own_focal_point", "read_refused", "no_such_item", "no_such_evidence_file"]
