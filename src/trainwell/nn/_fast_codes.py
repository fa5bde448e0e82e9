"""The compiled path's shared pieces: the kernels' integer codes and their loader.

:mod:`trainwell.nn._fast` (fit's epochs), :mod:`trainwell.nn._fast_update` (the fused
optimizer step) and :mod:`trainwell.nn._fast_pass` (one pass, for gradient checks) all
describe networks and optimizers to :mod:`trainwell.nn._fast_kernels` with these codes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_ACT = {"linear": 0, "relu": 1, "leaky_relu": 2, "tanh": 3, "sigmoid": 4, "softmax": 5}
_LOSS = {"binary_crossentropy": 0, "categorical_crossentropy": 1, "mse": 2}
_OPT = {"gd": 0, "momentum": 1, "rmsprop": 2, "adam": 3}
_KERNELS: Any = None  # (epoch kernel, update kernel) once compiled


def _kernels() -> tuple[Any, Any]:
    """(train_epoch, update): numba and the kernels, imported once per process."""
    global _KERNELS
    if _KERNELS is None:
        from . import _fast_kernels

        _KERNELS = (_fast_kernels.train_epoch, _fast_kernels.update)
    return _KERNELS


def _f64(a: Any) -> np.ndarray:
    """``a`` as a C-contiguous float64 array (no copy when it already is one)."""
    if type(a) is np.ndarray and a.dtype == np.float64 and a.flags.c_contiguous:
        return a
    return np.ascontiguousarray(a, dtype=np.float64)
