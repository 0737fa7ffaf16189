"""Property-based tests (hypothesis) of the documents people submit and the command line's
arguments: every invalid input exits 2 naming its field, none reaches Temporal; and whatever
arrives at a review as a signal or an update, however malformed, no workflow task fails.

Bounded so that `make test` stays fast: a fixed number of examples, derandomized (the same
examples on every run, so CI cannot turn red by chance); HYPOTHESIS_PROFILE=explore draws new
ones, more of them.
"""

from __future__ import annotations

import json
import os
import re
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError

from napreview.schemas.examples import example_peer_review, example_self_assessment
from napreview.schemas.refusals import ENGLISH
from napreview.schemas.review import CycleSettings, Stage
from napreview.schemas.text import LONGEST_DURATION
from napreview.services import steps
from napreview.workflows.review_steps import STEPS

from ..conftest import running_worker
from ..helpers import at_stage, fp, handle, start_cycle, state_when, submit_sa
from .test_no_review_stuck import AS_SECRETARIAT, ReachedTemporal, napreview  # noqa: F401

settings.register_profile(
    "napreview",
    max_examples=40,
    deadline=timedelta(seconds=5),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "explore",
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "napreview")

# ------------------------------------------------------------------ invalid documents

Path_ = tuple[str | int, ...]


def leaves(value: Any, at: Path_ = ()) -> list[tuple[Path_, Any]]:
    """Every scalar in a JSON document with its path."""
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in leaves(item, (*at, key))]
    if isinstance(value, list):
        return [found for i, item in enumerate(value) for found in leaves(item, (*at, i))]
    return [(at, value)]


def containers(value: Any, at: Path_ = ()) -> list[Path_]:
    """The path of every object in a JSON document."""
    if isinstance(value, dict):
        return [at] + [p for key, item in value.items() for p in containers(item, (*at, key))]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in containers(item, (*at, i))]
    return []


def put(document: Any, at: Path_, value: Any) -> Any:
    copy = json.loads(json.dumps(document))
    target = copy
    for key in at[:-1]:
        target = target[key]
    target[at[-1]] = value
    return copy


def get(document: Any, at: Path_) -> Any:
    for key in at:
        document = document[key]
    return document


def documents() -> dict[str, Any]:
    from napreview.schemas.network import MEMBERS

    germany = next(m for m in MEMBERS if m.code == "DEU")
    return {
        "self-assessment": example_self_assessment(germany).model_dump(mode="json"),
        "peer-review": example_peer_review().model_dump(mode="json"),
    }


DOCUMENTS = documents()


@st.composite
def broken_documents(draw) -> tuple[str, dict[str, Any], Path_]:
    """A valid example document with one thing wrong, and the path of what is wrong.

    Each change is invalid wherever it lands: a NUL in a text, a text longer than any field
    takes, an object where a value goes, a key no schema knows.
    """
    kind = draw(st.sampled_from(sorted(DOCUMENTS)))
    document = DOCUMENTS[kind]
    how = draw(st.sampled_from(["nul", "too long", "object", "unknown key"]))
    if how == "unknown key":
        at = draw(st.sampled_from(containers(document)))
        key = draw(st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True))
        if key in get(document, at):
            key += "_x"
        return kind, put(document, (*at, key), draw(st.integers())), (*at, key)
    candidates = [(p, v) for p, v in leaves(document) if how != "nul" or isinstance(v, str) and v]
    at, value = draw(st.sampled_from(candidates))
    if how == "nul":
        cut = draw(st.integers(0, len(value)))
        return kind, put(document, at, value[:cut] + "\x00" + value[cut:]), at
    if how == "too long":
        return kind, put(document, at, draw(st.sampled_from("xé✓")) * 20001), at
    return kind, put(document, at, {"value": value}), at


def dotted(at: Path_) -> str:
    return ".".join(str(p) for p in at)


@settings(settings.get_profile(PROFILE))
@given(case=broken_documents())
def test_every_invalid_document_exits_2_naming_its_field(napreview, tmp_path, case):  # noqa: F811
    kind, document, at = case
    path = tmp_path / f"{kind}.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    who = fp("DEU") if kind == "self-assessment" else fp("FRA")
    result = napreview("submit", kind, "2019", "DEU", str(path), "--as", who)
    assert result.exit_code == 2, result.output
    named = [
        line.strip().removeprefix("- ").split(":")[0]
        for line in result.output.splitlines()
        if line.strip().startswith("- ")
    ]
    # The field itself, or the list it is an item of.
    assert any(dotted(at) == n or dotted(at[:-1]) == n for n in named), (named, dotted(at))


# ------------------------------------------------------------------ invalid arguments

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def too_long(duration: str) -> bool:
    return int(duration[:-1]) * UNITS[duration[-1]] > LONGEST_DURATION.total_seconds()


invalid_durations = st.one_of(
    st.from_regex(r"[0-9]{1,7}[smhdw]", fullmatch=True).filter(too_long),
    st.sampled_from(["0d", "0s", "-3d", "3 days", "P3D", "1.5d", "d", "", "9" * 30 + "d"]),
    st.text(max_size=12).filter(lambda t: not any(c.isdigit() for c in t)),
)
invalid_texts = st.one_of(
    st.text(max_size=40).map(lambda t: t + "\x00"),
    st.integers(2001, 4000).map(lambda n: "r" * n),
)


