"""A resumable trial log: one JSON object per line, appended and flushed as trials finish.

The first line is a header describing the search (space, seed, number of trials, ...,
and the objective when it can describe itself: data, fixed settings, metric); each later
line is one finished trial. A search started again with the same journal reads the
finished trials back and runs only the others; a journal whose header differs is refused.

Why it survives ``kill -9``: every record is written with a single ``os.write`` of the
whole line (newline included) on a file opened with ``O_APPEND``, then ``fsync``-ed. A
process killed at any instant leaves either the complete line or a prefix of it with no
newline (a *torn* line). Reading ignores a torn last line, and reopening for appending cuts
it off first, so the next record starts on a fresh line. Only the parent process writes;
workers return their results to it.

Why it cannot lose data:

- **One writer.** :meth:`Journal.open` takes an exclusive lock on ``PATH.lock``
  (:mod:`filelock`, an ``fcntl``/``msvcrt`` lock that the operating system releases when
  the holder dies, SIGKILL included). A second search on the same journal fails at once
  with :class:`JournalLockedError`; it never waits and never shares. The file is read
  again once the lock is held, so the truncation of a torn line only ever cuts what is
  after the last complete record, never another writer's records.
- **Only its own files.** A file whose first line is not a trainwell journal header (or
  the start of one, torn by a kill during the very first write) is refused with
  :class:`~trainwell.exceptions.CheckpointError` and never truncated or rewritten.

Format: version 1 (unchanged). Trials may carry extra keys (``worker``, ``host``,
``attempts``, ``epochs_run``, ``zoom_from``); readers ignore keys they do not know, so
journals of older and newer versions read both ways.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..exceptions import CheckpointError, InvalidParameterError

__all__ = ["Journal", "JournalLockedError", "json_ready"]

JOURNAL_VERSION = 1
#: How every header line starts (``json.dumps`` keeps the key order it is given).
HEADER_START = b'{"type":"header"'


class JournalLockedError(RuntimeError):
    """Another process holds the journal's lock (a second search on the same journal)."""


def json_ready(value: Any) -> Any:
    """``value`` as it reads back from JSON: tuples become lists, NumPy numbers plain ones.

    Any other object is written as its ``repr`` (so one whose repr changes from run to run,
    such as ``<object at 0x...>``, makes a journal that is not resumed).

    Examples
    --------
    >>> import numpy as np
    >>> json_ready({"hidden_units": (10, np.int64(5)), "l2": np.float64(0.5)})
    {'hidden_units': [10, 5], 'l2': 0.5}
    """

    def plain(obj: Any) -> Any:
        return obj.tolist() if hasattr(obj, "tolist") else repr(obj)  # NumPy: numbers, lists

    return json.loads(json.dumps(value, default=plain, allow_nan=False))


