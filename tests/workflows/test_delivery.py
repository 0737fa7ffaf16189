"""Letters delivered by email (issue #10 item 7), from the store's outbox (issue #23): a real SMTP
server (aiosmtpd) on a free local port and the real store. Delivered once by the letter's own
activity; server down then up: delivered once by the drainer; two senders at once, or a sender
that died holding a letter: delivered once; a refused recipient: failed with the reason; no
server: the outbox folder. The deliver-<letter id> workflows earlier releases started still end,
and no letter starts one any more."""

from __future__ import annotations

import asyncio
import email
import json
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from temporalio.client import WorkflowHistory
from temporalio.service import RPCError
from temporalio.worker import Worker

from napreview.activities.delivery import DeliveryActivities
from napreview.activities.letters import LetterActivities
from napreview.audit.replay import replay
from napreview.letters.files import sha256_text
from napreview.letters.outbox import CLAIM, Outbox
from napreview.schemas.delivery import DeliveryRequest, delivery_workflow_id
from napreview.schemas.letters import LetterKind, LetterRequest
from napreview.schemas.members import Location
from napreview.settings import Settings
from napreview.store.focal_points import Designation
from napreview.store.letters import NewLetter
from napreview.store.records import Store
from napreview.workflows.delivery import DeliverLetterWorkflow

from ..conftest import running_worker
from ..helpers import start_cycle, state_when

REFUSED = "fp.bel@example.org"
HISTORY = Path(__file__).parents[1] / "histories" / "deliver-letter" / "deliver-2026-12-04.json"


class Inbox:
    """An SMTP server's handler that keeps what it accepts and refuses one address."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 <fp.bel@example.org>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 2.0.0 Ok: queued as TEST1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(inbox: Inbox, port: int) -> Iterator[Controller]:
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


def smtp_settings(tmp_path: Path, port: int | None, task_queue: str) -> Settings:
    return Settings(
        home=tmp_path,
        task_queue=task_queue,
        smtp_host="127.0.0.1" if port else None,
        smtp_port=port,
        smtp_security="none",
        smtp_from="UN Women <secretariat@example.org>",
        smtp_timeout=5,
    )


@contextmanager
def nothing() -> Iterator[None]:
    yield None


class Clock:
    """The outbox's clock, moved on by the test instead of waiting."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


async def deliver(
    store: Store, tmp_path: Path, settings: Settings, request: LetterRequest
) -> tuple[str, Outbox]:
    """Store a letter through the letter's activity, which sends it; a retried activity sends
    nothing more."""
    outbox = Outbox(store, settings)
    letters = LetterActivities(store, tmp_path / "letters", outbox)
    ref = await letters.send_letter(request)
    await letters.send_letter(request)
    return ref.id, outbox


def invitation(member: str = "FRA") -> LetterRequest:
    return LetterRequest(
        cycle=f"2019-{uuid.uuid4().hex[:6]}",
        member=member,
        kind=LetterKind.INVITATION,
        chair="NAM",
        deadline="2019-04-02",
        stage="self_assessment",
    )


async def test_a_letter_is_delivered_once_with_text_html_and_the_mission_in_copy(
    store: Store, tmp_path: Path
) -> None:
    store.focal_points.designate(
        Designation(
            member="FRA",
            name="Paul Durand",
            email="wps@france-mission.example.org",
            location=Location.NEW_YORK_MISSION,
        )
    )
    inbox = Inbox()
    port = free_port()
    settings = smtp_settings(tmp_path, port, "unused")
    with smtp_server(inbox, port):
        letter_id, outbox = await deliver(store, tmp_path, settings, invitation())
        assert await outbox.drain() == 0  # nothing left for the drainer
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["Message-ID"] == f"<{letter_id}@napreview>"
    assert message["To"] == "Isabelle Martin <fp.fra@example.org>"
    assert message["Cc"] == "wps@france-mission.example.org"
    assert inbox.envelopes[0][1] == ["fp.fra@example.org", "wps@france-mission.example.org"]
    parts = {part.get_content_type(): part for part in message.walk()}
    assert "Madame," in parts["text/plain"].get_content()
    assert "<!DOCTYPE html>" in parts["text/html"].get_content()
    assert "application/pdf" not in parts  # a notice: its text and HTML carry it whole
    assert not (tmp_path / "pdf").exists()  # and nothing was laid out for it
    row = store.letters.get(letter_id)
    assert row.delivery_state == "sent" and row.delivery_attempts == 1
    assert "250 2.0.0 Ok: queued as TEST1" in (row.delivery_detail or "")


