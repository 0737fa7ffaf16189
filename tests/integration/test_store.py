"""The store on real SQLite and real PostgreSQL: migrations, seed, history, idempotency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from napreview.schemas.cedaw import (
    CedawResult,
    Finding,
    LinkageRating,
    Severity,
)
from napreview.schemas.members import Actor, Location, Role
from napreview.schemas.network import MEMBERS
from napreview.schemas.review import RedrawOutcome
from napreview.schemas.submissions import DocumentKind
from napreview.services import users
from napreview.services.installation import seed
from napreview.store.db import migrate
from napreview.store.errors import ConflictError, NotFoundError
from napreview.store.focal_points import Designation
from napreview.store.letters import NewLetter
from napreview.store.records import Store


def test_seed_gives_the_83_members_and_example_people_once(any_store):
    members = any_store.members.all()
    assert len(members) == 83
    assert sum(m.kind.value == "state" for m in members) == 76
    assert {m.code: m.name for m in members} == {m.code: m.name for m in MEMBERS}
    assert any_store.members.get("USA").cedaw_status.value == "not_party"
    assert any_store.people.actor("secretariat@example.org").role is Role.SECRETARIAT
    assert any_store.people.actor("auditor@example.org").role is Role.AUDITOR
    assert any_store.people.actor("fp.au@example.org").member == "AU"
    assert seed(any_store) is False  # a second start seeds nothing
    migrate(str(any_store.engine.url.render_as_string(hide_password=False)))  # idempotent
    assert any_store.members.count() == 83


def test_a_focal_point_change_is_dated_kept_and_takes_effect_at_once(any_store):
    any_store.focal_points.designate(
        Designation(
            member="DEU", name="Anna Schmidt", email="A.Schmidt@Diplo.de", title="Head of Division"
        ),
        by="secretariat@example.org",
    )
    history = any_store.focal_points.history("DEU")
    assert [fp.email for fp in history] == ["fp.deu@example.org", "a.schmidt@diplo.de"]
    assert history[0].active_to is not None and history[1].active_to is None
    assert [fp.email for fp in any_store.focal_points.active("DEU")] == ["a.schmidt@diplo.de"]
    assert any_store.people.actor("a.schmidt@diplo.de").member == "DEU"
    # the previous focal point keeps an account but acts for no member any more
    assert any_store.people.actor("fp.deu@example.org").member is None
    # a New York focal point does not close the capital one
    any_store.focal_points.designate(
        Designation(
            member="DEU",
            name="Jonas Weber",
            email="jw@newyork.diplo.de",
            location=Location.NEW_YORK_MISSION,
        )
    )
    assert len(any_store.focal_points.active("DEU")) == 2


def test_unknown_members_and_people_are_not_found_with_suggestions(any_store):
    with pytest.raises(NotFoundError, match=r"DEU \(Germany\)"):
        any_store.members.get("Germny")
    with pytest.raises(NotFoundError, match="not a registered user"):
        any_store.people.actor("nobody@example.org")
    secretariat = any_store.people.actor("secretariat@example.org")
    with pytest.raises(ConflictError):
        users.add_user(any_store, secretariat, "someone@example.org", Role.FOCAL_POINT)


def test_a_letter_is_stored_once_per_idempotency_key(any_store):
    letter = NewLetter(
        kind="invitation",
        cycle_id="2019",
        member_code="DEU",
        round=1,
        recipient="fp.deu@example.org",
        recipient_name="FP",
        recipient_member="DEU",
        language="en",
        subject="s",
        body_text="t",
        body_html="h",
        sha256="x" * 64,
        template="en/invitation.j2",
        template_version="v",
        inputs_sha256="i",
    )
    first, created = any_store.letters.store("review-2019-DEU/invitation/1/DEU", letter)
    again, created_again = any_store.letters.store("review-2019-DEU/invitation/1/DEU", letter)
    assert created and not created_again and first.id == again.id
    assert len(any_store.letters.list(cycle="2019")) == 1


def test_cycle_draw_reviewer_change_and_check_results(any_store):
    recorded = any_store.cycles.record(
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
    assert not any_store.cycles.record(
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
    any_store.cycles.change_reviewer("2019", "DEU", "NAM", "JPN", "recused", [], seed=99)
    assert any_store.cycles.assignments("2019") == {"DEU": ["JPN"], "NAM": ["DEU"]}
    assert any_store.cycles.redraw_result("2019", "DEU", 99) == RedrawOutcome(
        chosen="JPN", relaxed=[]
    )
    assert sorted(any_store.cycles.ever_assigned("2019", "DEU")) == ["JPN", "NAM"]

    ref = any_store.documents.save(
        kind=DocumentKind.PEER_REVIEW,
        cycle="2019",
        member="DEU",
        reviewer="JPN",
        submitted_by="fp.jpn@example.org",
        body={"comments": "é"},
    )
    document = any_store.documents.get(ref.id)
    assert document.body == {"comments": "é"} and document.sha256 == ref.sha256
    assert (document.kind, document.member, document.reviewer) == ("peer_review", "DEU", "JPN")
    result = CedawResult(
        member="DEU",
        rating=LinkageRating.PARTIAL,
        findings=[Finding(code="NO_BUDGET", severity=Severity.GAP, message="m")],
    )
    one = any_store.cedaw.save("2019", "DEU", ref.id, result)
    two = any_store.cedaw.save("2019", "DEU", ref.id, result)
    assert one == two and any_store.cedaw.get(one.result_id) == result

    any_store.refusals.record(
        actor="fp.fra@example.org",
        role="focal_point",
        step="sign_off",
        reason="only the secretariat",
        cycle="2019",
        member="DEU",
    )
    assert [r.step for r in any_store.refusals.of_review("2019", "DEU")] == ["sign_off"]


def test_conflicting_redraw_of_a_recorded_cycle_is_refused(any_store):
    any_store.cycles.record(
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
        any_store.cycles.record(
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


def test_the_migrations_make_exactly_the_tables_the_repositories_use(any_store):
    """Alembic's metadata is complete and the migrations agree with it: nothing is left for
    autogenerate to find (a table, column, type or index added to one and not the other)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from napreview.store.tables import Base

    with any_store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_read_model_migration_keeps_what_was_recorded_before_it(kind, tmp_path):
    """Letters stored before are found by the member they were addressed to (from their
    idempotency key), and each review projected before has the stage it was at as its first
    stage row."""
    from sqlalchemy import text

    at = datetime(2019, 3, 1, 12, tzinfo=UTC)
    letter = (
        "INSERT INTO letters (id, idempotency_key, kind, cycle_id, member_code, round, recipient,"
        " recipient_name, copy_to, language, subject, body_text, body_html, sha256, template,"
        " template_version, inputs_sha256, created_at, cc, delivery_attempts) VALUES (:id, :key,"
        " :kind, '2019', :member, 1, :to, 'X', '[]', 'en', 's', 't', 'h', 'x', 't', 'v', 'i',"
        " :at, '[]', 0)"
    )

    def recorded(connection) -> None:  # type: ignore[no-untyped-def]
        for id_, key, kind_, member, to in (
            ("a", "review-2019-MEX/review_request/1/DEU", "review_request", "MEX", "fp.deu@x.org"),
            ("b", "review-2019-DEU/overdue/1/secretariat", "overdue", "DEU", "sec@x.org"),
            ("c", "review-2019-NAM/cycle_summary/1/secretariat", "cycle_summary", "NAM", "n@x"),
            ("d", "review-2019-DEU/reminder/1/DEU/2019-03-01", "reminder", "DEU", "fp@x.org"),
        ):
            connection.execute(
                text(letter),
                {"id": id_, "key": key, "kind": kind_, "member": member, "to": to, "at": at},
            )
        connection.execute(
            text(
                "INSERT INTO reviews (cycle_id, member_code, stage, round, overdue, updated_at)"
                " VALUES ('2019', 'DEU', 'peer_review', 1, false, :at)"
            ),
            {"at": at},
        )

    store = migrated_from(kind, tmp_path, "0006_members_dated", recorded)
    addressed = {x.id: x.recipient_member for x in store.letters.list()}
    assert addressed == {"a": "DEU", "b": None, "c": "NAM", "d": "DEU"}
    [entered] = store.reviews.stages("2019", ["DEU"])["DEU"]
    assert (entered.stage.value, entered.round, entered.at) == ("peer_review", 1, at)
    record = store.reviews.get("2019", "DEU")
    assert record is not None and not record.complete


