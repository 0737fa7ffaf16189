"""Issue #21 part C in Debian's Chromium, as people would use it: a monitoring framework added
and downloaded under its own name, a conversation between the member, a reviewer and the
secretariat (an auditor reads it and writes nothing), search by name, the cycle's spreadsheets
opened as a person would open them, a letter downloaded as a PDF and printed whole, and a deputy
focal point designated on the People page who then acts, named as themselves.

Each new piece of a page is photographed in English, French and Spanish (tests/screenshots/,
"extras-<language>-<piece>.png"); axe-core finds no serious violation on any of them."""

from __future__ import annotations

import asyncio
import io
import math
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from napreview.i18n.translator import translator
from napreview.schemas.examples import example_peer_review
from napreview.schemas.review import Stage

from ..helpers import (
    AUDITOR,
    SECRETARIAT,
    answer_all,
    at_stage,
    fp,
    state_when,
    submit_pr,
    submit_sa,
)
from .browser import serious_violations, signed_in
from .conftest import SCREENSHOTS
from .test_access import _cycle
from .test_browser import PDF, _fill_self_assessment, _mark_every_recommendation

LANGUAGES = ("en", "fr", "es")
DEPUTY = "adjointe.deu@example.org"
DEPUTY_PASSWORD = "deputy-of-germany-2027"


