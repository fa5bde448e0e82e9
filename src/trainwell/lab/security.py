"""The lab's gate: token, Host and Origin checks on every HTTP request and websocket.

A local server is still a server: any web page the learner visits can make the browser
send requests to ``127.0.0.1``, and DNS rebinding can make a foreign name resolve there.
So every request must carry the session's secret token (compared in constant time with
:func:`hmac.compare_digest`), name an allowed host in its ``Host`` header (a loopback name,
the bound address, or any IP literal when bound to all interfaces: a rebinding attack needs
a DNS name), and a websocket upgrade must come from a page of the lab's own origin.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["Gate", "host_allowed", "make_token", "token_ok"]

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def make_token() -> str:
    """A fresh URL-safe secret of 32 random bytes."""
    return secrets.token_urlsafe(32)


def token_ok(given: str | None, token: str) -> bool:
    """Whether ``given`` equals ``token``, in time independent of where they differ.

    Examples
    --------
    >>> token_ok("abc", "abc"), token_ok("abd", "abc"), token_ok(None, "abc")
    (True, False, False)
    """
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))


def _split_host(value: str) -> tuple[str, str | None]:
    """``"[::1]:8000"`` -> ``("::1", "8000")``; ``"localhost"`` -> ``("localhost", None)``."""
    if value.startswith("["):
        name, _, rest = value[1:].partition("]")
        return name.lower(), rest[1:] if rest.startswith(":") else None
    name, sep, port = value.rpartition(":")
    return (name.lower(), port) if sep else (value.lower(), None)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def host_allowed(value: str | None, bound_host: str, port: int | None) -> bool:
    """Whether a ``Host`` header (or an Origin's host) names this server.

    Examples
    --------
    >>> host_allowed("127.0.0.1:8000", "127.0.0.1", 8000)
    True
    >>> host_allowed("evil.example:8000", "127.0.0.1", 8000)
    False
    >>> host_allowed("192.168.1.5:8000", "0.0.0.0", 8000)
    True
    """
    if not value:
        return False
    name, given_port = _split_host(value.strip())
    if port is not None and given_port is not None and given_port != str(port):
        return False
    if name in LOOPBACK_NAMES or name == bound_host.lower():
        return True
    return bound_host in ("0.0.0.0", "::") and _is_ip(name)


ASGIApp = Callable[[dict, Callable, Callable], Awaitable[None]]


class Gate:
    """ASGI middleware refusing any HTTP request or websocket that fails a check (403).

    Parameters
    ----------
    app : ASGI app
    token : str
        The secret every request must carry as the ``token`` query parameter.
    bound_host : str
        The address the server listens on.
    port : int or None
        Its port (a Host header naming another port is refused); None to skip that check.
    """

    def __init__(self, app: ASGIApp, token: str, bound_host: str, port: int | None) -> None:
        self.app, self.token, self.bound_host, self.port = app, token, bound_host, port

    def refusal(self, scope: dict[str, Any]) -> str | None:
        """Why ``scope`` is refused, or None when it passes."""
        headers = _headers(scope["headers"])
        if not host_allowed(headers.get("host"), self.bound_host, self.port):
            return "Host header is not this lab's address"
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if not token_ok((query.get("token") or [None])[0], self.token):
            return "missing or wrong token"
        origin = headers.get("origin")
        if scope["type"] == "websocket" or origin is not None:
            if origin is not None and not self.origin_ok(origin):
                return "foreign Origin"
        return None

    def origin_ok(self, origin: str) -> bool:
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and host_allowed(
            parts.netloc, self.bound_host, self.port
        )

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        why = self.refusal(scope)
        if why is None:
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            await receive()  # the connect event
            await send({"type": "websocket.close", "code": 1008, "reason": why})
            return None
        body = f"403 Forbidden: {why}.".encode()
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")],
            }
        )
        await send({"type": "http.response.body", "body": body})
        return None


def _headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw}