async def test_the_final_feedback_goes_with_its_pdf_laid_out_once(
    store: Store, tmp_path: Path
) -> None:
    """The letter a mission files as the record carries a PDF named for people; the PDF is
    kept under the digest of the letter's HTML, so no retry or reader lays it out again."""
    settings = smtp_settings(tmp_path, None, "unused")
    letters = LetterActivities(store, tmp_path / "letters")
    invited = await asyncio.to_thread(letters.store_and_file, invitation("SEN"))
    html = "<!DOCTYPE html><html><body><p>Final feedback for Senegal.</p></body></html>"
    final, _ = store.letters.store(
        f"review-{invited.cycle_id}-SEN/final_feedback/1/SEN",
        NewLetter(
            **{
                name: getattr(invited, name)
                for name in ("cycle_id", "member_code", "round", "recipient", "recipient_name")
            },
            kind=LetterKind.FINAL_FEEDBACK.value,
            recipient_member="SEN",
            language="fr",
            subject="Conclusions finales",
            body_text="Conclusions finales.",
            body_html=html,
            sha256=sha256_text("Conclusions finales."),
            template="fr/final_feedback.j2",
            template_version="0" * 64,
            inputs_sha256="0" * 64,
            delivery_state="queued",
        ),
    )
    attempt = await Outbox(store, settings).attempt(final.id)
    assert attempt is not None and attempt.state == "filed"
    message = email.message_from_bytes(
        (tmp_path / "outbox" / f"{final.id}.eml").read_bytes(), policy=policy.default
    )
    [pdf] = message.iter_attachments()
    assert pdf.get_filename() == f"Sénégal — examen {invited.cycle_id} — conclusions finales.pdf"
    assert pdf.get_content().startswith(b"%PDF-")
    [kept] = (tmp_path / "pdf").iterdir()
    assert kept.name == f"{sha256_text(html)}.pdf" and kept.read_bytes() == pdf.get_content()


async def test_an_smtp_outage_leaves_the_letter_queued_and_the_drainer_sends_it_once_back(
    store: Store, tmp_path: Path
) -> None:
    inbox = Inbox()
    port = free_port()  # nothing listens there yet
    settings = smtp_settings(tmp_path, port, "unused")
    clock = Clock()
    outbox = Outbox(store, settings, clock)
    letters = LetterActivities(store, tmp_path / "letters", outbox)
    ref = await letters.send_letter(invitation("DEU"))  # the review goes on meanwhile
    queued = store.letters.get(ref.id)
    assert (queued.delivery_state, queued.delivery_attempts) == ("queued", 1)
    assert (queued.delivery_detail or "").startswith("retrying: ")
    assert await outbox.drain() == 0  # not before its retry is due
    clock.now += timedelta(seconds=1)
    assert await outbox.drain() == 1  # still away: the next retry waits twice as long
    assert store.letters.get(ref.id).delivery_attempts == 2
    clock.now += timedelta(seconds=1)
    assert await outbox.drain() == 0
    with smtp_server(inbox, port):
        clock.now += timedelta(seconds=1)
        assert await outbox.drain() == 1
        clock.now += timedelta(minutes=10)
        assert await outbox.drain() == 0  # delivered: never tried again
    assert len(inbox.messages) == 1
    row = store.letters.get(ref.id)
    assert (row.delivery_state, row.delivery_attempts) == ("sent", 3)


async def test_two_senders_at_once_send_a_letter_once(store: Store, tmp_path: Path) -> None:
    """The letter's activity and a drainer (or two workers' drainers) reaching one letter at the
    same moment: one claims it and sends it, the other leaves it."""
    inbox = Inbox()
    port = free_port()
    settings = smtp_settings(tmp_path, port, "unused")
    row = LetterActivities(store, tmp_path / "letters").store_and_file(invitation("MEX"))
    with smtp_server(inbox, port):
        attempts = await asyncio.gather(
            *(Outbox(store, settings).attempt(row.id) for _ in range(4))
        )
    assert sorted(str(a.state) if a else "left" for a in attempts) == ["left"] * 3 + ["sent"]
    assert len(inbox.messages) == 1
    assert store.letters.get(row.id).delivery_attempts == 1


async def test_a_letter_whose_sender_died_is_sent_once_its_claim_runs_out(
    store: Store, tmp_path: Path
) -> None:
    """A worker killed mid-send leaves its claim on the letter: nobody sends it meanwhile, and
    the first drainer after the claim runs out does, once."""
    settings = smtp_settings(tmp_path, None, "unused")
    clock = Clock()
    row = LetterActivities(store, tmp_path / "letters").store_and_file(invitation("NOR"))
    assert store.letters.claim_delivery(row.id, clock.now, clock.now + CLAIM)  # then it died
    outbox = Outbox(store, settings, clock)
    await filed_once_the_hold_runs_out(store, outbox, clock, row.id, tmp_path / "outbox")


