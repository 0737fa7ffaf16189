"""The follow-up's timeline on the portal (issue #22): linked from the follow-up page, read by the
secretariat, auditors and the member's own focal point (in its language), as the review's
timeline is; nobody else, not even the member's reviewers; each read recorded."""

from __future__ import annotations

import html
import io
import zipfile

import pytest

from napreview.schemas.follow_up import ItemStatus, ItemUpdate, ProgressReport
from napreview.services import follow_up
from napreview.services.audit import reads_of
from napreview.services.errors import StepRefused

from ..helpers import AUDITOR, SECRETARIAT, complete_review, fp
from .test_access import _cycle
from .test_follow_up import _drawn


async def test_the_follow_ups_timeline_is_read_like_the_reviews(portal_env, http):
    cycle, reviewers, outsider = await _cycle(portal_env)
    await complete_review(portal_env.client, portal_env.store, cycle, "DEU")
    await _drawn(portal_env, cycle)
    store = portal_env.store
    record = store.follow_ups.get(cycle, "DEU")
    assert record is not None
    key = record.state.items[0].key
    # Another member's focal point tries to change one of Germany's Network recommendations.
    network = next(i.key for i in record.state.items if i.key.startswith("network:"))
    with pytest.raises(StepRefused):
        await follow_up.update_item(
            portal_env.client, store, store.people.actor(fp(outsider)), cycle, "DEU",
            ItemUpdate(key=network, status=ItemStatus.DONE),
        )  # fmt: skip
    body = ProgressReport(updates=[ItemUpdate(key=key, status=ItemStatus.UNDER_WAY)])
    await follow_up.report(
        portal_env.client, store, store.people.actor(fp("DEU")), cycle, "DEU", body
    )
    page = f"/reviews/{cycle}/DEU/follow-up"

    portal_env.accounts.set_language(fp("DEU"), "fr")
    deu = http()
    await deu.sign_in(fp("DEU"))
    assert f'href="{page}/timeline"' in (await deu.get(page)).text  # the link is offered
    shown = await deu.get(f"{page}/timeline")
    assert shown.status_code == 200
    text = html.unescape(shown.text)
    assert "Chronologie du suivi de l'Allemagne" in text
    assert f"Suivi de l'Allemagne (DEU) lancé après son examen du cycle {cycle}" in text
    assert "Rapport d'étape remis, qui modifie 1 recommandation" in text
    number = network.removeprefix("network:")
    assert f"Une modification de la recommandation {number} du Réseau par {fp(outsider)}" in text
    assert "Vérifié de nouveau au regard des règles actuelles du suivi" in text
    assert f'href="{page}/export"' in text
    portal_env.accounts.set_language(fp("DEU"), "en")

    auditor = http()
    await auditor.sign_in(AUDITOR)
    english = html.unescape((await auditor.get(f"{page}/timeline")).text)
    assert "Timeline of the follow-up of Germany" in english
    assert "Progress report sent, changing 1 recommendation by fp.deu@example.org" in english
    assert f"A change to Network recommendation {number} by {fp(outsider)}" in english
    bundle = await auditor.get(f"{page}/export")
    assert bundle.status_code == 200
    assert f"follow-up-{cycle}-DEU-export.zip" in bundle.headers["content-disposition"]
    names = zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()
    assert f"follow-up-{cycle}-DEU/manifest.json" in names
    secretariat = http()
    await secretariat.sign_in(SECRETARIAT)
    assert (await secretariat.get(f"{page}/timeline")).status_code == 200

    # A reviewer reads the follow-up page, not its audit trail; an outsider neither.
    reviewer = http()
    await reviewer.sign_in(fp(reviewers[0]))
    assert f"{page}/timeline" not in (await reviewer.get(page)).text
    stranger = http()
    await stranger.sign_in(fp(outsider))
    for who in (reviewer, stranger):
        for path in (f"{page}/timeline", f"{page}/export"):
            assert (await who.get(path)).status_code == 404, path

    reads = reads_of(store, f"follow-up-{cycle}-DEU")
    assert [(r.email, r.what, r.via) for r in reads] == [
        (fp("DEU"), "timeline", "portal"),
        (AUDITOR, "timeline", "portal"),
        (AUDITOR, "export", "portal"),
        (SECRETARIAT, "timeline", "portal"),
    ]
    refused = [r.step for r in store.refusals.of_review(cycle, "DEU") if r.step.startswith("read")]
    assert refused == ["read_follow_up_audit"] * 4
