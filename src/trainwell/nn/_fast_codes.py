"""The compiled path's shared pieces: the kernels' integer codes and their loader.

:mod:`trainwell.nn._fast` (fit's epochs), :mod:`trainwell.nn._fast_update` (the fused
optimizer step) and :mod:`trainwell.nn._fast_pass` (one pass, for gradient checks) all
describe networks and optimizers to :mod:`trainwell.nn._fast_kernels` with these codes.

The codes are not written here: each registry entry declares its own (``kernel_code`` of
an :class:`~trainwell.nn.activations.Activation`, a :class:`~trainwell.nn.losses.Loss`
class, an :class:`~trainwell.optim.Optimizer` class; None where the kernels have no
branch for it), and the tables below are read from the registries at each use, so an
entry registered at run time is seen. The kernels' constants (the leaky-ReLU slope) are
passed to them from the same modules.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..optim.optimizers import OPTIMIZERS
from .activations import ACTIVATIONS, LEAKY_SLOPE
from .losses import LOSSES

_KERNELS: Any = None  # (epoch kernel, update kernel) once compiled


def _codes(registry: dict[str, Any]) -> dict[str, int]:
    return {name: e.kernel_code for name, e in registry.items() if e.kernel_code is not None}


def act_codes() -> dict[str, int]:
    """{activation name: kernel code} for the registered activations that have one."""
    return _codes(ACTIVATIONS)


def loss_codes() -> dict[str, int]:
    """{loss name: kernel code} (the loss fused with its natural output activation)."""
    return _codes(LOSSES)


def opt_codes() -> dict[str, int]:
    """{optimizer name: kernel code} for the registered optimizers that have one."""
    return _codes(OPTIMIZERS)


def constants() -> tuple[float]:
    """The kernels' constants, in the order ``hyp[7:]`` carries them: (leaky slope,)."""
    return (LEAKY_SLOPE,)


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
