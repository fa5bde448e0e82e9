"""Loaders for a user's own data: .csv, .npz and MATLAB .mat, each validated before use.

Every loader returns a :class:`~trainwell.data.Dataset` (``X`` as ``(m, n_features)``
float64) and raises :class:`~trainwell.exceptions.DataError` naming the file and the
problem (missing keys, ragged rows, non-numeric cells, NaN, a truncated or foreign file)
before any array reaches a network.
"""

from __future__ import annotations

import csv
import math
import os
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import DataError
from ._filecheck import ZIP_ERRORS, check_mat_file
from ._filecheck import existing_file as _existing
from .datasets import Dataset

__all__ = ["load_csv", "load_mat", "load_npz"]

PathLike = str | os.PathLike


def _labels(y: np.ndarray, where: str) -> np.ndarray:
    """A 1-D label vector from (m,), (m, 1) or (1, m): int64 when integral, else float64."""
    y = np.asarray(y)
    if y.ndim == 2 and 1 in y.shape:
        y = y.ravel()
    if y.ndim != 1:
        raise DataError(
            f"{where} must be a label vector (m,), (m, 1) or (1, m); got shape {y.shape}."
        )
    if y.dtype.kind not in "biuf":
        raise DataError(f"{where} must be numeric; got dtype {y.dtype}.")
    y = y.astype(np.float64)
    if not np.isfinite(y).all():
        raise DataError(
            f"{where} contains NaN or infinity at index {int(np.flatnonzero(~np.isfinite(y))[0])}."
        )
    return y.astype(np.int64) if np.array_equal(y, np.round(y)) else y


def _oriented(X: Any, m: int, where: str) -> tuple[np.ndarray, str]:
    """X as (m, n_features), transposing a (n_features, m) array; says which was assumed."""
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise DataError(f"{where} must be numeric; got dtype {X.dtype}.")
    if X.ndim != 2:
        raise DataError(f"{where} must be a 2-D array; got shape {X.shape}.")
    a, b = X.shape
    if a == m and b != m:
        note = f"{where} stored as {X.shape} = (examples, features): used as is."
    elif b == m and a != m:
        X = X.T
        note = (
            f"{where} stored as {(a, b)} = (features, examples), the course's layout: "
            f"transposed to {X.shape}."
        )
    elif a == m:  # square: cannot tell
        note = (
            f"{where} is square {X.shape}: assumed (examples, features), rows are "
            "examples; transpose it yourself if its columns are the examples."
        )
        warnings.warn(note, UserWarning, stacklevel=5)
    else:
        raise DataError(
            f"{where} has shape {X.shape} but its labels have {m} entries; "
            f"neither dimension matches."
        )
    X = np.ascontiguousarray(X, dtype=np.float64)
    if not np.isfinite(X).all():
        r, c = np.argwhere(~np.isfinite(X))[0]
        raise DataError(
            f"{where} contains NaN or infinity (first at example {r}, "
            f"feature {c}); impute or drop those values first."
        )
    return X, note


def _pair(arrays: dict, x_key: str, y_key: str, source: str) -> tuple[np.ndarray, np.ndarray, str]:
    y = _labels(arrays[y_key], f"'{y_key}' in {source}")
    X, note = _oriented(arrays[x_key], y.shape[0], f"'{x_key}' in {source}")
    return X, y, note


def _require(keys: list[str], found: Any, source: str) -> None:
    missing = [k for k in keys if k not in found]
    if missing:
        shown = sorted(k for k in found if not str(k).startswith("__"))
        raise DataError(
            f"{source} lacks the key(s) {missing}; it holds {shown}. Calling load_mat or "
            "load_npz, name the right ones with the *_key arguments; `trainwell reproduce "
            "--data` needs the course's names."
        )


def _from_arrays(
    arrays: dict, keys: tuple[str, str, str | None, str | None], source: str, name: str
) -> Dataset:
    x_key, y_key, xt_key, yt_key = keys
    if (xt_key is None) != (yt_key is None):
        raise DataError(f"Give both test keys or neither; got {xt_key!r} and {yt_key!r}.")
    _require([k for k in keys if k is not None], arrays, source)
    X, y, note = _pair(arrays, x_key, y_key, source)
    X_test = y_test = None
    if xt_key is not None:
        X_test, y_test, note_test = _pair(arrays, xt_key, yt_key, source)
        note = f"{note} {note_test}"
        if X_test.shape[1] != X.shape[1]:
            raise DataError(
                f"'{xt_key}' in {source} has {X_test.shape[1]} features but "
                f"'{x_key}' has {X.shape[1]}."
            )
    return Dataset(
        X,
        y,
        X_test,
        y_test,
        name=name,
        feature_names=tuple(f"x{j + 1}" for j in range(X.shape[1])),
        note=note,
    )


