"""A cycle runs on the recommendation set it names (issue #18), on the real dev server: the
reviews take only self-assessments answering that set, and the letters speak of it."""

from __future__ import annotations

import pytest

from napreview.schemas.examples import example_self_assessment
from napreview.schemas.letters import LetterKind
from napreview.schemas.recommendations import RecommendationSet
from napreview.schemas.review import Stage
from napreview.services import steps
from napreview.services.errors import StepRefused

from ..conftest import running_worker
from ..helpers import (  # noqa: F401 (later_set: a fixture)
    LATER_SET,
    at_stage,
    fp,
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
        assert store.cycle_settings(cycle)["recommendation_set"] == LATER_SET
        (invitation,) = store.list_letters(
            cycle=cycle, member="DEU", kind=LetterKind.INVITATION.value
        )
        assert "each of the 24 recommendations of the 2026 meeting of the Network" in " ".join(
            invitation.body_text.split()
        )

        germany, actor = store.get_member("DEU"), store.resolve_actor(fp("DEU"))
        with pytest.raises(StepRefused, match=r"set wps-fpn-test-2026.*P1 \(retired\)"):
            await steps.submit_self_assessment(
                client, store, cycle, "DEU", actor, example_self_assessment(germany)
            )
        await at_stage(client, cycle, "DEU", Stage.SELF_ASSESSMENT)

        await steps.submit_self_assessment(
            client, store, cycle, "DEU", actor, example_self_assessment(germany, LATER_SET)
        )
        await at_stage(client, cycle, "DEU", Stage.PEER_REVIEW)
