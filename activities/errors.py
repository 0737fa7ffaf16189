"""Turning a business refusal into the non-retryable error a workflow can tell from an outage."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import DataError, IntegrityError
from temporalio.exceptions import ApplicationError

from napreview.store.errors import cannot_keep
from napreview.workflows import contract

F = TypeVar("F", bound=Callable[..., Any])


def refused(message: str, kind: str = contract.REFUSED) -> ApplicationError:
    """A refusal retrying cannot change; anything else an activity raises is retried."""
    return ApplicationError(message, type=kind, non_retryable=True)


def store_rejections_are_final(func: F) -> F:
    """An input the database refuses (too long, malformed, a broken constraint) will be refused
    on every retry: fail at once and say so, so the step is refused rather than retried for
    ever. An outage (the database away) is still retried until it comes back.

    A broken unique key is tried once more first. Another attempt of this same activity may
    have written the row between this one's read and its write: one its timeout gave up on while
    it still waited for a locked database, and which went on when the lock went. The row is then
    there, and the second try updates it; only a key broken twice is the input's fault.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            try:
                return func(*args, **kwargs)
            except IntegrityError:
                return func(*args, **kwargs)
        except (DataError, IntegrityError) as err:
            raise refused(cannot_keep(err), contract.STORE_REJECTED) from None

    return wrapper  # type: ignore[return-value]
