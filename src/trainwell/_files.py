"""Atomic file writes: a crash mid-write never leaves a half-written file where a good
one was.

Everything trainwell writes for a user (saved networks and checkpoints, the report and
its figures, results JSON, tuning plots) goes through :func:`atomic_writer`: the bytes go
to a temporary file in the same folder, are flushed to disk, and the temporary file is
renamed over the target (``os.replace`` is atomic on POSIX and Windows). The temporary
file is opened with ``open(..., "xb")``, not ``tempfile.mkstemp``, so the result gets the
usual permissions (0o666 less the umask) rather than mkstemp's owner-only 0o600.

A process killed mid-write (SIGKILL, a power cut) leaves its temporary file behind: the
next write into that folder removes such leftovers of our own naming
(``.NAME.PID.HEX.tmp``, for the same target, whose process is gone), and nothing else.

Nothing a user wrote is overwritten: :func:`refuse_foreign` stops a write over an
existing file that trainwell cannot recognize as its own (callers give the test: a
model file's format tag, a report's content), before any work starts.

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
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = [
    "atomic_writer",
    "check_output",
    "refuse_foreign",
    "remove_stale_temporaries",
    "save_figure",
    "write_atomic",
]


@contextmanager
def atomic_writer(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """A binary file handle whose contents replace ``path`` only when the block succeeds.

    The parent folder is created if needed. On any exception (``KeyboardInterrupt``
    included) the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
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


def remove_stale_temporaries(path: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files a killed writer of ``path`` left behind; return them.

    Only names of :func:`atomic_writer`'s pattern for this very target
    (``.NAME.PID.8HEX.tmp``) whose process ``PID`` no longer exists are removed (a live
    process, this one included, may still be writing its own).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / ".model.npz.999999999.0badcafe.tmp").write_bytes(b"half")
    >>> _ = (folder / ".model.npz.notes.tmp").write_bytes(b"not ours")
    >>> [p.name for p in remove_stale_temporaries(folder / "model.npz")]
    ['.model.npz.999999999.0badcafe.tmp']
    >>> sorted(p.name for p in folder.iterdir())
    ['.model.npz.notes.tmp']
    """
    path = Path(path)
    pattern = re.compile(rf"\.{re.escape(path.name)}\.([0-9]+)\.[0-9a-f]{{8}}\.tmp")
    removed = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    prefix = f".{path.name}."
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        match = pattern.fullmatch(entry.name)
        if match is None or _alive(int(match.group(1))) or not entry.is_file(follow_symlinks=False):
            continue
        try:
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:  # another process cleaned it first, or no permission
            pass
    return removed


def _alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (on Windows: assume so, never delete)."""
    if pid == os.getpid():
        return True
    if os.name != "posix" or pid <= 0 or pid > 2**31 - 1:
        return os.name != "posix"  # no way to ask: keep the file
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, as another user's process
        return True
    return True


def refuse_foreign(path: str | os.PathLike[str], flag: str, is_ours: Any) -> None:
    """Raise ``FileExistsError`` if ``path`` exists and ``is_ours(path)`` says trainwell
    did not write it: trainwell never truncates or rewrites a file it did not write.

    Examples
    --------
    >>> import tempfile
    >>> notes = Path(tempfile.mkdtemp()) / "results.json"
    >>> _ = notes.write_text("my notes")
    >>> refuse_foreign(notes, "--json", lambda p: False)
    Traceback (most recent call last):
    ...
    FileExistsError: --json ...results.json' exists and trainwell did not write it; ...
    """
    p = Path(path)
    if not p.exists() and not p.is_symlink():
        return
    ours = False
    if p.is_file():
        try:
            ours = bool(is_ours(p))
        except (OSError, ValueError):
            ours = False
    if not ours:
        raise FileExistsError(
            f"{flag} {str(p)!r} exists and trainwell did not write it; refusing to overwrite "
            "it. Move it away, or give a new path."
        )


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


def check_output(path: str | os.PathLike[str] | None, flag: str, *, folder: bool) -> None:
    """Make sure ``path`` can be written before any work starts: a folder (created now)
    or a file (its folder created now, the path not a folder). Raises ``OSError`` naming
    ``flag`` (the option that gave the path) otherwise.

    Examples
    --------
    >>> import tempfile
    >>> check_output(tempfile.mkdtemp(), "--json", folder=False)
    Traceback (most recent call last):
    ...
    IsADirectoryError: --json ... is a folder; give a file name.
    """
    if path is None:
        return
    p = Path(path)
    if folder:
        if p.exists() and not p.is_dir():
            raise NotADirectoryError(f"{flag} {str(p)!r} is a file; give a folder.")
        try:
            p.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise type(exc)(f"{flag} {str(p)!r} cannot be created: {exc}") from None
        if not os.access(p, os.W_OK):
            raise PermissionError(f"{flag} {str(p)!r} is not writable.")
        return
    if p.is_dir():
        raise IsADirectoryError(f"{flag} {str(p)!r} is a folder; give a file name.")
    check_output(p.parent, flag, folder=True)
