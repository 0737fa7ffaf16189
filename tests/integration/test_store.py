"""The store on real SQLite and real PostgreSQL: migrations, seed, history, idempotency."""

from __future__ import annotations

import pytest

from napreview.schemas.cedaw import (
    CedawResult,
    Finding,
    LinkageRating,
    Severity,
)
from napreview.schemas.members import Location, Role
from napreview.schemas.submissions import DocumentKind
from napreview.store.db import migrate
from napreview.store.errors import ConflictError, NotFoundError
from napreview.store.network import MEMBERS
from napreview.store.seed import seed


def test_seed_gives_the_83_members_and_example_people_once(any_store):
    members = any_store.list_members()
    assert len(members) == 83
    assert sum(m.kind.value == "state" for m in members) == 76
    assert {m.code: m.name for m in members} == {m.code: m.name for m in MEMBERS}
    assert any_store.get_member("USA").cedaw_status.value == "not_party"
    assert any_store.resolve_actor("secretariat@example.org").role is Role.SECRETARIAT
    assert any_store.resolve_actor("auditor@example.org").role is Role.AUDITOR
    assert any_store.resolve_actor("fp.au@example.org").member == "AU"
    assert seed(any_store) is False  # a second start seeds nothing
    migrate(str(any_store.engine.url.render_as_string(hide_password=False)))  # idempotent
    assert any_store.member_count() == 83


def test_a_focal_point_change_is_dated_kept_and_takes_effect_at_once(any_store):
    any_store.set_focal_point(
        "DEU",
        name="Anna Schmidt",
        email="A.Schmidt@Diplo.de",
        title="Head of Division",
        by="secretariat@example.org",
    )
    history = any_store.focal_point_history("DEU")
    assert [fp.email for fp in history] == ["fp.deu@example.org", "a.schmidt@diplo.de"]
    assert history[0].active_to is not None and history[1].active_to is None
    assert [fp.email for fp in any_store.focal_points("DEU")] == ["a.schmidt@diplo.de"]
    assert any_store.resolve_actor("a.schmidt@diplo.de").member == "DEU"
    # the previous focal point keeps an account but acts for no member any more
    assert any_store.resolve_actor("fp.deu@example.org").member is None
    # a New York focal point does not close the capital one
    any_store.set_focal_point(
        "DEU", name="Jonas Weber", email="jw@newyork.diplo.de", location=Location.NEW_YORK_MISSION
    )
    assert len(any_store.focal_points("DEU")) == 2


def test_unknown_members_and_people_are_not_found_with_suggestions(any_store):
    with pytest.raises(NotFoundError, match=r"DEU \(Germany\)"):
        any_store.get_member("Germny")
    with pytest.raises(NotFoundError, match="not a registered user"):
        any_store.resolve_actor("nobody@example.org")
    with pytest.raises(ConflictError):
        any_store.add_user("someone@example.org", Role.FOCAL_POINT)


def test_a_letter_is_stored_once_per_idempotency_key(any_store):
    fields = dict(
        kind="invitation",
        cycle_id="2019",
        member_code="DEU",
        round=1,
        recipient="fp.deu@example.org",
        recipient_name="FP",
        copy_to=[],
        language="en",
        subject="s",
        body_text="t",
        body_html="h",
        sha256="x" * 64,
        template="en/invitation.j2",
        template_version="v",
        inputs_sha256="i",
    )
    first, created = any_store.store_letter("review-2019-DEU/invitation/1/DEU", **fields)
    again, created_again = any_store.store_letter("review-2019-DEU/invitation/1/DEU", **fields)
    assert created and not created_again and first.id == again.id
    assert len(any_store.list_letters(cycle="2019")) == 1


def test_cycle_draw_reviewer_change_and_check_results(any_store):
    recorded = any_store.record_cycle(
        cycle="2019",
        seed=2**40,
        reviewers_per_member=1,
        chair="NAM",
        settings={},
        draw_sha256="d",
        started_by="secretariat@example.org",
        reviewers={"DEU": ["NAM"], "NAM": ["DEU"]},
        relaxed={"NAM": ["reciprocal"]},
    )
    assert recorded
    assert not any_store.record_cycle(
        cycle="2019",
        seed=2**40,
        reviewers_per_member=1,
        chair="NAM",
        settings={},
        draw_sha256="d",
        started_by="x",
        reviewers={},
        relaxed={},
    )
    any_store.change_reviewer("2019", "DEU", "NAM", "JPN", "recused", [], seed=99)
    assert any_store.assignments("2019") == {"DEU": ["JPN"], "NAM": ["DEU"]}
    assert any_store.redraw_result("2019", "DEU", 99) == ("JPN", [])
    assert sorted(any_store.ever_assigned("2019", "DEU")) == ["JPN", "NAM"]

    ref = any_store.save_document(
        kind=DocumentKind.PEER_REVIEW,
        cycle="2019",
        member="DEU",
        reviewer="JPN",
        submitted_by="fp.jpn@example.org",
        body={"comments": "é"},
    )
    row, body = any_store.get_document(ref.id)
    assert body == {"comments": "é"} and row.sha256 == ref.sha256
    result = CedawResult(
        member="DEU",
        rating=LinkageRating.PARTIAL,
        findings=[Finding(code="NO_BUDGET", severity=Severity.GAP, message="m")],
    )
    one = any_store.save_cedaw_result("2019", "DEU", ref.id, result)
    two = any_store.save_cedaw_result("2019", "DEU", ref.id, result)
    assert one == two and any_store.get_cedaw_result(one.result_id) == result

    any_store.record_refusal(
        actor="fp.fra@example.org",
        role="focal_point",
        step="sign_off",
        reason="only the secretariat",
        cycle="2019",
        member="DEU",
    )
    assert [r.step for r in any_store.refusals("2019", "DEU")] == ["sign_off"]


def test_conflicting_redraw_of_a_recorded_cycle_is_refused(any_store):
    any_store.record_cycle(
        cycle="c",
        seed=1,
        reviewers_per_member=1,
        chair="NAM",
        settings={},
        draw_sha256="a",
        started_by="s",
        reviewers={},
        relaxed={},
    )
    with pytest.raises(ConflictError):
        any_store.record_cycle(
            cycle="c",
            seed=2,
            reviewers_per_member=1,
            chair="NAM",
            settings={},
            draw_sha256="b",
            started_by="s",
            reviewers={},
            relaxed={},
        )
