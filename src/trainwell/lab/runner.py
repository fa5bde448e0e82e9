"""Start the lab: bind, print the one line with the address and token, open the browser."""

from __future__ import annotations

import socket
import sys
import threading
import webbrowser
from typing import Any, TextIO

from ..exceptions import DataError, InvalidParameterError
from .protocol import DEFAULT_CONFIG
from .security import make_token
from .uploads import DEFAULT_UPLOAD_LIMIT, Uploads

__all__ = ["bind", "cli_lab", "serve"]


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``(host, port)``; port 0 picks a free one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise InvalidParameterError(
            f"--host/--port: cannot listen on {host}:{port} ({exc})."
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    data: str | None = None,
    open_browser: bool = True,
    upload_limit: int = DEFAULT_UPLOAD_LIMIT,
    out: TextIO | None = None,
) -> int:
    """Run the lab until Ctrl-C (or a SIGTERM); returns the exit status.

    Prints exactly one line, ``trainwell lab: http://HOST:PORT/?token=TOKEN``, on ``out``
    (stdout by default), and warnings on stderr.
    """
    import uvicorn

    from .server import create_app

    out = out or sys.stdout
    if host in ("0.0.0.0", "::"):
        print(
            f"trainwell lab: warning: --host {host} listens on every network interface; anyone "
            "who can reach this machine and learns the token can use the lab.",
            file=sys.stderr,
        )
    uploads = Uploads(upload_limit)
    config = dict(DEFAULT_CONFIG)
    try:
        if data is not None:
            uploads.use_file(data)
            config["dataset"] = "upload"
        sock = bind(host, port)
    except (DataError, InvalidParameterError) as exc:
        uploads.cleanup()
        print(f"trainwell lab: error: {exc}", file=sys.stderr)
        return 2
    bound_port = sock.getsockname()[1]
    token = make_token()
    app = create_app(token, host=host, port=bound_port, uploads=uploads, initial_config=config)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    if ":" in shown:
        shown = f"[{shown}]"
    url = f"http://{shown}:{bound_port}/?token={token}"
    print(f"trainwell lab: {url}", file=out, flush=True)
    server = uvicorn.Server(
        uvicorn.Config(
            app, log_level="warning", access_log=False, ws_max_size=2**20, lifespan="off"
        )
    )
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # a second Ctrl-C during shutdown
        pass
    finally:
        sock.close()
        uploads.cleanup()
    return 0


def cli_lab(args: Any) -> int:
    """``trainwell lab``: the argparse namespace's options to :func:`serve`."""
    if args.upload_limit_mb <= 0:
        print("trainwell lab: error: --upload-limit-mb must be positive.", file=sys.stderr)
        return 2
    return serve(
        host=args.host,
        port=args.port,
        data=args.data,
        open_browser=not args.no_browser,
        upload_limit=int(args.upload_limit_mb * 2**20),
    )
