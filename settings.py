"""Configuration from the environment (DESIGN §10.3). Defaults serve one machine."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    smtp_from: str = "UN Women, WPS Focal Points Network <secretariat@example.org>"
    smtp_timeout: float = 30.0
    # Start a delivery (deliver-<letter id>) for every stored letter; false stores and files
    # letters only (letters stay queued).
    deliver_letters: bool = True

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'napreview.db').resolve()}"

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
    def temporal_db_file(self) -> Path:
        return self.home / "temporal.db"


def load_settings() -> Settings:
    return Settings()
