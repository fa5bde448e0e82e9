"""The cost model behind ``engine="auto"``: a step's predicted seconds on each engine.

The two engines spend a step's time differently, so no single count of multiply-adds
says which is faster (measured: benchmarks/engine_cost.py). The compiled kernel runs on
one core, its matrix products as loops over the batch at a nearly constant cost per
multiply-add, and calls libm for each tanh, sigmoid or softmax value. The NumPy engine
pays a fixed cost for each of its calls (some 20 per layer and step), then runs its
products through BLAS on every core: fast per multiply-add on large products, slow on
thin ones, where packing the operands costs as much as the arithmetic. A product of
shape (m, k) @ (k, n) is modelled as ``macs / R + (m k + k n + m n) / B``: its arithmetic
at the large-product rate, plus one cost per element of its three matrices, which is what
makes products with a small dimension (20 inputs, one output unit, a batch of 16) slow.

Each engine's step is a linear function of eleven counts of the configuration
(:func:`features`), with constants (:data:`NUMPY_COEF`, :data:`NUMBA_COEF`) fitted by
non-negative least squares on relative error to a run of the grid of
benchmarks/engine_cost.py on a 2-core x86-64 machine (kept as
benchmarks/results/engine_cost_fit.json; each later run of the grid checks them). The
choice depends on the configuration only (shapes, activations, batch size), never on
timings taken at run time, so that two runs of one configuration, a run and its
resumption from a checkpoint say, always take the same engine and the same bits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["NUMBA_COEF", "NUMPY_COEF", "features", "network_layers", "predicted"]

SLOW = ("tanh", "sigmoid", "softmax")

#: A step's activations (about four float64 arrays of batch x units) past this size no
#: longer stay in the cache (fitted: the kernel's time per value more than doubles past it).
WORKING_SET_BYTES = 4 << 20
#: A layer whose input (batch x n_in float64) exceeds this is streamed again from the
#: outer caches for each output unit by the kernel's loops.
INPUT_BLOCK_BYTES = 256 << 10

#: Seconds per unit of each of :func:`features`'s counts for the NumPy engine, fitted to
#: benchmarks/results/engine_cost_fit.json (``benchmarks/engine_cost.py --fit``).
NUMPY_COEF = np.array(
    [5.297e-05, 1.402e-05, 5.415e-09, 0, 3.157e-11, 1.513e-09, 1.147e-08, 0, 0, 3.17e-08, 1.611e-09]
)
#: Seconds per unit of each of :func:`features`'s counts for the compiled engine.
NUMBA_COEF = np.array(
    [2.564e-06, 1.759e-07, 1.025e-08, 1.279e-09, 1.364e-10, 4.713e-11, 2.798e-08, 2.237e-09,
     2.894e-11, 1.29e-09, 5.801e-10]
)  # fmt: skip

Layers = Sequence[tuple[int, int, str]]


def network_layers(network: Any) -> list[tuple[int, int, str]]:
    """``(n_in, n_out, activation)`` of each Dense layer of a built network."""
    return [
        (layer.n_in, layer.n_out, layer.activation.name)
        for layer in network.layers
        if hasattr(layer, "W")
    ]


def _as_layers(dims: Any, activation: str | None = None) -> list[tuple[int, int, str]]:
    if activation is None:
        return list(dims)
    out = "softmax" if dims[-1] > 1 else "sigmoid"
    acts = [activation] * (len(dims) - 2) + [out]
    return [(dims[i], dims[i + 1], acts[i]) for i in range(len(dims) - 1)]


def features(layers: Any, activation: str | None, batch: int, engine: str = "numpy") -> np.ndarray:
    """A step's counts: [1, layers, parameters, batch x units, product MACs, product
    elements, batch x slow units, batch x units again when the step's activations overflow
    the cache, the MACs of layers whose input overflows the per-core cache, batch x layers,
    batch x hidden units].

    Parameters
    ----------
    layers : sequence of (n_in, n_out, activation), or of int
        The Dense layers; or the sizes [n_x, n^[1], ..., n^[L]] with ``activation``.
    activation : str or None
        The hidden activation when ``layers`` gives sizes (the output is sigmoid for one
        unit, softmax for more); None when ``layers`` gives triples.
    batch : int
        Examples per step, m.
    engine : {"numpy", "numba"}
        The compiled kernel pads the batch to a multiple of 8.

    Returns
    -------
    ndarray of shape (11,)
    """
    spec = _as_layers(layers, activation)
    m = batch if engine == "numpy" else (batch + 7) // 8 * 8
    params = sum(i * o + o for i, o, _ in spec)
    units = spec[0][0] + sum(o for _, o, _ in spec)
    slow = sum(o for _, o, a in spec if a in SLOW)
    macs = elements = spilled = 0
    for q, (i, o, _) in enumerate(spec):
        shapes = [(m, i, o), (o, m, i)] + ([(m, o, i)] if q > 0 else [])
        for a, k, b in shapes:  # Z = A W^T, dW = dZ^T A, dA = dZ W
            macs += a * k * b
            elements += a * k + k * b + a * b
        if 8 * m * i > INPUT_BLOCK_BYTES:
            spilled += len(shapes) * m * i * o
    big = m * units if 32 * m * units > WORKING_SET_BYTES else 0
    hidden = sum(o for _, o, _ in spec[:-1])
    counts = [1, len(spec), params, m * units, macs, elements, m * slow, big, spilled]
    return np.array([*counts, m * len(spec), m * hidden], dtype=float)


def predicted(layers: Layers, batch: int) -> dict[str, float]:
    """Predicted seconds per step on each engine.

    Parameters
    ----------
    layers : sequence of (n_in, n_out, activation)
    batch : int

    Returns
    -------
    dict
        ``{"numpy": seconds, "numba": seconds}``.

    Examples
    --------
    The course's optimization network (W2) at batches of 64, and a wide one at 256:

    >>> small = predicted([(2, 5, "relu"), (5, 2, "relu"), (2, 1, "sigmoid")], 64)
    >>> bool(small["numba"] < small["numpy"])
    True
    >>> wide = predicted([(784, 128, "relu"), (128, 10, "softmax")], 256)
    >>> bool(wide["numba"] < wide["numpy"])
    False
    """
    return {
        "numpy": float(features(layers, None, batch, "numpy") @ NUMPY_COEF),
        "numba": float(features(layers, None, batch, "numba") @ NUMBA_COEF),
    }
