"""Errors the store raises for a user's mistake; the command line turns them into exit codes."""


class StoreError(Exception):
    """Base class; the message is written for the person who made the request."""


class NotFoundError(StoreError):
    """Something named does not exist (exit 4)."""


class ConflictError(StoreError):
    """The request contradicts what is recorded (exit 3)."""
