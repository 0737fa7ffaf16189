"""The review troika after the draw, on the dev server through updates (DESIGN §4, §5).

Substitution by the reviewed member (once), recusal by a reviewer, reassignment by the
secretariat; a focal point who changes mid-cycle; return for revision and its limit of rounds.
"""

from __future__ import annotations

import pytest
from temporalio.client import Client

from napreview.schemas.letters import LetterKind
from napreview.schemas.review import (
    Decision,
    ReassignReviewer,
    Recuse,
    ReplaceReviewer,
    ReviewerStatus,
    ReviewState,
    SignOff,
    Stage,
)
from napreview.services import steps
from napreview.services.errors import StepRefused
from napreview.store.focal_points import Designation
from napreview.store.records import Store
from napreview.workflows.troika import draw_troika, redraw_reviewer

from ..conftest import running_worker
from ..helpers import (
    SECRETARIAT,
    answer_all,
    at_stage,
    fp,
    handle,
    start_cycle,
    state_when,
    submit_pr,
    submit_sa,
)

# Two members from each group, so that every re-draw can keep the rules.
MEMBERS = ["DEU", "FRA", "MEX", "BRA", "NAM", "ZAF", "JPN", "PHL", "UKR", "POL", "AU", "EU"]
SEED = 7


async def refused(coro, fragment: str) -> str:
    with pytest.raises(StepRefused) as info:
        await coro
    assert fragment in str(info.value), str(info.value)
    return str(info.value)


async def step(client: Client, store: Store, cycle: str, name: str, command) -> ReviewState:
    await steps.review_step(client, store, cycle, "DEU", name, command)
    return await steps.review_state(client, cycle, "DEU")


async def in_peer_review(client: Client, store: Store, cycle: str) -> ReviewState:
    await at_stage(client, cycle, "DEU", Stage.SELF_ASSESSMENT)
    await submit_sa(client, store, cycle, "DEU")
    return await at_stage(client, cycle, "DEU", Stage.PEER_REVIEW)


def current(state: ReviewState) -> list[str]:
    return [s.member for s in state.reviewers if s.counts]


def group(store: Store, code: str) -> str:
    return store.members.get(code).draw_group


def assert_troika_rules(store: Store, state: ReviewState, everyone_before: set[str]) -> None:
    """The re-drawn troika: three, never the member, nobody drawn before, distinct groups."""
    chosen = state.redraws[-1].chosen
    assert chosen != "DEU" and chosen not in everyone_before
    reviewers = current(state)
    assert len(reviewers) == 3 and chosen in reviewers
    groups = [group(store, code) for code in reviewers]
    assert state.redraws[-1].relaxed == []  # the pool allows every rule here
    assert len(set(groups)) == 3 and group(store, "DEU") not in groups


def letters_of(store: Store, cycle: str, kind: LetterKind):
    return store.letters.list(cycle=cycle, member="DEU", kind=kind.value)


async def test_the_member_substitutes_one_reviewer_and_only_once(dev_env, store, tmp_path):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as settings:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS, seed=SEED)
        state = await in_peer_review(client, store, cycle)
        drawn = current(state)
        leaving = drawn[0]
        deu = store.people.actor(fp("DEU"))

        state = await step(
            client, store, cycle, "replace_reviewer", ReplaceReviewer(actor=deu, reviewer=leaving)
        )
        assert state.replacement_used is True
        [redraw] = state.redraws
        # History names people by opaque id; the store says who they are.
        assert (redraw.why, redraw.previous, store.people.emails([redraw.by])[redraw.by]) == (
            "replaced",
            leaving,
            fp("DEU"),
        )
        assert_troika_rules(store, state, set(drawn))
        assert next(s for s in state.reviewers if s.member == leaving).status is (
            ReviewerStatus.REPLACED
        )
        # The store's assignments follow, the newcomer in the leaver's place.
        assert store.cycles.assignments(cycle)["DEU"] == [redraw.chosen, *drawn[1:]]
        # An auditor re-runs the re-draw from the recorded seed and gets the same reviewer.
        members = store.members.get_many(MEMBERS)
        before = draw_troika(members, SEED).reviewers
        before["DEU"] = drawn[1:]
        again = redraw_reviewer(members, before, "DEU", set(drawn), redraw.seed)
        assert again.chosen == redraw.chosen

        [change] = letters_of(store, cycle, LetterKind.REVIEWER_CHANGE)
        assert change.recipient == fp("DEU")
        requests = letters_of(store, cycle, LetterKind.REVIEW_REQUEST)
        assert [r.recipient for r in requests].count(fp(redraw.chosen)) == 1
        assert len(requests) == 4

        # The replaced reviewer can no longer review; a second substitution is refused.
        await refused(submit_pr(client, store, cycle, "DEU", leaving), "not one of the reviewers")
        await refused(
            step(
                client,
                store,
                cycle,
                "replace_reviewer",
                ReplaceReviewer(actor=deu, reviewer=drawn[1]),
            ),
            "already used its one substitution",
        )
        # Only the member's own focal point may ask for it.
        mexico = store.people.actor(fp("MEX"))
        await refused(
            step(
                client,
                store,
                cycle,
                "replace_reviewer",
                ReplaceReviewer(actor=mexico, reviewer=drawn[1]),
            ),
            "only the focal point of",
        )
        after = await steps.review_state(client, cycle, "DEU")
        assert current(after) == current(state) and len(after.redraws) == 1
        assert len(letters_of(store, cycle, LetterKind.REVIEWER_CHANGE)) == 1

        # The newcomer reviews like anyone drawn at first.
        await submit_pr(client, store, cycle, "DEU", redraw.chosen)
        after = await steps.review_state(client, cycle, "DEU")
        assert next(s for s in after.reviewers if s.member == redraw.chosen).status is (
            ReviewerStatus.SUBMITTED
        )