def test_a_refusal_is_kept_as_a_code_with_parameters_beside_its_english(any_store):
    from napreview.schemas.refusals import Reason
    from napreview.services.errors import StepRefused
    from napreview.services.refusals import require_secretariat

    france = any_store.people.actor("fp.fra@example.org")
    with pytest.raises(StepRefused) as refused:
        require_secretariat(any_store, france, "add_users", cycle="2019", member="DEU")
    said = "You act as the focal point of FRA; only the secretariat may add users."
    assert str(refused.value) == said
    why = Reason(
        code="secretariat_only",
        params={"actor_role": "focal_point", "actor_member": "FRA", "step": "add users"},
    )
    assert refused.value.reason == why
    # one recorded in English only (before codes, or as a workflow answered it) has no code
    any_store.refusals.record(
        actor="p-x", role="secretariat", step="sign_off", reason="Said once.", cycle="2019",
        member="DEU",
    )  # fmt: skip
    first, second = any_store.refusals.of_review("2019", "DEU")
    assert (first.actor, first.role, first.step) == (france.person_id, "focal_point", "add_users")
    assert (first.reason, first.why) == (said, why)
    assert (second.reason, second.why) == ("Said once.", None)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_co_chairs_migration_keeps_every_year_recorded_before_it(kind, tmp_path):
    """A Chair recorded before a year could have two reads as that year's one Chair after the
    migration, and a second can then be recorded beside it."""
    from sqlalchemy import text

    def recorded(connection) -> None:  # type: ignore[no-untyped-def]
        connection.execute(
            text(
                "INSERT INTO network_chairs (year, member_code, recorded_by, recorded_at)"
                " VALUES (2020, 'CAN', 'sec@x.org', :at)"
            ),
            {"at": datetime(2020, 1, 6, tzinfo=UTC)},
        )

    store = migrated_from(kind, tmp_path, "0010_resets_and_taken_documents", recorded)
    assert store.chairs.all() == {2017: ("ESP",), 2018: ("DEU",), 2019: ("NAM",), 2020: ("CAN",)}
    store.chairs.record(2020, ["CAN", "URY"], by="sec@x.org")
    assert store.chairs.of_year(2020) == ("CAN", "URY")


