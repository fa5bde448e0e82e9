"""Looking inside a pass: the gradient that arrives at a layer during backpropagation.

Diagnostics such as :func:`trainwell.diagnosis.gradient_norms` need ``||dA[l]||_F``, the
gradient of the cost with respect to a layer's output as backpropagation delivers it. It
exists only inside the backward pass, so this module records it there, on whichever passes
the network runs: its layers' NumPy methods, or the array-API passes of a network on
another backend (:mod:`trainwell.backend`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .layers import Mode

__all__ = ["backward_arrivals"]


def backward_arrivals(
    network: Any, X: Any, Y: Any, layers: Sequence[Any], mode: Mode
) -> tuple[float, list[float]]:
    """One forward and backward pass, recording ``||dA||_F`` as it arrives at ``layers``.

    Parameters
    ----------
    network : Network
        Built.
    X, Y : arrays on the network's backend
        Validated and encoded (:meth:`Network.check_input`, :meth:`Network.encode_targets`).
    layers : sequence of Layer
        Layers of ``network``; for each, the Frobenius norm of the first gradient its
        backward receives (``dA``, or ``dZ`` for a layer whose dZ the loss computes
        directly: the output layer of a fused output/loss pair).
    mode : Mode

    Returns
    -------
    cost : float
        J of the pass. ``network.grad`` holds its gradient afterwards.
    norms : list of float
        One per layer of ``layers``; NaN for a layer backpropagation did not reach.

    Examples
    --------
    >>> from trainwell.nn import Dense, Network, Mode
    >>> net = Network([Dense(2, "relu"), Dense(1, "sigmoid")], random_state=0, input_dim=2)
    >>> X = net.check_input([[1.0, 2.0], [3.0, 4.0]])
    >>> cost, norms = backward_arrivals(net, X, net.encode_targets([0, 1]), net.layers,
    ...                                 Mode(True, False, False))
    >>> len(norms)
    2
    """
    arriving: dict[int, float] = {}
    keys = {id(layer): k for k, layer in enumerate(layers)}
    bk = network.backend

    def record(key: int, d: Any) -> None:
        # first arrival wins: backward() itself calls backward_dZ() with dZ
        if key not in arriving:
            arriving[key] = float(np.linalg.norm(d if bk.is_numpy else bk.to_numpy(d)))

    engine = network.passes
    if engine.name == "numpy":
        for layer in layers:
            _wrap_methods(layer, keys[id(layer)], record)
        try:
            cost = network.loss_and_gradient(X, Y, mode)
        finally:
            for layer in layers:
                for method in ("backward", "backward_dZ"):
                    vars(layer).pop(method, None)
    else:
        plan = engine._plan
        engine._plan = [_wrap_passes(entry, keys, record) for entry in plan]
        try:
            cost = network.loss_and_gradient(X, Y, mode)
        finally:
            engine._plan = plan
    return cost, [arriving.get(k, float("nan")) for k in range(len(layers))]


def _wrap_methods(layer: Any, key: int, record: Any) -> None:
    """Shadow a NumPy layer's backward methods with recording ones (deleted afterwards)."""
    for method in ("backward", "backward_dZ"):
        original = getattr(layer, method, None)
        if original is None:
            continue

        def wrapped(d: Any, need_input_grad: bool = True, _original: Any = original) -> Any:
            record(key, d)
            return _original(d, need_input_grad)

        setattr(layer, method, wrapped)


def _wrap_passes(entry: tuple, keys: dict[int, int], record: Any) -> tuple:
    """An array-API plan entry (layer, forward, backward, backward_dZ), recording."""
    layer, forward, backward, backward_dZ = entry
    key = keys.get(id(layer))
    if key is None:
        return entry

    def wrap(fn: Any) -> Any:
        def wrapped(eng: Any, lyr: Any, d: Any, need_input_grad: bool) -> Any:
            record(key, d)
            return fn(eng, lyr, d, need_input_grad)

        return wrapped

    return layer, forward, wrap(backward), wrap(backward_dZ)
