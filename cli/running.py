"""Running napreview: the embedded stack (`up`), a worker for any Temporal service, the demo."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from napreview.cli import stack
from napreview.cli.common import (
    EXIT_UNEXPECTED,
    EXIT_USAGE,
    console,
    fail,
    handled,
    safe_url,
    settings,
)
from napreview.cli.ports import UI_OFFSET, port_problem, stack_ports

if TYPE_CHECKING:
    from napreview.services.installation import Store
    from napreview.settings import Settings


def _writable_home(home: Path) -> Path:
    try:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
        home.chmod(0o700)  # the records, letters and keys are for the napreview user only
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
    """Migrate, seed on first start, and give the front end its signing keys on first start."""
    from napreview.people.signing import Signer, SigningUnavailable
    from napreview.services.installation import open_store, seed

    url = config.resolved_database_url
    store = open_store(url, production=config.production)
    if url.startswith("sqlite:///"):
        database = Path(url.removeprefix("sqlite:///"))
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            if path.exists():
                path.chmod(0o600)
    try:
        Signer.load(config.signing_keys_dir)
    except SigningUnavailable:
        Signer.create(config.signing_keys_dir)
    return store, seed(store, production=config.production)


async def _serve_until_stopped(config: Settings, serves: str = "all") -> None:
    from napreview.worker import run_worker

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await run_worker(config, stop, serves)


def _portal_url(port: int) -> str:
    """Where the letters' links and invitations send people: NAPREVIEW_PORTAL_URL, or the
    portal `up` serves on this machine."""
    from napreview.settings import DEFAULT_PORTAL_URL
    from napreview.web.config import load_portal_settings

    url = load_portal_settings().url
    return f"http://localhost:{port}" if url == DEFAULT_PORTAL_URL and port != 8000 else url


def register(app: typer.Typer) -> None:
    @app.command("up")
    @handled
    def up(
        port: int = typer.Option(7233, "--port", help="Temporal's port; the Web UI is port+1000"),
        home: Path | None = typer.Option(None, "--home", help="Data folder (NAPREVIEW_HOME)"),
        headless: bool = typer.Option(False, "--headless", help="No Web UI"),
        portal_port: int = typer.Option(8000, "--portal-port", help="The portal's port"),
    ) -> None:
        """Start the embedded Temporal server, a worker and the portal; Ctrl-C stops all."""
        from napreview.cli.portal import example_sign_ins
        from napreview.cli.supervisor import end_previous_stack, start_children, supervise
        from napreview.people.trial import give_example_passwords_once, trial_open
        from napreview.settings import Settings, load_settings
        from napreview.temporal.dev_server import (
            EmbeddedError,
            port_free,
            start_dev_server,
            stop_process,
        )
        from napreview.temporal.sdk_version import assert_tested_sdk

        assert_tested_sdk()  # before the server starts: its worker would refuse anyway
        # As configured here, not the stack another `up` serves (cli/stack.py).
        base = load_settings(find_stack=False)
        folder = _writable_home(home or base.home)
        end_previous_stack(folder)  # a killed `up`'s processes let go of their ports first
        problem = port_problem(stack_ports(port, portal_port, headless), port_free)
        if problem:
            raise fail(EXIT_USAGE, problem)
        config = Settings(home=folder, temporal_address=f"localhost:{port}")
        ui_port = port + UI_OFFSET
        try:
            server = start_dev_server(folder, port, ui_port, headless, folder / "temporal.log")
        except EmbeddedError as err:
            raise fail(EXIT_USAGE, str(err)) from None
        url = f"http://localhost:{portal_port}"
        try:
            # the server picks ports of its own (HTTP API, metrics): the portal's is still free?
            problem = port_problem({"the portal (--portal-port)": portal_port}, port_free)
            if problem:
                raise fail(EXIT_USAGE, problem)
            _store, seeded = prepare_store(config)
            give_example_passwords_once(_store)  # a restart never gives them again
            console.print(
                f"[bold]napreview is up.[/bold] Temporal on {config.temporal_address}, "
                f"data in {folder}.",
                highlight=False,
            )
            if seeded:
                console.print("First start: the 83 members and the example people are seeded.")
            if not headless:
                console.print(f"Web UI: http://localhost:{ui_port}")
            trial = trial_open(_store)
            if trial:
                console.print(example_sign_ins(url), markup=False, soft_wrap=True)
            else:
                console.print(
                    f"Portal: {url}  (the trial door of this installation is closed: people "
                    "sign in with their own password)",
                    markup=False,
                    soft_wrap=True,
                )
            recorded = stack.record(folder, config.temporal_address, url, os.getpid())
            exports = stack.exports(folder, config.temporal_address)
            if config.database_url:
                exports.append(
                    f"export NAPREVIEW_DATABASE_URL={safe_url(config.database_url)}"
                    "  # as set in this shell (password hidden)"
                )
            where = (
                "Other terminals of this user find this stack by themselves (it is recorded in "
                f"{recorded} while it runs)"
            )
            if exports:
                where += "; elsewhere, or to be explicit, set:\n  " + "\n  ".join(exports)
            else:
                where += "; the defaults point at it."
            console.print(where, markup=False, highlight=False, soft_wrap=True)
            console.print(
                (
                    "Try, in another terminal:\n"
                    "  napreview members list\n"
                    "  napreview demo --members DEU,FRA,MEX,NAM,JPN\n"
                    "  napreview cycle start 2019 --as secretariat@example.org\n"
                    "  napreview cycle status 2019 --as secretariat@example.org\n"
                    if trial
                    else "In another terminal, prove who you are with 'napreview login' (your "
                    "personal token), then act: napreview cycle status 2019\n"
                )
                + "Ctrl-C stops the portal, the worker and the server.",
                highlight=False,
            )
            _store.engine.dispose()  # the worker and the portal open their own
            # The worker writes the letters: their links go to the portal served here.
            children = start_children(
                folder,
                {
                    "NAPREVIEW_HOME": str(folder),
                    "NAPREVIEW_TEMPORAL_ADDRESS": config.temporal_address,
                    "NAPREVIEW_PORTAL_URL": _portal_url(portal_port),
                },
                portal_port,
            )
            with contextlib.suppress(KeyboardInterrupt):
                ended = supervise(children)
                if ended is not None:
                    code = children[ended].returncode
                    raise fail(
                        EXIT_UNEXPECTED,
                        f"The {ended} stopped by itself (exit {code}), so napreview stopped "
                        f"the rest; see above, and {folder / 'temporal.log'} for the server.",
                    )
        finally:
            stack.forget(folder, os.getpid())
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
        from napreview.cli.demo import run_demo

        run_demo(members)
