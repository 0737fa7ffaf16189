"""Issue #21 in Debian's Chromium: Enter in a text box submits nothing, every step that cannot
be undone is confirmed on a page saying what will happen, numbers are read as each language
writes them and shown back, a form sent after the session ended keeps everything typed, and every
page fits a 390 px phone. Screenshots in English, French and Spanish of each new piece."""

from __future__ import annotations

from urllib.parse import parse_qs

from napreview.schemas.review import Stage

from ..helpers import AUDITOR, SECRETARIAT, at_stage, complete_review, fp, start_cycle
from .browser import serious_violations, shoot, signed_in
from .test_browser import _fill_self_assessment, _mark_every_recommendation

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN", "ESP"]
PHONE = {"width": 390, "height": 844}


def _posted_actions(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Every form the page posts, by its action field, as the browser sends them."""
    actions: list[str] = []

    def seen(request) -> None:  # type: ignore[no-untyped-def]
        if request.method == "POST" and "multipart" not in (
            request.headers.get("content-type") or ""
        ):
            actions.extend(parse_qs(request.post_data or "").get("action", ["(step)"]))
        elif request.method == "POST":
            body = request.post_data_buffer or b""
            for action in ("submit", "draft", "autosave", "confirm", "upload"):
                if f'name="action"\r\n\r\n{action}\r\n'.encode() in body:
                    actions.append(action)

    page.on("request", seen)
    return actions


async def _fill_whole(page) -> None:  # type: ignore[no-untyped-def]
    await page.fill("#f-nap-iteration", "2")
    await page.fill("#f-nap-title", "National Action Plan 2024-2028")
    await _fill_self_assessment(page)
    await _mark_every_recommendation(page)


async def _in(env, browser, member: str, language: str):  # type: ignore[no-untyped-def]
    env.accounts.set_language(fp(member), language)
    return await signed_in(browser, env.url, fp(member))


async def test_enter_the_confirmation_and_numbers_in_three_languages(portal_env, browser):
    env, problems = portal_env, []
    cycle = await start_cycle(env.client, env.store, env.settings.task_queue, MEMBERS)
    await at_stage(env.client, cycle, "DEU", Stage.SELF_ASSESSMENT)

    # --- English: Enter submits nothing; "4.500" is refused with both readings ---
    deu = await _in(env, browser, "DEU", "en")
    posted = _posted_actions(deu)
    await deu.goto(f"/reviews/{cycle}/DEU/self-assessment")
    await _fill_whole(deu)
    await deu.fill("#f-nap-budget-amount", "4.500")
    for field in ("#f-nap-title", "#f-nap-budget-amount", "#f-nap-lead_agency"):
        await deu.focus(field)
        await deu.keyboard.press("Enter")
    await deu.get_by_role("button", name="Save the draft").click()
    await deu.locator("#draft-saved").wait_for()
    assert "submit" not in posted and "draft" in posted, posted  # Enter sent nothing
    await deu.get_by_role("button", name="Submit the self-assessment").click()
    error = deu.locator("#f-nap-budget-amount-error")
    assert "write 4,500 if you mean thousands, or 4.5" in await error.inner_text()
    assert await deu.input_value("#f-nap-budget-amount") == "4.500"  # kept as typed
    await shoot(deu, "en-number-ambiguous")
    problems += await serious_violations(deu)

    # the number written the English way is shown back before anything is submitted
    await deu.fill("#f-nap-budget-amount", "4,500,000")
    await deu.get_by_role("button", name="Submit the self-assessment").click()
    await deu.get_by_role("heading", name="Submit the self-assessment of Germany?").wait_for()
    read = deu.locator("table.numbers tr", has_text="Amount")
    assert "4,500,000" in await read.inner_text()
    await shoot(deu, "en-confirm-self-assessment")
    problems += await serious_violations(deu)
    await deu.get_by_role("link", name="No, go back").click()
    assert await deu.input_value("#f-nap-budget-amount") == "4,500,000"
    assert not (await at_stage(env.client, cycle, "DEU", Stage.SELF_ASSESSMENT)).self_assessments
    await deu.get_by_role("button", name="Submit the self-assessment").click()
    await deu.get_by_role("button", name="Yes, submit the self-assessment").click()
    await deu.wait_for_url(f"**/reviews/{cycle}/DEU?done=self_assessment")
    state = await at_stage(env.client, cycle, "DEU", Stage.PEER_REVIEW)
    stored = env.store.documents.get(state.self_assessments[-1].id)
    assert stored.body["nap"]["budget"]["amount"] == 4_500_000  # as read and shown, not 4.5

    # --- French: "4.500.000.000" says what it would mean; spaces group thousands ---
    fra = await _in(env, browser, "FRA", "fr")
    await fra.goto(f"/reviews/{cycle}/FRA/self-assessment")
    await _fill_whole(fra)
    await fra.fill("#f-nap-budget-amount", "4.500.000.000")
    await (
        fra.get_by_role("button", name="Soumettre l’auto-évaluation")
        .or_(fra.locator("button[value=submit]"))
        .first.click()
    )
    error = fra.locator("#f-nap-budget-amount-error")
    assert "4\u202f500\u202f000\u202f000" in await error.inner_text()
    await shoot(fra, "fr-number-unclear")
    await fra.fill("#f-nap-budget-amount", "1,500")
    await fra.locator("button[value=submit]").first.click()
    assert "1\u202f500" in await error.inner_text() and "1,5" in await error.inner_text()
    await shoot(fra, "fr-number-ambiguous")
    await fra.fill("#f-nap-budget-amount", "1 250 000 000")
    await fra.locator("button[value=submit]").first.click()
    await fra.locator("#what-happens").wait_for()
    assert "1\u202f250\u202f000\u202f000" in await fra.locator("table.numbers").inner_text()
    await shoot(fra, "fr-confirm-self-assessment")
    problems += await serious_violations(fra)

    # --- Spanish: "4.500" is four thousand five hundred; "1,500" reads two ways ---
    mex = await _in(env, browser, "MEX", "es")
    await mex.goto(f"/reviews/{cycle}/MEX/self-assessment")
    await _fill_whole(mex)
    await mex.fill("#f-nap-budget-amount", "1,500")
    await mex.locator("button[value=submit]").first.click()
    error = mex.locator("#f-nap-budget-amount-error")
    assert "1.500" in await error.inner_text() and "1,5" in await error.inner_text()
    await shoot(mex, "es-number-ambiguous")
    await mex.fill("#f-nap-budget-amount", "4.500")
    await mex.locator("button[value=submit]").first.click()
    await mex.locator("#what-happens").wait_for()
    assert "4.500" in await mex.locator("table.numbers td.read").all_inner_texts()
    await shoot(mex, "es-confirm-self-assessment")
    await mex.locator("#what-happens ~ form button[type=submit]").click()
    await mex.wait_for_url(f"**/reviews/{cycle}/MEX?done=self_assessment")
    state = await at_stage(env.client, cycle, "MEX", Stage.PEER_REVIEW)
    stored = env.store.documents.get(state.self_assessments[-1].id)
    assert stored.body["nap"]["budget"]["amount"] == 4500  # Spanish thousands, not 4.5

    # --- the secretariat: Enter in a reason sends nothing; a withdrawal is confirmed ---
    for language, member in (("en", "JPN"), ("fr", "NAM"), ("es", "ESP")):
        env.accounts.set_language(SECRETARIAT, language)
        sec = await signed_in(browser, env.url, SECRETARIAT)
        posted = _posted_actions(sec)
        await sec.goto(f"/reviews/{cycle}/{member}")
        # an extension is asked first, its new deadline said; going back keeps what was typed
        await sec.fill("#extend-reason", "Elections")
        await sec.fill("#days", "21")
        await sec.locator("form[action$='/extend'] button.secondary").click()
        await sec.locator("#what-happens ul.moves li").wait_for()
        await shoot(sec, f"{language}-confirm-extend")
        problems += await serious_violations(sec)
        await sec.locator("#what-happens ~ form button[name=back]").click()
        await sec.wait_for_url(f"**/reviews/{cycle}/{member}?kept=extend")
        assert await sec.input_value("#extend-reason") == "Elections"
        assert await sec.input_value("#days") == "21"
        posted.clear()
        await sec.fill("#withdraw-reason", "Asked by the member")
        await sec.keyboard.press("Enter")
        await sec.fill("#extend-reason", "Elections")
        await sec.keyboard.press("Enter")
        await sec.locator("form[action$='/withdraw'] button.danger").click()
        await sec.locator("#what-happens").wait_for()
        assert posted == ["(step)"], posted  # the withdrawal alone, asked, not done
        assert "Asked by the member" in await sec.locator("#what-happens").inner_text()
        await shoot(sec, f"{language}-confirm-withdraw")
        problems += await serious_violations(sec)
        await sec.locator("#what-happens ~ form button[type=submit]:not([name=back])").click()
        await sec.wait_for_url(f"**/reviews/{cycle}/{member}?done=withdraw")
        await at_stage(env.client, cycle, member, Stage.WITHDRAWN)
        await sec.context.close()
    env.accounts.set_language(SECRETARIAT, "en")
    for page in (deu, fra, mex):
        await page.context.close()
    assert not problems, "\n".join(problems)


async def test_a_form_sent_after_the_session_ended_keeps_what_was_typed(portal_env, browser):
    env = portal_env
    cycle = await start_cycle(env.client, env.store, env.settings.task_queue, MEMBERS)
    await at_stage(env.client, cycle, "NAM", Stage.SELF_ASSESSMENT)
    for language, member in (("en", "NAM"), ("fr", "FRA"), ("es", "MEX")):
        page = await _in(env, browser, member, language)
        await page.clock.install()
        await page.goto(f"/reviews/{cycle}/{member}/self-assessment")
        # the session is about to end: the page says so, with a way to stay signed in
        await page.clock.fast_forward("07:52:00")
        await page.locator("#session-warning").wait_for()
        await shoot(page, f"{language}-session-ending")
        typed = f"Plan typed by {member} as the session ended"
        await page.fill("#f-nap-title", typed)
        await page.fill("#f-recommendations-P1-evidence", "Evidence kept")
        env.accounts.close_all_sessions(fp(member))  # the session ends (here: on every device)
        await page.locator("button[value=draft]").click()
        await page.locator("#kept").wait_for()  # the sign-in page says what was kept
        assert "/sign-in" in page.url
        await shoot(page, f"{language}-session-ended-kept")
        await page.fill("#email", fp(member))
        await page.fill("#password", "napreview-example")
        await page.locator("main button[type=submit]").click()
        await page.wait_for_url(f"**/reviews/{cycle}/{member}/self-assessment?kept=1")
        assert await page.input_value("#f-nap-title") == typed
        assert await page.input_value("#f-recommendations-P1-evidence") == "Evidence kept"
        await page.locator("#kept").wait_for()
        await shoot(page, f"{language}-kept-as-draft")
        assert not await serious_violations(page)
        await page.context.close()


async def test_every_page_fits_a_phone(portal_env, browser):
    """390 px wide: no page scrolls sideways, for each kind of person."""
    env = portal_env
    cycle = await start_cycle(env.client, env.store, env.settings.task_queue, MEMBERS)
    await complete_review(env.client, env.store, cycle, "JPN")
    state = await at_stage(env.client, cycle, "DEU", Stage.SELF_ASSESSMENT)
    reviewer = state.reviewers[0].member
    letter = env.store.letters.list(cycle=cycle, member="JPN")[0].id
    review = f"/reviews/{cycle}"
    pages = {
        SECRETARIAT: [
            "/",
            "/cycles",
            "/cycles/new",
            f"/cycles/{cycle}",
            "/members",
            "/people",
            "/letters",
            f"{review}/DEU",
            f"{review}/JPN",
            f"{review}/JPN/self-assessment",
            f"{review}/JPN/peer-review",
            f"{review}/JPN/timeline",
            "/no-such-page",
        ],
        fp("DEU"): ["/", f"{review}/DEU", f"{review}/DEU/self-assessment", "/letters"],
        fp(reviewer): ["/"],
        AUDITOR: ["/", f"{review}/JPN", f"{review}/JPN/timeline"],
        fp("JPN"): ["/letters", f"{review}/JPN"],
    }
    too_wide = []
    for language in ("en", "fr", "es"):
        for email, paths in pages.items():
            env.accounts.set_language(email, language)
            page = await signed_in(browser, env.url, email)
            await page.set_viewport_size(PHONE)
            if email == fp("JPN"):
                paths = [*paths, f"/letters/{letter}"]
            for path in paths:
                await page.goto(path)
                width = await page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    too_wide.append(f"{language} {email} {path}: {width} px")
            if language != "en" or email != SECRETARIAT:
                await page.context.close()
                continue
            await page.goto(f"{review}/DEU")
            await shoot(page, "en-phone-review")
            await page.context.close()
        deu = await signed_in(browser, env.url, fp("DEU"))
        await deu.set_viewport_size(PHONE)
        await deu.goto(f"{review}/DEU/self-assessment")
        await deu.locator("#f-recommendations-A3-status").scroll_into_view_if_needed()
        bar = deu.locator(".actions.sticky")
        assert await bar.is_visible() and await bar.bounding_box()
        box = await bar.bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"] + 1  # within reach, mid-form
        await shoot_viewport(deu, f"{language}-phone-form-mid")
        await deu.context.close()
    for email in pages:
        env.accounts.set_language(email, "en")
    anonymous = await browser.new_context(base_url=env.url, viewport=PHONE)
    page = await anonymous.new_page()
    for path in ("/sign-in", "/password/forgot"):
        await page.goto(path)
        width = await page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append(f"anonymous {path}: {width} px")
    await anonymous.close()
    assert not too_wide, "\n".join(too_wide)


async def shoot_viewport(page, name: str) -> None:  # type: ignore[no-untyped-def]
    from .conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
