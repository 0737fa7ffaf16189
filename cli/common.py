"""What every command shares: settings, the store, the Temporal client, the acting person,
JSON or Rich output, and one place that turns errors into exit codes (DESIGN §10.2).

Import-light on purpose: a call that does little must answer fast, so Temporal, SQLAlchemy,
Alembic and the store are imported by the functions that need them, not here.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
import sys
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console

from operations.errors import InvalidInput, StepRefused
from store.errors import ConflictError, NotFoundError

if TYPE_CHECKING:
    from temporalio.client import Client

    from schemas.members import Actor
    from settings import Settings
    from store.repository import Store

EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE, EXIT_REFUSED, EXIT_NOT_FOUND = 0, 1, 2, 3, 4

console = Console()
errors = Console(stderr=True, soft_wrap=True)

T = TypeVar("T")

AS_OPTION = typer.Option(
    None,
    "--as",
    help="On a trial installation: act as one of the example people (default: NAPREVIEW_USER)",
    show_default=False,
)
JSON_OPTION = typer.Option(False, "--json", help="Machine-readable output on stdout")


class Exit(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def fail(code: int, message: str) -> Exit:
    return Exit(code, message)


def handled(func: Callable[..., T]) -> Callable[..., T]:
    """Run a command; a person's mistake becomes one clear message and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return func(*args, **kwargs)
        except Exit as err:
            _say(err.code, err.message)
        except InvalidInput as err:
            _say(EXIT_USAGE, str(err))
        except ValidationError as err:
            from operations.steps import describe_validation

            _say(EXIT_USAGE, describe_validation("The input", err))
        except (StepRefused, ConflictError) as err:
            _say(EXIT_REFUSED, f"Refused: {err}")
        except NotFoundError as err:
            _say(EXIT_NOT_FOUND, str(err))
        except Exception as err:
            if type(err).__name__ == "SigningUnavailable":  # operations.signing, when loaded
                _say(EXIT_UNEXPECTED, str(err))
            if _is_rpc_error(err):
                message = getattr(err, "message", str(err))
                _say(EXIT_UNEXPECTED, f"The Temporal service answered with an error: {message}")
            _unexpected(err)
        raise AssertionError("unreachable")

    return wrapper


def _is_rpc_error(err: Exception) -> bool:
    """An error from the Temporal service; only possible once temporalio has been imported."""
    service = sys.modules.get("temporalio.service")
    return service is not None and isinstance(err, service.RPCError)


def _unexpected(err: Exception) -> None:
    """Connection problems in plain words; anything else goes up as it came."""
    if isinstance(err, ConnectionError | OSError):
        _say(EXIT_UNEXPECTED, f"Could not reach a service napreview needs: {err}")
    if isinstance(err, RuntimeError) and "connect" in str(err).lower():
        _say(
            EXIT_UNEXPECTED,
            f"No Temporal service answers at {settings().temporal_address}. Start one "
            "with 'make run' (or 'napreview up'), or set NAPREVIEW_TEMPORAL_ADDRESS.",
        )
    raise err


def _say(code: int, message: str) -> None:
    errors.print(message, markup=False, highlight=False)
    raise typer.Exit(code)


def settings() -> Settings:
    from settings import load_settings

    return load_settings()


_stores: dict[str, Store] = {}


def store() -> Store:
    """The store, migrated (and on a new installation seeded) on first use in this process.

    A schema already current costs one query (no Alembic); seeding checks one count.
    """
    from store.db import migrate
    from store.repository import Store
    from store.seed import seed

    url = settings().resolved_database_url
    if url not in _stores:
        try:
            migrate(url)
        except Exception as err:  # noqa: BLE001 - reported in plain words, never a password
            raise fail(
                EXIT_UNEXPECTED,
                f"The database at {safe_url(url)} cannot be opened: {type(err).__name__}.",
            ) from err
        _stores[url] = Store.from_url(url)
        seed(_stores[url])
    return _stores[url]


def safe_url(url: str) -> str:
    """A database URL as it may be shown: the password masked."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparseable URL is not shown at all
        return "(the configured database)"


def run(coro: Coroutine[Any, Any, T]) -> T:
    logging.getLogger("temporalio").setLevel(logging.ERROR)
    return asyncio.run(coro)


async def client() -> Client:
    from operations.client import connect

    return await connect(settings())


def acting(email: str | None) -> Actor:
    """Who acts, proven: a personal token (NAPREVIEW_TOKEN, or the one `napreview login`
    kept); on a trial installation that still has the example people, --as EMAIL (or
    NAPREVIEW_USER) may name one of them without a token. A production installation refuses a
    bare --as: nobody becomes somebody else by typing their address."""
    from cli.identity import saved_token
    from store.tokens import TokenRefused, person_for_token

    config = settings()
    token = config.token or saved_token()
    named = (email or config.user or "").strip().lower() or None
    s = store()
    if token:
        try:
            person = person_for_token(s, token)
        except TokenRefused as err:
            raise fail(EXIT_REFUSED, f"Refused: {err}") from None
        if named and named != person.email:
            raise fail(
                EXIT_REFUSED,
                f"Refused: your token proves you are {person.email}; you cannot act as {named}.",
            )
        return person
    if not named:
        raise fail(
            EXIT_USAGE,
            "Say who is acting: 'napreview login' with your personal token, or set "
            "NAPREVIEW_TOKEN (on a trial installation, --as EMAIL names an example person).",
        )
    if not (s.has_example_people() and s.is_example_person(named)):
        s.record_refusal(
            actor=named,
            role=None,
            step="act_as",
            reason="--as without a personal token on an installation without example people",
        )
        raise fail(
            EXIT_REFUSED,
            "Refused: --as names only the example people of a trial installation. Prove who "
            "you are with your personal token: 'napreview login', or NAPREVIEW_TOKEN.",
        )
    return s.resolve_actor(named)


def print_json(value: Any) -> None:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")


_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str, option: str) -> timedelta:
    """'90s', '2h', '60d' (DESIGN §10.2)."""
    match = _DURATION.match(text)
    if not match or int(match.group(1)) == 0:
        raise fail(
            EXIT_USAGE, f"{option}: {text!r} is not a duration; write it like 90s, 2h or 60d."
        )
    try:
        return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    except OverflowError:  # past timedelta's range (a typo of 999999999999d)
        raise fail(EXIT_USAGE, f"{option}: {text!r} is longer than three years.") from None


def describe_duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def member_codes(text: str) -> list[str] | None:
    """'all' or a comma-separated list of codes, each checked against the store."""
    if text.strip().lower() == "all":
        return None
    codes = [c.strip().upper() for c in text.split(",") if c.strip()]
    if not codes:
        raise fail(EXIT_USAGE, "--members: give 'all' or codes separated by commas.")
    return [store().get_member(c).code for c in codes]
