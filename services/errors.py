"""Errors of a person's request; the command line maps each to its exit code (DESIGN §10.2)."""

from napreview.store.errors import ConflictError, NotFoundError, StoreError


class StepRefused(Exception):
    """Not allowed, out of turn or already done (exit 3); the message says why."""


class InvalidInput(Exception):
    """A malformed file or value (exit 2); the message names the field."""


__all__ = ["ConflictError", "InvalidInput", "NotFoundError", "StepRefused", "StoreError"]
