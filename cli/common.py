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
    None, "--as", help="The acting person's email (default: NAPREVIEW_USER)", show_default=False
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
        except Exception as err:  # noqa: BLE001 - reported in plain words
            raise fail(EXIT_UNEXPECTED, f"The database at {url} cannot be opened: {err}") from err
        _stores[url] = Store.from_url(url)
        seed(_stores[url])
    return _stores[url]


def run(coro: Coroutine[Any, Any, T]) -> T:
    logging.getLogger("temporalio").setLevel(logging.ERROR)
    return asyncio.run(coro)


async def client() -> Client:
    from operations.client import connect

    return await connect(settings())


def acting(email: str | None) -> Actor:
    """The acting person from --as or NAPREVIEW_USER, resolved in the store."""
    email = email or settings().user
    if not email:
        raise fail(EXIT_USAGE, "Say who is acting: --as EMAIL, or set NAPREVIEW_USER.")
    return store().resolve_actor(email)


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
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


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
