"""The portal's doors without a browser: access checked on the server for every request
(404 outside a focal point's scope, 403 for an auditor's change or a missing CSRF token),
sessions and their cookies, lockout, single-use links, drafts and the NAP file."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import re
import socket
import time
import zipfile
from datetime import timedelta

import httpx
from typer.testing import CliRunner

from napreview.cli.app import app as cli_app
from napreview.people.accounts import MAX_FAILURES, RESETS_PER_ADDRESS
from napreview.people.invitations import INVITE, send_link
from napreview.schemas.examples import example_self_assessment
from napreview.schemas.members import Role
from napreview.schemas.review import Stage
from napreview.services import documents
from napreview.web.app import create_app
from napreview.web.config import PortalSettings

from ..helpers import (  # noqa: F401 (later_set: a fixture)
    AUDITOR,
    LATER_SET,
    SECRETARIAT,
    at_stage,
    fp,
    later_set,
    start_cycle,
    state_when,
    submit_sa,
)

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN"]


async def _cycle(portal_env, members: list[str] = MEMBERS) -> tuple[str, list[str], str]:
    cycle = await start_cycle(
        portal_env.client, portal_env.store, portal_env.settings.task_queue, members
    )
    state = await at_stage(portal_env.client, cycle, "DEU", Stage.SELF_ASSESSMENT)
    reviewers = [r.member for r in state.reviewers]
    outsider = next(m for m in MEMBERS if m not in reviewers + ["DEU"])
    return cycle, reviewers, outsider


async def test_a_focal_point_sees_only_its_own_and_an_auditor_changes_nothing(portal_env, http):
    cycle, reviewers, outsider = await _cycle(portal_env)
    deu = http()
    await deu.sign_in(fp("DEU"))
    assert (await deu.get(f"/reviews/{cycle}/DEU")).status_code == 200
    for path in (
        f"/reviews/{cycle}/{outsider}",
        f"/reviews/{cycle}/{outsider}/self-assessment",
        f"/reviews/{cycle}/{outsider}/peer-review",
        f"/reviews/{cycle}/{outsider}/timeline",
        f"/reviews/{cycle}/{outsider}/export",
        f"/cycles/{cycle}",
        "/people",
        "/reviews/nope/DEU",
    ):
        assert (await deu.get(path)).status_code == 404, path
    steps = [r.step for r in portal_env.store.refusals.of_review(cycle, outsider)]
    assert "read_review" in steps and "read_audit" in steps
    # its own member's audit trail, though, it may read; not that of a review it was drawn for
    own = await deu.get(f"/reviews/{cycle}/DEU/timeline")
    assert own.status_code == 200 and f"review-{cycle}-DEU" in own.text
    drawn_for = next(
        m for m, drawn in portal_env.store.cycles.assignments(cycle).items() if "DEU" in drawn
    )
    assert (await deu.get(f"/reviews/{cycle}/{drawn_for}")).status_code == 200
    assert (await deu.get(f"/reviews/{cycle}/{drawn_for}/timeline")).status_code == 404
    # letters: its own are readable, another member's are not found
    await at_stage(portal_env.client, cycle, outsider, Stage.SELF_ASSESSMENT)
    theirs = [
        letter
        for letter in portal_env.store.letters.list(cycle=cycle, member=outsider)
        if letter.recipient == fp(outsider)
    ]
    mine = [
        letter
        for letter in portal_env.store.letters.list(cycle=cycle, member="DEU")
        if letter.recipient == fp("DEU")
    ]
    assert theirs and mine
    assert (await deu.get(f"/letters/{theirs[0].id}")).status_code == 404
    assert (await deu.get(f"/letters/{theirs[0].id}/body")).status_code == 404
    assert (await deu.get(f"/letters/{mine[0].id}")).status_code == 200
    body = await deu.get(f"/letters/{mine[0].id}/body")
    assert "sandbox" in body.headers["content-security-policy"]
    listed = (await deu.get("/letters")).text
    assert mine[0].id in listed and theirs[0].id not in listed
    # a change without the form's token is refused
    missing = await deu.post(f"/reviews/{cycle}/DEU/respond", {"x": "y"}, csrf=False)
    assert missing.status_code == 403

    auditor = http()
    await auditor.sign_in(AUDITOR)
    assert (await auditor.get(f"/reviews/{cycle}/{outsider}")).status_code == 200
    for path, data in (
        (f"/reviews/{cycle}/DEU/withdraw", {"reason": "audit"}),
        (f"/reviews/{cycle}/DEU/sign_off", {"decision": "approve"}),
        ("/cycles/new", {"cycle": "x", "action": "start"}),
        ("/people/add", {"email": "a@b.org", "role": "auditor"}),
        (f"/reviews/{cycle}/DEU/self-assessment", {"action": "draft"}),
    ):
        refused = await auditor.post(path, data)
        assert refused.status_code == 403, path
    timeline = await auditor.get(f"/reviews/{cycle}/DEU/timeline")
    assert timeline.status_code == 200 and "review-" in timeline.text
    export = await auditor.get(f"/reviews/{cycle}/DEU/export")
    assert export.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(export.content)).namelist()
    assert any(n.endswith("manifest.json") for n in names)
    assert any(n.endswith("history.json") for n in names)
    # The secretariat reads everything
    sec = http()
    await sec.sign_in(SECRETARIAT)
    page = await sec.get(f"/cycles/{cycle}")
    inline_script = re.search(r"<script(?![^>]*\bsrc=)", page.text)  # only the forms' file
    assert page.status_code == 200 and "<svg" in page.text and inline_script is None


async def test_sessions_cookies_lockout_and_links(portal_env, http):
    store, accounts = portal_env.store, portal_env.accounts
    email = "lock.test@example.org"
    store.people.register(email, Role.AUDITOR)
    accounts.set_password(email, "a long secret 1")
    anonymous = http()
    page = await anonymous.get("/sign-in")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    signed = await anonymous.post("/sign-in", {"email": email, "password": "a long secret 1"})
    assert signed.status_code == 303
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    token = signed.cookies["napreview_session"]
    assert len(token) >= 43 and token not in str(store.engine.url)
    # sign out everywhere ends the other session too
    other = http()
    await other.sign_in(email, "a long secret 1")
    assert (await other.get("/")).status_code == 200
    await anonymous.get("/")
    out = await anonymous.post("/sign-out-everywhere")
    assert out.status_code == 303
    assert (await other.get("/")).status_code == 303

    guesser = http()
    for n in range(MAX_FAILURES):
        await guesser.get("/sign-in")
        wrong = await guesser.post("/sign-in", {"email": email, "password": f"guess {n}"})
        assert wrong.status_code == 401
    assert "locked" in wrong.text
    await guesser.get("/sign-in")
    right = await guesser.post("/sign-in", {"email": email, "password": "a long secret 1"})
    assert right.status_code == 401 and "locked" in right.text
    reasons = [attempt.reason for attempt in accounts.attempts(email)]
    assert reasons[-1] == "locked" and reasons.count("wrong_password") == MAX_FAILURES - 1

    # an invitation: single use, expiring; it unlocks the account
    sent = send_link(
        store,
        email,
        INVITE,
        base_url=portal_env.url,
        settings=portal_env.settings,
        created_by=SECRETARIAT,
    )
    assert sent.message.exists() and sent.link in sent.message.read_text()
    path = sent.link.removeprefix(portal_env.url)
    fresh = http()
    assert (await fresh.get(path)).status_code == 200
    mismatch = await fresh.post(path, {"password": "new secret 22", "confirm": "other"})
    assert mismatch.status_code == 422
    short = await fresh.post(path, {"password": "short", "confirm": "short"})
    assert short.status_code == 422
    done = await fresh.post(path, {"password": "new secret 22", "confirm": "new secret 22"})
    assert done.status_code == 303
    assert (await fresh.get(path)).status_code == 410
    assert (await fresh.sign_in(email, "new secret 22")).status_code == 303
    expired_token = accounts.create_link(email, INVITE, None, timedelta(seconds=-1))
    expired = await http().get(f"/password/{expired_token}")
    assert expired.status_code == 410 and "expired" in expired.text

    # deactivated by the secretariat: no more sessions
    sec = http()
    await sec.sign_in(SECRETARIAT)
    assert (await sec.post("/people/deactivate", {"email": email})).status_code == 303
    assert (await fresh.get("/")).status_code == 303
    assert (await http().sign_in(email, "new secret 22")).status_code == 401


async def test_forty_parallel_requests_over_http_meet_one_lock_and_one_link(portal_env, http):
    """The races of issue #20 through the portal's door: 40 wrong passwords sent at once are
    refused with at most MAX_FAILURES checked, and a reset link posted 40 times at once sets
    one password."""
    store, accounts = portal_env.store, portal_env.accounts
    email = "race.test@example.org"
    store.people.register(email, Role.AUDITOR)
    accounts.set_password(email, "a long secret 1")
    guessers = [http() for _ in range(40)]
    await asyncio.gather(*(g.get("/sign-in") for g in guessers))
    answers = await asyncio.gather(
        *(
            g.post("/sign-in", {"email": email, "password": f"guess {n}"})
            for n, g in enumerate(guessers)
        )
    )
    assert {a.status_code for a in answers} == {401}
    reasons = [attempt.reason for attempt in accounts.attempts(email)]
    assert len(reasons) == 40 and reasons.count("locked") == 40 - MAX_FAILURES
    assert (await http().sign_in(email, "a long secret 1")).status_code == 401

    token = accounts.create_link(email, "reset", None, timedelta(hours=1))
    posters = [http() for _ in range(40)]
    await asyncio.gather(*(p.get(f"/password/{token}") for p in posters))
    chosen = [f"chosen secret {n}" for n in range(40)]
    answers = await asyncio.gather(
        *(
            p.post(f"/password/{token}", {"password": c, "confirm": c})
            for p, c in zip(posters, chosen, strict=True)
        )
    )
    codes = [a.status_code for a in answers]
    assert codes.count(303) == 1 and codes.count(410) == 39
    winner = chosen[codes.index(303)]
    assert (await http().sign_in(email, winner)).status_code == 303


async def test_a_name_or_address_that_does_not_fit_is_refused_beside_its_field(portal_env, http):
    """A line break in a focal point's name, a NUL in an address, a name longer than the store
    keeps: 422 with the error beside the field, the rest of what was typed kept, nothing
    recorded."""
    store = portal_env.store
    sec = http()
    await sec.sign_in(SECRETARIAT)
    await sec.get("/people")
    before = store.focal_points.active("FRA")
    for name, why in [
        ("Isabelle\r\nBcc: spy@example.org", "one line"),
        ("Isabelle " * 30, "at most 200 characters"),
    ]:
        page = await sec.post(
            "/people/focal-point",
            {"member": "FRA", "name": name, "email": "new.fp@example.org", "location": "capital"},
        )
        assert page.status_code == 422
        assert 'aria-describedby="fp-name-error"' in page.text
        assert why in page.text.split('id="fp-name-error"')[1].split("</p>")[0]
        assert 'value="new.fp@example.org"' in page.text
    assert store.focal_points.active("FRA") == before
    page = await sec.post("/people/add", {"email": "eve\x00@example.org", "role": "auditor"})
    assert page.status_code == 422 and 'id="add-email-error"' in page.text
    assert not any(p.email.startswith("eve") for p in portal_env.accounts.people())


async def test_secure_cookies_behind_a_trusted_proxy(portal_env):
    app = create_app(portal_env.settings, PortalSettings(trust_proxy=True), portal_env.store)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portal") as client:
        page = await client.get("/sign-in", headers={"x-forwarded-proto": "https"})
        assert "secure" in page.headers["set-cookie"].lower()
        plain = await client.get("/sign-in")
        assert "secure" not in plain.headers["set-cookie"].lower()


async def test_the_form_keeps_drafts_errors_and_the_plan(portal_env, http, later_set):  # noqa: F811
    cycle, _, _ = await _cycle(portal_env)
    deu = http()
    await deu.sign_in(fp("DEU"))
    form = f"/reviews/{cycle}/DEU/self-assessment"
    assert (await deu.get(form)).status_code == 200
    typed = {"action": "draft", "nap.title": "Plan <b>draft</b>", "nap.iteration": "2"}
    saved = await deu.post(form, typed)
    assert saved.status_code == 200 and "Draft saved" in saved.text
    again = await deu.get(form)
    assert 'value="Plan &lt;b&gt;draft&lt;/b&gt;"' in again.text
    wrong = await deu.post(form, {**typed, "action": "submit", "nap.iteration": "two"})
    assert wrong.status_code == 422
    assert 'aria-describedby="f-nap-iteration-error"' in wrong.text
    assert 'id="f-nap-iteration-error"' in wrong.text and 'value="two"' in wrong.text
    pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
    not_pdf = await deu.post(
        form, {"action": "draft"}, files={"nap_pdf": ("plan.pdf", b"hello", "application/pdf")}
    )
    assert not_pdf.status_code == 422 and "not a PDF" in not_pdf.text
    stored = await deu.post(
        form, {"action": "draft"}, files={"nap_pdf": ("plan.pdf", pdf, "application/pdf")}
    )
    assert stored.status_code == 200
    (nap,) = portal_env.store.review_files.of_review(cycle, "DEU")
    assert nap.sha256 == hashlib.sha256(pdf).hexdigest()
    download = await deu.get(f"/reviews/{cycle}/DEU/nap/{nap.id}")
    assert download.content == pdf and download.headers["content-type"] == "application/pdf"
    assert 'filename="plan.pdf"' in download.headers["content-disposition"]
    outsider = http()
    await outsider.sign_in(fp("UFM"))
    assert (await outsider.get(f"/reviews/{cycle}/DEU/nap/{nap.id}")).status_code == 404

    # the command line's JSON file instead of the form
    bad = await deu.post(
        form, {"action": "upload"}, files={"document_json": ("sa.json", b"{", "application/json")}
    )
    assert bad.status_code == 422 and "not valid JSON" in bad.text
    document = example_self_assessment(portal_env.store.members.get("DEU")).model_dump(mode="json")
    document["nap"]["pillars"] = ["peacekeeping"]
    invalid = await deu.post(
        form,
        {"action": "upload"},
        files={"document_json": ("sa.json", json.dumps(document).encode(), "application/json")},
    )
    assert invalid.status_code == 422 and 'id="f-nap-pillars-error"' in invalid.text
    # a document answering another recommendation set than the cycle's never reaches the review
    other = example_self_assessment(portal_env.store.members.get("DEU"), LATER_SET)
    refused = await deu.post(
        form,
        {"action": "upload"},
        files={"document_json": ("sa.json", other.model_dump_json().encode(), "application/json")},
    )
    assert refused.status_code == 422
    said = " ".join(refused.text.split())
    assert "set wps-fpn-2018 must be present exactly once" in said
    assert "missing: P1" in said and "not in this set: P10" in said
    assert not (
        await at_stage(portal_env.client, cycle, "DEU", Stage.SELF_ASSESSMENT)
    ).self_assessments
    document["nap"]["pillars"] = ["protection"]
    sent = await deu.post(
        form,
        {"action": "upload"},
        files={"document_json": ("sa.json", json.dumps(document).encode(), "application/json")},
    )
    # the file is checked, then shown for the person to confirm before it is submitted
    assert (
        "What will happen" in sent.text
        and not (
            await at_stage(portal_env.client, cycle, "DEU", Stage.SELF_ASSESSMENT)
        ).self_assessments
    )
    sent = await deu.confirm(sent)
    assert sent.status_code == 303, sent.text
    state = await at_stage(portal_env.client, cycle, "DEU", Stage.PEER_REVIEW)
    assert len(state.self_assessments) == 1
    assert documents.draft(portal_env.store, fp("DEU"), cycle, "DEU", "self_assessment") is None


async def test_forgot_password_sends_a_bounded_number_of_links(portal_env, http):
    """Asked four times for one address, the portal sends three links and answers all four
    alike (the limit is the store's, so every portal process shares it)."""
    outbox = portal_env.settings.home / "outbox"
    before = set(outbox.glob("*-account-*.eml")) if outbox.exists() else set()
    asker = http()
    await asker.get("/password/forgot")
    answers = [
        await asker.post("/password/forgot", {"email": fp("NAM")})
        for _ in range(RESETS_PER_ADDRESS + 1)
    ]
    assert len({(a.status_code, a.text.count("If this address belongs")) for a in answers}) == 1
    sent = await _sent(outbox, before, RESETS_PER_ADDRESS)
    assert len(sent) == RESETS_PER_ADDRESS and all(fp("NAM") in m.read_text() for m in sent)


async def _sent(outbox, before: set, expected: int) -> set:  # type: ignore[type-arg]
    """The account messages written since ``before``: links go once the answer has gone, so
    wait (at most ten seconds) for the expected number, then a moment for any extra."""
    for _ in range(200):
        sent = set(outbox.glob("*-account-*.eml")) - before if outbox.exists() else set()
        if len(sent) >= expected:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)
    return set(outbox.glob("*-account-*.eml")) - before


