"""Shared steps for workflow and CLI tests: act as the example people of DESIGN §10.4."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from temporalio.client import Client

from napreview.people import signing
from napreview.schemas import recommendations
from napreview.schemas.examples import example_peer_review, example_self_assessment
from napreview.schemas.network import default_chair
from napreview.schemas.recommendations import DEFAULT_SET, RecommendationSet
from napreview.schemas.review import (
    CycleSettings,
    Decision,
    Durations,
    ReviewState,
    ReviewSummary,
    SignOff,
    Stage,
    StepTaken,
    recommendation_keys,
)
from napreview.schemas.submissions import RecommendationResponse
from napreview.services import cycles, documents, steps
from napreview.store.records import Store
from napreview.workflows import contract
from napreview.workflows.review import MemberReviewWorkflow

SECRETARIAT = "secretariat@example.org"
AUDITOR = "auditor@example.org"


def fp(code: str) -> str:
    return f"fp.{code.lower()}@example.org"


def new_cycle_id() -> str:
    return f"2019-{uuid.uuid4().hex[:6]}"


async def start_cycle(
    client: Client,
    store: Store,
    task_queue: str,
    members: list[str],
    *,
    cycle: str | None = None,
    seed: int = 7,
    durations: Durations | None = None,
    batch_size: int = 100,
    at: datetime | None = None,
    recommendation_set: str = DEFAULT_SET,
) -> str:
    """Start a cycle as the secretariat (``at``: the server's clock where it is not the wall
    clock, as on the time-skipping server)."""
    cycle = cycle or new_cycle_id()
    settings = CycleSettings(
        cycle=cycle,
        members=members,
        seed=seed,
        chair=default_chair(cycle),
        durations=durations or Durations(),
        started_by=store.people.actor(SECRETARIAT),
        recommendation_set=recommendation_set,
    )
    await cycles.start_cycle(
        client, store, settings, task_queue, batch_size=batch_size, signed_at=at
    )
    return cycle


async def state_when(
    client: Client, cycle: str, member: str, ready, timeout: float = 30.0
) -> ReviewState:
    """Poll the review's query until ``ready(state)``; a miss fails the test."""
    try:
        return await steps.wait_for_review(client, cycle, member, ready, timeout)
    except TimeoutError as err:
        raise AssertionError(str(err)) from None


async def at_stage(
    client: Client, cycle: str, member: str, stage: Stage, timeout: float = 30.0
) -> ReviewState:
    return await state_when(client, cycle, member, lambda s: s.stage is stage, timeout)


async def submit_sa(
    client: Client, store: Store, cycle: str, member: str, email: str | None = None
) -> StepTaken:
    actor = store.people.actor(email or fp(member))
    return await steps.submit_self_assessment(
        client, store, cycle, member, actor, example_self_assessment(store.members.get(member))
    )


async def submit_pr(
    client: Client, store: Store, cycle: str, member: str, reviewer: str
) -> StepTaken:
    actor = store.people.actor(fp(reviewer))
    return await steps.submit_peer_review(
        client, store, cycle, member, actor, example_peer_review()
    )


async def answering(
    client: Client, store: Store, task_queue: str, members: list[str], member: str = "DEU"
) -> tuple[str, ReviewState]:
    """A new cycle in which ``member``'s self-assessment and peer reviews are in: it answers
    the recommendations now. Returns the cycle and the review's state with its reviewers."""
    cycle = await start_cycle(client, store, task_queue, members)
    await at_stage(client, cycle, member, Stage.SELF_ASSESSMENT)
    await submit_sa(client, store, cycle, member)
    state = await at_stage(client, cycle, member, Stage.PEER_REVIEW)
    for slot in state.reviewers:
        await submit_pr(client, store, cycle, member, slot.member)
    await state_when(client, cycle, member, lambda s: s.answers_due is not None)
    return cycle, state


async def answer_all(
    client: Client,
    store: Store,
    cycle: str,
    member: str,
    answer: RecommendationResponse = RecommendationResponse.SUPPORTED,
) -> None:
    """The reviewed member answers every peer recommendation, once all peer reviews are in."""
    state = await state_when(
        client, cycle, member, lambda s: not [r for r in s.reviewers if r.status == "active"]
    )
    keys = recommendation_keys(state.reviewers)
    if not keys:
        return
    actor = store.people.actor(fp(member))
    await documents.respond(client, store, cycle, member, actor, dict.fromkeys(keys, answer))


