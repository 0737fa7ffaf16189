"""A cycle runs on the recommendation set it names (issue #18), on the real dev server: the
reviews take only self-assessments answering that set, and the letters speak of it."""

from __future__ import annotations

import pytest
from temporalio.api.enums.v1 import EventType

from napreview.schemas.examples import example_self_assessment
from napreview.schemas.letters import LetterKind
from napreview.schemas.recommendations import RecommendationSet
from napreview.schemas.review import Stage
from napreview.services import steps
from napreview.services.errors import InvalidInput

from ..conftest import running_worker
from ..helpers import (  # noqa: F401 (later_set: a fixture)
    LATER_SET,
    at_stage,
    fp,
    handle,
    later_set,
    start_cycle,
    state_when,
)

MEMBERS = ["DEU", "FRA", "MEX", "NAM"]


async def test_a_cycle_runs_on_the_recommendation_set_it_names(
    dev_env,
    store,
    tmp_path,
    later_set: RecommendationSet,  # noqa: F811
):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as settings:
        cycle = await start_cycle(
            client, store, settings.task_queue, MEMBERS, recommendation_set=LATER_SET
        )
        await state_when(client, cycle, "DEU", lambda s: s.letters)  # the invitation is out
        assert store.cycles.settings(cycle)["recommendation_set"] == LATER_SET
        (sent,) = store.letters.list(cycle=cycle, member="DEU", kind=LetterKind.INVITATION.value)
        invitation = store.letters.get(sent.id)
        assert "each of the 24 recommendations of the 2026 meeting of the Network" in " ".join(
            invitation.body_text.split()
        )

        germany, actor = store.members.get("DEU"), store.people.actor(fp("DEU"))
        await steps.submit_self_assessment(
            client, store, cycle, "DEU", actor, example_self_assessment(germany, LATER_SET)
        )
        await at_stage(client, cycle, "DEU", Stage.PEER_REVIEW)


async def test_a_self_assessment_answering_another_set_is_refused_at_the_door(
    dev_env,
    store,
    tmp_path,
    later_set: RecommendationSet,  # noqa: F811
):
    """A review started since patch 'documents-signed' takes a signed self-assessment without
    the activity that checks its set, so the door checks it: the person is told which
    recommendations are wrong, and the review never hears of the document."""
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as settings:
        cycle = await start_cycle(
            client, store, settings.task_queue, MEMBERS, recommendation_set=LATER_SET
        )
        await at_stage(client, cycle, "DEU", Stage.SELF_ASSESSMENT)
        germany, actor = store.members.get("DEU"), store.people.actor(fp("DEU"))

        with pytest.raises(InvalidInput) as refused:
            await steps.submit_self_assessment(
                client, store, cycle, "DEU", actor, example_self_assessment(germany)
            )
        said = " ".join(str(refused.value).split())
        assert f"recommendations of set {LATER_SET} must be present exactly once" in said
        assert "missing: P10" in said and "not in this set: P1 (retired)" in said

        state = await at_stage(client, cycle, "DEU", Stage.SELF_ASSESSMENT)
        assert state.self_assessments == []
        assert not store.documents.count(cycle, "DEU")
        history = await handle(client, cycle, "DEU").fetch_history()
        updates = [e for e in history.events if "UPDATE" in EventType.Name(e.event_type)]
        assert not updates
