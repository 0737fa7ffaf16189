"""A refusal in the reader's language (i18n/refusals.py): rendered from its code, the members
named with their article and contractions, stages and roles in words, dates as the language
writes them; English readers, and refusals recorded before codes existed, read the English as
it was recorded. The portal's review page and the timeline say refusals so."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio.exceptions import ApplicationError

from napreview.audit.model import StoredRefusal
from napreview.audit.timeline import build_timeline
from napreview.audit.words import localized, summarize
from napreview.i18n.translator import translator
from napreview.schemas.refusals import Param, Reason
from napreview.services.steps import refusal_of

from ..workflows.test_replay import load

NB, NNB = "\u00a0", "\u202f"


def said(language: str, code: str, english: str = "", **params: Param) -> str:
    return translator(language).refusal(english, code, params)


def test_a_refusal_names_the_member_in_its_grammatical_form():
    stage = {"stage": "peer_review", "stages": ["self_assessment"]}
    assert said("fr", "wrong_stage", member="DEU", **stage) == (
        f"L'examen de l'Allemagne en est à l'étape «{NB}examen par les pairs{NB}», et non à "
        f"l'étape «{NB}auto-évaluation{NB}»."
    )
    assert said("es", "wrong_stage", member="PER", **stage) == (
        "El examen del Perú está en la etapa «examen entre pares», no en la etapa «autoevaluación»."
    )
    # contractions and plural names: du Sénégal, les Pays-Bas, al Senegal, los Países Bajos
    assert said("fr", "peer_review_in", member="SEN", reviewer="NLD") == (
        "L'examen du Sénégal réalisé par les Pays-Bas a déjà été remis."
    )
    assert said("es", "not_reviewer_of", member="NLD", reviewer="SEN") == (
        "Los examinadores de los Países Bajos no incluyen al Senegal."
    )
    assert said("fr", "substitution_used", member="PHL") == (
        "L'unique substitution d'examinateur accordée aux Philippines a déjà été utilisée."
    )


def test_roles_dates_and_the_acting_person_are_said_in_the_language():
    acting = {"actor_role": "focal_point", "actor_member": "FRA"}
    assert said("fr", "wrong_role", roles=["secretariat", "auditor"], **acting) == (
        f"Vous agissez en tant que point focal de la France{NNB}; cette étape ne peut être "
        f"effectuée que par{NB}: secrétariat ou auditeur."
    )
    assert said("es", "not_own_focal_point", member="MEX", actor_role="secretariat") == (
        "Usted actúa como la secretaría; solo el punto focal de México puede realizar este paso."
    )
    closed = {"member": "BEL", "cycle": "2027", "outcome": "completed", "on": "2027-03-01"}
    assert said("fr", "review_closed", **closed) == (
        f"L'examen de la Belgique du cycle 2027 a été approuvé le 1er mars 2027{NNB}; plus rien "
        "ne peut y être modifié."
    )
    assert said("es", "review_closed", **closed) == (
        "El examen de Bélgica del ciclo 2027 fue aprobado el 1 de marzo de 2027; ya no puede "
        "modificarse nada."
    )


def test_english_readers_and_refusals_without_a_code_read_the_recorded_english():
    recorded = "You act as the focal point of FRA; only the secretariat may take this step."
    params = {"actor_role": "focal_point", "actor_member": "FRA", "roles": ["secretariat"]}
    assert said("en", "wrong_role", recorded, **params) == recorded
    assert said("fr", "", recorded) == recorded  # recorded before refusals had codes
    assert said("fr", "a_code_of_a_later_version", recorded) == recorded
    # without the recorded English, English is rendered from the code too
    assert said("en", "wrong_role", **params) == (
        "You act as the focal point of France; only the secretariat may take this step."
    )


def test_a_step_refused_by_a_review_carries_its_code_to_the_portal():
    reason = Reason(code="decision_taken")
    sent = ApplicationError("A decision …", reason.model_dump(mode="json"), type="Refused")
    assert refusal_of(sent) == reason
    older = ApplicationError("An older review's refusal", type="Refused")
    assert refusal_of(older) == "An older review's refusal"


def test_the_timeline_says_a_refusal_from_its_code():
    history = load("review-withdrawn.json")
    stored = StoredRefusal(
        at=datetime(2000, 1, 1, tzinfo=UTC),  # before the history: merged first
        actor="fp.fra@example.org",
        role="focal_point",
        step="extend",
        reason="You act as the focal point of FRA; only the secretariat may take this step.",
        code="wrong_role",
        params={"actor_role": "focal_point", "actor_member": "FRA", "roles": ["secretariat"]},
    )
    timeline = build_timeline(history, [stored])
    refused = next(e for e in timeline.events if e.detail.get("recorded_in") == "store")
    assert refused.detail["reason"]["code"] == "wrong_role"
    assert refused.summary.endswith(f"— refused: {stored.reason}")  # the English as recorded
    fr = next(e for e in localized(timeline, "fr").events if e.detail.get("recorded_in"))
    assert fr.summary.endswith(
        f"étape refusée{NB}: Vous agissez en tant que point focal de la France{NNB}; cette étape "
        f"ne peut être effectuée que par{NB}: secrétariat."
    )
    older = refused.model_copy(update={"detail": {**refused.detail, "reason": None}})
    assert summarize(older, "es").endswith(f"paso rechazado: {stored.reason}")
