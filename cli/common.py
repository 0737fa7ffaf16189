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
import os
import re
import sys
from collections.abc import Callable, Collection, Coroutine, Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from pydantic_core import to_json
from rich.console import Console
from rich.table import Table

from napreview.schemas.text import day_words as describe_day
from napreview.services.errors import ConflictError, InvalidInput, NotFoundError, StepRefused

if TYPE_CHECKING:
    from temporalio.client import Client

    from napreview.schemas.members import Actor
    from napreview.services.installation import Store
    from napreview.settings import Settings

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
            from napreview.services.steps import describe_validation

            _say(EXIT_USAGE, describe_validation("The input", err))
        except (StepRefused, ConflictError) as err:
            _say(EXIT_REFUSED, f"Refused: {err}")
        except NotFoundError as err:
            _say(EXIT_NOT_FOUND, str(err))
        except Exception as err:
            if _loaded_error(err, "napreview.settings", "SettingsError") or _loaded_error(
                err, "napreview.temporal.codec", "CodecKeyError"
            ):
                _say(EXIT_USAGE, str(err))  # a variable that cannot be used, named
            if _loaded_error(err, "napreview.people.signing", "SigningUnavailable") or (
                _loaded_error(err, "napreview.temporal.updates", "WorkflowBusy")
            ):
                _say(EXIT_UNEXPECTED, str(err))
            if _is_rpc_error(err):
                message = getattr(err, "message", str(err))
                _say(EXIT_UNEXPECTED, f"The Temporal service answered with an error: {message}")
            _unexpected(err)
        raise AssertionError("unreachable")

    return wrapper


def _loaded_error(err: Exception, module: str, name: str) -> bool:
    """Whether ``err`` is ``module.name``, without importing a module the call did not load
    (a command that does little must answer fast)."""
    loaded = sys.modules.get(module)
    kind = getattr(loaded, name, None) if loaded is not None else None
    return isinstance(kind, type) and isinstance(err, kind)


def _is_rpc_error(err: Exception) -> bool:
    """An error from the Temporal service; only possible once temporalio has been imported."""
    service = sys.modules.get("temporalio.service")
    return service is not None and isinstance(err, service.RPCError)


def _unexpected(err: Exception) -> None:
    """Connection problems in plain words; anything else goes up as it came."""
    if isinstance(err, ConnectionError | OSError):
        _say(EXIT_UNEXPECTED, f"Could not reach a service napreview needs: {err}")
    if isinstance(err, RuntimeError) and "connect" in str(err).lower():
        _say(EXIT_UNEXPECTED, no_temporal_message(settings()))
    raise err


def no_temporal_message(config: Settings) -> str:
    """Which address was tried, and how to point the shell elsewhere."""
    from napreview.cli import stack

    running = stack.running()
    lines = [
        f"No Temporal service answers at {config.temporal_address} (NAPREVIEW_TEMPORAL_ADDRESS, "
        f"default {stack.DEFAULT_ADDRESS}).",
    ]
    if running:
        lines.append("napreview up serves, from this user's records:")
        lines += [f"  {stack.point_at(found)}" for found in running]
    else:
        lines.append(
            "Start napreview with 'make run' or 'napreview up' (it prints the settings to use "
            "in other terminals), or point this shell at a running service: "
            "export NAPREVIEW_TEMPORAL_ADDRESS=HOST:PORT"
        )
    return "\n".join(lines)


def say(text: str) -> None:
    """Plain words as they are: no markup, no highlighting (names, addresses and typed text
    print as typed)."""
    console.print(text, markup=False, highlight=False)


def _say(code: int, message: str) -> None:
    errors.print(message, markup=False, highlight=False)
    raise typer.Exit(code)


def settings() -> Settings:
    from napreview.settings import load_settings

    return load_settings()


_stores: dict[str, Store] = {}


