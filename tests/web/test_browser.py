"""The whole path of issue #9 in Debian's Chromium, without a terminal: the secretariat starts
a cycle, a focal point completes the self-assessment through the form, the three reviewers
submit, the member answers the recommendations, the secretariat returns it once and then
approves, the auditor reads the timeline. Screenshots go to tests/screenshots/; axe-core finds
no serious violation on the main pages."""

from __future__ import annotations

import re
from datetime import timedelta

from napreview.people.accounts import EXAMPLE_PASSWORD
from napreview.schemas.members import Role
from napreview.schemas.recommendations import RECOMMENDATION_IDS
from napreview.schemas.review import Stage
from napreview.services.steps import wait_for_review

from ..helpers import AUDITOR, SECRETARIAT, fp
from .browser import serious_violations, shoot, signed_in

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN"]
TYPED = "<script>alert('x')</script> & evidence"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


async def _reached(env, cycle, member, ready, timeout: float = 30.0):  # type: ignore[no-untyped-def]
    return await wait_for_review(env.client, cycle, member, ready, timeout=timeout)


async def _mark_every_recommendation(page) -> None:  # type: ignore[no-untyped-def]
    """A status for each recommendation of the set, the four statuses in turn."""
    for n, rid in enumerate(RECOMMENDATION_IDS):
        status = ("achieved", "in_progress", "not_started", "not_applicable")[n % 4]
        await page.select_option(f"#f-recommendations-{rid}-status", status)


async def _fill_self_assessment(page) -> None:  # type: ignore[no-untyped-def]
    await page.fill("#f-nap-lead_agency", "Federal Foreign Office")
    await page.fill("#f-nap-adopted_on", "2017-01-11")
    await page.fill("#f-nap-period_start", "2017-01-01")
    await page.fill("#f-nap-period_end", "2020-12-31")
    for pillar in ("participation", "prevention", "protection"):
        await page.check(f"#f-nap-pillars-{pillar}")
    await page.select_option("#f-nap-civil_society_role", "monitoring")
    await page.check("#f-nap-budget-allocated")
    await page.fill("#f-nap-budget-amount", "1000000")
    await page.fill("#f-nap-budget-currency", "EUR")
    await page.check("#f-nap-monitoring-framework")
    await page.fill("#f-nap-monitoring-reporting_frequency", "annual")
    await page.fill("#f-nap-cedaw-articles_cited", "2\n5(a)\n7")
    await page.check("#f-nap-cedaw-cites_gr30")
    await page.check("#f-nap-gender_disaggregated_data")
    await page.fill("#f-cedaw_reporting-last_report_year", "2017")
    await page.check("#f-cedaw_reporting-covered_wps")


