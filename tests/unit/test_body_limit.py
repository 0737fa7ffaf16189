"""The portal reads no more of a request than it may take (web/limits.py, issue #20 item 7):
a chunked body without a length is cut off at the limit, before any form parser holds it."""

from __future__ import annotations

import asyncio

from napreview.web.limits import FORM_BYTES, BodyLimit


class App:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope, receive, send) -> None:
        message = await receive()
        self.bodies.append(message["body"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def post(path: str, chunks: list[bytes], length: int | None = None, upload_mb: int = 1):
    app = App()
    sent: list[dict] = []
    pulled = 0

    async def receive():
        nonlocal pulled
        pulled += 1
        if pulled > len(chunks):
            return {"type": "http.disconnect"}
        return {
            "type": "http.request",
            "body": chunks[pulled - 1],
            "more_body": pulled < len(chunks),
        }

    async def send(message):
        sent.append(message)

    headers = [(b"content-length", str(length).encode())] if length is not None else []
    scope = {"type": "http", "method": "POST", "path": path, "headers": headers}
    asyncio.run(BodyLimit(app, upload_mb * 1024 * 1024)(scope, receive, send))
    return app, sent[0]["status"], pulled


def test_a_chunked_form_past_its_limit_is_refused_before_the_application_reads_it():
    chunk = b"x" * 65536
    app, status, pulled = post("/sign-in", [chunk] * 100)
    assert status == 413 and app.bodies == []
    assert pulled == FORM_BYTES // len(chunk) + 1  # nothing read past the limit


def test_a_declared_length_past_the_limit_is_refused_unread():
    app, status, pulled = post("/cycles", [b"x"], length=10 * 1024 * 1024)
    assert (status, pulled, app.bodies) == (413, 0, [])


def test_a_plan_may_be_as_large_as_the_upload_limit_on_the_form_that_takes_it():
    body = b"y" * (900 * 1024)
    app, status, _ = post("/reviews/2027/SEN/self-assessment", [body], length=len(body))
    assert status == 200 and app.bodies == [body]
    _, elsewhere, _ = post("/reviews/2027/SEN", [body], length=len(body))
    assert elsewhere == 413