async def test_recusal_and_reassignment_each_redraw_and_write(dev_env, store, tmp_path):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as settings:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS, seed=SEED)
        state = await in_peer_review(client, store, cycle)
        first, second, third = drawn = current(state)
        everyone = set(drawn)

        # The third reviewer has already answered: its review stands, nobody can remove it.
        await submit_pr(client, store, cycle, "DEU", third)
        secretariat = store.people.actor(SECRETARIAT)
        await refused(
            step(
                client,
                store,
                cycle,
                "reassign_reviewer",
                ReassignReviewer(actor=secretariat, reviewer=third),
            ),
            "already submitted",
        )
        await refused(
            step(
                client,
                store,
                cycle,
                "replace_reviewer",
                ReplaceReviewer(actor=store.people.actor(fp("DEU")), reviewer=third),
            ),
            "already submitted",
        )
        await refused(
            step(client, store, cycle, "recuse", Recuse(actor=store.people.actor(fp(third)))),
            "already submitted",
        )
        outsider = next(m for m in MEMBERS if m != "DEU" and m not in everyone)
        await refused(
            step(client, store, cycle, "recuse", Recuse(actor=store.people.actor(fp(outsider)))),
            "not one of the reviewers",
        )

        state = await step(
            client, store, cycle, "recuse", Recuse(actor=store.people.actor(fp(first)))
        )
        recusal = state.redraws[-1]
        assert (recusal.why, recusal.previous, store.people.emails([recusal.by])[recusal.by]) == (
            "recused",
            first,
            fp(first),
        )
        assert_troika_rules(store, state, everyone)
        everyone.add(recusal.chosen)

        # A focal point may not reassign; the secretariat may.
        await refused(
            step(
                client,
                store,
                cycle,
                "reassign_reviewer",
                ReassignReviewer(actor=store.people.actor(fp("DEU")), reviewer=second),
            ),
            "only the secretariat",
        )
        state = await step(
            client,
            store,
            cycle,
            "reassign_reviewer",
            ReassignReviewer(actor=secretariat, reviewer=second),
        )
        reassignment = state.redraws[-1]
        assert (
            reassignment.why,
            reassignment.previous,
            store.people.emails([reassignment.by])[reassignment.by],
        ) == (
            "reassigned",
            second,
            SECRETARIAT,
        )
        assert_troika_rules(store, state, everyone)
        assert recusal.seed != reassignment.seed
        assert state.replacement_used is False  # the member's own substitution is still there
        statuses = {s.member: s.status for s in state.reviewers}
        assert statuses[first] is ReviewerStatus.RECUSED
        assert statuses[second] is ReviewerStatus.REASSIGNED
        assert sorted(store.cycles.assignments(cycle)["DEU"]) == sorted(current(state))

        # Each re-draw wrote to the member and asked the newcomer.
        changes = letters_of(store, cycle, LetterKind.REVIEWER_CHANGE)
        assert len(changes) == 2 and {c.recipient for c in changes} == {fp("DEU")}
        requests = [r.recipient for r in letters_of(store, cycle, LetterKind.REVIEW_REQUEST)]
        assert sorted(requests) == sorted(
            fp(m) for m in [*drawn, recusal.chosen, reassignment.chosen]
        )
        assert {c.id for c in changes} <= {letter.id for letter in state.letters}

        # Those who left can no longer review; the newcomers finish the stage.
        for gone in (first, second):
            await refused(submit_pr(client, store, cycle, "DEU", gone), "not one of the reviewers")
        await submit_pr(client, store, cycle, "DEU", recusal.chosen)
        await submit_pr(client, store, cycle, "DEU", reassignment.chosen)
        await answer_all(client, store, cycle, "DEU")
        state = await at_stage(client, cycle, "DEU", Stage.SIGN_OFF)
        result_reviews = {s.member for s in state.reviewers if s.status is ReviewerStatus.SUBMITTED}
        assert result_reviews == {third, recusal.chosen, reassignment.chosen}


