"""Atomic file writes: a crash mid-write never leaves a half-written file where a good
one was.

Everything trainwell writes for a user (saved networks and checkpoints, the report and
its figures, results JSON, tuning plots) goes through :func:`atomic_writer`: the bytes go
to a temporary file in the same folder, are flushed to disk, and the temporary file is
renamed over the target (``os.replace`` is atomic on POSIX and Windows). The temporary
file is opened with ``open(..., "xb")``, not ``tempfile.mkstemp``, so the result gets the
usual permissions (0o666 less the umask) rather than mkstemp's owner-only 0o600.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> write_atomic(folder / "a" / "notes.txt", "hello").read_text()
'hello'
>>> sorted(p.name for p in (folder / "a").iterdir())  # no temporary file left behind
['notes.txt']
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_writer", "save_figure", "write_atomic"]


@contextmanager
def atomic_writer(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """A binary file handle whose contents replace ``path`` only when the block succeeds.

    The parent folder is created if needed. On any exception (``KeyboardInterrupt``
    included) the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: str | os.PathLike[str], data: bytes | str, encoding: str = "utf-8") -> Path:
    """Write ``data`` (bytes, or text in ``encoding``) to ``path`` atomically; return it."""
    raw: Any = data.encode(encoding) if isinstance(data, str) else data
    with atomic_writer(path) as fh:
        fh.write(raw)
    return Path(path)


def save_figure(fig: Any, path: str | os.PathLike[str], **savefig_kw: Any) -> Path:
    """``fig.savefig`` through :func:`atomic_writer`, with matplotlib's naming: the format
    comes from the file's suffix, and a name without one gets ``.png`` appended.

    Returns the path written.
    """
    path = Path(path)
    if not path.suffix:
        path = path.with_name(path.name + ".png")
    with atomic_writer(path) as fh:  # a crash never leaves half an image
        fig.savefig(fh, format=path.suffix[1:].lower(), **savefig_kw)
    return path