async def test_a_known_address_is_answered_as_soon_as_an_unknown_one(
    portal_env, http, monkeypatch, caplog
):
    """The reset link is sent after the answer has gone: a mail server that takes its time
    does not make a known address answer later than an unknown one (issue #20)."""
    stalling = socket.socket()
    stalling.bind(("127.0.0.1", 0))
    stalling.listen(8)  # connections are queued, never greeted: the mail server takes its time
    settings = portal_env.settings
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(settings, "smtp_port", stalling.getsockname()[1])
    monkeypatch.setattr(settings, "smtp_security", "none")
    monkeypatch.setattr(settings, "smtp_timeout", 3.0)
    asker = http()
    await asker.get("/password/forgot")
    took = {}
    for email in ("nobody@example.org", fp("SWE")):
        began = time.monotonic()
        answer = await asker.post("/password/forgot", {"email": email})
        took[email] = time.monotonic() - began
        assert answer.status_code == 200 and "If this address belongs" in answer.text
    assert took[fp("SWE")] < 1.5, took
    stalling.close()  # the waiting connection is reset: the link's attempt ends, and says so
    for _ in range(200):
        if "not sent by email" in caplog.text:
            break
        await asyncio.sleep(0.05)
    assert f"Password reset for {fp('SWE')} not sent by email" in caplog.text


