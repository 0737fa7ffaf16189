"""Letters delivered by email (issue #10 item 7): a real SMTP server (aiosmtpd) on a free local
port, a worker on the Temporal dev server, the real store. Delivered once; server down then up:
delivered once; a refused recipient: failed with the reason; no server: the outbox."""

from __future__ import annotations

import asyncio
import email
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from temporalio.client import Client
from temporalio.worker import Worker

from napreview.activities.delivery import DeliveryActivities
from napreview.activities.letters import LetterActivities
from napreview.letters.files import sha256_text
from napreview.schemas.delivery import delivery_workflow_id
from napreview.schemas.letters import LetterKind, LetterRequest
from napreview.schemas.members import Location
from napreview.settings import Settings
from napreview.store.focal_points import Designation
from napreview.store.letters import NewLetter
from napreview.store.records import Store
from napreview.workflows.delivery import DeliverLetterWorkflow

REFUSED = "fp.bel@example.org"


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


async def deliver(
    client: Client, store: Store, tmp_path: Path, settings: Settings, request: LetterRequest
) -> tuple[str, object]:
    """Store a letter through the activity path and run its delivery workflow to the end."""
    letters = LetterActivities(store, tmp_path / "letters", client, settings.task_queue)
    delivery = DeliveryActivities(store, settings)
    async with Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[DeliverLetterWorkflow],
        activities=[delivery.deliver_letter],
    ):
        row = await asyncio.to_thread(letters.store_and_file, request)
        await letters._start_delivery(row.id)
        await letters._start_delivery(row.id)  # a retried send_letter starts nothing more
        handle = client.get_workflow_handle_for(
            DeliverLetterWorkflow.run, delivery_workflow_id(row.id)
        )
        return row.id, await handle.result()


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
    dev_env, store: Store, tmp_path: Path
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
    settings = smtp_settings(tmp_path, port, f"test-{uuid.uuid4().hex[:8]}")
    with smtp_server(inbox, port):
        letter_id, outcome = await deliver(dev_env.client, store, tmp_path, settings, invitation())
    assert outcome.state == "sent"
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
    assert row.delivery_state == "sent"
    assert "250 2.0.0 Ok: queued as TEST1" in (row.delivery_detail or "")


async def test_the_final_feedback_goes_with_its_pdf_laid_out_once(
    dev_env, store: Store, tmp_path: Path
) -> None:
    """The letter a mission files as the record carries a PDF named for people; the PDF is
    kept under the digest of the letter's HTML, so no retry or reader lays it out again."""
    settings = smtp_settings(tmp_path, None, f"test-{uuid.uuid4().hex[:8]}")
    letters = LetterActivities(store, tmp_path / "letters", dev_env.client, settings.task_queue)
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
    async with Worker(
        dev_env.client,
        task_queue=settings.task_queue,
        workflows=[DeliverLetterWorkflow],
        activities=[DeliveryActivities(store, settings).deliver_letter],
    ):
        await letters._start_delivery(final.id)
        handle = dev_env.client.get_workflow_handle_for(
            DeliverLetterWorkflow.run, delivery_workflow_id(final.id)
        )
        assert (await handle.result()).state == "filed"
    message = email.message_from_bytes(
        (tmp_path / "outbox" / f"{final.id}.eml").read_bytes(), policy=policy.default
    )
    [pdf] = message.iter_attachments()
    assert pdf.get_filename() == f"Sénégal — examen {invited.cycle_id} — conclusions finales.pdf"
    assert pdf.get_content().startswith(b"%PDF-")
    [kept] = (tmp_path / "pdf").iterdir()
    assert kept.name == f"{sha256_text(html)}.pdf" and kept.read_bytes() == pdf.get_content()


async def test_an_smtp_outage_is_retried_until_the_server_is_back_and_sends_once(
    dev_env, store: Store, tmp_path: Path
) -> None:
    inbox = Inbox()
    port = free_port()  # nothing listens there yet
    settings = smtp_settings(tmp_path, port, f"test-{uuid.uuid4().hex[:8]}")
    client = dev_env.client
    letters = LetterActivities(store, tmp_path / "letters", client, settings.task_queue)
    delivery = DeliveryActivities(store, settings)
    async with Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[DeliverLetterWorkflow],
        activities=[delivery.deliver_letter],
    ):
        row = await asyncio.to_thread(letters.store_and_file, invitation("DEU"))
        await letters._start_delivery(row.id)
        for _ in range(300):  # the first attempt fails: connection refused, state recorded
            current = store.letters.get(row.id)
            if current.delivery_attempts:
                break
            await asyncio.sleep(0.05)
        assert current.delivery_state == "queued"
        assert (current.delivery_detail or "").startswith("retrying:")
        with smtp_server(inbox, port):
            handle = client.get_workflow_handle_for(
                DeliverLetterWorkflow.run, delivery_workflow_id(row.id)
            )
            outcome = await handle.result()
    assert outcome.state == "sent"
    assert len(inbox.messages) == 1
    assert store.letters.get(row.id).delivery_state == "sent"


async def test_a_refused_recipient_fails_with_the_reason_and_is_not_retried(
    dev_env, store: Store, tmp_path: Path
) -> None:
    inbox = Inbox()
    port = free_port()
    settings = smtp_settings(tmp_path, port, f"test-{uuid.uuid4().hex[:8]}")
    with smtp_server(inbox, port):
        letter_id, outcome = await deliver(
            dev_env.client, store, tmp_path, settings, invitation("BEL")
        )
    assert outcome.state == "failed"
    assert "550" in outcome.detail and REFUSED in outcome.detail
    row = store.letters.get(letter_id)
    assert row.delivery_state == "failed"
    assert "mailbox unavailable" in (row.delivery_detail or "")
    assert row.delivery_attempts == 1
    assert inbox.messages == []


async def test_without_smtp_letters_go_to_the_outbox_as_eml_files(
    dev_env, store: Store, tmp_path: Path
) -> None:
    settings = smtp_settings(tmp_path, None, f"test-{uuid.uuid4().hex[:8]}")
    letter_id, outcome = await deliver(dev_env.client, store, tmp_path, settings, invitation())
    assert outcome.state == "filed"  # written to the outbox: nobody has received it
    assert store.letters.get(letter_id).delivery_state == "filed"
    path = tmp_path / "outbox" / f"{letter_id}.eml"
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["Message-ID"] == f"<{letter_id}@napreview>"
    assert path.stat().st_mode & 0o777 == 0o600
    assert str(path.resolve()) in (store.letters.get(letter_id).delivery_detail or "")


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
    dev_env, store: Store, tmp_path: Path, by_smtp: bool
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
        letter_id, outcome = await deliver(dev_env.client, store, tmp_path, settings, invitation())
    assert outcome.state == "failed"
    row = store.letters.get(letter_id)
    assert row.delivery_state == "failed" and row.delivery_attempts == 1
    assert "cannot be made into an email" in (row.delivery_detail or "")
    assert inbox.messages == []
    assert not (tmp_path / "outbox" / f"{letter_id}.eml").exists()