def load_mat(
    path: PathLike,
    *,
    X_key: str = "X",
    y_key: str = "y",
    X_test_key: str | None = "Xval",
    y_test_key: str | None = "yval",
) -> Dataset:
    """Load a MATLAB .mat file holding X, y and (by default) Xval, yval.

    The course distributes its regularization data this way; ``Xval, yval`` become the
    test part. Either orientation of X is accepted: ``(m, n_features)`` as scikit-learn
    lays it out, or ``(n_features, m)`` as the course computes with it (transposed here).
    The orientation is decided by which dimension matches the number of labels, and
    ``Dataset.note`` says which was assumed (a square X warns).

    Parameters
    ----------
    path : str or path-like
        A MATLAB v4-v7.2 file (scipy.io.loadmat; v7.3 HDF5 files are refused).
    X_key, y_key : str, default="X", "y"
        Names of the training arrays.
    X_test_key, y_test_key : str or None, default="Xval", "yval"
        Names of the held-out arrays; None for a file without them.

    Returns
    -------
    Dataset

    Raises
    ------
    FileNotFoundError
        If there is no such file (IsADirectoryError for a folder).
    DataError
        If the file is not a well-formed MAT v5 file (checked before scipy parses it), lacks
        a key, or holds non-numeric, NaN or mismatched arrays.
    """
    p = _existing(path)
    from scipy.io import loadmat

    check_mat_file(p)  # a crafted element tag crashes scipy's parser (SIGSEGV)
    try:
        arrays = loadmat(p)
    except NotImplementedError as exc:  # scipy's answer to v7.3
        raise DataError(
            f"'{p}' is a MATLAB v7.3 (HDF5) file, which is not supported; save it "
            "with save(..., '-v7') or load it with h5py."
        ) from exc
    except Exception as exc:  # truncated, foreign or corrupt files raise many kinds
        raise DataError(
            f"'{p}' could not be read as a MATLAB .mat file ({type(exc).__name__}: {exc})."
        ) from exc
    return _from_arrays(arrays, (X_key, y_key, X_test_key, y_test_key), f"'{p}'", p.stem)


def load_npz(
    path: PathLike,
    *,
    X_key: str = "X",
    y_key: str = "y",
    X_test_key: str | None = None,
    y_test_key: str | None = None,
) -> Dataset:
    """Load a NumPy .npz archive holding X and y (and optionally test arrays).

    Parameters
    ----------
    path : str or path-like
        A file written by ``numpy.savez``. Object arrays (pickles) are refused.
    X_key, y_key : str, default="X", "y"
        Names of the training arrays.
    X_test_key, y_test_key : str or None, default=None
        Names of held-out arrays, if the archive has them.

    Returns
    -------
    Dataset
        X oriented as in :func:`load_mat` (a ``(n_features, m)`` X is transposed and
        ``note`` says so).

    Raises
    ------
    FileNotFoundError, DataError
        As for :func:`load_mat`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "d.npz"
    >>> np.savez(path, X=np.eye(3, 2), y=[0, 1, 1])
    >>> load_npz(path).X_train.shape
    (3, 2)
    """
    p = _existing(path)
    try:
        with open(p, "rb") as fh:  # our own handle: numpy leaks its own on a bad zip
            archive = np.load(fh, allow_pickle=False)
            if not isinstance(archive, np.lib.npyio.NpzFile):
                raise DataError(
                    f"'{p}' is a single .npy array, not an .npz archive of named "
                    "arrays; save with numpy.savez(path, X=X, y=y)."
                )
            keys = (X_key, y_key, X_test_key, y_test_key)
            _require([k for k in keys if k is not None], archive.files, f"'{p}'")
            arrays = {k: archive[k] for k in keys if k is not None}
            archive.close()
    except DataError:
        raise
    except (*ZIP_ERRORS, OSError, ValueError, EOFError) as exc:
        raise DataError(
            f"'{p}' could not be read as a NumPy .npz archive ({type(exc).__name__}: {exc})."
        ) from exc
    return _from_arrays(arrays, (X_key, y_key, X_test_key, y_test_key), f"'{p}'", p.stem)


# A decimal number as a CSV writes it: float() alone would also take "1_0" (as 10.0).
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(nan|inf|infinity)", re.I | re.A)


def _number(cell: str) -> float | None:
    return float(cell) if _NUMBER.fullmatch(cell.strip()) else None


# Missing-value markers (pandas reads these as NaN): a first row holding one is data with a
# gap, which the parser then reports, not a row of column names.
_MISSING = frozenset({"na", "n/a", "null", "none", "missing"})


def _is_header(rows: list[list[str]]) -> bool:
    """Some column has a name atop (a letter, not a number and not a missing-value marker
    such as "NA") and only numbers (or blanks) below."""
    return any(
        any(ch.isalpha() for ch in row0)
        and _number(row0) is None
        and row0.strip().lower() not in _MISSING
        and all(_number(r[j]) is not None for r in rows[1:] if r[j].strip())
        for j, row0 in enumerate(rows[0])
    )