def store() -> Store:
    """The store, migrated (and on a new installation seeded) on first use in this process.

    A schema already current costs one query (no Alembic); seeding checks one count.
    """
    from napreview.services.installation import open_store, seed

    config = settings()
    url = config.resolved_database_url
    if url not in _stores:
        new = config.database_url is None and not (config.home / "napreview.db").exists()
        if new:
            _no_new_installation_beside_a_stack(config)
        try:
            if config.database_url is None:
                config.private_home()
            _stores[url] = open_store(url, production=config.production)
        except Exception as err:  # reported in plain words, never a password
            raise fail(
                EXIT_UNEXPECTED,
                f"The database at {safe_url(url)} cannot be opened: {type(err).__name__}.",
            ) from err
        if seed(_stores[url], production=config.production) and new:
            people = "no people yet" if config.production else "the example people"
            errors.print(
                f"A new napreview installation was created in {config.home.resolve()}: the 83 "
                f"members and {people}.",
                markup=False,
                highlight=False,
            )
    return _stores[url]


def _no_new_installation_beside_a_stack(config: Settings) -> None:
    """A command about to create empty records while a napreview stack runs elsewhere is
    almost always a shell pointed at the wrong folder: say where the stack is instead."""
    from napreview.cli import stack

    home = config.home.resolve()
    others = [r for r in stack.running() if r["home"] != str(home)]
    if not others and not stack.answers(config.temporal_address):
        return
    lines = [f"There are no napreview records in {home} (NAPREVIEW_HOME), but "]
    if others:
        lines[0] += "napreview up serves " + (
            "these stacks; point this shell at one:" if len(others) > 1 else "a stack elsewhere:"
        )
        lines += [f"  {stack.point_at(found)}" for found in others]
    else:
        lines[0] += (
            f"a Temporal service answers at {config.temporal_address}: its reviews belong to "
            "the data folder its napreview was started with. Point this shell at that folder:"
        )
        lines.append("  export NAPREVIEW_HOME=/path/to/its/data/folder")
    lines.append(
        "Nothing was created here. To start a separate installation in this folder on purpose: "
        f"napreview up --home {home} --port ANOTHER_PORT"
    )
    raise fail(EXIT_USAGE, "\n".join(lines))


def safe_url(url: str) -> str:
    """A database URL as it may be shown: the password masked."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparseable URL is not shown at all
        return "(the configured database)"


def run(coro: Coroutine[Any, Any, T]) -> T:
    logging.getLogger("temporalio").setLevel(logging.ERROR)
    return asyncio.run(coro)


async def client() -> Client:
    from napreview.temporal.client import connect

    return await connect(settings())


def token_file() -> Path:
    """Where `napreview login` keeps the token: the user's own config folder."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "napreview" / "token"


def saved_token() -> str | None:
    path = token_file()
    try:
        return path.read_text().strip() or None
    except OSError:
        return None


def acting(email: str | None) -> Actor:
    """Who acts, proven: a personal token (NAPREVIEW_TOKEN, or the one `napreview login`
    kept); while the trial door is open (people/trial.py), --as EMAIL (or NAPREVIEW_USER) may
    name one of the example people without a token. Otherwise a bare --as is refused: nobody
    becomes somebody else by typing their address."""
    from napreview.people.examples import NotATrialPerson, TrialClosed, act_as_example
    from napreview.people.tokens import TokenRefused, person_for_token

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
    try:
        return act_as_example(s, named)
    except TrialClosed:
        raise fail(
            EXIT_REFUSED,
            "Refused: the trial door of this installation is closed, so --as acts for nobody. "
            "Prove who you are with your personal token: 'napreview login', or "
            "NAPREVIEW_TOKEN.",
        ) from None
    except NotATrialPerson:
        raise fail(
            EXIT_REFUSED,
            "Refused: --as names only the example people of a trial installation. Prove who "
            "you are with your personal token: 'napreview login', or NAPREVIEW_TOKEN.",
        ) from None


def administrator(email: str | None, step: str) -> Actor:
    """The secretariat, proven, for a step that changes who may act or what the Network is: a
    personal token, or --as on a trial installation. Nobody proven, or anybody else, is
    refused (exit 3) and the refusal recorded, so an administrative command never runs just
    because someone reached the command line (issue #20 item 4)."""
    from napreview.schemas.refusals import Reason
    from napreview.services.refusals import record_refusal, require_secretariat

    config = settings()
    if not (config.token or saved_token() or (email or config.user or "").strip()):
        why = Reason(code="identity_needed", params={"step": step.replace("_", " ")})
        said = record_refusal(store(), None, None, "unproven", step, why)
        raise fail(
            EXIT_REFUSED,
            f"Refused: {said} Prove who you are with 'napreview login' or NAPREVIEW_TOKEN (on "
            "a trial installation, --as EMAIL names an example person).",
        )
    actor = acting(email)
    require_secretariat(store(), actor, step)
    return actor


