"""One vocabulary on the portal, and letters that lead to their pages (issue #19).

- Every page a secretariat officer, a focal point and an auditor can reach, in English, French
  and Spanish, during a whole review: no word the glossary sets aside, no English glossary word
  on a French or Spanish page, no member named otherwise than in the names file.
- Each portal link of each letter of a whole review, followed in Chromium by the person the
  letter is addressed to when it arrives, opens the page it names (not the sign-in page, not a
  page not found), with the anchor it points to."""

from __future__ import annotations

import asyncio
import re
from urllib.parse import urlsplit

from napreview.schemas.review import Decision, SignOff, Stage
from napreview.services import steps
from napreview.store.letters import Letter

from ..helpers import (
    AUDITOR,
    SECRETARIAT,
    answer_all,
    at_stage,
    fp,
    start_cycle,
    submit_pr,
    submit_sa,
)
from ..vocabulary import problems
from .browser import signed_in

# A French-, a Spanish- and an English-speaking member, and their reviewers.
MEMBERS = ["SEN", "PER", "NLD", "FRA", "ARG", "KEN", "MLI"]
HREF = re.compile(r'href="(/[^"#?]*)"')
NOT_PAGES = ("/sign-out", "/password", "/static", "/export", "/nap/", ".pdf", ".zip", ".json")


def _worth_reading(path: str, cycle: str) -> bool:
    """A page of this cycle, or one of the portal's own rooms (not another test's cycle)."""
    if any(part in path for part in NOT_PAGES):
        return False
    return path.count("/") == 1 or f"/{cycle}" in path or path.startswith("/letters/")


async def _read_every_page(person, cycle: str, limit: int = 60) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The pages a person reaches from the home page by following links, each read once."""
    seen: dict[str, str] = {}
    waiting = ["/"]
    letters = 0
    while waiting and len(seen) < limit:
        path = waiting.pop(0)
        if path in seen:
            continue
        if path.startswith("/letters/"):
            letters += 1
            if letters > 4:  # every letter page is the same page
                continue
        response = await person.get(path)
        if response.status_code != 200 or "html" not in response.headers.get("content-type", ""):
            continue
        seen[path] = response.text
        waiting += [p for p in HREF.findall(response.text) if _worth_reading(p, cycle)]
    return seen


async def test_every_page_in_every_language_keeps_to_the_glossary_and_the_names_file(
    portal_env, http
):
    env = portal_env
    cycle = await start_cycle(env.client, env.store, env.settings.task_queue, MEMBERS)
    state = await at_stage(env.client, cycle, "SEN", Stage.SELF_ASSESSMENT)
    await submit_sa(env.client, env.store, cycle, "SEN")
    await at_stage(env.client, cycle, "SEN", Stage.PEER_REVIEW)
    for slot in state.reviewers:
        await submit_pr(env.client, env.store, cycle, "SEN", slot.member)
    await answer_all(env.client, env.store, cycle, "SEN")
    await at_stage(env.client, cycle, "SEN", Stage.SIGN_OFF)
    strays: dict[str, list[str]] = {}
    read = 0
    people = (SECRETARIAT, fp("SEN"), fp("PER"), AUDITOR)
    try:
        for email in people:
            for language in ("en", "fr", "es"):
                env.accounts.set_language(email, language)
                person = http()
                await person.sign_in(email)
                pages = await _read_every_page(person, cycle)
                assert len(pages) >= 3, (email, language, list(pages))
                read += len(pages)
                for path, page in pages.items():
                    if found := problems(page, language):
                        strays[f"{email} {language} {path}"] = found
    finally:
        for email in people:
            env.accounts.set_language(email, "en")
    assert read >= 60
    assert not strays, "\n".join(f"{where}: {found}" for where, found in strays.items())


async def _new_letters(store, cycle: str, seen: set[str], timeout: float = 30.0) -> list[Letter]:  # type: ignore[no-untyped-def]
    """The letters of the cycle written since ``seen``, once their writing has settled."""
    found: list[Letter] = []
    for _ in range(int(timeout / 0.25)):
        now = await asyncio.to_thread(store.letters.with_bodies, cycle)
        fresh = [letter for letter in now if letter.id not in seen]
        if fresh and len(fresh) == len(found):
            break
        found = fresh
        await asyncio.sleep(0.25)
    seen.update(letter.id for letter in found)
    return found


PORTAL_LINK = re.compile(r"https?://[^\s<>\"')]+")


async def test_each_portal_link_of_a_letter_opens_the_page_it_names(portal_env, browser):
    env = portal_env
    cycle = await start_cycle(env.client, env.store, env.settings.task_queue, MEMBERS)
    pages: dict[str, object] = {}
    seen: set[str] = set()
    followed: list[str] = []
    problems_found: list[str] = []

    async def follow(letters: list[Letter]) -> None:
        for letter in letters:
            if letter.member_code != "SEN":
                continue
            reader = fp(letter.recipient_member) if letter.recipient_member else SECRETARIAT
            if reader not in pages:
                env.accounts.set_language(reader, "en")
                pages[reader] = await signed_in(browser, env.url, reader)
            page = pages[reader]
            for link in sorted(set(PORTAL_LINK.findall(letter.body_text))):
                where = urlsplit(link)
                response = await page.goto(where.path)  # type: ignore[attr-defined]
                said = f"{letter.kind} to {reader}: {link}"
                followed.append(said)
                landed = urlsplit(page.url).path  # type: ignore[attr-defined]
                if response is None or response.status != 200 or landed != where.path:
                    problems_found.append(f"{said} -> {landed} ({response and response.status})")
                    continue
                if where.fragment and not await page.locator(f"#{where.fragment}").count():  # type: ignore[attr-defined]
                    problems_found.append(f"{said}: no #{where.fragment} on the page")
                heading = (await page.locator("h1").first.inner_text()).strip()  # type: ignore[attr-defined]
                if "Senegal" not in heading and "Sénégal" not in heading:
                    problems_found.append(f"{said}: the page is {heading!r}")

    state = await at_stage(env.client, cycle, "SEN", Stage.SELF_ASSESSMENT)
    await follow(await _new_letters(env.store, cycle, seen))  # the invitation
    await submit_sa(env.client, env.store, cycle, "SEN")
    await at_stage(env.client, cycle, "SEN", Stage.PEER_REVIEW)
    await follow(await _new_letters(env.store, cycle, seen))  # the review requests
    for slot in state.reviewers:
        await submit_pr(env.client, env.store, cycle, "SEN", slot.member)
    await follow(await _new_letters(env.store, cycle, seen, timeout=5.0))
    await answer_all(env.client, env.store, cycle, "SEN")
    await at_stage(env.client, cycle, "SEN", Stage.SIGN_OFF)
    await follow(await _new_letters(env.store, cycle, seen, timeout=5.0))
    approve = SignOff(actor=env.store.people.actor(SECRETARIAT), decision=Decision.APPROVE)
    await steps.review_step(env.client, env.store, cycle, "SEN", "sign_off", approve)
    await at_stage(env.client, cycle, "SEN", Stage.COMPLETED)
    await follow(await _new_letters(env.store, cycle, seen))  # the final letter
    for page in pages.values():
        await page.context.close()  # type: ignore[attr-defined]
    kinds = {said.split(" ")[0] for said in followed}
    assert {"invitation", "review_request"} <= kinds, followed
    assert not problems_found, "\n".join(problems_found)