async def test_a_forgotten_password_and_the_operators_commands(portal_env, http, monkeypatch):
    outbox = portal_env.settings.home / "outbox"
    before = set(outbox.glob("*-account-*.eml")) if outbox.exists() else set()
    anonymous = http()
    await anonymous.get("/password/forgot")
    for email in (fp("AU"), "nobody@example.org"):
        answer = await anonymous.post("/password/forgot", {"email": email})
        assert answer.status_code == 200 and "If this address belongs" in answer.text
    (message,) = await _sent(outbox, before, 1)
    text = message.read_text()
    assert fp("AU") in text and "/password/" in text

    monkeypatch.setenv("NAPREVIEW_HOME", str(portal_env.settings.home))
    monkeypatch.setenv("NAPREVIEW_DATABASE_URL", portal_env.settings.resolved_database_url)
    monkeypatch.setenv("NAPREVIEW_PORTAL_URL", portal_env.url)
    runner = CliRunner()
    operator = ["--password-stdin", "--as", SECRETARIAT]
    weak = runner.invoke(cli_app, ["users", "set-password", fp("AU"), *operator], "x\n")
    assert weak.exit_code == 2
    done = runner.invoke(
        cli_app, ["users", "set-password", fp("AU"), *operator], "an operator's choice\n"
    )
    assert done.exit_code == 0, done.output
    assert (await http().sign_in(fp("AU"), "an operator's choice")).status_code == 303
    invited = runner.invoke(cli_app, ["users", "invite", fp("COE"), "--as", SECRETARIAT])
    assert invited.exit_code == 0, invited.output
    link = next(w for w in invited.output.split() if w.startswith(portal_env.url))
    assert (await http().get(link.removeprefix(portal_env.url))).status_code == 200


