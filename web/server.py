"""Serving the portal with uvicorn, alone (`napreview portal`) or beside the worker (`up`)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
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
    shared_port: bool = False,
) -> None:
    """Serve until ``stop`` is set. ``shared_port``: other processes serve the same port
    (SO_REUSEPORT; the kernel spreads the connections among them), as under `napreview up`."""
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
        await server.serve(sockets=[_shared_socket(host, port)] if shared_port else None)
    finally:
        watcher.cancel()
    if not server.started and not stop.is_set():
        raise OSError(f"The portal could not listen on {host}:{port}.")


def _shared_socket(host: str, port: int) -> socket.socket:
    """A listening socket on a port that other processes of this user may listen on too."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock
