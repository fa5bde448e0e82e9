"""Checks at the public boundary: parameter constraints and array checks.

A small trainwell version of scikit-learn's private ``_param_validation``: declare a
table of constraints, validate it once before any work, and raise one message shape:
``The 'beta2' parameter of Adam must be a float in [0, 1). Got 1.0 instead.``
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .exceptions import DataError, InvalidParameterError

__all__ = [
    "InstanceOf",
    "Interval",
    "IsCallable",
    "Options",
    "check_X",
    "check_X_y",
    "check_option",
    "validate_params",
]


@dataclass(frozen=True)
class Interval:
    """A real or integral interval constraint.

    Parameters
    ----------
    kind : {"real", "int"}
        Whether floats are accepted or only integers.
    low, high : float or None
        Bounds; None means unbounded.
    closed : {"both", "left", "right", "neither"}
        Which bounds are included.
    """

    kind: str
    low: float | None
    high: float | None
    closed: str = "both"

    def is_satisfied_by(self, value: Any) -> bool:
        if isinstance(value, bool):
            return False
        if self.kind == "int":
            if not isinstance(value, numbers.Integral):
                return False
        elif not isinstance(value, numbers.Real):
            return False
        if isinstance(value, numbers.Real) and math.isnan(float(value)):
            return False
        if isinstance(value, numbers.Real) and math.isinf(float(value)):
            # an open end (None) is "inf" in the rule, and excluded: [0, inf) holds no inf
            if (value > 0 and self.high is None) or (value < 0 and self.low is None):
                return False
        lo_ok = self.low is None or (
            value >= self.low if self.closed in ("both", "left") else value > self.low
        )
        hi_ok = self.high is None or (
            value <= self.high if self.closed in ("both", "right") else value < self.high
        )
        return bool(lo_ok and hi_ok)

    def __str__(self) -> str:
        left = "[" if self.closed in ("both", "left") and self.low is not None else "("
        right = "]" if self.closed in ("both", "right") and self.high is not None else ")"
        lo = "-inf" if self.low is None else repr(self.low)
        hi = "inf" if self.high is None else repr(self.high)
        noun = "an int" if self.kind == "int" else "a float"
        return f"{noun} in {left}{lo}, {hi}{right}"


@dataclass(frozen=True)
class Options:
    """A set of allowed values (strings, None, booleans)."""

    values: frozenset

    def __init__(self, values: Iterable[Any]) -> None:
        object.__setattr__(self, "values", frozenset(values))

    def is_satisfied_by(self, value: Any) -> bool:
        try:
            return value in self.values
        except TypeError:
            return False

    def __str__(self) -> str:
        return "one of {" + ", ".join(sorted(repr(v) for v in self.values)) + "}"


@dataclass(frozen=True)
class InstanceOf:
    """Any instance of the given types (``description`` names it in messages)."""

    types: tuple
    description: str

    def is_satisfied_by(self, value: Any) -> bool:
        return isinstance(value, self.types) and not (
            isinstance(value, bool) and bool not in self.types
        )

    def __str__(self) -> str:
        return self.description


class IsCallable:
    """Any callable (a function, a schedule object, ...)."""

    def is_satisfied_by(self, value: Any) -> bool:
        return callable(value)

    def __str__(self) -> str:
        return "a callable"


def validate_params(
    constraints: Mapping[str, list], params: Mapping[str, Any], caller: str
) -> None:
    """Raise :class:`InvalidParameterError` for the first parameter no constraint accepts."""
    for name, allowed in constraints.items():
        if name not in params:
            continue
        value = params[name]
        if any(
            (c is None and value is None) or (c is not None and c.is_satisfied_by(value))
            for c in allowed
        ):
            continue
        texts = ["None" if c is None else str(c) for c in allowed]
        rule = texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " or " + texts[-1]
        raise InvalidParameterError(
            f"The {name!r} parameter of {caller} must be {rule}. Got {value!r} instead."
        )


def check_option(name: str, value: Any, valid: Iterable[str], caller: str) -> str:
    """Check a string option against its valid names, listing them on failure."""
    valid = list(valid)
    if not isinstance(value, str) or value not in valid:
        raise InvalidParameterError(
            f"The {name!r} parameter of {caller} must be one of "
            f"{', '.join(repr(v) for v in valid)}. Got {value!r} instead."
        )
    return value


def check_X(
    X: Any, *, name: str = "X", n_features: int | None = None, dtype: Any = np.float64
) -> np.ndarray:
    """Validate a 2-D numeric finite array and return it as ``dtype`` (C-contiguous).

    Raises
    ------
    DataError
        If X is not 2-D, empty, non-numeric, has NaN/inf, or has the wrong width.
    """
    arr = _dense(X, name)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise DataError(f"{name} must be numeric; got an array of dtype {arr.dtype}.")
    if arr.ndim != 2:
        raise DataError(
            f"{name} must be 2-D (n_samples, n_features); got shape {arr.shape}. "
            "Reshape a single feature with X.reshape(-1, 1), a single sample with "
            "X.reshape(1, -1)."
        )
    if arr.shape[0] == 0:
        raise DataError(f"{name} has 0 samples; at least 1 is required.")
    if arr.shape[1] == 0:
        raise DataError(f"{name} has 0 features; at least 1 is required.")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise DataError(f"{name} must be real-valued; got dtype {arr.dtype}.")
    arr = np.ascontiguousarray(arr, dtype=dtype)
    # A sum is finite iff every value is (barring overflow, which the exact check below
    # settles) and needs no temporary the size of X.
    with np.errstate(over="ignore", invalid="ignore"):
        total = arr.sum()
    if not np.isfinite(total) and not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise DataError(
            f"{name} contains NaN or infinity (first at row {bad[0]}, column {bad[1]}); "
            "impute or drop those values first."
        )
    if n_features is not None and arr.shape[1] != n_features:
        raise DataError(
            f"{name} has {arr.shape[1]} features (columns) but the network was built "
            f"for {n_features}."
        )
    return arr


def _dense(values: Any, name: str) -> np.ndarray:
    """``values`` as a plain NumPy array, refusing what would silently lose meaning:
    a scipy sparse matrix (``np.asarray`` makes a 0-d object array of it) and a masked
    array with masked entries (``np.asarray`` drops the mask and keeps the hidden values).

    Examples
    --------
    >>> _dense(np.ma.masked_array([1.0, 2.0], mask=[False, True]), "X")
    Traceback (most recent call last):
    ...
    trainwell.exceptions.DataError: X is a masked array with 1 masked value(s)...first.
    """
    module = type(values).__module__ or ""
    if module.startswith("scipy.sparse") or hasattr(values, "tocsr"):
        raise DataError(
            f"{name} is a scipy sparse matrix ({type(values).__name__}); trainwell trains on "
            f"dense arrays only. Pass {name}.toarray() if it fits in memory."
        )
    # a masked array exists only once numpy.ma is imported: reading np.ma first would import
    # it (about 50 ms) into every process that calls fit
    masked = sys.modules.get("numpy.ma")
    if masked is not None and isinstance(values, masked.MaskedArray):
        n_masked = int(masked.count_masked(values))
        if n_masked:
            raise DataError(
                f"{name} is a masked array with {n_masked} masked value(s); trainwell does not "
                "honour masks (the hidden values would be used as data). Fill them "
                f"({name}.filled(value)) or drop those rows first."
            )
        return np.asarray(values.data)
    try:
        return np.asarray(values)
    except Exception as exc:  # ragged nested lists and the like
        raise DataError(f"{name} could not be converted to an array: {exc}") from exc


def check_X_y(
    X: Any, y: Any, *, n_features: int | None = None, dtype: Any = np.float64
) -> tuple[np.ndarray, np.ndarray]:
    """Validate X as in :func:`check_X` and y as a 1-D or 2-D array of matching length."""
    X = check_X(X, n_features=n_features, dtype=dtype)
    y_arr = _dense(y, "y")
    if y_arr.ndim == 0 or y_arr.ndim > 2:
        raise DataError(
            f"y must be 1-D (n_samples,) or 2-D (n_samples, n_outputs); got shape {y_arr.shape}."
        )
    if y_arr.shape[0] != X.shape[0]:
        raise DataError(
            f"X and y have different numbers of samples: X has {X.shape[0]}, "
            f"y has {y_arr.shape[0]}."
        )
    if y_arr.dtype.kind in "fc" and not np.isfinite(y_arr).all():
        raise DataError("y contains NaN or infinity.")
    return X, y_arr


def labels_array(y: Any, name: str = "y") -> np.ndarray:
    """``y`` as an array, refusing sparse and masked input (see :func:`_dense`) and labels
    that mix numbers and strings (NumPy would turn them all into strings, or fail to
    compare them), with a message that names the kinds found.

    Examples
    --------
    >>> labels_array([0, "a", 1])
    Traceback (most recent call last):
    ...
    trainwell.exceptions.DataError: y mixes numbers and strings (such as 0 and 'a')...LabelEncoder).
    """
    if isinstance(y, (list, tuple)) or (isinstance(y, np.ndarray) and y.dtype == object):
        flat = np.asarray(y, dtype=object).ravel() if not isinstance(y, np.ndarray) else y.ravel()
        number = next((v for v in flat if isinstance(v, (numbers.Number, np.number))), None)
        text = next((v for v in flat if isinstance(v, (str, bytes, np.str_))), None)
        if number is not None and text is not None:
            raise DataError(
                f"{name} mixes numbers and strings (such as {number!r} and {text!r}); labels "
                "must be all integers (encode strings with sklearn's LabelEncoder)."
            )
    return _dense(y, name)
