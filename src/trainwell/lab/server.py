"""The lab's ASGI app (Starlette) and its runner (uvicorn).

Routes, all behind :class:`~trainwell.lab.security.Gate` (token, Host, Origin):

- ``GET /`` the page; ``GET /static/NAME`` its script and style, served from a table read
  from the package at start-up (no path from the client is ever opened);
- ``POST /api/upload?name=FILE&label_column=K`` the raw bytes of a CSV, NPZ or MAT file,
  refused with 413 beyond the upload limit, with 400 and a sentence when malformed;
- ``WS /ws`` the session: JSON messages in (:mod:`~trainwell.lab.protocol`), states,
  frames and errors out. Each websocket gets its own :class:`~trainwell.lab.session.Session`
  whose worker thread trains; the event loop only moves messages.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Callable
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..exceptions import DataError
from .protocol import DEFAULT_CONFIG, ProtocolError, parse_message
from .security import Gate
from .session import Session
from .uploads import Uploads

__all__ = ["create_app", "to_json"]

STATIC_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; connect-src 'self' ws: wss:; "
    "img-src 'self' data: blob:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _static_files() -> dict[str, bytes]:
    folder = resources.files("trainwell.lab") / "static"
    return {f.name: f.read_bytes() for f in folder.iterdir() if f.is_file()}


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def to_json(message: dict[str, Any]) -> str:
    """Strict JSON for the page (NaN and infinities become null).

    Examples
    --------
    >>> to_json({"cost": float("nan"), "n": [1.5]})
    '{"cost":null,"n":[1.5]}'
    """
    try:
        return json.dumps(message, separators=(",", ":"), allow_nan=False)
    except ValueError:
        return json.dumps(_clean(message), separators=(",", ":"), allow_nan=False)


class Outbox:
    """Messages from a worker thread to the page; frames are coalesced (only the newest
    waits), every other message is kept in order."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop, self.queue, self.frame = loop, [], None
        self.ready = asyncio.Event()

    def post(self, message: dict[str, Any]) -> None:
        """Thread-safe; a no-op once the event loop has closed."""
        try:
            self.loop.call_soon_threadsafe(self._put, message)
        except RuntimeError:  # loop closed: the page is gone
            pass

    def _put(self, message: dict[str, Any]) -> None:
        if message["type"] == "frame":
            self.frame = message  # replaces an unsent older frame
        else:
            if self.frame is not None:  # keep the order: that frame came first
                self.queue.append(self.frame)
                self.frame = None
            self.queue.append(message)
        self.ready.set()

    async def take(self) -> list[dict[str, Any]]:
        await self.ready.wait()
        self.ready.clear()
        out, self.queue = self.queue, []
        if self.frame is not None:
            out.append(self.frame)
            self.frame = None
        return out


def create_app(
    token: str,
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    uploads: Uploads | None = None,
    initial_config: dict[str, Any] | None = None,
    on_session: Callable[[Session], None] | None = None,
) -> Gate:
    """The lab's ASGI application, gated by ``token`` and the Host/Origin checks.

    Parameters
    ----------
    token : str
        The secret of this server (see :func:`~trainwell.lab.security.make_token`).
    host, port : str, int or None
        The bound address (port None: any port in a Host header).
    uploads : Uploads, optional
        Where uploads go (a fresh temp folder with the 50 MiB limit by default).
    initial_config : dict, optional
        A checked setup new sessions start from (e.g. the ``--data`` file's).
    on_session : callable, optional
        Called with each new page's :class:`~trainwell.lab.session.Session` (the notebook's
        :class:`~trainwell.lab.notebook.Lab` keeps the newest, to read its network back).
    """
    uploads = uploads or Uploads()
    static = _static_files()
    base_config = dict(initial_config or DEFAULT_CONFIG)

    async def page(request: Request) -> Response:
        html = static["index.html"].decode("utf-8").replace("{{TOKEN}}", token)
        return HTMLResponse(html, headers=SECURITY_HEADERS)

    async def static_file(request: Request) -> Response:
        name = request.path_params["name"]
        body = static.get(name)
        kind = STATIC_TYPES.get(name[name.rfind(".") :] if "." in name else "")
        if body is None or kind is None:
            return Response("404 Not Found", status_code=404, media_type="text/plain")
        return Response(body, media_type=kind, headers=SECURITY_HEADERS)

    async def upload(request: Request) -> Response:
        name = request.query_params.get("name", "")
        try:
            label_column = int(request.query_params.get("label_column", "-1"))
            uploads.suffix_of(name)
        except ValueError as exc:  # DataError is a ValueError
            message = (
                str(exc) if isinstance(exc, DataError) else "'label_column' must be an integer."
            )
            return JSONResponse({"error": message}, status_code=400)
        declared = request.headers.get("content-length")
        too_big = JSONResponse(
            {"error": f"file larger than the upload limit of {uploads.limit / 2**20:g} MiB."},
            status_code=413,
        )
        if declared is not None and declared.isdigit() and int(declared) > uploads.limit:
            return too_big
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > uploads.limit:
                return too_big
            chunks.append(chunk)
        try:
            d = await asyncio.to_thread(uploads.receive, b"".join(chunks), name, label_column)
        except DataError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse(
            {
                "name": d.name,
                "n_examples": int(d.X_train.shape[0]) + (0 if d.X_test is None else len(d.X_test)),
                "n_features": d.n_features,
                "n_classes": d.n_classes,
            }
        )

    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        outbox = Outbox(asyncio.get_running_loop())
        session = Session(outbox.post, uploads.dataset, base_config)
        session.start()
        if on_session is not None:
            on_session(session)

        async def pump() -> None:
            while True:
                for message in await outbox.take():
                    await websocket.send_text(to_json(message))

        sender = asyncio.create_task(pump())
        try:
            while True:
                event = await websocket.receive()
                if event["type"] == "websocket.disconnect":
                    break
                raw = event.get("text")
                if raw is None:
                    raw = event.get("bytes") or b""
                try:
                    session.submit(parse_message(raw))
                except ProtocolError as exc:
                    outbox.post({"type": "error", "message": f"Refused: {exc}"})
        except WebSocketDisconnect:
            pass
        finally:
            sender.cancel()
            await asyncio.to_thread(session.close)

    app = Starlette(
        routes=[
            Route("/", page),
            Route("/static/{name}", static_file),
            Route("/api/upload", upload, methods=["POST"]),
            WebSocketRoute("/ws", ws),
        ]
    )
    gate = Gate(app, token, host, port)
    gate.uploads = uploads  # type: ignore[attr-defined]
    return gate