async def test_a_letter_whose_first_attempt_never_ended_is_sent_once_its_hold_runs_out(
    store: Store, tmp_path: Path
) -> None:
    """The letter's activity stores it held for its own first attempt; if that attempt ends
    without a word (the database locked as it began, the worker killed), the drainer sends it
    once the hold runs out. (A letter stored held by nobody was never tried again: one of the
    CI's fault runs left letters queued for good after the database was locked.)"""
    settings = smtp_settings(tmp_path, None, "unused")
    clock = Clock()
    outbox = Outbox(store, settings, clock)
    letters = LetterActivities(store, tmp_path / "letters", outbox)
    row, created = letters.stored_and_filed(invitation("NOR"))  # and no attempt follows
    assert created and row.delivery_state == "queued"
    await filed_once_the_hold_runs_out(store, outbox, clock, row.id, tmp_path / "outbox")


async def filed_once_the_hold_runs_out(
    store: Store, outbox: Outbox, clock: Clock, letter_id: str, folder: Path
) -> None:
    """Nobody sends the held letter until its hold runs out; then the drainer does, once."""
    assert await outbox.drain() == 0
    clock.now += CLAIM - timedelta(seconds=1)
    assert await outbox.drain() == 0
    clock.now += timedelta(seconds=2)
    assert await outbox.drain() == 1
    assert store.letters.get(letter_id).delivery_state == "filed"
    assert [p.stem for p in folder.glob("*.eml")] == [letter_id]


async def test_a_full_disk_keeps_the_letter_queued_until_the_outbox_can_be_written(
    store: Store, tmp_path: Path
) -> None:
    settings = smtp_settings(tmp_path, None, "unused")
    settings.outbox_dir.parent.mkdir(parents=True, exist_ok=True)
    settings.outbox_dir.write_text("not a folder")  # writing into it fails as a full disk does
    clock = Clock()
    outbox = Outbox(store, settings, clock)
    letter_id = (await LetterActivities(store, tmp_path / "l", outbox).send_letter(invitation())).id
    assert await outbox.drain() == 0
    row = store.letters.get(letter_id)
    assert row.delivery_state == "queued"
    assert "the outbox folder cannot be written" in (row.delivery_detail or "")
    settings.outbox_dir.unlink()
    clock.now += timedelta(seconds=1)
    assert await outbox.drain() == 1
    assert store.letters.get(letter_id).delivery_state == "filed"


async def test_a_refused_recipient_fails_with_the_reason_and_is_not_retried(
    store: Store, tmp_path: Path
) -> None:
    inbox = Inbox()
    port = free_port()
    settings = smtp_settings(tmp_path, port, "unused")
    with smtp_server(inbox, port):
        letter_id, outbox = await deliver(store, tmp_path, settings, invitation("BEL"))
        outbox.clock = lambda: datetime.now(UTC) + timedelta(hours=1)
        assert await outbox.drain() == 0
    row = store.letters.get(letter_id)
    assert row.delivery_state == "failed"
    assert "550" in (row.delivery_detail or "") and REFUSED in (row.delivery_detail or "")
    assert "mailbox unavailable" in (row.delivery_detail or "")
    assert row.delivery_attempts == 1
    assert inbox.messages == []


async def test_without_smtp_letters_go_to_the_outbox_as_eml_files(
    store: Store, tmp_path: Path
) -> None:
    settings = smtp_settings(tmp_path, None, "unused")
    letter_id, _ = await deliver(store, tmp_path, settings, invitation())
    row = store.letters.get(letter_id)
    assert row.delivery_state == "filed"  # written to the outbox: nobody has received it
    path = tmp_path / "outbox" / f"{letter_id}.eml"
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["Message-ID"] == f"<{letter_id}@napreview>"
    assert path.stat().st_mode & 0o777 == 0o600
    assert str(path.resolve()) in (row.delivery_detail or "")


async def test_a_review_s_letters_start_no_workflow_of_their_own(dev_env, store, tmp_path) -> None:
    """The whole worker: the invitation a review writes is delivered by its own activity, and no
    deliver-<letter id> workflow exists for it (each was 11 events, 2 tasks, 1 activity)."""
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as settings:
        cycle = await start_cycle(client, store, settings.task_queue, ["DEU", "FRA", "MEX", "NAM"])
        state = await state_when(client, cycle, "DEU", lambda s: bool(s.letters))
        [invited] = state.letters
    letter = store.letters.get(invited.id)
    assert (letter.kind, letter.delivery_state) == ("invitation", "filed")
    assert (settings.outbox_dir / f"{letter.id}.eml").exists()
    with pytest.raises(RPCError, match="not found"):
        await client.get_workflow_handle(delivery_workflow_id(letter.id)).describe()


