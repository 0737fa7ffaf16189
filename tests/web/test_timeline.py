"""The portal's timeline: a focal point reads its own member's audit trail in its language
(French for France, Spanish for Mexico), and each read is recorded like the command line's
(issue #8 items 7 and 8)."""

from __future__ import annotations

import html

from napreview.schemas.review import Stage
from napreview.services.audit import reads_of

from ..helpers import at_stage, fp, start_cycle

NB = "\u00a0"


async def test_a_focal_point_reads_its_own_timeline_in_its_own_language(portal_env, http):
    cycle = await start_cycle(
        portal_env.client,
        portal_env.store,
        portal_env.settings.task_queue,
        ["FRA", "MEX", "DEU", "NAM"],
    )
    await at_stage(portal_env.client, cycle, "FRA", Stage.SELF_ASSESSMENT)
    await at_stage(portal_env.client, cycle, "MEX", Stage.SELF_ASSESSMENT)

    # As chosen in the header (an earlier test may have chosen another language for them).
    portal_env.accounts.set_language(fp("FRA"), "fr")
    portal_env.accounts.set_language(fp("MEX"), "es")
    france = http()
    await france.sign_in(fp("FRA"))
    page = await france.get(f"/reviews/{cycle}/FRA")
    assert f"/reviews/{cycle}/FRA/timeline" in page.text  # the link is offered
    timeline = await france.get(f"/reviews/{cycle}/FRA/timeline")
    assert timeline.status_code == 200
    text = html.unescape(timeline.text)
    assert f"Examen de la France (FRA) lancé pour le cycle {cycle}" in text
    assert f"Lettre «{NB}invitation{NB}» enregistrée pour le point focal de FRA" in text
    assert "L'empreinte SHA-256 est celle de la chronologie en anglais" in text

    mexico = http()
    await mexico.sign_in(fp("MEX"))
    text = html.unescape((await mexico.get(f"/reviews/{cycle}/MEX/timeline")).text)
    assert "Examen de México (MEX) iniciado en el ciclo" in text
    assert "Carta «invitación» guardada para el punto focal de MEX" in text
    assert (await mexico.get(f"/reviews/{cycle}/FRA/timeline")).status_code == 404

    reads = reads_of(portal_env.store, f"review-{cycle}-FRA")
    assert [(r.email, r.what, r.via) for r in reads] == [(fp("FRA"), "timeline", "portal")]
    refused = [
        r for r in portal_env.store.refusals.of_review(cycle, "FRA") if r.step == "read_audit"
    ]
    assert [r.actor for r in refused] == [portal_env.store.people.actor(fp("MEX")).person_id]
