"""Errors the store raises for a user's mistake; the command line turns them into exit codes."""


class StoreError(Exception):
    """Base class; the message is written for the person who made the request."""


class NotFoundError(StoreError):
    """Something named does not exist (exit 4)."""


class ConflictError(StoreError):
    """The request contradicts what is recorded (exit 3)."""


def cannot_keep(err: Exception) -> str:
    """Why the database refused what a step carries (too long, malformed, a broken constraint),
    in the words a person reads, with the database's own first line."""
    orig = getattr(err, "orig", None)
    detail = str(orig).splitlines()[0] if orig else type(err).__name__
    return f"The records cannot keep what this step carries ({detail})."