def _framework() -> bytes:
    """A monitoring framework as people send it: a real spreadsheet."""
    book = Workbook()
    book.active.append(["Indicateur", "Cible 2025"])
    book.active.append(["Femmes dans les négociations de paix", "30 %"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _in_every_language(  # type: ignore[no-untyped-def]
    page, env, email: str, piece: str, shown: Callable[[], Awaitable[object]] | None = None
) -> list[str]:
    """Photograph ``piece`` (a CSS selector, or "page") as ``email`` reads it in each language,
    and return axe's serious findings; the person is left reading English."""
    problems: list[str] = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^a-z0-9]+", "-", piece.lower()).strip("-")
    for language in LANGUAGES:
        env.accounts.set_language(email, language)
        await page.reload()
        if shown is not None:
            await shown()
        path = SCREENSHOTS / f"extras-{language}-{_slug(page.url)}-{name}.png"
        if piece == "page":
            await page.screenshot(path=str(path), full_page=True)
        else:
            await page.locator(piece).screenshot(path=str(path))
        problems += await serious_violations(page)
    env.accounts.set_language(email, "en")
    await page.reload()
    return problems


async def _letter_of_kind(env, cycle: str, recipient: str, kind: str):  # type: ignore[no-untyped-def]
    """The letter of ``kind`` to ``recipient`` in the cycle, once its workflow has stored it."""
    for _ in range(200):
        found = env.store.letters.list(cycle=cycle, kind=kind, recipient=recipient)
        if found:
            return found[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no {kind} letter to {recipient}")


def _slug(url: str) -> str:
    path = re.sub(r"^https?://[^/]+", "", url).split("?")[0].split("#")[0]
    parts = [p for p in path.split("/") if p and not re.fullmatch(r"[0-9a-f-]{6,}|20\d\d.*", p)]
    return "-".join(parts) or "home"


async def test_a_monitoring_framework_and_a_conversation_in_a_browser(portal_env, browser):
    env = portal_env
    cycle, reviewers, _ = await _cycle(env)
    for email in (fp("DEU"), fp(reviewers[0])):
        env.accounts.set_language(email, "en")
    review = f"/reviews/{cycle}/DEU"

    # --- the member adds its monitoring framework; it downloads under the name it was given ---
    deu = await signed_in(browser, env.url, fp("DEU"))
    await deu.goto(review)
    await deu.select_option("#attach-kind", "monitoring_framework")
    framework = _framework()
    name = "Cadre de suivi — PAN Sénégal 2025.xlsx"
    await deu.set_input_files(
        "#attach-file",
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": framework}],
    )
    await deu.get_by_role("button", name="Add the document").click()
    await deu.wait_for_url(f"**{review}?done=attach#files")
    row = deu.locator("#files tbody tr", has_text=name)
    assert "monitoring framework" in (await row.inner_text()).lower()
    async with deu.expect_download() as started:
        await row.get_by_role("link", name=name).click()
    download = await started.value
    assert download.suggested_filename == name
    assert Path(await download.path()).read_bytes() == framework
    problems = await _in_every_language(deu, env, fp("DEU"), "#files")

    # --- the member writes, a reviewer answers, the secretariat reads both and writes too ---
    await deu.fill("#comment-text", "Le cadre de suivi est joint : voir l'onglet « Cibles ».")
    await deu.get_by_role("button", name="Post the comment").click()
    await deu.wait_for_url(f"**{review}?done=comment#conversation")
    reviewer = await signed_in(browser, env.url, fp(reviewers[0]))
    # The reviewer was told by letter (stored, then delivered from the outbox).
    told = await _letter_of_kind(env, cycle, fp(reviewers[0]), "comment")
    await reviewer.goto("/letters")
    await reviewer.locator(f'main a[href="/letters/{told.id}"]').click()
    assert "onglet « Cibles »" in await reviewer.locator("pre.letter-print").inner_text()
    problems += await _in_every_language(reviewer, env, fp(reviewers[0]), "main")
    await reviewer.goto(review)
    thread = reviewer.locator("#conversation ol.thread > li")
    assert await thread.count() == 1
    assert fp("DEU") in await thread.first.inner_text()
    await reviewer.fill("#comment-text", "Thank you: is the 30 % target for 2025 or 2027?")
    await reviewer.get_by_role("button", name="Post the comment").click()
    await reviewer.wait_for_url(f"**{review}?done=comment#conversation")
    sec = await signed_in(browser, env.url, SECRETARIAT)
    await sec.goto(review)
    texts = await sec.locator("#conversation ol.thread > li").all_inner_texts()
    assert len(texts) == 2
    assert fp("DEU") in texts[0] and "onglet « Cibles »" in texts[0]
    assert fp(reviewers[0]) in texts[1] and "2025 or 2027?" in texts[1]
    assert await sec.locator("#comment-text").count() == 1  # the secretariat may answer
    problems += await _in_every_language(sec, env, SECRETARIAT, "#conversation")

    # --- the auditor reads the thread and has nothing to write with ---
    auditor = await signed_in(browser, env.url, AUDITOR)
    await auditor.goto(review)
    assert await auditor.locator("#conversation ol.thread > li").count() == 2
    assert await auditor.locator("#conversation form").count() == 0
    assert await auditor.locator("#attach").count() == 0
    for page in (deu, reviewer, sec, auditor):
        await page.context.close()
    assert problems == []


async def test_search_and_the_cycle_spreadsheets_in_a_browser(portal_env, browser):
    env = portal_env
    cycle, reviewers, outsider = await _cycle(env)
    # Germany's review reaches its answers, so the recommendations have something to show.
    await submit_sa(env.client, env.store, cycle, "DEU")
    await at_stage(env.client, cycle, "DEU", Stage.PEER_REVIEW)
    for reviewer in reviewers:
        await submit_pr(env.client, env.store, cycle, "DEU", reviewer)
    await answer_all(env.client, env.store, cycle, "DEU")

    # --- Germany's focal point finds its review by the French name, not another's ---
    env.accounts.set_language(fp("DEU"), "en")
    deu = await signed_in(browser, env.url, fp("DEU"))
    await deu.get_by_role("link", name="Search").click()
    await deu.fill("#q", "Allemagne")
    await deu.get_by_role("button", name="Search").click()
    await deu.wait_for_url("**/search?q=Allemagne")
    assert await deu.locator(f'main a[href="/reviews/{cycle}/DEU"]').count() == 1
    problems = await _in_every_language(deu, env, fp("DEU"), "page")
    await deu.fill("#q", outsider)
    await deu.get_by_role("button", name="Search").click()
    await deu.wait_for_url(f"**/search?q={outsider}")
    assert await deu.locator(f'main a[href="/reviews/{cycle}/{outsider}"]').count() == 0

    # --- the secretariat downloads both spreadsheets and opens them ---
    sec = await signed_in(browser, env.url, SECRETARIAT)
    await sec.goto(f"/cycles/{cycle}")
    problems += await _in_every_language(sec, env, SECRETARIAT, "#exports")

    async def sheet(link: str) -> list[tuple]:
        async with sec.expect_download() as started:
            await sec.get_by_role("link", name=link).click()
        download = await started.value
        assert download.suggested_filename.endswith(".xlsx")
        book = load_workbook(io.BytesIO(Path(await download.path()).read_bytes()))
        return list(book.active.iter_rows(values_only=True))

    status = await sheet("where each review stands (Excel)")
    header, rows = status[0], {r[0]: dict(zip(status[0], r, strict=True)) for r in status[1:]}
    assert header[:3] == ("Code", "Member", "Stage")  # in the reader's words
    en = translator("en")
    assert rows["DEU"]["Member"] == "Germany"
    assert rows["DEU"]["Stage"] in (en.term("stage", "cedaw_check"), en.term("stage", "sign_off"))
    assert sorted(rows["DEU"]["Reviewers"].split(", ")) == sorted(map(en.member_name, reviewers))
    assert rows[outsider]["Stage"] == en.term("stage", "self_assessment")

    answers = await sheet("the recommendations and their answers (Excel)")
    of_germany = [dict(zip(answers[0], r, strict=True)) for r in answers[1:] if r[0] == "DEU"]
    assert len(of_germany) == 2 * len(reviewers)
    first = next(
        r for r in of_germany if r["Reviewer"] == en.member_name(reviewers[0]) and r["Number"] == 1
    )
    assert first["Recommendation"] == example_peer_review().recommendations[0]
    assert first["Answer"] == en.term("response", "supported")
    await deu.context.close()
    await sec.context.close()
    assert problems == []


async def test_a_letter_downloaded_as_a_pdf_and_printed_whole(portal_env, browser):
    env = portal_env
    cycle, _, _ = await _cycle(env)
    await state_when(env.client, cycle, "DEU", lambda s: bool(s.letters))
    env.accounts.set_language(fp("DEU"), "en")
    letter = next(
        summary
        for summary in env.store.letters.list(cycle=cycle, member="DEU")
        if summary.recipient == fp("DEU")
    )
    body = env.store.letters.get(letter.id).body_text
    deu = await signed_in(browser, env.url, fp("DEU"))
    await deu.goto(f"/letters/{letter.id}")
    problems = await _in_every_language(deu, env, fp("DEU"), "p.downloads")

    async with deu.expect_download() as started:
        await deu.get_by_role("link", name="Download (PDF)").click()
    download = await started.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(await download.path()).read_bytes().startswith(b"%PDF-")

    # Printed: the frame (cut at its height on paper) gives way to the whole text, unclipped.
    await deu.emulate_media(media="print")
    assert not await deu.locator("iframe.letter").is_visible()
    assert not await deu.locator("header nav").first.is_visible()
    printed = deu.locator("pre.letter-print")
    assert await printed.is_visible()
    assert _words(await printed.inner_text()) == _words(body)
    assert await printed.evaluate("e => e.scrollHeight <= e.clientHeight + 1")
    # On paper, as many A4 pages as the whole text needs (at 96 px to the inch, 1,123 px each).
    height = await printed.evaluate("e => e.getBoundingClientRect().height")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", await deu.pdf(format="A4")))
    assert pages >= max(1, math.ceil(height / 1123)), (pages, height)
    await deu.screenshot(path=str(SCREENSHOTS / "extras-en-letter-printed.png"), full_page=True)
    await deu.context.close()
    assert problems == []


def _words(text: str) -> list[str]:
    return text.split()


async def test_a_deputy_designated_on_the_people_page_acts_as_themselves(portal_env, browser):
    env = portal_env
    cycle, _, _ = await _cycle(env)
    env.accounts.set_language(SECRETARIAT, "en")
    sec = await signed_in(browser, env.url, SECRETARIAT)
    await sec.goto("/people")
    await sec.select_option("#dep-member", "DEU")
    await sec.fill("#dep-name", "Anna Schmidt")
    await sec.fill("#dep-email", DEPUTY)
    await sec.locator("#deputy").get_by_role("button", name="Designate").click()
    await sec.wait_for_url("**/people?done=*")
    problems = await _in_every_language(sec, env, SECRETARIAT, "#deputy")
    env.accounts.set_password(DEPUTY, DEPUTY_PASSWORD)
    env.accounts.set_language(DEPUTY, "en")

    # --- the deputy signs in and submits Germany's self-assessment ---
    deputy = await signed_in(browser, env.url, DEPUTY, password=DEPUTY_PASSWORD)
    await deputy.locator(f'main a[href="/reviews/{cycle}/DEU/self-assessment"]').click()
    await deputy.fill("#f-nap-iteration", "2")
    await deputy.fill("#f-nap-title", "Action Plan of the Federal Government 2017-2020")
    await _fill_self_assessment(deputy)
    await _mark_every_recommendation(deputy)
    await deputy.set_input_files(
        "#nap_pdf", files=[{"name": "nap.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    await deputy.get_by_role("button", name="Submit the self-assessment").click()
    await deputy.get_by_role("button", name="Yes, submit the self-assessment").click()
    await deputy.wait_for_url(f"**/reviews/{cycle}/DEU?done=self_assessment")
    await at_stage(env.client, cycle, "DEU", Stage.PEER_REVIEW)

    # --- the timeline names the deputy, not the focal point ---
    await deputy.goto(f"/reviews/{cycle}/DEU/timeline")
    submitted = deputy.locator("table.timeline tbody tr", has_text="self-assessment").filter(
        has_text=DEPUTY
    )
    assert await submitted.count() >= 1
    assert "deputy focal point of DEU" in await submitted.first.inner_text()
    problems += await _in_every_language(deputy, env, DEPUTY, "table.timeline")
    await sec.context.close()
    await deputy.context.close()
    assert problems == []
