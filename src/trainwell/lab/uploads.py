"""The learner's own data: files received from the page (or ``--data``), kept in a temp folder.

The client never names a path: an upload's bytes are written (atomically) under the
server's private :class:`tempfile.TemporaryDirectory` as ``upload-N.csv`` (``.npz``,
``.mat``), the suffix taken from a fixed list; the name the page gave is only shown back.
Files are read by trainwell's loaders (no pickle), parsed once per label column.
"""

from __future__ import annotations

import re
import tempfile
import threading
from pathlib import Path

from .._files import write_atomic
from ..data import Dataset
from ..exceptions import DataError
from .datasets import UPLOAD_SUFFIXES, load_upload

__all__ = ["DEFAULT_UPLOAD_LIMIT", "Uploads"]

DEFAULT_UPLOAD_LIMIT = 50 * 2**20


def display_name(name: str) -> str:
    """A short, harmless version of the page's file name, for messages only.

    Examples
    --------
    >>> display_name("../../etc/passwd<script>.csv")
    'passwd_script_.csv'
    """
    base = re.split(r"[\\/]", name)[-1]
    return re.sub(r"[^A-Za-z0-9._ -]", "_", base)[:80] or "upload"


class Uploads:
    """The current uploaded dataset, shared by the sessions of one server.

    Parameters
    ----------
    limit : int, default=50 MiB
        Largest accepted file, in bytes.
    """

    def __init__(self, limit: int = DEFAULT_UPLOAD_LIMIT) -> None:
        self.limit = int(limit)
        self._dir = tempfile.TemporaryDirectory(prefix="trainwell-lab-")
        self.folder = Path(self._dir.name)
        self._lock = threading.Lock()
        self._count = 0
        self._path: Path | None = None
        self.name = ""
        self._cache: dict[int, Dataset] = {}

    def suffix_of(self, name: str) -> str:
        """The accepted suffix of a file name, or a DataError naming the accepted ones."""
        suffix = Path(display_name(name)).suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise DataError(
                f"'{display_name(name)}' is not a CSV, NPZ or MAT file (the name must end in "
                f"{', '.join(UPLOAD_SUFFIXES)})."
            )
        return suffix

    def receive(self, data: bytes, name: str, label_column: int = -1) -> Dataset:
        """Store an upload in the temp folder and parse it; the previous one stays on error."""
        suffix = self.suffix_of(name)
        with self._lock:
            self._count += 1
            path = self.folder / f"upload-{self._count}{suffix}"
        write_atomic(path, data)
        return self._adopt(path, display_name(name), label_column)

    def use_file(self, path: str | Path, label_column: int = -1) -> Dataset:
        """Adopt a file named on the command line (``--data``), read where it lies."""
        p = Path(path)
        self.suffix_of(p.name)
        if not p.is_file():
            raise DataError(f"--data: no such file '{p}'.")
        return self._adopt(p, display_name(p.name), label_column)

    def _adopt(self, path: Path, shown: str, label_column: int) -> Dataset:
        try:
            d = load_upload(path, label_column)
        except (DataError, FileNotFoundError) as exc:
            raise DataError(f"'{shown}': {str(exc).replace(str(path), shown)}") from None
        d = _renamed(d, shown)
        with self._lock:
            self._path, self.name, self._cache = path, shown, {label_column: d}
        return d

    def dataset(self, label_column: int = -1) -> Dataset | None:
        """The current upload parsed with ``label_column`` as labels (None before any)."""
        with self._lock:
            path, cached = self._path, self._cache.get(label_column)
        if path is None or cached is not None:
            return cached
        try:
            d = _renamed(load_upload(path, label_column), self.name)
        except DataError as exc:
            raise DataError(f"'{self.name}': {str(exc).replace(str(path), self.name)}") from None
        with self._lock:
            self._cache[label_column] = d
        return d

    def cleanup(self) -> None:
        """Remove the temp folder and everything in it."""
        self._dir.cleanup()


def _renamed(d: Dataset, name: str) -> Dataset:
    return Dataset(d.X_train, d.y_train, d.X_test, d.y_test, name=name, note=d.note,
                   feature_names=d.feature_names, target_names=d.target_names)  # fmt: skip
