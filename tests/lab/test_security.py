"""The gate's checks on their own: token compare, Host and Origin rules, refusals."""

from __future__ import annotations

import asyncio

import pytest

from trainwell.lab.security import Gate, host_allowed, make_token, token_ok


def test_tokens_are_long_random_and_compared_exactly():
    a, b = make_token(), make_token()
    assert a != b and len(a) >= 40
    assert token_ok(a, a)
    assert not token_ok(a[:-1], a) and not token_ok(a + "x", a)
    assert not token_ok("", a) and not token_ok(None, a)
    assert not token_ok("é", a)  # non-ASCII input does not crash the compare


@pytest.mark.parametrize(
    "host, bound, port, ok",
    [
        ("127.0.0.1:8000", "127.0.0.1", 8000, True),
        ("localhost:8000", "127.0.0.1", 8000, True),
        ("[::1]:8000", "127.0.0.1", 8000, True),
        ("LOCALHOST", "127.0.0.1", 8000, True),
        ("attacker.example:8000", "127.0.0.1", 8000, False),
        ("127.0.0.1.nip.io:8000", "127.0.0.1", 8000, False),
        ("127.0.0.1:8001", "127.0.0.1", 8000, False),
        ("", "127.0.0.1", 8000, False),
        (None, "127.0.0.1", 8000, False),
        ("10.0.0.7:8000", "0.0.0.0", 8000, True),  # all interfaces: IP literals only
        ("rebind.example:8000", "0.0.0.0", 8000, False),
        ("10.0.0.7:8000", "127.0.0.1", 8000, False),
    ],
)
def test_host_rules(host, bound, port, ok):
    assert host_allowed(host, bound, port) is ok


def _call(gate, scope):
    sent = []

    async def receive():
        return {"type": "websocket.connect"}

    async def send(message):
        sent.append(message)

    asyncio.run(gate(scope, receive, send))
    return sent


def _scope(kind, query=b"token=abc", host=b"127.0.0.1:80", origin=None):
    headers = [(b"host", host)] + ([(b"origin", origin)] if origin else [])
    return {"type": kind, "query_string": query, "headers": headers, "path": "/"}


def test_gate_refuses_before_the_app_runs():
    reached = []

    async def app(scope, receive, send):
        reached.append(scope["type"])

    gate = Gate(app, "abc", "127.0.0.1", 80)
    assert _call(gate, _scope("http", query=b"token=abd"))[0]["status"] == 403
    assert _call(gate, _scope("http", host=b"evil.example"))[0]["status"] == 403
    closed = _call(gate, _scope("websocket", origin=b"http://evil.example"))
    assert closed[0]["type"] == "websocket.close"
    assert _call(gate, _scope("http", origin=b"null"))[0]["status"] == 403
    assert reached == []
    _call(gate, _scope("websocket", origin=b"http://localhost:80"))
    _call(gate, _scope("http"))
    assert reached == ["websocket", "http"]
