"""Configuration from the environment (DESIGN §10.3). Defaults serve one machine."""

from __future__ import annotations

import contextlib
import json
import os
from email.headerregistry import HeaderRegistry
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The portal's address when none is configured (one machine); letters link to its pages.
DEFAULT_PORTAL_URL = "http://localhost:8000"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NAPREVIEW_", extra="ignore")

    home: Path = Field(default=Path(".napreview"), description="data folder")
    temporal_address: str = "localhost:7233"
    namespace: str = "default"
    task_queue: str = "napreview"
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; SQLite in the home folder when unset"
    )
    # A remote Temporal service (self-hosted with mTLS, or Temporal Cloud with an API key).
    temporal_tls: bool = False
    temporal_tls_cert: Path | None = None
    temporal_tls_key: Path | None = None
    temporal_tls_ca: Path | None = None
    temporal_tls_server_name: str | None = None
    temporal_api_key: str | None = None
    # A production installation: its trial door is closed on the first start of any door, for
    # good (no --as, no example password; people/trial.py).
    production: bool = False
    user: str | None = Field(default=None, description="the acting person's email")
    token: str | None = Field(default=None, description="the acting person's personal token")
    signing_keys_dir_override: Path | None = Field(
        default=None,
        validation_alias="NAPREVIEW_SIGNING_KEYS_DIR",
        description="where the front end's signing keys are (default: HOME/keys)",
    )
    # Letters by email (DESIGN §7). Without a host, letters go to the outbox folder as .eml files.
    smtp_host: str | None = None
    smtp_port: int | None = Field(default=None, description="default 465 with tls, else 587")
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_username: str | None = None
    smtp_password: str | None = None
    # One RFC 5322 address; a display name with a comma must be quoted, or it reads as two.
    smtp_from: str = '"UN Women, WPS Focal Points Network" <secretariat@example.org>'
    smtp_timeout: float = 30.0
    # The portal's public address (read by the portal too): every step a letter asks for is a
    # link to the page of the portal where it is done.
    portal_url: str = DEFAULT_PORTAL_URL
    # Who signs the letters: a name, and a title per language ({"en": …, "fr": …, "es": …}).
    # Without a name, letters are signed by the secretariat; a language without a title takes
    # the secretariat's title in that language.
    letter_signatory: str | None = None
    letter_signatory_title: dict[str, str] = Field(default_factory=dict)
    # Deliver every stored letter (the letter's activity, then the outbox's drainer for those
    # that could not go at once); false stores and files letters only (letters stay queued).
    deliver_letters: bool = True
    # Reviews a worker keeps in memory between their tasks; one evicted is rebuilt from its
    # history (replayed) on its next task. Fewer: less memory, more replays.
    workflow_cache_size: int = Field(default=1000, ge=0)
    # Seconds a review's next task waits for the worker that has it cached before any worker
    # may take it (worker.py says why it is short).
    sticky_timeout: float = Field(default=3.0, gt=0, le=60)

    @field_validator("smtp_from")
    @classmethod
    def _one_sender(cls, value: str) -> str:
        """The sender must parse as exactly one address with an @, and never carry a line
        break (it becomes a mail header)."""
        if "\r" in value or "\n" in value:
            raise ValueError("it contains a line break")
        header = HeaderRegistry()("From", value)
        addresses = header.addresses  # type: ignore[attr-defined]  # an AddressHeader
        if header.defects or len(addresses) != 1 or not addresses[0].domain:
            raise ValueError(
                "it must be one address, e.g. "
                '"UN Women, WPS Focal Points Network" <wps-fpn@example.org> '
                "(quote a display name that contains a comma)"
            )
        return value

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'napreview.db').resolve()}"

    def private_home(self) -> Path:
        """The data folder, created if need be, readable by this user alone (0700): the records,
        Temporal's database, letters and the outbox (where a live password link may wait) are
        nobody else's, whichever door created them."""
        self.home.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(PermissionError):  # a folder someone else owns stays theirs
            self.home.chmod(0o700)
        return self.home

    @property
    def signing_keys_dir(self) -> Path:
        return self.signing_keys_dir_override or self.home / "keys"

    @property
    def letters_dir(self) -> Path:
        return self.home / "letters"

    @property
    def outbox_dir(self) -> Path:
        return self.home / "outbox"

    @property
    def pdf_dir(self) -> Path:
        """Letters laid out as PDF, each once, named by the SHA-256 of its HTML."""
        return self.home / "pdf"

    @property
    def temporal_db_file(self) -> Path:
        return self.home / "temporal.db"


def keep_files_private() -> None:
    """Every file and folder this process creates is its user's alone (0600, 0700): called
    first by each door (the command line, the worker), so no door can leave one readable."""
    os.umask(0o077)


class SettingsError(Exception):
    """A configuration variable that cannot be used; the message names it and says why."""


def read_settings(**given: Any) -> Settings:
    """Settings from the environment (and ``given``), or one clear error per variable."""
    try:
        return Settings(**given)
    except ValidationError as err:
        lines = []
        for problem in err.errors():
            field = str(problem["loc"][0]) if problem["loc"] else ""
            message = problem["msg"].removeprefix("Value error, ")
            variable = field if field.startswith("NAPREVIEW_") else f"NAPREVIEW_{field.upper()}"
            lines.append(f"{variable}: {message}.")
        raise SettingsError("\n".join(lines)) from None


def load_settings(find_stack: bool = True) -> Settings:
    """The configuration from the environment. Where it leaves the data folder or Temporal's
    address unset, the stack `napreview up` serves for this user fills them in (issue #8 item
    9): a shell in another folder finds that stack's records instead of an empty folder, and a
    shell on the same folder finds the port it serves. Explicit settings always win."""
    config = read_settings()
    if not find_stack:
        return config
    home_given = "NAPREVIEW_HOME" in os.environ or config.database_url is not None
    address_given = "NAPREVIEW_TEMPORAL_ADDRESS" in os.environ
    if home_given and address_given:
        return config
    stacks = running_stacks()
    if not stacks:
        return config
    home = config.home
    if not home_given and not (home / "napreview.db").exists() and len(stacks) == 1:
        home = Path(stacks[0]["home"])
    served = next((r for r in stacks if r["home"] == str(home.resolve())), None)
    address = None if address_given or served is None else served.get("address")
    if home == config.home and not address:
        return config
    return read_settings(home=home, temporal_address=address or config.temporal_address)


def stacks_file() -> Path:
    """Where `napreview up` records the stacks it serves: the user's own config folder."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "napreview" / "stacks.json"


def running_stacks() -> list[dict[str, Any]]:
    """The stacks `napreview up` serves now, as it recorded them (home, address, portal, pid);
    records of stacks no longer running are ignored."""
    try:
        records = json.loads(stacks_file().read_text(encoding="utf-8")).get("stacks", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [
        r
        for r in records
        if isinstance(r, dict) and isinstance(r.get("home"), str) and _alive(r.get("pid"))
    ]


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
