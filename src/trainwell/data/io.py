"""Loaders for a user's own data: .csv, .npz and MATLAB .mat, each validated before use.

Every loader returns a :class:`~trainwell.data.Dataset` (``X`` as ``(m, n_features)``
float64) and raises :class:`~trainwell.exceptions.DataError` naming the file and the
problem (missing keys, ragged rows, non-numeric cells, NaN, a truncated or foreign file)
before any array reaches a network.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np

from ..exceptions import DataError
from ._filecheck import ZIP_ERRORS, check_mat_file
from ._filecheck import existing_file as _existing
from .csv_io import load_csv
from .dataset import Dataset

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