async def test_no_redraw_when_nobody_is_left_and_nothing_changes(dev_env, store, tmp_path):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as settings:
        # Four members: each one's three reviewers are all the others.
        cycle = await start_cycle(client, store, settings.task_queue, ["DEU", "MEX", "NAM", "JPN"])
        state = await in_peer_review(client, store, cycle)
        deu = store.people.actor(fp("DEU"))
        await refused(
            step(
                client,
                store,
                cycle,
                "replace_reviewer",
                ReplaceReviewer(actor=deu, reviewer=current(state)[0]),
            ),
            "No member is left",
        )
        after = await steps.review_state(client, cycle, "DEU")
        assert current(after) == current(state) and after.redraws == []
        assert after.replacement_used is False
        assert letters_of(store, cycle, LetterKind.REVIEWER_CHANGE) == []
        assert [r.step for r in store.refusals.of_review(cycle, "DEU")] == ["replace_reviewer"]


async def test_a_new_focal_point_takes_over_at_once(dev_env, store, tmp_path):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as settings:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS, seed=SEED)
        await state_when(client, cycle, "DEU", lambda s: s.letters)
        [invitation] = letters_of(store, cycle, LetterKind.INVITATION)
        assert invitation.recipient == fp("DEU")

        store.focal_points.designate(
            Designation(member="DEU", name="Erika Mustermann", email="e.mustermann@example.org"),
            by=SECRETARIAT,
        )
        await refused(submit_sa(client, store, cycle, "DEU"), "only the focal point of")
        assert (await steps.review_state(client, cycle, "DEU")).self_assessments == []

        await submit_sa(client, store, cycle, "DEU", "e.mustermann@example.org")
        state = await at_stage(client, cycle, "DEU", Stage.PEER_REVIEW)
        old = store.people.actor(fp("DEU"))
        await refused(
            step(
                client,
                store,
                cycle,
                "replace_reviewer",
                ReplaceReviewer(actor=old, reviewer=current(state)[0]),
            ),
            "only the focal point of",
        )
        new = store.people.actor("e.mustermann@example.org")
        await step(
            client,
            store,
            cycle,
            "replace_reviewer",
            ReplaceReviewer(actor=new, reviewer=current(state)[0]),
        )
        [change] = letters_of(store, cycle, LetterKind.REVIEWER_CHANGE)
        assert change.recipient == "e.mustermann@example.org"


async def test_return_for_revision_keeps_the_peer_reviews_and_stops_after_three_rounds(
    dev_env, store, tmp_path
):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as settings:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS, seed=SEED)
        state = await in_peer_review(client, store, cycle)
        reviewers = current(state)
        for reviewer in reviewers:
            await submit_pr(client, store, cycle, "DEU", reviewer)
        await answer_all(client, store, cycle, "DEU")
        state = await at_stage(client, cycle, "DEU", Stage.SIGN_OFF)
        peer_reviews = {s.member: s.document for s in state.reviewers}
        secretariat = store.people.actor(SECRETARIAT)

        for round_ in (1, 2):
            state = await step(
                client,
                store,
                cycle,
                "sign_off",
                SignOff(
                    actor=secretariat,
                    decision=Decision.RETURN_FOR_REVISION,
                    comments=f"Round {round_}: add a budget line per pillar.",
                ),
            )
            assert (state.stage, state.round) == (Stage.SELF_ASSESSMENT, round_ + 1)
            returned = letters_of(store, cycle, LetterKind.RETURNED)
            assert len(returned) == round_ and returned[-1].recipient == fp("DEU")
            assert returned[-1].round == round_
            # Out of turn while the member revises: reviewers are not asked again.
            await refused(
                step(
                    client,
                    store,
                    cycle,
                    "recuse",
                    Recuse(actor=store.people.actor(fp(reviewers[0]))),
                ),
                "not peer review",
            )
            await submit_sa(client, store, cycle, "DEU")
            state = await at_stage(client, cycle, "DEU", Stage.SIGN_OFF)
            assert state.round == round_ + 1 and len(state.self_assessments) == round_ + 1
            assert {s.member: s.document for s in state.reviewers} == peer_reviews
            assert len(letters_of(store, cycle, LetterKind.REVIEW_REQUEST)) == 3

        await refused(
            step(
                client,
                store,
                cycle,
                "sign_off",
                SignOff(actor=secretariat, decision=Decision.RETURN_FOR_REVISION),
            ),
            "round 3 of at most 3",
        )
        state = await step(
            client,
            store,
            cycle,
            "sign_off",
            SignOff(actor=secretariat, decision=Decision.APPROVE, comments="Approved."),
        )
        assert state.stage is Stage.COMPLETED
        result = await handle(client, cycle, "DEU").result()
        assert result.rounds == 3 and len(result.self_assessments) == 3
        assert [s.decision for s in result.sign_offs] == [
            Decision.RETURN_FOR_REVISION,
            Decision.RETURN_FOR_REVISION,
            Decision.APPROVE,
        ]
        assert result.peer_reviews == peer_reviews
        assert len(letters_of(store, cycle, LetterKind.FINAL_FEEDBACK)) == 1
