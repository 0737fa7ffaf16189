"""The portal's settings, from NAPREVIEW_PORTAL_* variables (the rest come from settings.py)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from napreview.settings import DEFAULT_PORTAL_URL


class PortalSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NAPREVIEW_PORTAL_", extra="ignore")

    url: str = DEFAULT_PORTAL_URL
    """The address people open, as written in invitations (behind a proxy: the public https one)."""
    trust_proxy: bool = False
    """Honour X-Forwarded-Proto/-For from the reverse proxy (only when one is in front)."""
    failure_delay: float = 0.5
    """Seconds added per consecutive wrong password before the answer (slows guessing)."""
    max_upload_mb: int = 20
    session_hours: int = 8


def load_portal_settings() -> PortalSettings:
    return PortalSettings()
