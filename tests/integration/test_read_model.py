"""The read model on SQLite and PostgreSQL: what the store keeps of each review, the stages it
entered, the work lists and the cycle page built from it without asking Temporal, and letters
found by the person and member they were addressed to, a page at a time."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

import pytest

from napreview.schemas.review import ReviewerStatus, ReviewProjection, SlotProjection, Stage
from napreview.schemas.submissions import DocumentKind
from napreview.services import access, overview, progress, tasks
from napreview.services import letters as letter_ops
from napreview.services.errors import NotFoundError
from napreview.store.letters import NewLetter

from ..helpers import AUDITOR, SECRETARIAT, fp
from .test_races import at_once

T0 = datetime(2030, 1, 1, 9, tzinfo=UTC)
DAY = timedelta(days=1)
CYCLE = "2030"


def projection(member: str, stage: Stage, at: datetime, **fields: object) -> ReviewProjection:
    values: dict[str, object] = {"round": 1, "overdue": False, "reviewers": []}
    values.update(fields)
    return ReviewProjection(cycle=CYCLE, member=member, stage=stage, at=at, **values)  # type: ignore[arg-type]


def slot(member: str, status: ReviewerStatus, due: datetime | None, overdue: bool = False):
    return SlotProjection(member=member, status=status, due=due, overdue=overdue)


def record_cycle(store, reviewers: dict[str, list[str]]) -> None:
    store.cycles.record(
        cycle=CYCLE,
        seed=1,
        reviewers_per_member=2,
        chair="NAM",
        settings={},
        draw_sha256="d",
        started_by="p-secretariat",
        reviewers=reviewers,
        relaxed={},
    )


# --------------------------------------------------------------------------- the projection


def test_a_projection_is_kept_whole_with_one_stage_row_per_stage_entered(any_store):
    reviews = any_store.reviews
    due = T0 + 60 * DAY
    reviews.project(projection("DEU", Stage.SELF_ASSESSMENT, T0, deadline=due))
    reviews.project(projection("DEU", Stage.SELF_ASSESSMENT, T0 + DAY, deadline=due))  # no move
    slots = [
        slot("FRA", ReviewerStatus.ACTIVE, T0 + 40 * DAY),
        slot("JPN", ReviewerStatus.SUBMITTED, T0 + 40 * DAY),
    ]
    reviews.project(
        projection("DEU", Stage.PEER_REVIEW, T0 + 10 * DAY, reviewers=slots, unanswered=2)
    )
    record = reviews.get(CYCLE, "DEU")
    assert record is not None and record.complete
    assert (record.stage, record.deadline, record.unanswered) == (Stage.PEER_REVIEW, None, 2)
    assert record.reviewers == tuple(slots) and record.at == T0 + 10 * DAY
    assert record.slot("FRA") == slots[0] and record.slot("MEX") is None
    entered = reviews.stages(CYCLE, ["DEU"])["DEU"]
    assert [(e.stage, e.at) for e in entered] == [
        (Stage.SELF_ASSESSMENT, T0),
        (Stage.PEER_REVIEW, T0 + 10 * DAY),
    ]
    # a retried publication from before what is stored changes nothing
    reviews.project(projection("DEU", Stage.SELF_ASSESSMENT, T0 + 5 * DAY, deadline=due))
    assert reviews.get(CYCLE, "DEU").stage is Stage.PEER_REVIEW  # type: ignore[union-attr]
    assert len(reviews.stages(CYCLE, ["DEU"])["DEU"]) == 2
    # a returned review enters self-assessment again, in round 2
    reviews.project(projection("DEU", Stage.SIGN_OFF, T0 + 20 * DAY))
    reviews.project(projection("DEU", Stage.SELF_ASSESSMENT, T0 + 21 * DAY, round=2))
    entered = reviews.stages(CYCLE, ["DEU"])["DEU"]
    assert [(e.stage, e.round) for e in entered][-2:] == [
        (Stage.SIGN_OFF, 1),
        (Stage.SELF_ASSESSMENT, 2),
    ]


def test_of_two_projections_of_the_same_moment_the_later_published_is_kept(any_store):
    """The last step and the end of a review are published in one workflow task, so they share
    the review's clock; their local activities can land in either order. The completed review
    stays completed whichever lands last."""
    reviews = any_store.reviews
    at = T0 + 30 * DAY
    step = projection("DEU", Stage.SIGN_OFF, at, publication=7)
    end = projection("DEU", Stage.COMPLETED, at, publication=8)
    reviews.project(end)
    reviews.project(step)  # its activity finished second
    assert reviews.get(CYCLE, "DEU").stage is Stage.COMPLETED  # type: ignore[union-attr]
    assert [e.stage for e in reviews.stages(CYCLE, ["DEU"])["DEU"]] == [Stage.COMPLETED]
    # an older worker sends no count: of one moment, the later to land is kept, as before
    reviews.project(projection("MEX", Stage.COMPLETED, at))
    reviews.project(projection("MEX", Stage.SIGN_OFF, at))
    assert reviews.get(CYCLE, "MEX").stage is Stage.SIGN_OFF  # type: ignore[union-attr]


def test_projections_landing_at_once_keep_the_latest(any_store):
    """Projections of one moment written by parallel activity threads: the row is held from its
    read to its write, so the one published last is what stays, and each stage entered is one
    row of the stage history."""
    reviews = any_store.reviews
    reviews.project(projection("DEU", Stage.PEER_REVIEW, T0, publication=0))
    landing = [
        projection(
            "DEU",
            Stage.COMPLETED if n == 30 else Stage.SIGN_OFF,
            T0 + DAY,
            publication=n,
        )
        for n in range(1, 31)
    ]
    landed = at_once([functools.partial(reviews.project, p) for p in reversed(landing)])
    assert not [r for r in landed if isinstance(r, Exception)]
    record = reviews.get(CYCLE, "DEU")
    assert record is not None and record.stage is Stage.COMPLETED
    entered = [e.stage for e in reviews.stages(CYCLE, ["DEU"])["DEU"]]
    assert entered[0] is Stage.PEER_REVIEW and entered[-1] is Stage.COMPLETED


def test_an_older_worker_leaves_deadlines_and_slots_as_they_are(any_store):
    reviews = any_store.reviews
    due = T0 + 30 * DAY
    slots = [slot("FRA", ReviewerStatus.ACTIVE, due)]
    reviews.project(projection("DEU", Stage.PEER_REVIEW, T0, reviewers=slots, answers_due=due))
    before = datetime.now(UTC)
    # an older worker: none of the fields that came with the read model, no clock of its own
    reviews.project(
        ReviewProjection(cycle=CYCLE, member="DEU", stage=Stage.PEER_REVIEW, round=1, overdue=True)
    )
    record = reviews.get(CYCLE, "DEU")
    assert record is not None and record.overdue
    assert record.reviewers == tuple(slots) and record.answers_due == due and record.at == T0
    # a review only older workers projected: nothing known of its deadlines and slots
    reviews.project(
        ReviewProjection(cycle=CYCLE, member="MEX", stage=Stage.SIGN_OFF, round=1, overdue=False)
    )
    mexico = reviews.get(CYCLE, "MEX")
    assert mexico is not None and not mexico.complete and mexico.reviewers is None
    [entered] = reviews.stages(CYCLE, ["MEX"])["MEX"]
    assert entered.stage is Stage.SIGN_OFF and before <= entered.at <= datetime.now(UTC)


# --------------------------------------------------------------------------- the work lists


def seeded_reviews(store) -> None:
    """DEU owes its self-assessment; FRA reviews MEX (due first, overdue) and DEU reviews MEX
    too (submitted); MEX has two peer recommendations to answer; JPN waits for sign-off."""
    record_cycle(store, {"DEU": ["FRA", "JPN"], "MEX": ["FRA", "DEU"], "JPN": ["MEX", "DEU"]})
    store.reviews.project(projection("DEU", Stage.SELF_ASSESSMENT, T0, deadline=T0 + 60 * DAY))
    mexico = [
        slot("FRA", ReviewerStatus.ACTIVE, T0 + 10 * DAY, overdue=True),
        slot("DEU", ReviewerStatus.SUBMITTED, T0 + 30 * DAY),
    ]
    store.reviews.project(
        projection(
            "MEX",
            Stage.PEER_REVIEW,
            T0,
            overdue=True,
            reviewers=mexico,
            unanswered=2,
            answers_due=T0 + 44 * DAY,
        )
    )
    store.reviews.project(projection("JPN", Stage.SIGN_OFF, T0, deadline=T0 + 14 * DAY))
    store.documents.save(
        kind=DocumentKind.PEER_REVIEW,
        cycle=CYCLE,
        member="MEX",
        reviewer="DEU",
        submitted_by="p-deu",
        body={},
    )


async def test_work_lists_come_from_the_read_model_alone(any_store):
    seeded_reviews(any_store)
    actor = any_store.people.actor

    # No Temporal client at all: every record is complete, nothing needs asking.
    germany = await tasks.work_list(any_store, actor(fp("DEU")))
    assert [(t.kind, t.member, t.deadline) for t in germany.tasks] == [
        (tasks.TaskKind.SELF_ASSESSMENT, "DEU", T0 + 60 * DAY)
    ]
    assert [r.member for r in germany.reviews] == ["DEU"]
    assert sorted(r.member for r in germany.reviewing) == ["JPN", "MEX"]  # MEX: submitted

    france = await tasks.work_list(any_store, actor(fp("FRA")))
    assert [(t.kind, t.member, t.deadline, t.overdue) for t in france.tasks] == [
        (tasks.TaskKind.PEER_REVIEW, "MEX", T0 + 10 * DAY, True)
    ]
    mexico = await tasks.work_list(any_store, actor(fp("MEX")))
    answer = [t for t in mexico.tasks if t.kind is tasks.TaskKind.RECOMMENDATIONS]
    assert [(t.count, t.deadline) for t in answer] == [(2, T0 + 44 * DAY)]
    # JPN waits for its sign-off and reviews DEU, which has not reached peer review: nothing
    assert (await tasks.work_list(any_store, actor(fp("JPN")))).tasks == []

    secretariat = await tasks.work_list(any_store, actor(SECRETARIAT))
    # overdue first, by its earliest overdue peer review; then the sign-off
    assert [(t.kind, t.member, t.deadline) for t in secretariat.tasks] == [
        (tasks.TaskKind.OVERDUE, "MEX", T0 + 10 * DAY),
        (tasks.TaskKind.SIGN_OFF, "JPN", T0 + 14 * DAY),
    ]
    assert (await tasks.work_list(any_store, actor(AUDITOR))).tasks == []


async def test_a_review_projected_by_an_older_worker_is_listed_as_the_store_has_it(any_store):
    record_cycle(any_store, {"DEU": ["FRA", "JPN"]})
    any_store.reviews.project(
        ReviewProjection(
            cycle=CYCLE, member="DEU", stage=Stage.SELF_ASSESSMENT, round=2, overdue=False
        )
    )
    # without a client to ask, the task stands with what is known: no deadline
    found = await tasks.work_list(any_store, any_store.people.actor(fp("DEU")))
    assert [(t.kind, t.deadline) for t in found.tasks] == [(tasks.TaskKind.REVISION, None)]


# --------------------------------------------------------------------------- the cycle page


def test_a_big_cycle_is_shown_a_page_at_a_time_overdue_first(any_store):
    """Ten thousand reviews are not one page: the store pages them, overdue first, and says
    how many the filter finds in all."""
    codes = ["ARG", "BEL", "CAN", "DEU", "ESP", "FRA", "GHA"]
    record_cycle(any_store, {code: [] for code in codes})
    for code in codes:
        late = code in ("CAN", "FRA")
        any_store.reviews.project(projection(code, Stage.PEER_REVIEW, T0, overdue=late))
    first = overview.cycle_overview(any_store, CYCLE, offset=0, limit=3)
    second = overview.cycle_overview(any_store, CYCLE, offset=3, limit=3)
    last = overview.cycle_overview(any_store, CYCLE, offset=6, limit=3)
    assert [r.member for r in first.reviews] == ["CAN", "FRA", "ARG"]
    assert [r.member for r in second.reviews] == ["BEL", "DEU", "ESP"]
    assert [r.member for r in last.reviews] == ["GHA"]
    assert first.matching == second.matching == last.matching == 7
    assert first.counts["peer_review"] == 7  # the counts cover the whole cycle
    late = overview.cycle_overview(any_store, CYCLE, overdue=True, offset=0, limit=1)
    assert [r.member for r in late.reviews] == ["CAN"] and late.matching == 2


def test_the_cycle_page_and_its_chart_come_from_the_read_model(any_store):
    seeded_reviews(any_store)
    any_store.reviews.project(projection("MEX", Stage.CEDAW_CHECK, T0 + 20 * DAY, unanswered=0))
    any_store.reviews.project(projection("MEX", Stage.SIGN_OFF, T0 + 20 * DAY + timedelta(1)))
    shown = overview.cycle_overview(any_store, CYCLE)
    assert shown.counts["self_assessment"] == 1 and shown.counts["sign_off"] == 2
    assert shown.counts["completed"] == 0
    assert [(r.member, r.stage, r.reviewers) for r in shown.reviews] == [
        ("DEU", Stage.SELF_ASSESSMENT, ["FRA", "JPN"]),
        ("JPN", Stage.SIGN_OFF, ["MEX", "DEU"]),
        ("MEX", Stage.SIGN_OFF, ["FRA", "DEU"]),
    ]
    assert set(shown.updated) == {"DEU", "JPN", "MEX"}
    at_sign_off = overview.cycle_overview(any_store, CYCLE, Stage.SIGN_OFF)
    assert [r.member for r in at_sign_off.reviews] == ["JPN", "MEX"]
    assert at_sign_off.counts == shown.counts  # the counts cover the whole cycle
    assert overview.cycle_overview(any_store, CYCLE, overdue=True).reviews == []

    [mexico] = progress.cycle_progress(any_store, CYCLE, ["MEX"])
    assert [(s.stage, s.start, s.end) for s in mexico.spans] == [
        ("peer_review", T0, T0 + 20 * DAY),
        ("cedaw_check", T0 + 20 * DAY, T0 + 20 * DAY + timedelta(1)),
        ("sign_off", T0 + 20 * DAY + timedelta(1), None),
    ]
    with pytest.raises(NotFoundError):
        overview.cycle_overview(any_store, "1999")
    # the list of cycles counts the same
    assert overview.cycles_overview(any_store)[0].counts == {
        "self_assessment": 1,
        "sign_off": 2,
    }


# --------------------------------------------------------------------------- letters


def letter(kind: str, member: str, to: str, addressed: str | None, n: int) -> NewLetter:
    return NewLetter(
        kind=kind,
        cycle_id=CYCLE,
        member_code=member,
        round=1,
        recipient=to,
        recipient_name="Someone",
        recipient_member=addressed,
        language="en",
        subject=f"letter {n}",
        body_text=f"text {n}",
        body_html=f"<p>html {n}</p>",
        sha256="0" * 64,
        template="en/invitation.j2",
        template_version="v",
        inputs_sha256="i",
    )


def test_letters_are_found_by_who_they_were_addressed_to_a_page_at_a_time(any_store):
    store = any_store
    keyed = [
        ("invitation", "DEU", "former.fp@example.org", "DEU"),  # a predecessor's letter
        ("review_request", "MEX", fp("DEU"), "DEU"),  # DEU as reviewer of MEX
        ("invitation", "MEX", fp("MEX"), "MEX"),
        ("overdue", "DEU", "secretariat@example.org", None),
        ("reminder", "DEU", fp("DEU"), "DEU"),
    ]
    for n, (kind, member, to, addressed) in enumerate(keyed):
        store.letters.store(
            f"review-{CYCLE}-{member}/{kind}/1/{n}", letter(kind, member, to, addressed, n)
        )
    germany = store.people.actor(fp("DEU"))

    mine = letter_ops.list_for(store, germany)
    assert [x.subject for x in mine] == ["letter 0", "letter 1", "letter 4"]
    newest = letter_ops.list_for(store, germany, newest_first=True, limit=2)
    assert [x.subject for x in newest] == ["letter 4", "letter 1"]
    rest = letter_ops.list_for(store, germany, newest_first=True, offset=2, limit=2)
    assert [x.subject for x in rest] == ["letter 0"]
    assert [x.subject for x in letter_ops.list_for(store, germany, member="MEX")] == ["letter 1"]
    assert len(letter_ops.list_for(store, store.people.actor(AUDITOR))) == 5
    # lists carry no bodies; the letter shown does
    assert not hasattr(mine[0], "body_text")
    shown = letter_ops.letter(store, germany, mine[0].id)
    assert shown.body_text == "text 0" and shown.body_html == "<p>html 0</p>"
    every = letter_ops.list_for(store, store.people.actor(SECRETARIAT))
    [theirs] = [x for x in every if x.recipient == fp("MEX")]
    assert not access.can_read_letter(germany, theirs)
    with pytest.raises(access.ReadRefused):
        letter_ops.letter(store, germany, theirs.id)
    assert [r.step for r in store.refusals.of_review(CYCLE, "MEX")] == ["read_letter"]
