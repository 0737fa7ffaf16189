"""`napreview`: the command line of DESIGN §10.2. Each command group lives in its own module.

A call imports only the module of the command it names (``COMMANDS``), and each module imports
Temporal, SQLAlchemy, Alembic and Jinja2 only inside the commands that use them, so a call that
does little answers fast. ``napreview --help``, a bare ``napreview`` or an unknown command load
every module, in ``MODULES`` order, which is the order of the help. ``app`` (for tests and
``typer.testing``) is the whole application, built on first use.

The rule for a new command, so that a short call stays under half a second: register it in its
module's ``register(app)`` and name it in ``COMMANDS``; import Temporal (``temporalio``,
``napreview.temporal``, ``napreview.workflows``, a service that talks to Temporal) and the
review's models (``napreview.schemas.review``; a stage is named from ``schemas/stages.py``)
inside the command that needs them, never at the top of a ``cli/`` module; a command that only
reads the store calls services that import neither (``services/overview.py``, ``tasks.py``).
The store makes each repository on first use, so a read compiles only the models it returns.
``tests/integration/test_cli_imports.py`` fails when ``--help`` or a read loads the SDK, the
review's models, argon2, Babel or Jinja2.
"""

from __future__ import annotations

import importlib
import sys

import typer

MODULES = (
    "napreview.cli.registry",
    "napreview.cli.identity",
    "napreview.cli.cycle",
    "napreview.cli.review",
    "napreview.cli.follow_up",
    "napreview.cli.work",
    "napreview.cli.letters",
    "napreview.cli.network",
    "napreview.cli.audit",
    "napreview.cli.running",
    "napreview.cli.portal",
    "napreview.cli.codec_server",
    "napreview.cli.finding",
    "napreview.cli.indicators",
)

# The modules a command needs: `users` is shared by the registry, tokens and the portal.
COMMANDS: dict[str, tuple[str, ...]] = {
    "members": ("napreview.cli.registry",),
    "focal-points": ("napreview.cli.registry",),
    "users": ("napreview.cli.registry", "napreview.cli.identity", "napreview.cli.portal"),
    "schema": ("napreview.cli.registry",),
    "template": ("napreview.cli.registry",),
    "login": ("napreview.cli.identity",),
    "logout": ("napreview.cli.identity",),
    "keys": ("napreview.cli.identity",),
    "troika": ("napreview.cli.cycle",),
    "cycle": ("napreview.cli.cycle",),
    "review": ("napreview.cli.review",),
    "submit": ("napreview.cli.review",),
    "reviewers": ("napreview.cli.review",),
    "sign-off": ("napreview.cli.review",),
    "follow-up": ("napreview.cli.follow_up",),
    "tasks": ("napreview.cli.work",),
    "documents": ("napreview.cli.work",),
    "respond": ("napreview.cli.work",),
    "letters": ("napreview.cli.letters",),
    "cedaw": ("napreview.cli.letters",),
    "network": ("napreview.cli.network",),
    "audit": ("napreview.cli.audit",),
    "up": ("napreview.cli.running",),
    "worker": ("napreview.cli.running",),
    "demo": ("napreview.cli.running",),
    "portal": ("napreview.cli.portal",),
    "codec-server": ("napreview.cli.codec_server",),
    "comment": ("napreview.cli.finding",),
    "comments": ("napreview.cli.finding",),
    "search": ("napreview.cli.finding",),
    "export": ("napreview.cli.finding",),
    "indicators": ("napreview.cli.indicators",),
}


def build(modules: tuple[str, ...] = MODULES) -> typer.Typer:
    """The application with the commands of these modules."""
    app = typer.Typer(
        name="napreview",
        help="Review cycles of the Women, Peace and Security Focal Points Network.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    for module in modules:
        importlib.import_module(module).register(app)
    if len(app.registered_commands) == 1 and not app.registered_groups:
        # Typer runs a lone command as the whole program; `napreview audit ...` must stay a
        # command named audit.
        app.callback()(_group)
    return app


def _group() -> None:
    """Review cycles of the Women, Peace and Security Focal Points Network."""


def modules_for(argv: list[str]) -> tuple[str, ...]:
    """Only the modules of the command named first; every module for anything else."""
    return (COMMANDS.get(argv[0]) if argv else None) or MODULES


_app: typer.Typer | None = None


def __getattr__(name: str) -> typer.Typer:
    global _app
    if name == "app":
        if _app is None:
            _app = build()
        return _app
    raise AttributeError(name)


def main() -> None:
    from napreview.settings import keep_files_private

    keep_files_private()
    try:
        build(modules_for(sys.argv[1:]))()
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        if isinstance(done.code, str):
            sys.stderr.write(done.code + "\n")
    if "temporalio.client" in sys.modules and "temporalio.worker" not in sys.modules:
        _exit_now(code)
    raise SystemExit(code)


def _exit_now(code: int) -> None:
    """End a command that only used a Temporal client without the interpreter's teardown: the
    SDK's Rust threads can still be running then and abort it ("Fatal Python error:
    PyGILState_Release", exit -6; temporalio/sdk-python#300), so a command that did its work
    would fail. Everything the command wrote is flushed first; the store commits per call.
    Commands that ran a worker (up, worker, demo, portal) end normally: their teardown stops
    the letters' PDF process, which would otherwise outlive them."""
    import contextlib
    import logging
    import os

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
