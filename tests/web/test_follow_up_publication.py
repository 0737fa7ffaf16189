"""A follow-up made public only with its member's consent (issue #22), over HTTP: the member's
focal point gives consent on a page of its own, with a second step, and withdraws it; the public
page is read without signing in and names no one; without consent it is the 404 of any unknown
page; nobody else decides, and each refusal is recorded."""

from __future__ import annotations

import asyncio

from ..helpers import AUDITOR, SECRETARIAT, fp
from ..published import NARRATIVE_WORD, PERSON, WORDING, published_follow_up


async def test_the_member_publishes_its_follow_up_and_withdraws_it(portal_env, http):
    cycle = await asyncio.to_thread(published_follow_up, portal_env.store)
    page = f"/reviews/{cycle}/DEU/follow-up"
    public = f"/public/follow-ups/{cycle}/DEU"
    anyone = http()
    unknown = await anyone.get(f"/public/follow-ups/{cycle}/XYZ")
    assert unknown.status_code == 404

    def same_as_unknown(answer) -> bool:  # the page names its own address, nothing else differs
        return answer.status_code == 404 and answer.text.replace("/DEU", "/XYZ") == unknown.text

    # Nothing is public by default: the same 404 as an address that names nothing.
    assert same_as_unknown(await anyone.get(public))

    deu = http()
    await deu.sign_in(fp("DEU"))
    assert f'href="{page}/publication"' in (await deu.get(page)).text
    asked = await deu.get(f"{page}/publication")
    assert asked.status_code == 200
    assert "Not public: nothing is published without your consent." in asked.text
    assert "Yes, make the follow-up public" in asked.text
    assert (await anyone.get(public)).status_code == 404  # reading the page publishes nothing

    given = await deu.post(f"{page}/publish")
    assert given.status_code == 303 and given.headers["location"].endswith("?done=published")
    after = await deu.get(given.headers["location"])
    assert "The follow-up is public" in after.text and f'href="{public}"' in after.text
    consents = await asyncio.to_thread(portal_env.store.follow_up_consents.history, cycle, "DEU")
    assert [(c.public, c.by) for c in consents] == [(True, _person_id(portal_env, "DEU"))]

    shown = await anyone.get(public)
    assert shown.status_code == 200
    assert WORDING in shown.text and "under way" in shown.text
    assert "Federal Foreign Office" in shown.text and "31 December 2028" in shown.text
    assert "GR30 para. 33(d)" in shown.text and "SDG target 5.5" in shown.text
    assert 'href="https://example.org/budget-2028"' in shown.text
    assert "Report 1" in shown.text and "acknowledged 8 March 2027" in shown.text
    # No one's name or address, no private document, no comments written to the secretariat.
    for private in ("doc-private-7", PERSON, NARRATIVE_WORD, "@example.org", "Sign out"):
        assert private not in shown.text, private

    withdrawn = await deu.post(f"{page}/unpublish")
    assert withdrawn.status_code == 303
    assert "Consent withdrawn" in (await deu.get(withdrawn.headers["location"])).text
    assert same_as_unknown(await anyone.get(public))
    consents = await asyncio.to_thread(portal_env.store.follow_up_consents.history, cycle, "DEU")
    assert [c.public for c in consents] == [True, False]


async def test_nobody_but_the_members_focal_point_decides(portal_env, http):
    cycle = await asyncio.to_thread(published_follow_up, portal_env.store)
    page = f"/reviews/{cycle}/DEU/follow-up"
    for email in (SECRETARIAT, AUDITOR, fp("MEX")):
        other = http()
        await other.sign_in(email)
        assert (await other.get(f"{page}/publication")).status_code == 404, email
        refused = await other.post(f"{page}/publish")
        assert refused.status_code == 403, email
        assert (await other.post(f"{page}/unpublish")).status_code == 403, email
    assert (
        await asyncio.to_thread(portal_env.store.follow_up_consents.current, cycle, "DEU") is None
    )
    assert (await http().get(f"/public/follow-ups/{cycle}/DEU")).status_code == 404
    recorded = await asyncio.to_thread(portal_env.store.refusals.of_review, cycle, "DEU")
    steps = [(r.role, r.step) for r in recorded]
    # The auditor's changes stop at the door (auditors change nothing); the others are recorded.
    assert ("secretariat", "publish_follow_up") in steps
    assert ("focal_point", "unpublish_follow_up") in steps
    assert all("only the focal point of" in r.reason for r in recorded)

    # A member with no follow-up in this cycle has nothing to publish.
    mex = http()
    await mex.sign_in(fp("MEX"))
    assert (await mex.get(f"/reviews/{cycle}/MEX/follow-up/publication")).status_code == 404
    assert (await mex.post(f"/reviews/{cycle}/MEX/follow-up/publish")).status_code == 404


def _person_id(portal_env, member: str) -> str:
    from napreview.services import users

    return users.actor(portal_env.store, fp(member)).ref