def load_csv(
    path: PathLike, *, target: int | str = -1, header: bool | str = "auto", delimiter: str = ","
) -> Dataset:
    """Load a table of numbers from a CSV file, one example per row.

    Parameters
    ----------
    path : str or path-like
        A text file.
    target : int or str, default=-1
        The label column, by position (negative counts from the end) or by header name.
        Its cells may be numbers or class names; names are encoded as 0, 1, ... in sorted
        order and kept in ``target_names``.
    header : bool or "auto", default="auto"
        Whether the first row names the columns. "auto" says yes when some column has a name
        in the first row (a cell with a letter that is not a number) and numbers in all its
        other non-blank rows. So class names in the target column are no evidence, and a
        malformed first-row number such as "1_0", or a missing-value marker such as "NA",
        is reported, not taken for a name.
    delimiter : str, default=","

    Returns
    -------
    Dataset
        Training arrays only (``X_test`` is None); split them with
        :func:`~trainwell.data.train_dev_test_split`.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    DataError
        For a binary or empty file, a row with a different number of cells than the first
        (ragged), a non-numeric or empty feature cell, NaN or infinity, or an unknown target.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "d.csv"
    >>> _ = path.write_text("height,weight,label\\n1.0,2.0,cat\\n3.0,4.0,dog\\n")
    >>> ds = load_csv(path, target="label")
    >>> ds.X_train.tolist(), ds.y_train.tolist(), ds.target_names
    ([[1.0, 2.0], [3.0, 4.0]], [0, 1], ('cat', 'dog'))
    """
    p = _existing(path)
    try:
        with p.open(newline="", encoding="utf-8-sig") as fh:  # -sig: drop Excel's BOM
            reader = csv.reader(fh, delimiter=delimiter)
            numbered = [(reader.line_num, r) for r in reader if r]
    except UnicodeDecodeError as exc:
        raise DataError(
            f"'{p}' is not a UTF-8 text CSV file ({exc.reason} at byte {exc.start})."
        ) from exc
    except csv.Error as exc:
        raise DataError(f"'{p}' could not be parsed as CSV: {exc}") from exc
    width = len(numbered[0][1]) if numbered else 0
    for line, row in numbered:
        if len(row) != width:
            raise DataError(
                f"'{p}' is ragged: line {line} has {len(row)} cells but line "
                f"{numbered[0][0]} has {width}."
            )
    if header == "auto":
        header = bool(numbered) and _is_header([row for _, row in numbered])
    names = [c.strip() for c in numbered[0][1]] if header and numbered else None
    body = numbered[1:] if header else numbered
    if not body:
        raise DataError(f"'{p}' holds no data rows.")
    if width < 2:
        raise DataError(
            f"'{p}' has {width} column; at least one feature and the target are "
            "needed (is the delimiter right?)."
        )
    t = _target_index(target, names, width, p)
    X = np.empty((len(body), width - 1))
    features = [j for j in range(width) if j != t]
    for i, (line, row) in enumerate(body):
        for k, j in enumerate(features):
            value = _number(row[j])
            where = f"'{p}' line {line}, column {j + 1}"
            if value is None:
                what = (
                    "is empty (a missing value)"
                    if not row[j].strip()
                    else (f"holds {row[j]!r}, which is not a number")
                )
                raise DataError(f"{where} {what}; only the target column may hold text.")
            if not math.isfinite(value):
                raise DataError(
                    f"{where} is {row[j]!r} (NaN or infinity); impute or drop those values first."
                )
            X[i, k] = value
    y, target_names = _target_values([(line, row[t]) for line, row in body], p)
    feature_names = (
        tuple(names[j] for j in features) if names else tuple(f"x{k + 1}" for k in range(width - 1))
    )
    return Dataset(
        X,
        y,
        name=p.stem,
        feature_names=feature_names,
        target_names=target_names,
        note=f"target: column {t + 1}" + (f" ({names[t]!r})" if names else ""),
    )


def _target_index(target: int | str, names: list[str] | None, width: int, p: Path) -> int:
    if isinstance(target, str):
        if names is None or target not in names:
            raise DataError(
                f"'{p}' has no column named {target!r}; its header is "
                f"{names if names else '(none)'}."
            )
        return names.index(target)
    if isinstance(target, (int, np.integer)) and not isinstance(target, bool):
        if -width <= target < width:
            return int(target) % width
    raise DataError(
        f"target must be a column name or an index in [-{width}, {width}); got {target!r}."
    )


def _target_values(cells: list[tuple[int, str]], p: Path) -> tuple[np.ndarray, tuple[str, ...]]:
    """Numeric labels as they are, or class names encoded in sorted order."""
    for line, cell in cells:
        value = _number(cell)
        if not cell.strip() or (value is not None and not math.isfinite(value)):
            raise DataError(
                f"'{p}' line {line}: the target cell is {cell!r} (missing, NaN "
                "or infinity); drop that example or fill in its label."
            )
    values = [_number(c) for _, c in cells]
    if all(v is not None for v in values):
        y = np.asarray(values)
        return (y.astype(np.int64) if np.array_equal(y, np.round(y)) else y), ()
    classes, y = np.unique([c.strip() for _, c in cells], return_inverse=True)
    return y.astype(np.int64), tuple(str(c) for c in classes)
