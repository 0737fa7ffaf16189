"""Issue #21, nothing irreversible on one click: extending a deadline (one review's, or many
overdue ones at once) and recording the answers to the peer recommendations are asked first on a
page saying what will happen; the first post changes nothing, the confirmation does, and "No, go
back" shows the form again as it was filled in."""

from __future__ import annotations

import html
from datetime import timedelta

from napreview.i18n.translator import translator
from napreview.schemas.review import Stage

from ..helpers import (
    SECRETARIAT,
    answering,
    at_stage,
    fp,
    start_cycle,
    state_when,
)

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN"]


async def test_an_extension_is_asked_first_with_the_new_deadline_in_the_readers_zone(
    portal_env, http
):
    env = portal_env
    cycle = await start_cycle(env.client, env.store, env.settings.task_queue, MEMBERS)
    state = await at_stage(env.client, cycle, "JPN", Stage.SELF_ASSESSMENT)
    assert state.deadline is not None
    env.accounts.set_language(SECRETARIAT, "fr")
    env.store.preferences.set_time_zone(SECRETARIAT, "Africa/Dakar")
    try:
        sec = http()
        await sec.sign_in(SECRETARIAT)
        review = f"/reviews/{cycle}/JPN"
        await sec.get(review)
        typed = {"days": "10", "reason": "Élections au Japon"}
        asked = await sec.post(f"{review}/extend", typed)
        new = translator("fr").deadline(state.deadline.due + timedelta(days=10), "Africa/Dakar")
        said = html.unescape(asked.text.split('id="what-happens"')[1])
        assert asked.status_code == 200 and "repoussé de 10 jours" in said and new in said
        assert "Élections au Japon" in said
        assert not (await at_stage(env.client, cycle, "JPN", Stage.SELF_ASSESSMENT)).extensions

        back = await sec.post(f"{review}/extend", {**typed, "confirmed": "yes", "back": "1"})
        assert back.status_code == 303 and back.headers["location"].endswith("?kept=extend")
        again = html.unescape((await sec.get(back.headers["location"])).text)
        assert 'value="Élections au Japon"' in again and 'value="10"' in again
        assert not (await at_stage(env.client, cycle, "JPN", Stage.SELF_ASSESSMENT)).extensions

        assert (await sec.confirm(asked)).status_code == 303
        done = await state_when(env.client, cycle, "JPN", lambda s: bool(s.extensions))
        assert done.extensions[0].extended_by == timedelta(days=10)
        assert done.extensions[0].new_deadline == state.deadline.due + timedelta(days=10)
    finally:
        env.accounts.set_language(SECRETARIAT, "en")
        env.store.preferences.set_time_zone(SECRETARIAT, None)


async def test_the_answers_are_asked_first_each_recommendation_with_its_answer(portal_env, http):
    env = portal_env
    cycle, state = await answering(env.client, env.store, env.settings.task_queue, MEMBERS)
    env.accounts.set_language(fp("DEU"), "es")
    try:
        deu = http()
        await deu.sign_in(fp("DEU"))
        review = f"/reviews/{cycle}/DEU"
        page = (await deu.get(review)).text
        first, second = (f"{r.member}#1" for r in state.reviewers[:2])
        assert f'name="answer-{first}"' in page
        chosen = {f"answer-{first}": "supported", f"answer-{second}": "noted"}
        asked = await deu.post(f"{review}/respond", chosen)
        said = html.unescape(asked.text.split('id="what-happens"')[1].split("</ul>")[0])
        assert asked.status_code == 200
        words = translator("es")
        assert said.count("<li>") == 2
        assert f"{first}</span>" in said and words.term("response", "supported") in said
        assert f"{second}</span>" in said and words.term("response", "noted") in said
        unanswered = await at_stage(env.client, cycle, "DEU", Stage.PEER_REVIEW)
        assert not unanswered.responses

        back = await deu.post(f"{review}/respond", {**chosen, "confirmed": "yes", "back": "1"})
        assert back.headers["location"].endswith("?kept=respond")
        again = (await deu.get(back.headers["location"])).text
        assert f'name="answer-{first}" value="supported" checked' in again
        assert f'name="answer-{second}" value="noted" checked' in again
        assert not (await at_stage(env.client, cycle, "DEU", Stage.PEER_REVIEW)).responses

        assert (await deu.confirm(asked)).status_code == 303
        answered = await state_when(env.client, cycle, "DEU", lambda s: len(s.responses) == 2)
        assert {k: r.value for k, r in answered.responses.items()} == {
            first: "supported",
            second: "noted",
        }
    finally:
        env.accounts.set_language(fp("DEU"), "en")
