"""One portal for the web tests of a session: the real dev server, a worker, a SQLite store
and the portal served by uvicorn on a free port; Debian's Chromium driven by Playwright."""

from __future__ import annotations

import asyncio
import html
import os
import re
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from temporalio.client import Client

from napreview.people.accounts import EXAMPLE_PASSWORD, Accounts
from napreview.services.installation import open_store, seed
from napreview.settings import Settings
from napreview.store.records import Store
from napreview.web.config import PortalSettings
from napreview.web.server import serve_portal
from napreview.worker import build_worker

CHROMIUM = Path(os.environ.get("NAPREVIEW_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Where the browser tests leave their screenshots (NAPREVIEW_SCREENSHOTS: elsewhere, to look at).
SCREENSHOTS = Path(
    os.environ.get("NAPREVIEW_SCREENSHOTS") or Path(__file__).parent.parent / "screenshots"
)


@dataclass
class PortalEnv:
    url: str
    store: Store
    accounts: Accounts
    settings: Settings
    client: Client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
async def portal_env(dev_env, tmp_path_factory) -> AsyncIterator[PortalEnv]:
    home = tmp_path_factory.mktemp("portal")
    url = f"sqlite:///{home / 'napreview.db'}"
    store = open_store(url)
    seed(store)
    accounts = Accounts(store)
    accounts.give_example_passwords()
    settings = Settings(
        home=home,
        database_url=url,
        temporal_address=dev_env.client.service_client.config.target_host,
        task_queue=f"portal-{uuid.uuid4().hex[:8]}",
    )
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    options = PortalSettings(url=base, failure_delay=0.01)
    stop = asyncio.Event()
    async with build_worker(dev_env.client, settings, store):
        server = asyncio.create_task(
            serve_portal(settings, options, "127.0.0.1", port, stop, store)
        )
        async with httpx.AsyncClient() as http:
            for _ in range(100):
                try:
                    if (await http.get(f"{base}/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
        yield PortalEnv(base, store, accounts, settings, dev_env.client)
        stop.set()
        await server
    store.engine.dispose()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that drives Chromium is marked `browser`: `make test` leaves them to
    `make test-browser` (both run by .ci/run), so `make test` stays under ten minutes."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
async def browser():
    if not CHROMIUM.exists():
        message = f"No Chromium at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it (.ci/run): a skip there would hide the path
        pytest.skip(message)
    from playwright.async_api import async_playwright

    playwright = await async_playwright().start()
    launched = await playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield launched
    await launched.close()
    await playwright.stop()


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


class Http:
    """A person's browser without the browser: cookies, and the form's CSRF token."""

    def __init__(self, base: str, transport: httpx.AsyncBaseTransport | None = None) -> None:
        # A patient browser: forty password hashes at once take a while on two cores, and the
        # tests are about what the portal answers, not how fast.
        self.client = httpx.AsyncClient(
            base_url=base, follow_redirects=False, transport=transport, timeout=60.0
        )
        self.csrf = ""

    async def get(self, path: str) -> httpx.Response:
        response = await self.client.get(path)
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    async def post(self, path: str, data: dict | None = None, csrf: bool = True, **kw):
        data = dict(data or {})
        if csrf:
            data["csrf_token"] = self.csrf
        return await self.client.post(path, data=data, **kw)

    async def confirm(self, asked: httpx.Response) -> httpx.Response:
        """Press the confirmation page's button: its form's hidden fields, posted where it
        posts (the page a step that cannot be undone answers first)."""
        assert asked.status_code == 200 and 'id="what-happens"' in asked.text, asked.text
        form = asked.text.split('id="what-happens"')[1]
        action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', form).group(1))
        fields: dict[str, list[str]] = {}  # a field may repeat (the reviews chosen)
        for name, value in HIDDEN.findall(form.split("</form>")[0]):
            fields.setdefault(html.unescape(name), []).append(html.unescape(value))
        return await self.client.post(action, data=fields)

    async def sign_in(self, email: str, password: str = EXAMPLE_PASSWORD) -> httpx.Response:
        await self.get("/sign-in")
        response = await self.post("/sign-in", {"email": email, "password": password})
        await self.get("/")
        return response

    async def close(self) -> None:
        await self.client.aclose()


@pytest.fixture
async def http(portal_env) -> AsyncIterator:
    made: list[Http] = []

    def make() -> Http:
        made.append(Http(portal_env.url))
        return made[-1]

    yield make
    for h in made:
        await h.close()
