"""Serving the portal with uvicorn, alone (`napreview portal`) or beside the worker (`up`)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import uvicorn

from napreview.services.installation import Store
from napreview.settings import Settings
from napreview.web.app import create_app
from napreview.web.config import PortalSettings


class _QuietServer(uvicorn.Server):
    """A server that leaves signals to its host process, which stops it through ``stop``."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve_portal(
    settings: Settings,
    options: PortalSettings,
    host: str,
    port: int,
    stop: asyncio.Event,
    store: Store | None = None,
    *,
    proxy_headers: bool = False,
) -> None:
    """Serve until ``stop`` is set."""
    config = uvicorn.Config(
        create_app(settings, options, store),
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=proxy_headers,
        forwarded_allow_ips="*" if proxy_headers else None,
        server_header=False,
    )
    server = _QuietServer(config)

    async def watch() -> None:
        await stop.wait()
        server.should_exit = True

    watcher = asyncio.create_task(watch())
    try:
        await server.serve()
    finally:
        watcher.cancel()
    if not server.started and not stop.is_set():
        raise OSError(f"The portal could not listen on {host}:{port}.")