def test_napreview_portal_refuses_while_example_passwords_remain(portal_env, monkeypatch):
    monkeypatch.setenv("NAPREVIEW_HOME", str(portal_env.settings.home))
    monkeypatch.setenv("NAPREVIEW_DATABASE_URL", portal_env.settings.resolved_database_url)
    refused = CliRunner().invoke(cli_app, ["portal", "--port", "1"])
    assert refused.exit_code == 3 and "example" in refused.output


async def test_every_review_step_from_the_review_page(portal_env, http):
    """Replace, recuse, reassign, extend, withdraw: the same updates as the command line, with
    their refusals shown on the page and recorded."""
    env = portal_env
    # enough members that three re-draws still find a reviewer
    cycle, reviewers, _ = await _cycle(env, [*MEMBERS, "ZAF", "BRA", "POL", "IDN", "AUS", "KEN"])
    await submit_sa(env.client, env.store, cycle, "DEU")
    state = await at_stage(env.client, cycle, "DEU", Stage.PEER_REVIEW)
    deu, sec = http(), http()
    await deu.sign_in(fp("DEU"))
    await sec.sign_in(SECRETARIAT)
    page = f"/reviews/{cycle}/DEU"
    await deu.get(page)
    first = state.reviewers[0].member
    asked = await deu.post(f"{page}/replace_reviewer", {"reviewer": first})
    assert "a new reviewer is drawn by lot" in asked.text  # asked first, nothing done yet
    assert not (await env_state(env, cycle, lambda s: True)).replacement_used
    replaced = await deu.confirm(asked)
    assert replaced.status_code == 303, replaced.text
    state = await env_state(env, cycle, lambda s: s.replacement_used)
    again = await deu.post(
        f"{page}/replace_reviewer", {"reviewer": state.reviewers[1].member, "confirmed": "yes"}
    )
    assert again.status_code == 409 and "Refused" in again.text
    assert "replace_reviewer" in [r.step for r in env.store.refusals.of_review(cycle, "DEU")]

    active = [s.member for s in state.reviewers if s.status.value == "active"]
    reviewer = http()
    await reviewer.sign_in(fp(active[0]))
    await reviewer.get(page)
    assert (await reviewer.confirm(await reviewer.post(f"{page}/recuse"))).status_code == 303
    state = await env_state(env, cycle, lambda s: len(s.redraws) == 2)

    await sec.get(page)
    active = [s.member for s in state.reviewers if s.status.value == "active"]
    assert (
        await sec.post(f"{page}/reassign_reviewer", {"reviewer": active[-1], "confirmed": "yes"})
    ).status_code == 303
    state = await env_state(env, cycle, lambda s: len(s.redraws) == 3)
    assert [r.why for r in state.redraws] == ["replaced", "recused", "reassigned"]
    asked = await sec.post(f"{page}/extend", {"days": "14", "reason": "Elections"})
    assert (await sec.confirm(asked)).status_code == 303
    empty = await sec.post(f"{page}/withdraw", {"reason": ""})
    assert empty.status_code == 422  # refused before it is even asked
    asked = await sec.post(f"{page}/withdraw", {"reason": "Asked by the member"})
    assert "It cannot be reopened." in asked.text and "Asked by the member" in asked.text
    assert (await sec.confirm(asked)).status_code == 303
    state = await env_state(env, cycle, lambda s: s.stage is Stage.WITHDRAWN)
    assert state.extensions[0].reason == "Elections"
    shown = await sec.get(page)
    assert "Withdrawn" in shown.text and "Refused" not in shown.text.split("Refused steps")[0]
    whole = (await sec.get(f"/cycles/{cycle}")).text
    # the picture: Germany's row went through self-assessment and peer review to withdrawn
    germany = whole.split("Germany: ")
    assert len(germany) >= 4 and 'class="bar stage-withdrawn' in whole
    filtered = await sec.get(f"/cycles/{cycle}?stage=withdrawn")
    assert filtered.status_code == 200 and "Germany (DEU)" in filtered.text
    assert "France (FRA)" not in filtered.text