def test_each_repository_is_made_once_whichever_threads_ask_for_it_first(store):
    """The store makes a repository on first use (issue #23); the members' keeps a cache, which
    a second instance made by a racing thread would leave stale."""
    fresh = Store(store.engine)  # no repository made yet
    with ThreadPoolExecutor(8) as pool:
        found = list(pool.map(lambda _: fresh.members, range(32)))
    assert all(repository is found[0] for repository in found)
    assert fresh.members.count() == 83


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_comments_recorded_before_their_letters_were_tracked_do_not_wait(kind, tmp_path):
    """Comments stored before migration 0021 are taken as told (their posting started the
    letters or failed in front of their author); a comment kept since waits for its letters
    until they are started."""
    from sqlalchemy import text

    def recorded(connection) -> None:  # type: ignore[no-untyped-def]
        connection.execute(
            text(
                "INSERT INTO review_comments (cycle_id, member_code, author, author_role,"
                " author_member, text, at) VALUES ('2019', 'DEU', 'p-1', 'secretariat', NULL,"
                " 'Before', :at)"
            ),
            {"at": datetime(2026, 11, 1, tzinfo=UTC)},
        )

    store = migrated_from(kind, tmp_path, "0020_follow_up_evidence", recorded)
    assert store.comments.waiting_letters() == []
    secretariat = Actor(person_id="p-1", role=Role.SECRETARIAT)
    kept = store.comments.add("2019", "DEU", secretariat, "After")
    assert [c.text for c in store.comments.waiting_letters()] == ["After"]
    store.comments.letters_started(kept.id)
    assert store.comments.waiting_letters() == []


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_form_sent_after_its_session_ended_is_found_by_an_index(kind, tmp_path):
    """The CSRF token of a form names its session (web/kept.py): the database finds it by the
    index of migration 0021, never by reading every session."""
    from sqlalchemy import text

    from napreview.store.db import make_engine

    from ..conftest import empty_database

    url = empty_database(kind, tmp_path, "sessions.db")
    migrate(url)
    engine = make_engine(url)
    query = "SELECT token_sha256 FROM portal_sessions WHERE csrf_token = 'x'"
    with engine.begin() as connection:
        if kind == "sqlite":
            plan = " ".join(
                str(row[-1]) for row in connection.execute(text(f"EXPLAIN QUERY PLAN {query}"))
            )
        else:  # an empty table is read whole cheaper: ask whether the index can be used at all
            connection.execute(text("SET LOCAL enable_seqscan = off"))
            plan = " ".join(str(row[0]) for row in connection.execute(text(f"EXPLAIN {query}")))
    engine.dispose()
    assert "ix_portal_sessions_csrf_token" in plan, plan


def migrated_from(kind: str, tmp_path, revision: str, recorded) -> Store:  # type: ignore[no-untyped-def]
    """A store of ``kind`` created at an earlier ``revision``, holding what ``recorded`` writes
    (given a connection), then migrated to today's schema."""
    from alembic import command

    from napreview.store.db import alembic_config, make_engine

    from ..conftest import empty_database

    url = empty_database(kind, tmp_path, "old.db")
    command.upgrade(alembic_config(url), revision)
    engine = make_engine(url)
    with engine.begin() as connection:
        recorded(connection)
    engine.dispose()
    migrate(url)
    return Store.from_url(url)
