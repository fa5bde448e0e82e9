"""Labels and targets as the losses need them: Y of shape (m, n[L]), checked first.

Examples
--------
>>> encode_targets([0, 2, 1], None, 3, "categorical_crossentropy", np.float64)
array([[1., 0., 0.],
       [0., 0., 1.],
       [0., 1., 0.]])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import labels_array
from ..exceptions import DataError

__all__ = ["encode_targets", "score_labels"]


def encode_targets(y: Any, m: int | None, n_out: int, name: str, dtype: Any) -> np.ndarray:
    """Validate labels/targets ``y`` for the loss ``name`` and return Y (m, ``n_out``).

    binary_crossentropy: labels in {0, 1}; categorical_crossentropy: integer classes in
    [0, n_out) or one-hot rows; mse: real targets. Sparse or masked y, labels mixing
    numbers and strings, and a y of the wrong length are refused with the reason.
    """
    y = labels_array(y)
    if y.ndim == 0:
        raise DataError(f"y must be an array of labels or targets; got {y!r:.80}.")
    if m is not None and y.shape[0] != m:
        raise DataError(f"X and y have different numbers of samples: {m} and {y.shape[0]}.")
    if y.dtype.kind not in "biuf":
        raise DataError(
            f"y must be numeric for {name}; got dtype {y.dtype}. Encode labels "
            "as integers (e.g. with sklearn's LabelEncoder)."
        )
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise DataError("y contains NaN or infinity.")
    if name == "categorical_crossentropy" and y.ndim == 1:
        if not np.array_equal(y, np.round(y)):
            raise DataError(
                "y must hold integer class labels for categorical_crossentropy; "
                f"got non-integer values such as {y[y != np.round(y)][:3]}."
            )
        bad = np.unique(y[(y < 0) | (y >= n_out)])
        if bad.size:
            raise DataError(
                f"y has labels {bad.tolist()} outside the {n_out} classes "
                f"0..{n_out - 1} of the output layer."
            )
        Y = np.zeros((y.shape[0], n_out), dtype=dtype)
        Y[np.arange(y.shape[0]), y.astype(np.intp)] = 1
        return Y
    Y = y.reshape(-1, 1) if y.ndim == 1 else y
    if Y.ndim != 2 or Y.shape[1] != n_out:
        raise DataError(
            f"y must have shape (m,) or (m, {n_out}) for a network with "
            f"{n_out} outputs; got {y.shape}."
        )
    if name == "binary_crossentropy":
        bad = np.setdiff1d(np.unique(Y), [0, 1])
        if bad.size:
            raise DataError(
                f"binary_crossentropy needs labels in {{0, 1}}; y also holds {bad[:5].tolist()}."
            )
    if name == "categorical_crossentropy":
        if (Y < 0).any() or not np.allclose(Y.sum(axis=1), 1):
            raise DataError("one-hot y must have non-negative rows summing to 1.")
    return np.ascontiguousarray(Y, dtype=dtype)


def score_labels(y: Any) -> np.ndarray:
    """``y`` for ``Network.score``: numeric labels only (strings never equal the integer
    predictions, so the accuracy would be a silent 0.0)."""
    y = labels_array(y)
    if y.dtype.kind not in "biuf":
        raise DataError(
            f"y must hold numeric labels (the network predicts integers 0..n-1); got "
            f"dtype {y.dtype} (values such as {y.ravel()[:3].tolist()}). Encode labels "
            "as integers (e.g. with sklearn's LabelEncoder) as for fit."
        )
    return y
