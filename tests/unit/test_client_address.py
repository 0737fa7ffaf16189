"""Behind the README's proxy, the address recorded beside a sign-in attempt is the one the proxy
saw, never one the client wrote into X-Forwarded-For (issue #20 item 8)."""

from __future__ import annotations

from types import SimpleNamespace

from starlette.requests import Request

from napreview.web.web import client_address


def request(forwarded: str | None, trust_proxy: bool) -> Request:
    portal = SimpleNamespace(options=SimpleNamespace(trust_proxy=trust_proxy))
    app = SimpleNamespace(state=SimpleNamespace(portal=portal))
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded is not None else []
    scope = {"type": "http", "headers": headers, "client": ("10.0.0.2", 5000), "app": app}
    return Request(scope)


def test_the_proxy_s_own_entry_is_recorded_not_the_one_the_client_chose():
    # the client sent "X-Forwarded-For: 1.2.3.4"; nginx appended the address it saw
    assert client_address(request("1.2.3.4, 203.0.113.7", trust_proxy=True)) == "203.0.113.7"


def test_without_a_trusted_proxy_the_header_is_ignored():
    assert client_address(request("1.2.3.4", trust_proxy=False)) == "10.0.0.2"
    assert client_address(request(None, trust_proxy=True)) == "10.0.0.2"