@settings(settings.get_profile(PROFILE))
@given(by=invalid_durations)
def test_every_invalid_duration_exits_2_naming_its_option(napreview, by):  # noqa: F811
    result = napreview(
        "review", "extend", "2019", "DEU", "--by", by, "--reason", "late", *AS_SECRETARIAT
    )
    assert result.exit_code == 2, result.output
    assert "--by" in result.output or "by:" in result.output


@settings(settings.get_profile(PROFILE))
@given(
    option=st.sampled_from(["--self-assessment", "--peer-review", "--sign-off", "--reminder"]),
    value=invalid_durations,
)
def test_every_invalid_cycle_duration_exits_2_naming_it(napreview, option, value):  # noqa: F811
    result = napreview(
        "cycle", "start", "2031", "--members", "DEU,FRA,MEX,NAM", "--chair", "DEU",
        option, value, *AS_SECRETARIAT,
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    field = option.removeprefix("--").replace("-", "_")
    assert option in result.output or f"{field}:" in result.output


@settings(settings.get_profile(PROFILE))
@given(
    command=st.sampled_from(
        [
            ("review", "withdraw", "2019", "DEU", "--reason"),
            ("review", "extend", "2019", "DEU", "--by", "7d", "--reason"),
            ("cycle", "cancel", "2019", "--reason"),
            ("sign-off", "2019", "DEU", "--return", "--comments"),
        ]
    ),
    value=invalid_texts,
)
def test_every_invalid_text_exits_2_naming_its_option(napreview, command, value):  # noqa: F811
    if command[-1] == "--comments" and len(value) <= 20000 and "\x00" not in value:
        value = "c" * 20001
    result = napreview(*command, value, *AS_SECRETARIAT)
    assert result.exit_code == 2, result.output
    field = command[-1].removeprefix("--")
    assert f"{field}:" in result.output


CYCLE_ID = CycleSettings.model_fields["cycle"].metadata[0].pattern


@settings(settings.get_profile(PROFILE))
@given(cycle=st.text(min_size=1, max_size=60).filter(lambda c: not c.startswith("-")))
def test_every_invalid_cycle_id_exits_2_naming_it(napreview, cycle):  # noqa: F811
    if re.fullmatch(CYCLE_ID, cycle):
        return  # a valid id: it goes on (and would reach Temporal)
    result = napreview(
        "cycle", "start", cycle, "--members", "DEU,FRA,MEX,NAM", "--chair", "DEU", *AS_SECRETARIAT
    )
    assert result.exit_code == 2, result.output
    assert "cycle:" in result.output


# ------------------------------------------------------------------ nothing crashes a review


def examples(strategy, count: int) -> list[Any]:
    """Draw examples outside a test (the review is on a live server, driven by asyncio)."""
    drawn: list[Any] = []

    @settings(
        max_examples=count,
        derandomize=PROFILE != "explore",
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def draw(value: Any) -> None:
        drawn.append(value)

    draw()
    return drawn


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def malformed_commands(draw) -> tuple[str, Any]:
    """A step name (known or not) and what it carries: any JSON, bytes, or a real command of the
    secretariat bent out of shape."""
    name = draw(st.sampled_from(sorted(STEPS)) | st.text(min_size=1, max_size=20))
    body = draw(
        st.one_of(
            json_values,
            st.binary(max_size=40),
            st.fixed_dictionaries(
                {
                    "actor": st.fixed_dictionaries(
                        {
                            "person_id": st.text(max_size=12),
                            "role": st.sampled_from(["secretariat", "x"]),
                        }
                    ),
                    "reason": invalid_texts | st.text(max_size=10),
                    "by": st.sampled_from(["P5000D", "P1D", "-P1D", "x", 10**12]),
                    "decision": st.sampled_from(["approve", "maybe", 3]),
                }
            ),
        )
    )
    return name, body


async def test_no_malformed_signal_or_update_crashes_a_review(dev_env, store, tmp_path):
    client = dev_env.client
    sent = examples(malformed_commands(), 40 if PROFILE != "explore" else 300)
    async with running_worker(client, store, tmp_path) as worker:
        cycle = await start_cycle(client, store, worker.task_queue, ["DEU", "FRA", "MEX", "NAM"])
        before = await state_when(client, cycle, "DEU", lambda s: s.letters)
        review = handle(client, cycle, "DEU")
        for name, body in sent:
            await review.signal(name, body)
        refused_updates = 0
        for name, body in sent[:10]:
            try:
                await review.execute_update(f"do_{name}", body)
            except WorkflowUpdateFailedError:
                refused_updates += 1
            except Exception as err:  # an unknown update name, told apart below
                assert "not found" in str(err).lower() or "unknown" in str(err).lower(), err
                refused_updates += 1
        state = await steps.review_state(client, cycle, "DEU")
        # Everything refused, each signal recorded (actor, step, reason and its code; never the
        # payload).
        assert refused_updates == 10
        assert state.stage is before.stage and state.letters == before.letters
        assert len(state.rejected) == len(sent)
        for refusal in state.rejected:
            assert set(refusal.model_dump()) == {"at", "actor", "step", "reason", "code", "params"}
            assert refusal.code in ENGLISH
        # The review still works: the real self-assessment is taken.
        await submit_sa(client, store, cycle, "DEU")
        await at_stage(client, cycle, "DEU", Stage.PEER_REVIEW)
        history = await review.fetch_history()
    failed = [
        e for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    ]
    assert not failed, failed[0].workflow_task_failed_event_attributes.failure.message
