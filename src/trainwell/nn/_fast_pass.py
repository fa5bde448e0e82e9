"""One forward, cost and backward pass through the compiled kernel, without an update.

The compiled path (:mod:`trainwell.nn._fast`) trains whole epochs in one call; its backward
pass is the one that fills ``grad`` during those epochs. This module runs that same kernel
over one batch (all of X) with plain gradient descent at learning rate 0, so it computes
the cost J and fills ``grad`` exactly as training does and leaves ``theta`` as it was
(restored from the kernel's copy of the parameters before its update). That is what
:meth:`Network.loss_and_gradient` runs for ``engine="numba"``, so the compiled backward pass
can be gradient-checked (``gradient_check(network, X, y, engine="numba")``).

Dropout: with ``mode.dropout`` off the kernel is told every keep probability is 1; with it on
it draws masks from the network's generator as fit's epochs do, or, with
``mode.freeze_masks``, reuses each Dropout layer's last mask (the kernel keeps a unit where its
uniform draw is below keep_prob, so draws of 0 and 1 rebuild any mask exactly).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._random import rand
from ..exceptions import InvalidParameterError
from ._fast import layout, unsupported_reason, work_buffers
from ._fast_codes import _f64, _kernels, constants

__all__ = ["compiled_loss_and_gradient", "compiled_path_unavailable"]


def compiled_path_unavailable(network: Any) -> str | None:
    """Why the compiled (numba) passes cannot run ``network``, or None when they can.

    Parameters
    ----------
    network : Network
        Built.

    Returns
    -------
    str or None
        A short reason ("layer BatchNorm", "dtype float32 ...", "numba is not installed
        ..."), or None: ``network.loss_and_gradient(X, Y, mode, engine="numba")`` runs.

    Examples
    --------
    >>> from trainwell.nn import BatchNorm, Dense, Network
    >>> net = Network([Dense(3, "relu"), BatchNorm(), Dense(1, "sigmoid")], input_dim=2)
    >>> compiled_path_unavailable(net)
    'layer BatchNorm'
    """
    reason = unsupported_reason(network, None, copies=True)
    if reason is None:
        try:
            _kernels()
        except ImportError as exc:
            return f"without numba ({exc})"
    return reason


def compiled_loss_and_gradient(network: Any, X: Any, Y: Any, mode: Any) -> float:
    """J of (X, Y) and its gradient into ``network.grad``, computed by the compiled kernel.

    Parameters
    ----------
    network : Network
        Built, float64, and supported by the compiled path (else InvalidParameterError
        saying why).
    X : ndarray of shape (m, n[0])
    Y : ndarray of shape (m, n[L])
        Encoded targets.
    mode : Mode
        Training mode; dropout as ``mode.dropout`` and ``mode.freeze_masks`` say.

    Returns
    -------
    float
        J = data loss + L2/L1 terms, the cost fit's compiled epochs record for a batch.
    """
    from .layers import Dropout

    reason = compiled_path_unavailable(network)
    if reason is not None:
        raise InvalidParameterError(f"engine='numba' cannot compile {reason}.")
    kernel = _kernels()[0]
    X, Y = _f64(X), _f64(Y)
    m = X.shape[0]
    ints, keep = layout(network, 0)
    sizes = ints[4 : 5 + int(ints[0])]
    dropouts = [layer for layer in network.layers if type(layer) is Dropout and layer.keep_prob < 1]
    shapes = [(m, int(sizes[q])) for q in np.flatnonzero(keep < 1.0)]  # in the kernel's order
    U = np.empty(0)
    if not (mode.dropout and dropouts):
        keep = np.ones_like(keep)
    elif mode.freeze_masks and all(
        getattr(layer, "mask", None) is not None and layer.mask.shape == shape
        for layer, shape in zip(dropouts, shapes)
    ):
        # a kept unit's draw is 0.0 (< keep_prob), a dropped one's 1.0
        U = np.concatenate([(layer.mask == 0).astype(np.float64).ravel() for layer in dropouts])
    elif dropouts:
        U = rand(network.rng, (sum(a * b for a, b in shapes),), np.float64)
        pos = 0
        for layer, (rows, n) in zip(dropouts, shapes):  # kept for freeze_masks, as NumPy's
            draws = U[pos : pos + rows * n].reshape(rows, n)
            layer.mask = (draws < layer.keep_prob) * (1.0 / layer.keep_prob)
            pos += rows * n
    previous = network.theta.copy()  # the kernel leaves it unset at a NaN cost
    costs = np.empty(1)
    hyper = np.array([0.0, network.l2, network.l1, 0.0, 0.0, 0.0, 0.0, *constants()])
    bounds = np.array([0, m], dtype=np.int64)
    order = np.empty(0, dtype=np.int64)
    empty = np.empty(0)
    kernel(network.theta, network.grad, previous, empty, empty, X, Y, order, U, bounds, ints, keep,
           hyper, 0, costs, 0.0, *work_buffers(ints, bounds))  # fmt: skip
    network.theta[...] = previous  # theta - 0 * grad: as it was (also for a NaN grad)
    return float(costs[0])
