"""Proving who acts: personal tokens, `login`/`logout`, and the front end's signing keys."""

from __future__ import annotations

import os
import sys

import typer

from napreview.cli.common import (
    AS_OPTION,
    EXIT_REFUSED,
    EXIT_USAGE,
    administrator,
    client,
    console,
    fail,
    handled,
    parse_duration,
    run,
    settings,
    store,
    token_file,
)

keys_app = typer.Typer(help="The signing keys of this front end.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    from napreview.cli.registry import users_app

    app.add_typer(keys_app, name="keys")

    @app.command("login")
    @handled
    def login() -> None:
        """Keep your personal token (asked for, not echoed) so later commands act as you."""
        from napreview.people.tokens import TokenRefused, person_for_token

        token = (
            sys.stdin.readline()
            if not sys.stdin.isatty()
            else typer.prompt("Personal token", hide_input=True)
        ).strip()
        if not token:
            raise fail(EXIT_USAGE, "No token given.")
        try:
            person = person_for_token(store(), token)
        except TokenRefused as err:
            raise fail(EXIT_REFUSED, f"Refused: {err}") from None
        path = token_file()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(token + "\n")
        os.chmod(path, 0o600)
        role = person.role.value.replace("_", " ")
        where = f" of {person.member}" if person.member else ""
        console.print(f"Signed in as {person.email} ({role}{where}). The token is kept in {path}.")

    @app.command("logout")
    @handled
    def logout() -> None:
        """Forget the token `login` kept."""
        token_file().unlink(missing_ok=True)
        console.print("Signed out: the kept token is removed.")

    @users_app.command("token")
    @handled
    def users_token(
        email: str,
        expires: str = typer.Option("90d", "--expires", help="How long it is valid (e.g. 90d)"),
        label: str = typer.Option("", "--label", help="What it is for"),
        as_: str | None = AS_OPTION,
    ) -> None:
        """Create a personal token for a person (secretariat only); it is shown this once."""
        from napreview.services.users import new_token

        actor = administrator(as_, "create_tokens")
        s = store()
        token = new_token(
            s,
            email,
            lifetime=parse_duration(expires, "--expires"),
            label=label,
            created_by=actor.ref,
        )
        console.print(
            f"A personal token for {email.strip().lower()}, valid {expires}. It is shown only "
            "now; give it to them in person or by a safe channel:"
        )
        typer.echo(token)

    @users_app.command("revoke-tokens")
    @handled
    def users_revoke(email: str, as_: str | None = AS_OPTION) -> None:
        """Revoke every personal token of a person (secretariat only)."""
        from napreview.people.tokens import revoke_tokens

        administrator(as_, "revoke_tokens")
        count = revoke_tokens(store(), email)
        console.print(f"{count} token(s) of {email.strip().lower()} revoked.")

    @keys_app.command("init")
    @handled
    def keys_init() -> None:
        """Create the signing key folder of this front end, if it has none."""
        from napreview.people.signing import Signer, SigningUnavailable

        folder = settings().signing_keys_dir
        try:
            signer = Signer.load(folder)
            console.print(f"{folder} already holds the key ring (active key {signer.active}).")
        except SigningUnavailable:
            signer = Signer.create(folder)
            console.print(f"Created {folder} with the active key {signer.active}.")

    @keys_app.command("list")
    @handled
    def keys_list() -> None:
        """The keys of this front end and which one signs now."""
        from napreview.people.signing import signer

        ring = signer()
        for key_id, public in ring.public_keys().items():
            mark = "active" if key_id == ring.active else "kept"
            console.print(f"{key_id}  {mark}  public key {public}")

    @keys_app.command("rotate")
    @handled
    def keys_rotate(as_: str | None = AS_OPTION) -> None:
        """A new signing key: every open review and cycle is told to trust it first (signed
        with the current key), then it signs from now on. The old key stays until retired."""
        from napreview.services.keys import rotate

        actor = administrator(as_, "rotate_keys")

        async def go():
            return await rotate(await client(), store(), actor)

        result = run(go())
        missed = f"; {len(result.missed)} could not be told: {', '.join(result.missed)}"
        console.print(
            f"New active key {result.key_id}; {result.told} open workflow(s) trust it"
            + (missed if result.missed else "")
            + ". Retire the old key with 'napreview keys retire KEY' when no longer needed."
        )

    @keys_app.command("retire")
    @handled
    def keys_retire(key_id: str, as_: str | None = AS_OPTION) -> None:
        """Stop trusting a key everywhere (signed with the active key) and delete it."""
        from napreview.services.keys import retire

        actor = administrator(as_, "retire_keys")

        async def go():
            return await retire(await client(), store(), actor, key_id)

        result = run(go())
        console.print(
            f"Key {key_id} is retired; {result.told} open workflow(s) no longer trust it."
        )
