"""Bounds on what a request may bring, enforced before any of it is parsed (issue #20 item 7).

A form is read whole by its parser, so a body with thousands of fields or one enormous part,
sent in chunks without a length, would be held in memory before the CSRF check could refuse
it. The portal reads at most this much of any body, and answers 413 beyond it; only the pages
that take a file (the plan as a PDF, a document as JSON, a review's documents, a follow-up's
evidence) get the upload limit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FORM_BYTES = 256 * 1024  # any form without a file: far above the longest comments allowed
UPLOAD_PAGES = ("/self-assessment", "/peer-review", "/follow-up/report", "/files")
MAX_FIELDS = 500  # the self-assessment form has about 120
# A progress report has a file input for each of its items (one left empty is a part too), each
# taking several documents; the body's limit bounds what they bring.
MAX_FILES = 200

TOO_LARGE = (
    b"<!doctype html><title>Too large</title><p>The request is too large and was not read. "
    b"A plan may be at most %d MB; a form without a file at most 256 KB."
)


class BodyLimit:
    """Reads a request's body up to its limit before the application sees any of it."""

    def __init__(self, app: ASGIApp, upload_bytes: int) -> None:
        self.app = app
        self.upload_bytes = upload_bytes

    def limit(self, path: str) -> int:
        return self.upload_bytes if path.endswith(UPLOAD_PAGES) else FORM_BYTES

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope["path"])
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._too_large(send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                await self._too_large(send)
                return
        await self.app(scope, _replay(bytes(body), receive), send)

    async def _too_large(self, send: Send) -> None:
        page = TOO_LARGE % (self.upload_bytes // (1024 * 1024))
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(page)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": page})


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, handed over once; then whatever the server says next."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