async def test_the_whole_path_in_a_browser(portal_env, browser):
    env, problems = portal_env, []
    cycle = "2019-web"
    for code in MEMBERS:  # the example people start in English; French and Spanish come last
        env.accounts.set_language(fp(code), "en")

    # --- the secretariat starts a cycle, the draw shown first ---
    sec = await signed_in(browser, env.url, SECRETARIAT)
    problems += await serious_violations(sec)
    await sec.goto("/cycles/new")
    await sec.fill("#cycle", cycle)
    for code in MEMBERS:
        await sec.check(f"#m-{code}")
    await sec.get_by_role("button", name="Show the draw").click()
    await sec.get_by_role("heading", name=re.compile("review troika drawn")).wait_for()
    await shoot(sec, "en-cycle-draw")
    problems += await serious_violations(sec)
    await sec.get_by_role("button", name="Start the cycle").click()
    await sec.wait_for_url(f"**/cycles/{cycle}?done=started")
    state = await _reached(env, cycle, "DEU", lambda s: bool(s.letters))
    reviewers = [r.member for r in state.reviewers]

    # --- Germany's focal point: waiting for you, the form, a draft, errors, the plan ---
    deu = await signed_in(browser, env.url, fp("DEU"))
    link = deu.locator(f'main a[href="/reviews/{cycle}/DEU/self-assessment"]')
    assert await link.inner_text() == "Complete the self-assessment of Germany"
    await link.wait_for()
    await shoot(deu, "en-home-focal-point")
    problems += await serious_violations(deu)
    await link.click()
    await deu.fill("#f-nap-iteration", "2")
    await deu.fill("#f-nap-title", "Action Plan of the Federal Government 2017-2020")
    await deu.get_by_role("button", name="Save the draft").click()
    await deu.get_by_text("Draft saved").wait_for()
    await deu.reload()
    assert (
        await deu.input_value("#f-nap-title") == "Action Plan of the Federal Government 2017-2020"
    )
    await _fill_self_assessment(deu)
    await deu.fill("#f-recommendations-P1-evidence", TYPED)
    await deu.get_by_role("button", name="Submit the self-assessment").click()
    summary = deu.locator("#problems")
    await summary.wait_for()
    assert await deu.get_attribute("#f-recommendations-P1-status", "aria-invalid") == "true"
    assert await deu.input_value("#f-nap-budget-currency") == "EUR"
    await shoot(deu, "en-self-assessment-errors")
    problems += await serious_violations(deu)
    await _mark_every_recommendation(deu)
    await deu.set_input_files(
        "#nap_pdf", files=[{"name": "nap.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    await deu.get_by_role("button", name="Submit the self-assessment").click()
    await deu.get_by_role("button", name="Yes, submit the self-assessment").click()
    await deu.wait_for_url(f"**/reviews/{cycle}/DEU?done=self_assessment")
    await _reached(env, cycle, "DEU", lambda s: s.stage is Stage.PEER_REVIEW)

    # --- each reviewer reads the self-assessment and the plan, and submits ---
    for i, reviewer in enumerate(reviewers):
        page = await signed_in(browser, env.url, fp(reviewer))
        # a reviewer sees the portal in its member's language: find the task by its address
        await page.locator(f'main a[href="/reviews/{cycle}/DEU/peer-review"]').click()
        await page.get_by_text(TYPED).first.wait_for()  # typed text shown as text
        assert await page.locator("main script").count() == 0
        assert await page.get_by_role("link", name="nap.pdf").count() == 1
        await page.select_option("#f-ratings-participation", "strong")
        await page.select_option("#f-ratings-accountability", "adequate")
        await page.select_option("#f-ratings-alliances", "weak")
        await page.fill("#f-comments", f"Comments of {reviewer}.")
        await page.fill(
            "#f-recommendations", f"Budget each pillar ({reviewer}).\nReport to CEDAW ({reviewer})."
        )
        if i == 0:
            await shoot(page, "en-peer-review-form")
            problems += await serious_violations(page)
        await page.locator("button[value=submit]").click()
        await page.locator("#what-happens ~ form button[type=submit]").click()
        await page.wait_for_url(f"**/reviews/{cycle}/DEU?done=peer_review")
        await page.context.close()
    # Every review is in: the review waits for the member's answers before sign-off.
    await _reached(env, cycle, "DEU", lambda s: s.answers_due is not None)

    # --- the member answers the recommendations ---
    await deu.goto(f"/reviews/{cycle}/DEU#recommendations")
    answers = deu.locator("fieldset.answer")
    assert await answers.count() == 2 * len(reviewers)
    for n in range(await answers.count()):
        choice = "supported" if n % 2 == 0 else "noted"
        await answers.nth(n).locator(f"input[value={choice}]").check()
    await deu.get_by_role("button", name="Record the answers").click()
    await deu.locator("#what-happens").wait_for()  # asked first, each answer listed
    assert await deu.locator("#what-happens ul.answers li").count() == 2 * len(reviewers)
    await deu.get_by_role("button", name="Yes, record the answers").click()
    await deu.wait_for_url(f"**/reviews/{cycle}/DEU?done=respond")
    await _reached(env, cycle, "DEU", lambda s: s.stage is Stage.SIGN_OFF)

    # --- the secretariat sees the sign-off waiting, reads everything and returns it, with the
    # keyboard alone ---
    await sec.goto("/")
    await sec.locator(f'main a[href="/reviews/{cycle}/DEU"]').first.wait_for()
    await shoot(sec, "en-home-secretariat")
    problems += await serious_violations(sec)
    await sec.goto("/people")
    await shoot(sec, "en-people")
    problems += await serious_violations(sec)
    await sec.goto(f"/reviews/{cycle}/DEU")
    await sec.get_by_text(f"Comments of {reviewers[0]}.").wait_for()
    await shoot(sec, "en-review-secretariat")
    problems += await serious_violations(sec)
    await sec.focus("#decision-return")
    await sec.keyboard.press("Space")
    await sec.keyboard.press("Tab")
    await sec.keyboard.type("Please say how the budget is allocated per pillar.")
    await sec.keyboard.press("Tab")
    await sec.keyboard.press("Enter")
    await sec.get_by_role("heading", name="Return the review of Germany for revision?").wait_for()
    await sec.focus("#what-happens ~ form button[type=submit]:not([name=back])")
    await sec.keyboard.press("Enter")
    await sec.wait_for_url(f"**/reviews/{cycle}/DEU?done=sign_off")
    await _reached(env, cycle, "DEU", lambda s: s.stage is Stage.SELF_ASSESSMENT and s.round == 2)

    # --- the member revises: the form starts from what was submitted ---
    await deu.goto("/")
    await deu.get_by_text("Please say how the budget is allocated per pillar.").first.wait_for()
    revise = deu.locator(f'main a[href="/reviews/{cycle}/DEU/self-assessment"]')
    assert "Revise the self-assessment of Germany" in await revise.inner_text()
    await revise.click()
    assert await deu.input_value("#f-nap-iteration") == "2"
    await deu.fill("#f-recommendations-P1-evidence", "Budget per pillar: see annex 2.")
    await deu.get_by_role("button", name="Submit the self-assessment").click()
    await deu.get_by_role("button", name="Yes, submit the self-assessment").click()
    await deu.wait_for_url(f"**/reviews/{cycle}/DEU?done=self_assessment")
    await _reached(env, cycle, "DEU", lambda s: s.stage is Stage.SIGN_OFF and s.round == 2)

    await sec.goto(f"/reviews/{cycle}/DEU")
    await sec.check("#decision-approve")
    await sec.fill("#comments", "Approved for the annual meeting.")
    await sec.get_by_role("button", name="Record the decision").click()
    await sec.get_by_role("button", name="Yes, approve the review").click()
    await sec.wait_for_url(f"**/reviews/{cycle}/DEU?done=sign_off")
    await _reached(env, cycle, "DEU", lambda s: s.stage is Stage.COMPLETED)
    await sec.goto(f"/cycles/{cycle}")
    await shoot(sec, "en-cycle")
    problems += await serious_violations(sec)

    # --- the member reads its letters ---
    await deu.goto(f"/reviews/{cycle}/DEU")
    await deu.get_by_role("link", name=re.compile("final|Final|feedback|Feedback")).first.click()
    assert await deu.locator("iframe.letter").count() == 1
    await shoot(deu, "en-letter")

    # --- the auditor reads the timeline and downloads the export ---
    auditor = await signed_in(browser, env.url, AUDITOR)
    await auditor.goto(f"/reviews/{cycle}/DEU")
    assert await auditor.locator("main form").count() == 0  # nothing that changes anything
    await auditor.get_by_role("link", name="Timeline").click()
    await auditor.locator("table.timeline tbody tr").first.wait_for()
    assert await auditor.locator("table.timeline tbody tr").count() > 20
    await shoot(auditor, "en-timeline")
    problems += await serious_violations(auditor)
    async with auditor.expect_download() as download:
        await auditor.get_by_role("link", name="Download the audit export (zip)").click()
    assert (await download.value).suggested_filename.endswith(".zip")

    # --- the main pages in French and Spanish ---
    for language in ("fr", "es"):
        for page, name, path in (
            (deu, "home-focal-point", "/"),
            (deu, "review-focal-point", f"/reviews/{cycle}/DEU"),
            (deu, "self-assessment", f"/reviews/{cycle}/DEU/self-assessment?round=2"),
            (deu, "peer-reviews", f"/reviews/{cycle}/DEU/peer-review"),
            (sec, "cycle", f"/cycles/{cycle}"),
            (sec, "review-secretariat", f"/reviews/{cycle}/DEU"),
            (auditor, "timeline", f"/reviews/{cycle}/DEU/timeline"),
        ):
            await page.goto(path)
            await page.select_option("#language", language)
            await page.locator("header form button[type=submit]").first.click()
            await page.wait_for_load_state()
            assert await page.get_attribute("html", "lang") == language
            await shoot(page, f"{language}-{name}")
    for page in (deu, sec, auditor):
        await page.select_option("#language", "en")
        await page.locator("header form button[type=submit]").first.click()
    assert not problems, "\n".join(problems)


async def test_refusals_in_a_browser(portal_env, browser):
    env = portal_env
    for language in ("fr-FR", "es-ES"):  # the sign-in page follows the browser's language
        context = await browser.new_context(base_url=env.url, locale=language)
        page = await context.new_page()
        await page.goto("/sign-in")
        assert await page.get_attribute("html", "lang") == language[:2]
        await shoot(page, f"{language[:2]}-sign-in")
        await context.close()
    context = await browser.new_context(base_url=env.url)
    page = await context.new_page()

    # sign-in with the keyboard alone; a wrong password is refused
    await page.goto("/sign-in")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.className") == "skip"
    await page.focus("#email")
    await page.keyboard.type(fp("FRA"))
    await page.keyboard.press("Tab")
    await page.keyboard.type("not the password")
    await page.keyboard.press("Enter")
    await page.get_by_text("The email address or the password is not right").wait_for()
    await shoot(page, "en-sign-in-wrong")
    assert not await serious_violations(page)

    # a locked account
    env.store.people.register("locked.person@example.org", Role.AUDITOR)
    env.accounts.set_password("locked.person@example.org", "the right password")
    for n in range(5):
        await page.goto("/sign-in")
        await page.fill("#email", "locked.person@example.org")
        await page.fill("#password", f"wrong {n}")
        await page.locator("main button[type=submit]").click()
    await page.get_by_text("This account is locked").wait_for()

    # an expired invitation
    token = env.accounts.create_link(
        "locked.person@example.org", "invite", None, timedelta(seconds=-1)
    )
    await page.goto(f"/password/{token}")
    await page.get_by_text("This link has expired").wait_for()

    # another member's review by its address
    await page.goto("/sign-in")
    await page.fill("#email", fp("FRA"))
    await page.fill("#password", EXAMPLE_PASSWORD)
    await page.locator("main button[type=submit]").click()
    await page.wait_for_url(lambda url: "/sign-in" not in url)
    missing = await page.goto("/reviews/2019-web/UFM")
    assert missing is not None and missing.status == 404
    await page.get_by_role("heading", name="Page not found").wait_for()

    # a form without its CSRF token
    await page.goto("/")
    await page.evaluate("document.querySelector('header input[name=csrf_token]').remove()")
    await page.locator("header form button[type=submit]").first.click()
    await page.get_by_role("heading", name="Not allowed").wait_for()
    await context.close()

    # an auditor's POST
    auditor = await signed_in(browser, env.url, AUDITOR)
    token = await auditor.get_attribute("header input[name=csrf_token]", "value")
    answer = await auditor.context.request.post(
        "/reviews/2019-web/DEU/withdraw", form={"csrf_token": token, "reason": "test"}
    )
    assert answer.status == 403
    await auditor.context.close()
