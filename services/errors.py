"""Errors of a person's request; the command line maps each to its exit code (DESIGN §10.2)."""

from napreview.schemas.refusals import Reason
from napreview.store.errors import ConflictError, NotFoundError, StoreError


class StepRefused(Exception):
    """Not allowed, out of turn or already done (exit 3); the message says why in English,
    ``reason`` (where known) as a code with parameters, for a reader in another language."""

    def __init__(self, message: str, reason: Reason | None = None) -> None:
        super().__init__(message)
        self.reason = reason


class InvalidInput(Exception):
    """A malformed file or value (exit 2); the message names the field."""


__all__ = ["ConflictError", "InvalidInput", "NotFoundError", "StepRefused", "StoreError"]
