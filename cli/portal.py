"""The portal from the command line: `napreview portal` serves it alone (production, behind a
reverse proxy; `up` serves it in a process of its own, cli/supervisor.py); operators set
passwords and invite people."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from typing import TYPE_CHECKING

import typer

from napreview.cli.common import (
    AS_OPTION,
    EXIT_REFUSED,
    EXIT_USAGE,
    administrator,
    console,
    fail,
    handled,
    settings,
    store,
)
from napreview.cli.registry import users_app
from napreview.web.config import load_portal_settings

if TYPE_CHECKING:  # the store and the accounts (SQLAlchemy, argon2) load inside the commands
    from napreview.people.accounts import Accounts
    from napreview.services.installation import Store


def accounts(store_: Store | None = None) -> Accounts:
    """The portal's accounts in the store (imported only by the commands that use them)."""
    from napreview.people.accounts import Accounts

    return Accounts(store_ if store_ is not None else store())


def example_sign_ins(url: str) -> str:
    """What `up` prints: where the portal is and who can sign in with the example password."""
    from napreview.people.accounts import EXAMPLE_PASSWORD
    from napreview.people.examples import AUDITOR_EMAIL, SECRETARIAT_EMAIL

    return (
        f"Portal: {url}  (sign in as one of the example people, password "
        f"'{EXAMPLE_PASSWORD}')\n"
        f"  {SECRETARIAT_EMAIL}    the secretariat\n"
        f"  {AUDITOR_EMAIL}        an auditor\n"
        "  fp.deu@example.org, fp.fra@example.org …  the focal point of each member "
        "(fp.<code>@example.org)"
    )


def register(app: typer.Typer) -> None:
    @app.command("portal")
    @handled
    def portal_command(
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on"),
        port: int = typer.Option(8000, "--port", help="Port to listen on"),
    ) -> None:
        """Serve the portal alone, for an existing Temporal service and database.

        Run several behind a reverse proxy (HTTPS): they share nothing but Temporal and the
        database. Set NAPREVIEW_PORTAL_URL to the public address and NAPREVIEW_PORTAL_TRUST_PROXY
        so the proxy's X-Forwarded-Proto marks cookies Secure.
        """
        from napreview.temporal.dev_server import port_free
        from napreview.web.server import serve_portal

        config = settings()
        s = store()
        left = accounts(s).example_passwords_left()
        if left:
            raise fail(
                EXIT_REFUSED,
                f"{len(left)} example account(s) still have the documented development password "
                f"(e.g. {left[0]}); the portal does not serve a production installation like "
                "that. Remove it with 'napreview users clear-example-passwords' or set real "
                "passwords with 'napreview users set-password EMAIL --password-stdin'.",
            )
        if not port_free(port, host if host not in ("0.0.0.0", "::") else "127.0.0.1"):
            raise fail(EXIT_USAGE, f"Port {port} is already in use; choose another with --port.")
        options = load_portal_settings()
        console.print(
            f"Portal on http://{host}:{port} (public address {options.url}); "
            f"Temporal at {config.temporal_address}. Ctrl-C stops it."
        )

        async def serve() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            await serve_portal(
                config, options, host, port, stop, s, proxy_headers=options.trust_proxy
            )

        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve())

    @users_app.command("set-password")
    @handled
    def set_password(
        email: str,
        password_stdin: bool = typer.Option(
            False, "--password-stdin", help="Read the password from standard input"
        ),
        as_: str | None = AS_OPTION,
    ) -> None:
        """Set a person's portal password (secretariat); it unlocks the account."""
        if not password_stdin:
            raise fail(EXIT_USAGE, "Give the password on standard input with --password-stdin.")
        administrator(as_, "set_passwords")
        password = sys.stdin.readline().rstrip("\r\n")
        from napreview.people.accounts import PasswordTooWeak

        try:
            accounts().set_password(email, password)
        except PasswordTooWeak as err:
            raise fail(EXIT_USAGE, f"This password cannot be used: {err}.") from None
        console.print(f"The password of {email.strip().lower()} is set.")

    @users_app.command("invite")
    @handled
    def invite(email: str, as_: str | None = AS_OPTION) -> None:
        """Send a person a single-use link to choose their password, and print it
        (secretariat)."""
        from napreview.people.invitations import INVITE, send_link

        by = administrator(as_, "invite_people").email
        sent = send_link(
            store(),
            email,
            INVITE,
            base_url=load_portal_settings().url,
            settings=settings(),
            created_by=by,
        )
        if sent.not_sent:
            how = (
                f"The email could not be sent ({sent.not_sent}); give the person this link "
                f"yourself. The message is kept in {sent.message}"
            )
        elif settings().smtp_host:
            how = f"Sent by email to {sent.email}; a copy is kept in {sent.message}"
        else:
            how = f"No mail server is configured: the message is in the outbox, {sent.message}"
        console.print(
            f"Invitation for {sent.email}, valid until {sent.expires_at:%Y-%m-%d %H:%M} UTC "
            f"(once):\n{sent.link}\n{how}",
            markup=False,
            soft_wrap=True,
        )

    @users_app.command("deactivate")
    @handled
    def deactivate(email: str, as_: str | None = AS_OPTION) -> None:
        """No more signing in for this person; their sessions end now (secretariat)."""
        administrator(as_, "deactivate_people")
        accounts().set_active(email, False)
        console.print(f"{email.strip().lower()} can no longer sign in.")

    @users_app.command("activate")
    @handled
    def activate(email: str, as_: str | None = AS_OPTION) -> None:
        """Let a deactivated person sign in again (secretariat)."""
        administrator(as_, "activate_people")
        accounts().set_active(email, True)
        console.print(f"{email.strip().lower()} can sign in again.")

    @users_app.command("clear-example-passwords")
    @handled
    def clear_example_passwords(as_: str | None = AS_OPTION) -> None:
        """Close the trial door for good (secretariat; before production): the development
        password is removed from every example account and --as acts for nobody any more."""
        from napreview.people.trial import close_trial

        by = administrator(as_, "clear_example_passwords")
        n = close_trial(store(), by=by.ref)
        console.print(
            f"The example password is removed from {n} account(s). The trial door is closed "
            "for good: --as acts for nobody; everyone proves who they are with a personal "
            "token ('napreview users token') or, in the portal, their own password."
        )
