"""Documents no review took are swept once older than a grace period (issue #20, item 8), on
SQLite and PostgreSQL: the ones a review took stay, whatever their age, and so do the young
ones a step may still be carrying to its review."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from napreview.activities.review import ReviewActivities
from napreview.cli import common
from napreview.cli.app import app
from napreview.schemas.examples import example_self_assessment
from napreview.schemas.review import AcceptDocument
from napreview.schemas.submissions import DocumentKind
from napreview.services import documents
from napreview.services.errors import StepRefused
from napreview.store.errors import NotFoundError
from napreview.store.tables import DocumentRow

from ..helpers import AUDITOR, SECRETARIAT, fp

CYCLE = "2031"


def _submitted(store, member: str = "DEU"):  # type: ignore[no-untyped-def]
    body = example_self_assessment(store.members.get(member)).model_dump(mode="json")
    return store.documents.save(
        kind=DocumentKind.SELF_ASSESSMENT,
        cycle=CYCLE,
        member=member,
        submitted_by=fp(member),
        body=body,
    )


async def test_only_documents_no_review_took_are_swept_after_the_grace(any_store, dev_env):
    """No review of cycle 2031 exists: nothing holds the documents the store has not seen
    taken."""
    held = documents.held_by_reviews(dev_env.client)
    taken, orphan, other_orphan = (_submitted(any_store) for _ in range(3))
    # the review takes one: the store confirms it for the step
    ReviewActivities(any_store).accept_document(
        AcceptDocument(
            cycle=CYCLE, member="DEU", kind=DocumentKind.SELF_ASSESSMENT.value, document=taken
        )
    )
    secretariat = any_store.people.actor(SECRETARIAT)
    assert (await documents.sweep(any_store, secretariat, held, timedelta(hours=1))).removed == 0
    with pytest.raises(StepRefused):
        await documents.sweep(any_store, any_store.people.actor(AUDITOR), held, timedelta(0))
    swept = await documents.sweep(any_store, secretariat, held, timedelta(0))
    assert (swept.removed, swept.taken, swept.unasked) == (2, 0, 0)
    assert any_store.documents.get(taken.id).body["nap"]["title"]
    for gone in (orphan, other_orphan):
        with pytest.raises(NotFoundError):
            any_store.documents.get(gone.id)
    assert (await documents.sweep(any_store, secretariat, held, timedelta(0))).removed == 0


def test_napreview_documents_sweep(any_store, dev_env, tmp_path, monkeypatch):
    """The command's default grace is a week: an orphan stored eight days ago goes, one stored
    now stays."""
    monkeypatch.setenv("NAPREVIEW_HOME", str(tmp_path))
    monkeypatch.setenv(
        "NAPREVIEW_TEMPORAL_ADDRESS", dev_env.client.service_client.config.target_host
    )
    monkeypatch.setenv("NAPREVIEW_DATABASE_URL", any_store.engine.url.render_as_string(False))
    monkeypatch.setattr(common, "_stores", {})
    old, young = _submitted(any_store), _submitted(any_store)
    with any_store.engine.begin() as connection:
        connection.execute(
            update(DocumentRow)
            .where(DocumentRow.id == old.id)
            .values(created_at=datetime.now(UTC) - timedelta(days=8))
        )
    runner = CliRunner()
    swept = runner.invoke(app, ["documents", "sweep", "--as", SECRETARIAT])
    assert swept.exit_code == 0 and swept.output.startswith("1 document "), swept.output
    with pytest.raises(NotFoundError):
        any_store.documents.get(old.id)
    assert any_store.documents.get(young.id).id == young.id
    refused = runner.invoke(app, ["documents", "sweep", "--as", fp("DEU")])
    assert refused.exit_code == 3 and "only the secretariat" in refused.output
