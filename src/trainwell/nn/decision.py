"""The decision rule: which class a classifier's output A[L] predicts.

Written once, for every place that turns outputs into labels (:meth:`Network.predict`,
:meth:`Network.evaluate`, the estimators, the array-API passes, the plots):

- a softmax output (categorical cross-entropy): ``y_hat = argmax_k A[:, k]``;
- sigmoid units (binary cross-entropy, one unit or one per label):
  ``y_hat = 1 if a > 0.5 else 0``, unit by unit (0.5 itself predicts 0).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["THRESHOLD", "decide"]

#: The probability above which a sigmoid unit predicts its class (0.5 itself predicts 0).
THRESHOLD = 0.5


def decide(A: Any, multiclass: bool, xp: Any = None) -> Any:
    """The labels a classifier's output predicts.

    Parameters
    ----------
    A : array of shape (m, n[L]) (or (m,) for ``multiclass=False``)
        Output probabilities; on any array API library when ``xp`` is its namespace.
    multiclass : bool
        True for a softmax output (one class per row), False for sigmoid units.
    xp : array namespace, optional
        Defaults to NumPy.

    Returns
    -------
    array
        ``argmax_k A[:, k]`` (integer class per row) for ``multiclass``, else the boolean
        array ``A > 0.5`` of A's shape (cast it for 0/1 labels).

    Examples
    --------
    >>> decide(np.array([[0.2, 0.7, 0.1], [0.5, 0.3, 0.2]]), multiclass=True).tolist()
    [1, 0]
    >>> decide(np.array([[0.5], [0.51]]), multiclass=False).astype(int).ravel().tolist()
    [0, 1]
    """
    if multiclass:
        return (np if xp is None else xp).argmax(A, axis=1)
    return A > THRESHOLD
