"""Running napreview: the embedded stack (`up`), a worker for any Temporal service, the demo."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cli.common import EXIT_USAGE, console, fail, handled, settings

if TYPE_CHECKING:
    from settings import Settings
    from store.repository import Store


def _writable_home(home: Path) -> Path:
    try:
        home.mkdir(parents=True, exist_ok=True)
        probe = home / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as err:
        raise fail(
            EXIT_USAGE,
            f"The home folder {home} cannot be written to ({err.strerror}); "
            "choose another with --home or NAPREVIEW_HOME.",
        ) from None
    return home.resolve()


def prepare_store(config: Settings) -> tuple[Store, bool]:
    """Migrate, and seed on first start."""
    from store.db import migrate
    from store.repository import Store
    from store.seed import seed

    migrate(config.resolved_database_url)
    store = Store.from_url(config.resolved_database_url)
    return store, seed(store)


async def _serve_until_stopped(config: Settings, serves: str = "all") -> None:
    from worker import run_worker

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await run_worker(config, stop, serves)


def register(app: typer.Typer) -> None:
    @app.command("up")
    @handled
    def up(
        port: int = typer.Option(7233, "--port", help="Temporal's port; the Web UI is port+1000"),
        home: Path | None = typer.Option(None, "--home", help="Data folder (NAPREVIEW_HOME)"),
        headless: bool = typer.Option(False, "--headless", help="No Web UI"),
    ) -> None:
        """Start the embedded Temporal server and a worker; Ctrl-C stops both."""
        from cli.embedded import EmbeddedError, start_dev_server, stop_process
        from settings import Settings

        base = settings()
        folder = _writable_home(home or base.home)
        config = Settings(home=folder, temporal_address=f"localhost:{port}")
        ui_port = port + 1000
        try:
            server = start_dev_server(folder, port, ui_port, headless, folder / "temporal.log")
        except EmbeddedError as err:
            raise fail(EXIT_USAGE, str(err)) from None
        try:
            _store, seeded = prepare_store(config)
            console.print(
                f"[bold]napreview is up.[/bold] Temporal on localhost:{port}, data in {folder}."
            )
            if seeded:
                console.print("First start: the 83 members and the example people are seeded.")
            if not headless:
                console.print(f"Web UI: http://localhost:{ui_port}")
            console.print(
                "Try, in another terminal:\n"
                "  napreview members list\n"
                "  napreview demo --members DEU,FRA,MEX,NAM,JPN\n"
                "  napreview cycle start 2019 --as secretariat@example.org\n"
                "  napreview cycle status 2019\n"
                "Ctrl-C stops the worker and the server."
            )
            with contextlib.suppress(KeyboardInterrupt):
                asyncio.run(_serve_until_stopped(config))
        finally:
            stop_process(server)
            console.print("napreview stopped; everything is kept in " + str(folder))

    @app.command("worker")
    @handled
    def worker(
        only: str = typer.Option(
            "all", "--only", help="Serve only 'workflows' or only 'activities' (default: both)"
        ),
    ) -> None:
        """A worker for an existing Temporal service (NAPREVIEW_TEMPORAL_ADDRESS and friends)."""
        if only not in ("all", "workflows", "activities"):
            raise fail(EXIT_USAGE, "--only takes 'workflows' or 'activities'.")
        config = settings()
        console.print(
            f"Worker for {config.temporal_address}, namespace {config.namespace}, "
            f"task queue {config.task_queue}. Ctrl-C stops it."
        )
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_serve_until_stopped(config, only))

    @app.command("demo")
    @handled
    def demo(
        members: str = typer.Option(
            "DEU,FRA,MEX,NAM,JPN,AU", "--members", help="'all' or codes separated by commas"
        ),
    ) -> None:
        """A whole cycle with simulated people on the running server; shows live progress."""
        from cli.demo import run_demo

        run_demo(members)