def check_acting(email: str | None) -> None:
    """Public reads take --as too, like every command; when it is given it is checked like
    anywhere else (a name that is not an example person is refused), then nothing is scoped."""
    if email is not None:
        acting(email)


def print_table(
    title: str | None,
    columns: Sequence[str],
    rows: Iterable[Sequence[str]],
    whole: Collection[str] = (),
) -> None:
    """A table on any terminal width: the ``whole`` columns (ids and addresses people copy into
    the next command) are never cut nor wrapped; the other columns wrap instead."""
    rows = [list(row) for row in rows]
    table = Table(title=title)
    for i, name in enumerate(columns):
        if name in whole:
            width = max([len(name), *(len(row[i]) for row in rows)])
            table.add_column(name, no_wrap=True, min_width=width, overflow="ignore")
        else:
            table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)


def print_json(value: Any) -> None:
    """A model, or a list of models, is written by pydantic's own encoder, the same text as
    ``json.dumps`` of its JSON form, several times faster (ten thousand lines of a cycle: 0.02 s
    instead of 0.2 s; ten thousand members: 0.02 s instead of 0.07 s)."""
    if isinstance(value, BaseModel):
        sys.stdout.write(value.model_dump_json(indent=2) + "\n")
        return
    if isinstance(value, list) and value and all(isinstance(v, BaseModel) for v in value):
        sys.stdout.write(to_json(value, indent=2).decode() + "\n")
        return
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


STAGE_WORDS = {
    "self_assessment": "self-assessment",
    "peer_review": "peer review",
    "cedaw_check": "CEDAW check",
    "sign_off": "sign-off",
    "completed": "completed",
    "withdrawn": "withdrawn",
}


def words(value: Any) -> str:
    """A stage, decision, kind or status in plain words: sign_off → sign-off."""
    key = str(getattr(value, "value", value))
    return STAGE_WORDS.get(key, key.replace("_", " "))


def parse_span(text: str, option: str) -> timedelta:
    """A duration a review keeps (a deadline, a reminder, an extension): at most three years,
    refused naming the option."""
    from napreview.schemas.text import LONGEST_DURATION

    value = parse_duration(text, option)
    if value > LONGEST_DURATION:
        raise fail(
            EXIT_USAGE,
            f"{option}: {text.strip()} is longer than three years; the longest is "
            f"{LONGEST_DURATION.days}d.",
        )
    return value


def parse_date(text: str, option: str) -> date:
    """A day as people write it in commands: 2027-01-15."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise fail(
            EXIT_USAGE, f"{option}: {text!r} is not a date; write it as year-month-day, 2027-01-15."
        ) from None


def describe_deadline(due: datetime, now: datetime | None = None) -> str:
    """A deadline in the reader's terms: the day in their own time zone and how far it is, e.g.
    "28 Dec 2026, in 30 days", "today at 14:05", "3 Jan 2027, 2 days ago"."""
    local = due.astimezone()
    current = (now or datetime.now(local.tzinfo)).astimezone(local.tzinfo)
    days = (local.date() - current.date()).days
    if days == 0:
        return f"today at {local:%H:%M}" + (" (passed)" if local < current else "")
    if days == 1:
        return f"tomorrow at {local:%H:%M}"
    if days == -1:
        return f"yesterday at {local:%H:%M}"
    when = f"in {days} days" if days > 0 else f"{-days} days ago"
    return f"{describe_day(local.date())}, {when}"


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
    from napreview.services import members

    codes = [c.strip().upper() for c in text.split(",") if c.strip()]
    if not codes:
        raise fail(EXIT_USAGE, "--members: give 'all' or codes separated by commas.")
    return [m.code for m in members.get_many(store(), codes)]