class Journal:
    """An append-only JSON-lines file of trial records.

    Parameters
    ----------
    path : str or Path
        The file; created (with its parent folder) on the first write.

    Attributes
    ----------
    header : dict or None
        The first record (the search's description), None for a new journal.
    records : dict of int to dict
        The finished trials read back, keyed by trial index.
    torn : bool
        Whether the last line was torn (and will be cut off before appending).

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "search.jsonl")
    >>> with Journal(path) as journal:
    ...     journal.write({"type": "header", "seed": 0})
    ...     journal.write({"type": "trial", "index": 0, "dev_score": 0.9})
    >>> with open(path, "a") as f:                # a write cut short by SIGKILL
    ...     _ = f.write('{"type": "trial", "ind')
    >>> journal = Journal(path)
    >>> journal.header["seed"], sorted(journal.records), journal.torn
    (0, [0], True)
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.header: dict[str, Any] | None = None
        self.records: dict[int, dict[str, Any]] = {}
        self.torn = False
        self._good_bytes = 0
        self._fd: int | None = None
        self._lock: Any = None
        if self.path.is_dir():
            raise IsADirectoryError(f"Journal {str(self.path)!r} is a folder; give a file name.")
        self._read()

    def _read(self) -> None:
        self.header, self.records, self.torn, self._good_bytes = None, {}, False, 0
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        self._check_is_journal(data)
        lines = data.split(b"\n")
        # Everything after the last newline is an unfinished (torn) write, or b"".
        complete, tail = lines[:-1], lines[-1]
        self.torn = bool(tail.strip())
        offset = 0
        for number, raw in enumerate(complete, start=1):
            try:
                record = json.loads(raw)
                if not isinstance(record, dict):
                    raise ValueError("not a JSON object")
            except ValueError as exc:
                if number == len(complete) and not self.torn:
                    # A last line that ends in a newline but does not parse: treat as torn.
                    self.torn = True
                    break
                raise CheckpointError(
                    f"Journal {self.path} is corrupted at line {number} ({exc}); only the "
                    "last line may be incomplete. Move the file away to start afresh."
                ) from None
            offset += len(raw) + 1
            self._accept(record, number)
        self._good_bytes = offset

    def _check_is_journal(self, data: bytes) -> None:
        """Refuse a non-empty file that does not start as a trainwell journal does."""
        if not data:
            return
        first = data.split(b"\n", 1)[0]
        if b"\n" not in data:  # a header torn by a kill during the very first write
            ours = first.startswith(HEADER_START)  # anything shorter is not surely ours
        else:
            try:
                record = json.loads(first)
                ours = isinstance(record, dict) and record.get("type") == "header"
            except ValueError:
                ours = False
        if not ours:
            raise CheckpointError(
                f"{str(self.path)!r} is not a trainwell journal (its first line is not a "
                f"journal header: {first[:60]!r}); it was left untouched. Give --journal a "
                "new file name, or the journal of an earlier search."
            )

    def _accept(self, record: dict[str, Any], number: int) -> None:
        kind = record.get("type")
        if kind == "header":
            if self.header is not None or self.records:
                raise CheckpointError(
                    f"Journal {self.path} has a second header at line {number}; journals "
                    "of different searches must not share a file."
                )
            self.header = record
        elif kind == "trial" and isinstance(record.get("index"), int):
            self.records[record["index"]] = record
        else:
            raise CheckpointError(
                f"Journal {self.path} line {number} is neither a header nor a trial "
                f"record: {record!r:.200}."
            )

    def check_header(self, header: Mapping[str, Any]) -> None:
        """Refuse to resume unless this journal's header matches ``header`` key by key."""
        if self.header is None:
            if self.records:
                raise InvalidParameterError(f"Journal {self.path} has trials but no header line.")
            return
        for key, value in header.items():
            old = self.header.get(key)
            if old == value:
                continue
            if isinstance(old, dict) and isinstance(value, dict):
                diff = sorted(k for k in old.keys() | value.keys() if old.get(k) != value.get(k))
                what = f"its {key!r} differs in " + ", ".join(
                    f"{k!r} ({old.get(k)!r} there, {value.get(k)!r} here)" for k in diff
                )
            else:
                what = f"its {key!r} is {old!r}, this search's is {value!r}"
            raise InvalidParameterError(
                f"Journal {self.path} was written by a different search: {what}. Resume "
                "with the same settings, or give a new journal path."
            )

    def lock(self) -> Journal:
        """Take the exclusive lock (``PATH.lock``) and read the file again under it.

        Raises :class:`JournalLockedError` at once if another process holds it.
        """
        if self._lock is None:
            from filelock import FileLock, Timeout

            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(self.path) + ".lock")
            try:
                lock.acquire(timeout=0)
            except Timeout:
                raise JournalLockedError(
                    f"Journal {str(self.path)!r} is in use by another search (its lock "
                    f"{str(self.path)!r}.lock is held). Two searches never share a journal: "
                    "wait for the other one, or give this one a new journal path."
                ) from None
            self._lock = lock
            try:
                self._read()  # what the previous holder wrote, read under the lock
            except BaseException:
                self.unlock()
                raise
        return self

    def unlock(self) -> None:
        """Release the lock (:meth:`close` does it too)."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def open(self) -> Journal:
        """Lock, then open for appending, cutting off a torn last line first.

        Only the bytes after the last complete record are ever cut, and only under the
        lock, so no other writer's records can be lost.
        """
        if self._fd is None:
            self.lock()
            if self.path.exists() and self.path.stat().st_size != self._good_bytes:
                os.truncate(self.path, self._good_bytes)
                self.torn = False
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        return self

    def write(self, record: Mapping[str, Any]) -> None:
        """Append one record as a single line, then flush it to disk."""
        if self._fd is None:
            self.open()
        assert self._fd is not None  # for type checkers; open() sets it
        line = (json.dumps(record, allow_nan=False, separators=(",", ":")) + "\n").encode()
        view = memoryview(line)
        while view:  # os.write may write less than asked for (signals, pipes)
            view = view[os.write(self._fd, view) :]
        os.fsync(self._fd)
        self._good_bytes += len(line)
        if record.get("type") == "header":
            self.header = dict(record)
        else:
            self.records[int(record["index"])] = dict(record)

    def close(self) -> None:
        """Close the file (records are already on disk) and release the lock."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self.unlock()

    def __enter__(self) -> Journal:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Journal({str(self.path)!r}, {len(self.records)} trials)"
