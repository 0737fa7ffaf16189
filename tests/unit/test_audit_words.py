"""The timeline in the portal reader's language (issue #8, the timeline's words): the same
events, said in French and Spanish as a native writes them, with the members' names and the
portal's own vocabulary; the digest stays that of the English timeline the export holds.
Offline: recorded histories, replayed without a server."""

from __future__ import annotations

import re

import pytest

from napreview.audit.export import outcomes_of
from napreview.audit.replay import replay
from napreview.audit.signatures import STARTED_BY_NAPREVIEW, check_signatures, judge
from napreview.audit.timeline import Timeline, build_timeline
from napreview.audit.words import describe_step, localized, summarize
from napreview.services.refusals import FOLLOW_UP_STEPS
from napreview.workflows.follow_up_rules import STEPS as FOLLOW_UP_TABLE
from napreview.workflows.review_steps import STEPS

from ..workflows.test_replay import HISTORIES, RECORDED, load

NB = "\u00a0"


async def _timeline(name: str) -> Timeline:
    history = load(name)
    return build_timeline(history, [], (await replay(history)).signals)


def _first(timeline: Timeline, **detail: object) -> str:
    return next(
        e.summary for e in timeline.events if all(e.detail.get(k) == v for k, v in detail.items())
    )


async def test_a_review_said_in_french():
    english = await _timeline("review-completed.json")
    fr = localized(english, "fr")
    assert fr.events[0].summary.startswith("Examen de l'Allemagne (DEU) lancé pour le cycle")
    assert _first(fr, step="submit_self_assessment", outcome="accepted") == (
        "Auto-évaluation remise par fp.deu@example.org (point focal de DEU) — étape acceptée"
    )
    assert _first(fr, step="extend").startswith(
        f"Prolongation du délai de 14{NB}jours (please) par"
    )
    refused = next(e for e in fr.events if e.kind == "refused" and e.detail["via"] == "signal")
    assert f"étape refusée{NB}: " in refused.summary
    # recorded when history named the recipient by address; later ones name the member
    assert _first(fr, kind="invitation").startswith(
        f"Lettre «{NB}invitation{NB}» enregistrée pour fp.deu@example.org, échéance le 27 "
        "janvier 2027 (SHA-256 "
    )
    timer = next(e.summary for e in fr.events if e.kind == "timer_set")
    assert re.fullmatch(
        r"Prochain rappel ou prochaine échéance fixé au \d+ \w+ \d{4} à \d\d:\d\d UTC",
        timer,
    ), timer
    assert _first(fr, stage="peer_review", round=1) == f"Étape{NB}: examen par les pairs (tour 1)"
    assert _first(fr, decision="approve").startswith(f"Validation{NB}: approbation")


async def test_a_review_said_in_spanish():
    es = localized(await _timeline("review-completed.json"), "es")
    assert es.events[0].summary.startswith("Examen de Alemania (DEU) iniciado en el ciclo")
    assert _first(es, step="submit_self_assessment", outcome="accepted") == (
        "Autoevaluación presentada por fp.deu@example.org (punto focal de DEU) — paso aceptado"
    )
    assert _first(es, step="extend").startswith(f"Prórroga del plazo de 14{NB}días (please) por")
    cedaw = next(e.summary for e in es.events if e.kind == "cedaw")
    assert cedaw.startswith("Verificación del vínculo con la CEDAW: ")
    letter = next(e.summary for e in es.events if e.kind == "letter")
    assert "plazo hasta el 27 de enero de 2027" in letter


@pytest.mark.parametrize("name", RECORDED)
@pytest.mark.parametrize("lang", ["fr", "es"])
async def test_every_event_of_every_recorded_history_has_its_sentence(name, lang):
    english = await _timeline(name)
    other = localized(english, lang)
    assert other.sha256 == english.sha256  # the digest is the English timeline's
    for ours, theirs in zip(english.events, other.events, strict=True):
        assert ours.model_dump(exclude={"summary"}) == theirs.model_dump(exclude={"summary"})
        assert theirs.summary and not re.search(r"[{}]", theirs.summary), theirs.summary
        if ours.kind in ("started", "stage", "letter", "step", "refused", "decision"):
            assert theirs.summary != ours.summary, theirs.summary


def test_an_unknown_language_falls_back_to_english():
    history = load("review-withdrawn.json")
    timeline = build_timeline(history)
    assert localized(timeline, "de") is timeline
    assert summarize(timeline.events[0], "de") == timeline.events[0].summary


def test_recorded_histories_are_those_of_test_replay():
    assert all((HISTORIES / name).is_file() for name in RECORDED)


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("step", sorted(STEPS))
def test_every_step_of_the_table_has_words_in_the_timeline(step, language):
    """A step added to the table of steps (workflows/review_steps.STEPS) must be said in the
    auditor's words in every language, never as 'a step napreview does not have'."""
    command = {"reviewer": "FRA", "key_id": "k2027", "reason": "a reason", "decision": "approve"}
    said = describe_step(step, command, language)
    unknown = describe_step("no_such_step", command, language)
    assert said != unknown and step not in said, said


# --------------------------------------------------------------------------- a follow-up

FOLLOW_UP = "follow-up-2026-12-04/follow-up-closed.json"


async def test_a_recorded_follow_up_is_said_like_a_review_and_its_signatures_hold():
    """The follow-up a review's approval started (recorded under patch 'follow-up'): one reader
    and timeline builder, the same words in three languages, every signed step re-checked."""
    history = load(FOLLOW_UP)
    report = await replay(history)
    assert report.deterministic, report.error
    signatures = check_signatures(history.workflow_id, history.events)
    english = build_timeline(history, [], report.signals, signatures=signatures)
    verdict = judge(signatures, outcomes_of(english))
    assert verdict.ok and verdict.signed == verdict.holding == 3
    assert signatures.start == STARTED_BY_NAPREVIEW  # the approved review's own child
    assert english.events[0].summary.startswith("Follow-up of Germany (DEU) started after its")
    assert english.events[-1].summary == (
        "Follow-up closed, every recommendation done or no longer pursued, after 1 progress report"
    )
    fr, es = localized(english, "fr"), localized(english, "es")
    assert fr.events[0].summary.startswith("Suivi de l'Allemagne (DEU) lancé après son examen")
    assert es.events[0].summary.startswith("Seguimiento de Alemania (DEU) iniciado tras su examen")
    assert _first(fr, step="acknowledge_report").startswith(
        "Accusé de réception du rapport d'étape nº 1 («\u00a0Thanks.\u00a0») par "
    )
    assert "(«Thanks.») por " in _first(es, step="acknowledge_report")
    assert _first(es, stage="follow_up_closed") == "Etapa: seguimiento cerrado"
    for ours, theirs in zip(english.events, fr.events, strict=True):
        assert theirs.summary and not re.search(r"[{}]", theirs.summary), theirs.summary
        if ours.kind in ("started", "items_drawn", "stage", "step", "completed"):
            assert theirs.summary != ours.summary, theirs.summary


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("step", sorted(FOLLOW_UP_STEPS | set(FOLLOW_UP_TABLE)))
def test_every_step_of_a_follow_up_has_words_in_the_timeline(step, language):
    """A follow-up's steps, and those whose refusals its timeline shows, said in words."""
    said = describe_step(step, {"key_id": "k2027"}, language)
    unknown = describe_step("no_such_step", {}, language)
    assert said != unknown and step not in said, said