async def test_a_delivery_workflow_an_earlier_release_started_still_ends(
    dev_env, store: Store, tmp_path: Path
) -> None:
    """deliver-<letter id> workflows started before the outbox finish through it; a recorded
    run of one replays with today's code (tests/histories/deliver-letter/)."""
    settings = smtp_settings(tmp_path, None, f"test-{uuid.uuid4().hex[:8]}")
    row = LetterActivities(store, tmp_path / "letters").store_and_file(invitation("ARG"))
    async with Worker(
        dev_env.client,
        task_queue=settings.task_queue,
        workflows=[DeliverLetterWorkflow],
        activities=[DeliveryActivities(Outbox(store, settings)).deliver_letter],
    ):
        handle = await dev_env.client.start_workflow(
            DeliverLetterWorkflow.run,
            DeliveryRequest(letter_id=row.id),
            id=delivery_workflow_id(row.id),
            task_queue=settings.task_queue,
        )
        outcome = await handle.result()
    assert outcome.state == "filed"
    assert store.letters.get(row.id).delivery_state == "filed"
    history = await handle.fetch_history()
    if os.environ.get("NAPREVIEW_RECORD_HISTORIES") == "1":
        HISTORY.parent.mkdir(exist_ok=True)
        HISTORY.write_text(json.dumps(history.to_json_dict(), indent=1))
    assert (await replay(history, [DeliverLetterWorkflow])).deterministic


async def test_the_recorded_delivery_workflow_replays_with_todays_code() -> None:
    history = WorkflowHistory.from_json("deliver-recorded", json.loads(HISTORY.read_text()))
    assert (await replay(history, [DeliverLetterWorkflow])).deterministic


@pytest.mark.parametrize("broken", ["missing", "truncated"])
def test_letter_files_are_rewritten_from_the_store_when_wrong(
    store: Store, tmp_path: Path, broken: str
) -> None:
    letters = LetterActivities(store, tmp_path / "letters")
    row = letters.store_and_file(invitation())
    [text] = (tmp_path / "letters").rglob("*.txt")
    if broken == "missing":
        text.unlink()
    else:
        text.write_text("")
    letters.store_and_file(invitation().model_copy(update={"cycle": row.cycle_id}))
    assert text.read_text(encoding="utf-8") == row.body_text
    assert not list((tmp_path / "letters").rglob("*.tmp"))


def test_an_invitation_goes_by_the_same_mail_server_and_says_when_it_could_not(
    store: Store, tmp_path: Path
) -> None:
    """Account messages (invitations, resets) leave by SMTP like letters; when the server is
    away the link still stands and the person inviting is told why the email did not go."""
    from napreview.people.invitations import INVITE, send_link

    inbox = Inbox()
    port = free_port()
    settings = smtp_settings(tmp_path, port, "unused")

    def invite(**language: str):
        return send_link(
            store,
            "fp.fra@example.org",
            INVITE,
            base_url="https://portal.example.org",
            settings=settings,
            created_by=None,
            **language,
        )

    with smtp_server(inbox, port):
        sent = invite(language="fr")
    assert sent.not_sent is None
    (message,) = inbox.messages
    assert message["To"] == "fp.fra@example.org"
    assert message["Subject"].startswith("Votre accès au portail")
    assert sent.link in message.get_content()
    assert sent.message.exists()  # a copy in the outbox

    # The server is away now: the link is created all the same, and the reason said.
    refused = invite()
    assert refused.not_sent and "could not be reached" in refused.not_sent
    assert refused.link.startswith("https://portal.example.org/password/")
    assert len(inbox.messages) == 1


@pytest.mark.parametrize("by_smtp", [True, False], ids=["smtp", "outbox"])
async def test_a_header_the_letter_cannot_carry_fails_it_with_the_reason_at_once(
    store: Store, tmp_path: Path, by_smtp: bool
) -> None:
    """A name with a line break, recorded before names were checked at input: the letter is
    failed with the reason on the first attempt (it stayed queued for ever), and no header
    line of the name's making reaches anyone."""
    store.focal_points.designate(
        Designation(
            member="FRA", name="Isabelle\r\nBcc: spy@example.org", email="fp.fra@example.org"
        )
    )
    inbox = Inbox()
    port = free_port()
    settings = smtp_settings(tmp_path, port if by_smtp else None, f"test-{uuid.uuid4().hex[:8]}")
    with smtp_server(inbox, port) if by_smtp else nothing():
        letter_id, _ = await deliver(store, tmp_path, settings, invitation())
    row = store.letters.get(letter_id)
    assert row.delivery_state == "failed" and row.delivery_attempts == 1
    assert "cannot be made into an email" in (row.delivery_detail or "")
    assert inbox.messages == []
    assert not (tmp_path / "outbox" / f"{letter_id}.eml").exists()
