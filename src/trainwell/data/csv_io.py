"""The CSV loader: a table of numbers, one example per row, validated before use.

Part of :mod:`trainwell.data.io` (which re-exports :func:`load_csv`); like the other
loaders it returns a :class:`~trainwell.data.Dataset` and raises
:class:`~trainwell.exceptions.DataError` naming the file, the row and the problem.
"""

from __future__ import annotations

import csv
import math
import os
import re
from pathlib import Path

import numpy as np

from ..exceptions import DataError
from ._filecheck import existing_file as _existing
from .dataset import Dataset

__all__ = ["load_csv"]

PathLike = str | os.PathLike


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
