"""No page blocks the event loop: every store call a request makes runs in a worker thread.

The portal shares one event loop between every request and the Temporal client; a database
call made on it stalls all of them for as long as it takes. The check watches the store's
connection pool: a connection taken on the loop's own thread, while a request of this test is
being answered, is a call that blocked the loop."""

from __future__ import annotations

import contextvars
import json
import re
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import event

import napreview.web
from napreview.schemas.examples import example_self_assessment
from napreview.schemas.review import Stage
from napreview.store.records import Store
from napreview.web.app import create_app
from napreview.web.config import PortalSettings

from ..helpers import SECRETARIAT, at_stage, fp, start_cycle
from .conftest import Http

PACKAGE = Path(napreview.web.__file__).parents[1]
# Set around this test's requests only: the worker sharing the loop is not what is checked.
_answering = contextvars.ContextVar("answering", default=False)


@contextmanager
def store_calls_on_the_loop(store: Store) -> Iterator[tuple[list[str], list[str]]]:
    """Where each connection was taken while a request was answered: (on the loop's thread,
    the napreview frame that asked; elsewhere)."""
    loop_thread = threading.get_ident()  # the tests and the portal share this loop
    on_loop: list[str] = []
    off_loop: list[str] = []

    def checkout(*_: object) -> None:
        if not _answering.get():
            return
        if threading.get_ident() != loop_thread:
            off_loop.append(threading.current_thread().name)
            return
        ours = [
            f"{Path(frame.filename).relative_to(PACKAGE)}:{frame.lineno} {frame.name}"
            for frame in traceback.extract_stack()
            if Path(frame.filename).is_relative_to(PACKAGE)
            and not Path(frame.filename).is_relative_to(PACKAGE / ".venv")
            and not Path(frame.filename).is_relative_to(PACKAGE / "tests")
        ]
        on_loop.append(" <- ".join(reversed(ours[-3:])))

    event.listen(store.engine, "checkout", checkout)
    token = _answering.set(True)
    try:
        yield on_loop, off_loop
    finally:
        _answering.reset(token)
        event.remove(store.engine, "checkout", checkout)


async def test_no_page_reads_the_store_on_the_event_loop(portal_env):
    cycle = await start_cycle(
        portal_env.client,
        portal_env.store,
        portal_env.settings.task_queue,
        ["DEU", "FRA", "MEX", "NAM", "JPN"],
    )
    await at_stage(portal_env.client, cycle, "DEU", Stage.SELF_ASSESSMENT)
    document = json.dumps(
        example_self_assessment(portal_env.store.members.get("DEU")).model_dump(mode="json")
    ).encode()
    app = create_app(portal_env.settings, PortalSettings(failure_delay=0.01), portal_env.store)
    deu = Http("http://portal", transport=httpx.ASGITransport(app=app))
    sec = Http("http://portal", transport=httpx.ASGITransport(app=app))
    review = f"/reviews/{cycle}/DEU"
    with store_calls_on_the_loop(portal_env.store) as (on_loop, off_loop):
        assert (await deu.get("/sign-in")).status_code == 200
        wrong = await deu.post("/sign-in", {"email": fp("DEU"), "password": "not it at all"})
        assert wrong.status_code == 401
        assert (await deu.sign_in(fp("DEU"))).status_code == 303
        home = await deu.get("/")
        assert home.status_code == 200 and cycle in home.text
        assert (await deu.get(review)).status_code == 200
        assert (await deu.get(f"{review}/self-assessment")).status_code == 200
        draft = await deu.post(f"{review}/self-assessment", {"action": "draft", "nap.title": "A"})
        assert draft.status_code == 200 and "Draft saved" in draft.text
        assert (await deu.get("/people")).status_code == 404  # not a focal point's room
        assert (await deu.get(f"{review}/timeline")).status_code == 200
        assert (await deu.get("/no-such-page")).status_code == 404
        assert (await sec.sign_in(SECRETARIAT)).status_code == 303
        assert (await sec.get("/people")).status_code == 200
        assert (await sec.get(f"/cycles/{cycle}")).status_code == 200
        asked = await sec.post(f"{review}/extend", {"days": "3", "reason": "a flood"})
        assert (await sec.confirm(asked)).status_code == 303
        autosaved = await deu.post(f"{review}/self-assessment", {"action": "autosave"})
        assert autosaved.status_code == 200 and "Draft saved" in autosaved.json()["saved"]
        asked = await deu.post(
            f"{review}/self-assessment",
            {"action": "upload"},
            files={"document_json": ("sa.json", document, "application/json")},
        )
        sent = await deu.confirm(asked)
        assert sent.status_code == 303, sent.text
        await at_stage(portal_env.client, cycle, "DEU", Stage.PEER_REVIEW)
        letters = await deu.get("/letters")
        assert letters.status_code == 200
        opened = re.search(r'href="/letters/([^"/]+)"', letters.text)
        assert opened, "no letter listed for the focal point"
        assert (await deu.get(f"/letters/{opened.group(1)}")).status_code == 200
        assert (await deu.post("/sign-out")).status_code == 303
        await deu.close()
        await sec.close()
    assert on_loop == [], "store calls on the event loop:\n" + "\n".join(on_loop)
    assert off_loop, "the check saw no store call at all"