async def env_state(env, cycle, ready):  # type: ignore[no-untyped-def]
    return await state_when(env.client, cycle, "DEU", ready)


async def test_a_temporal_outage_is_a_page_in_words_not_a_stack_trace(portal_env):
    settings = portal_env.settings.model_copy(update={"temporal_address": "127.0.0.1:1"})
    app = create_app(settings, PortalSettings(), portal_env.store)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://portal") as client:
        page = await client.get("/sign-in")
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        await client.post(
            "/sign-in",
            data={"csrf_token": csrf, "email": AUDITOR, "password": "napreview-example"},
        )
        # The home page reads the store alone: it answers while Temporal is away.
        assert (await client.get("/")).status_code == 200
        # A review's page asks its review: a page in words.
        review = await client.get("/reviews/2019/DEU")
        assert review.status_code == 503 and "Something went wrong" in review.text
        assert "Traceback" not in review.text


async def test_a_step_sent_after_the_session_ended_is_filled_in_again(portal_env, http):
    """The withdrawal's reason typed while the session ended is neither lost nor acted on: it
    comes back in its form after signing in again, also when sent from a window of the old
    session while a new one is open; a form of nobody's session is still refused."""
    cycle, _, _ = await _cycle(portal_env)
    sec = http()
    await sec.sign_in(SECRETARIAT)
    page = f"/reviews/{cycle}/DEU"
    await sec.get(page)
    old_csrf = sec.csrf
    portal_env.accounts.close_all_sessions(SECRETARIAT)
    typed = {"reason": "Typed as the session ended", "confirmed": "yes"}
    sent = await sec.post(f"{page}/withdraw", typed)
    assert sent.status_code == 303
    assert sent.headers["location"].endswith("%3Fkept%3Dwithdraw&done=kept")
    assert "What you typed is kept" in (await sec.get(sent.headers["location"])).text
    await sec.sign_in(SECRETARIAT)
    again = await sec.get(f"{page}?kept=withdraw")
    assert 'value="Typed as the session ended"' in again.text and 'id="kept"' in again.text
    state = await at_stage(portal_env.client, cycle, "DEU", Stage.SELF_ASSESSMENT)
    assert state.stage is Stage.SELF_ASSESSMENT  # nothing was done

    # a window of the old session, while a new one is open: kept, not refused
    sec.csrf = old_csrf
    other = await sec.post(f"{page}/withdraw", {"reason": "From the other window"})
    assert other.status_code == 303 and other.headers["location"] == f"{page}?kept=withdraw"
    assert 'value="From the other window"' in (await sec.get(other.headers["location"])).text
    sec.csrf = "x" * 43  # nobody's page
    assert (await sec.post(f"{page}/withdraw", {"reason": "forged"})).status_code == 403
