"""A refused change to a follow-up's item names the item on the follow-up's timeline, as people
know it (the Network recommendation's number, a peer recommendation's number, reviewing member
and wording, the CEDAW gap's code) in en/fr/es; a refusal recorded before items were named, or of a
step that changes no item, is said as before."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from napreview.audit.model import StoredRefusal
from napreview.audit.timeline import build_timeline
from napreview.audit.words import summarize

from ..workflows.test_replay import load

NB = "\u00a0"
FOCAL_POINT = {"actor_role": "focal_point", "actor_member": "FRA", "member": "DEU"}


def refused(step: str, **params: str) -> StoredRefusal:
    return StoredRefusal(
        at=datetime(2000, 1, 1, tzinfo=UTC),  # before the history: merged first
        actor="fp.fra@example.org",
        role="focal_point",
        step=step,
        reason="You act as the focal point of FRA; only the focal point of DEU may take this step.",
        code="not_own_focal_point",
        params={**FOCAL_POINT, **params},
    )


def shown(stored: StoredRefusal, items: dict[str, str] | None = None):
    timeline = build_timeline(load("review-withdrawn.json"), [stored], items=items)
    return next(e for e in timeline.events if e.detail.get("recorded_in") == "store")


@pytest.mark.parametrize(
    ("key", "language", "start"),
    [
        ("network:B4", "en", "A change to Network recommendation B4 by fp.fra@example.org"),
        ("network:B4", "fr", "Une modification de la recommandation B4 du Réseau par"),
        ("network:B4", "es", "Un cambio en la recomendación B4 de la Red por"),
        ("cedaw:GR30-84", "en", "A change to the CEDAW linkage gap GR30-84 by"),
        ("cedaw:GR30-84", "fr", "Une modification de la lacune GR30-84 dans le lien avec la CEDEF"),
        ("cedaw:GR30-84", "es", "Un cambio en la laguna GR30-84 en el vínculo con la CEDAW"),
    ],
)
def test_a_refused_change_names_its_item_in_each_language(key, language, start):
    event = shown(refused("update_item", key=key))
    assert event.detail["item"] == key
    assert summarize(event, language).startswith(start)


def test_a_peer_recommendation_is_named_by_number_reviewer_and_wording():
    wording = "Adopt a budget line for the plan in the next finance law, " + "x" * 80
    event = shown(refused("update_item", key="peer:SEN#2"), {"peer:SEN#2": wording})
    assert summarize(event).startswith(
        "A change to peer recommendation 2 from Senegal "
        "(“Adopt a budget line for the plan in the next finance law, xxxxxxxxxxxxxxxxxxxxxx…”) by"
    )
    assert summarize(event, "fr").startswith(
        f"Une modification de la recommandation des pairs nº 2 du Sénégal («{NB}Adopt a budget"
    )
    assert summarize(event, "es").startswith(
        "Un cambio en la recomendación entre pares núm. 2 del Senegal («Adopt a budget"
    )


def test_a_refused_report_names_the_item_it_was_refused_for():
    event = shown(refused("submit_progress_report", key="network:A2"))
    assert summarize(event).startswith("A progress report changing Network recommendation A2 by")
    assert summarize(event, "es").startswith(
        "Un informe de progreso que modifica la recomendación A2 de la Red por"
    )


def test_a_refusal_without_an_item_is_said_as_before():
    older = shown(refused("update_item"))
    assert "item" not in older.detail
    assert summarize(older).startswith("Change to a recommendation followed by fp.fra@")
    # A review's step with a ``key`` parameter is no follow-up item.
    other = shown(refused("extend", key="network:B4"))
    assert "item" not in other.detail