async def signal(
    client: Client, cycle: str, member: str, step: str, command, at: datetime | None = None
) -> None:
    """Send a step as a signal, signed like the front ends sign it (``at``: the server's clock
    where it is not the wall clock, as on the time-skipping server)."""
    workflow_id = contract.review_workflow_id(cycle, member)
    signed = signing.signer().sign(step, workflow_id, command, at=at)
    await client.get_workflow_handle(workflow_id).signal(step, signed)


def handle(client: Client, cycle: str, member: str):
    return client.get_workflow_handle_for(
        MemberReviewWorkflow.run, contract.review_workflow_id(cycle, member)
    )


LATER_SET = "wps-fpn-test-2026"


@pytest.fixture
def later_set(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecommendationSet]:
    """A later recommendation set, as the secretariat would add one: it follows the 2018 set,
    retires P1 (the 2019 annual meeting in Windhoek, long held) and adds P10. The shipped sets
    stay as they are; the set is known to this test only."""
    base = json.loads(recommendations._read(DEFAULT_SET) or "{}")
    added = {
        "id": "P10",
        "theme": "participation",
        "text": {
            "en": "Member States are encouraged to send capital-level delegations to the 2027 "
            "annual meeting of the Network.",
            "fr": "Les États Membres sont encouragés à envoyer des délégations de niveau des "
            "capitales à la réunion annuelle du Réseau de 2027.",
            "es": "Se alienta a los Estados Miembros a enviar delegaciones a nivel de las "
            "capitales a la reunión anual de la Red de 2027.",
        },
    }
    kept = [r for r in base["recommendations"] if r["id"] != "P1"]
    later = {
        **base,
        "id": LATER_SET,
        "about": "A set for tests.",
        "of": {"en": "of the 2026 meeting", "fr": "de la réunion de 2026",
               "es": "de la reunión de 2026"},
        "follows": DEFAULT_SET,
        "retired": {"P1": "The 2019 annual meeting in Windhoek has been held."},
        "editorial": [],
        "recommendations": [*kept[:8], added, *kept[8:]],
    }  # fmt: skip
    read, names = recommendations._read, recommendations.set_names
    text = json.dumps(later)
    monkeypatch.setattr(recommendations, "_read", lambda n: text if n == LATER_SET else read(n))
    monkeypatch.setattr(recommendations, "set_names", lambda: [*names(), LATER_SET])
    recommendations.recommendation_set.cache_clear()
    yield recommendations.recommendation_set(LATER_SET)
    recommendations.recommendation_set.cache_clear()


async def complete_review(client: Client, store: Store, cycle: str, member: str) -> ReviewSummary:
    """One review driven to completed: its self-assessment, every peer review, the answers,
    the secretariat's approval; returns the review's result."""
    state = await at_stage(client, cycle, member, Stage.SELF_ASSESSMENT)
    await submit_sa(client, store, cycle, member)
    await at_stage(client, cycle, member, Stage.PEER_REVIEW)
    for slot in state.reviewers:
        await submit_pr(client, store, cycle, member, slot.member)
    await answer_all(client, store, cycle, member)
    await at_stage(client, cycle, member, Stage.SIGN_OFF)
    approve = SignOff(actor=store.people.actor(SECRETARIAT), decision=Decision.APPROVE)
    await steps.review_step(client, store, cycle, member, "sign_off", approve)
    workflow_id = contract.review_workflow_id(cycle, member)
    return await client.get_workflow_handle(workflow_id, result_type=ReviewSummary).result()


def auditor_env(
    tmp: Path, store: Store, client: Client, **more: str | None
) -> dict[str, str | None]:
    """The environment of the auditor's command line against this store and server (the
    auditor named, no token saved); ``more``: other variables."""
    return {
        "NAPREVIEW_HOME": str(tmp),
        "NAPREVIEW_DATABASE_URL": store.engine.url.render_as_string(hide_password=False),
        "NAPREVIEW_TEMPORAL_ADDRESS": client.service_client.config.target_host,
        "NAPREVIEW_USER": AUDITOR,
        "NAPREVIEW_TOKEN": None,
        **more,
    }
