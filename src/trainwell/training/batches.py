"""Mini-batches: shuffle, then partition.

``batch_size = m`` is batch gradient descent, ``batch_size = 1`` stochastic gradient
descent, anything between mini-batch gradient descent. The last batch holds the remainder
(m mod batch_size examples). Each epoch reshuffles from the given generator, so the same
seed gives the same batches.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from .._random import RandomLike, check_random_state
from .._validation import Interval, validate_params
from ..exceptions import DataError, InvalidParameterError

__all__ = [
    "auto_batch_size",
    "check_augmented",
    "check_permutation",
    "iterate_minibatches",
    "minibatch_slices",
    "resolve_batch_size",
]

FULL_BATCH_LIMIT = 2000


def auto_batch_size(m: int) -> int:
    """The course's advice as a rule: the full batch when m <= 2000, otherwise a power of
    two between 64 and 512: ``clip(2 ** floor(log2(sqrt(m))), 64, 512)``.

    That gives 64 up to m = 16,383, 128 up to 65,535, 256 up to 262,143 and 512 beyond, so
    an epoch has roughly sqrt(m) or more steps while each batch still fills the BLAS kernels.

    Examples
    --------
    >>> auto_batch_size(300), auto_batch_size(5000), auto_batch_size(60000), auto_batch_size(10**6)
    (300, 64, 128, 512)
    """
    if m <= FULL_BATCH_LIMIT:
        return int(m)
    return int(min(512, max(64, 2 ** math.floor(math.log2(math.sqrt(m))))))


def resolve_batch_size(batch_size: Any, m: int) -> int:
    """``"full"`` (or None, its deprecated spelling) means the full batch, ``"auto"``
    :func:`auto_batch_size`, an int itself (capped at m)."""
    if batch_size is None or batch_size == "full":
        return int(m)
    if isinstance(batch_size, str):
        if batch_size != "auto":
            raise InvalidParameterError(
                f"The 'batch_size' parameter must be a positive int, 'auto' or 'full'. "
                f"Got {batch_size!r} instead."
            )
        return auto_batch_size(m)
    validate_params({"batch_size": [Interval("int", 1, None)]}, {"batch_size": batch_size}, "fit")
    return int(min(batch_size, m))


def minibatch_slices(m: int, batch_size: int, merge_small_remainder: bool = False) -> list[slice]:
    """Slices partitioning range(m) into batches; the last one holds the remainder.

    With ``merge_small_remainder`` a remainder smaller than half a batch joins the batch
    before it (the training loop asks for this when the network has batch norm, whose
    statistics over a handful of examples are too noisy to train on).

    Examples
    --------
    >>> minibatch_slices(5, 2)
    [slice(0, 2, None), slice(2, 4, None), slice(4, 5, None)]
    >>> minibatch_slices(9, 4, merge_small_remainder=True)
    [slice(0, 4, None), slice(4, 9, None)]
    """
    slices = [slice(k, min(k + batch_size, m)) for k in range(0, m, batch_size)]
    if (
        merge_small_remainder
        and len(slices) > 1
        and 2 * (m % batch_size) < batch_size
        and m % batch_size
    ):
        slices[-2:] = [slice(slices[-2].start, m)]
    return slices


def iterate_minibatches(
    X: np.ndarray,
    Y: np.ndarray,
    batch_size: int,
    random_state: RandomLike = None,
    shuffle: bool = True,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """One epoch of ``(X_batch, Y_batch)`` pairs.

    Parameters
    ----------
    X : ndarray of shape (m, n)
    Y : ndarray of shape (m, k)
    batch_size : int
    random_state : None, int, RandomState or Generator
        Draws the permutation (``permutation(m)``); pass the same generator every epoch to
        reshuffle reproducibly.
    shuffle : bool, default=True

    Examples
    --------
    >>> X = np.arange(10.0).reshape(5, 2); Y = np.arange(5.0).reshape(5, 1)
    >>> [yb.ravel().tolist() for _, yb in iterate_minibatches(X, Y, 2, random_state=0)]
    [[2.0, 0.0], [1.0, 3.0], [4.0]]
    """
    m = X.shape[0]
    if shuffle and batch_size < m:
        perm = check_random_state(random_state).permutation(m)
        X, Y = X[perm], Y[perm]
    for sl in minibatch_slices(m, batch_size):
        yield X[sl], Y[sl]


def check_permutation(perm: Any, m: int) -> np.ndarray:
    """``perm`` as an int array, if it is a permutation of ``range(m)`` (what a ``shuffle``
    callable must return: anything else would drop, repeat or mispair examples).

    Examples
    --------
    >>> check_permutation([2, 0, 1], 3).tolist()
    [2, 0, 1]
    """
    p = np.asarray(perm)
    ok = p.shape == (m,) and p.dtype.kind in "iu"
    if ok and m:
        # m counts (no index >= m), none 0, adding up to m: each index exactly once. A
        # negative index (or an unsigned one past the int range) makes bincount refuse.
        try:
            counts = np.bincount(p.astype(np.intp, copy=False), minlength=m)
        except ValueError:
            ok = False
        else:
            ok = counts.shape == (m,) and bool(counts.all())
    if not ok:
        shown = f"shape {p.shape}, dtype {p.dtype}"
        raise InvalidParameterError(
            f"shuffle(epoch, m) must return a permutation of range({m}) (each index once); "
            f"it returned an array of {shown} that is not one."
        )
    return p


def check_augmented(Xa: Any, Ya: Any, X: Any, Y: Any) -> tuple[Any, Any]:
    """The arrays an ``augment`` callable returned, checked against the training set's
    (same width, same target shape, as many targets as examples) and cast to its dtypes."""
    Xa, Ya = np.asarray(Xa), np.asarray(Ya)
    problem = None
    if Xa.ndim != 2 or Xa.shape[1] != X.shape[1]:
        problem = f"X of shape {Xa.shape}; the network takes (m, {X.shape[1]})"
    elif Ya.shape[1:] != tuple(Y.shape[1:]):
        problem = f"Y of shape {Ya.shape}; the encoded targets are (m, {Y.shape[1]})"
    elif Ya.shape[0] != Xa.shape[0]:
        problem = f"{Xa.shape[0]} examples but {Ya.shape[0]} targets"
    if problem is not None:
        raise DataError(f"augment(X, Y, rng) returned {problem}.")
    return Xa.astype(X.dtype, copy=False), Ya.astype(Y.dtype, copy=False)
