"""The lab inside a Jupyter notebook: ``Lab()`` serves it from a background thread and
shows it inline; ``lab.network`` reads the trained network back.

Examples
--------
In a notebook cell::

    from trainwell.lab import Lab
    lab = Lab(config={"dataset": "moons"})
    lab            # the lab, inline (an iframe to the local server)
    ...            # train in the page
    net = lab.network   # a copy of the network as the page has it now
    lab.close()
"""

from __future__ import annotations

import copy
import html
import queue
import threading
from typing import Any

from ..exceptions import InvalidParameterError
from .protocol import DEFAULT_CONFIG, check_config
from .runner import bind
from .security import make_token
from .uploads import DEFAULT_UPLOAD_LIMIT, Uploads

__all__ = ["Lab"]


class Lab:
    """A lab server on a background thread, shown inline by Jupyter.

    Parameters
    ----------
    data : str or path, optional
        A CSV, NPZ or MAT file to train on (as ``trainwell lab --data``).
    config : dict, optional
        Settings to start from (the page's names: ``dataset``, ``learning_rate``,
        ``layers``...), checked as the page's messages are.
    host : str, default="127.0.0.1"
    port : int, default=0
        0 picks a free port.
    width, height : str or int
        The inline frame's size.
    """

    def __init__(
        self,
        data: Any = None,
        *,
        config: dict[str, Any] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        width: str | int = "100%",
        height: str | int = 900,
    ) -> None:
        import uvicorn

        from .server import create_app

        start = check_config(config or {}, DEFAULT_CONFIG)
        self.uploads = Uploads(DEFAULT_UPLOAD_LIMIT)
        if data is not None:
            self.uploads.use_file(str(data))
            start["dataset"] = "upload"
        self.width, self.height = width, height
        self._sessions: list[Any] = []
        self._sock = bind(host, port)
        self.port = self._sock.getsockname()[1]
        self.token = make_token()
        app = create_app(
            self.token,
            host=host,
            port=self.port,
            uploads=self.uploads,
            initial_config=start,
            on_session=self._sessions.append,
        )
        self.url = f"http://{host}:{self.port}/?token={self.token}"
        self._server = uvicorn.Server(
            uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        )
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )
        self._thread.start()

    def _repr_html_(self) -> str:
        src = html.escape(self.url, quote=True)
        return (
            f'<iframe src="{src}" width="{html.escape(str(self.width))}" '
            f'height="{html.escape(str(self.height))}" style="border:1px solid #ddd"></iframe>'
        )

    def __repr__(self) -> str:
        return f"Lab(url={self.url!r})"

    @property
    def network(self) -> Any:
        """A copy of the newest page's network, taken between two training steps.

        Raises
        ------
        InvalidParameterError
            If no page has connected yet.
        """
        if not self._sessions:
            raise InvalidParameterError(
                "Lab.network: no page has opened the lab yet; show it (display `lab`) first."
            )
        session = self._sessions[-1]
        reply: queue.Queue = queue.Queue()
        if session.thread.is_alive():
            session.submit({"type": "snapshot", "reply": reply})
        while session.thread.is_alive():
            try:
                return reply.get(timeout=0.1)
            except queue.Empty:
                continue
        try:  # the worker may have answered just before it ended
            return reply.get_nowait()
        except queue.Empty:  # the page was closed: nothing trains the network now
            return copy.deepcopy(session.trainer.network)

    @property
    def config(self) -> dict[str, Any]:
        """The newest page's settings (as live changes left them)."""
        if not self._sessions:
            raise InvalidParameterError("Lab.config: no page has opened the lab yet.")
        return copy.deepcopy(self._sessions[-1].config)

    def close(self) -> None:
        """Stop the server and its pages' sessions; remove uploaded files."""
        self._server.should_exit = True
        self._thread.join(10)
        self._sock.close()
        for session in self._sessions:
            session.close()
        self.uploads.cleanup()
