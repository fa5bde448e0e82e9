"""What the page draws, computed from the network between training steps.

One inference pass over a ``GRID x GRID`` lattice of the plane gives both the decision
boundary (the output) and every hidden unit's own activation map (Playground's small
squares); maps travel as base64 of uint8 so a frame stays a few kilobytes. The pass runs
in the session's worker thread, which owns the network, at most some 15 times a second:
never once per training step.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

from ..nn import BatchNorm, Dense, Dropout
from ..nn.layers import INFER

__all__ = ["GRID", "UNIT_GRID", "curves_for_page", "grid_points", "plane_maps", "weights_for_page"]

GRID = 64  # boundary resolution (the page smooths it)
UNIT_GRID = 32  # each hidden unit's map: every other lattice point


def grid_points(extent: tuple[float, float, float, float], fill: np.ndarray) -> np.ndarray:
    """The lattice over the first two features, the other features held at ``fill``.

    Row ``r`` of the map is ``y`` from top (max) to bottom (min), as a canvas draws it.

    Examples
    --------
    >>> grid_points((0.0, 1.0, 0.0, 1.0), np.zeros(2)).shape
    (4096, 2)
    """
    x0, x1, y0, y1 = extent
    xs = np.linspace(x0, x1, GRID)
    ys = np.linspace(y1, y0, GRID)
    gx, gy = np.meshgrid(xs, ys)
    P = np.tile(np.asarray(fill, dtype=np.float64), (GRID * GRID, 1))
    P[:, 0], P[:, 1] = gx.ravel(), gy.ravel()
    return P


def _b64(values: np.ndarray) -> str:
    return base64.b64encode(values.astype(np.uint8).tobytes()).decode("ascii")


def _signed_u8(A: np.ndarray) -> np.ndarray:
    """Values scaled by their largest magnitude into 0..255 (127.5 is zero)."""
    peak = float(np.max(np.abs(A))) if A.size else 0.0
    scaled = A / peak if peak > 0 and np.isfinite(peak) else np.zeros_like(A)
    return np.clip(np.rint((scaled + 1) * 127.5), 0, 255)


def _hidden_outputs(network: Any, P: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Each hidden layer's activation A[l] over ``P`` and the output A[L], inference mode."""
    layers, hidden, A = network.layers, [], P
    for i, layer in enumerate(layers):
        A = layer.forward(A, INFER, network.rng)
        if isinstance(layer, Dropout):
            continue
        followed_by_bn = i + 1 < len(layers) and isinstance(layers[i + 1], BatchNorm)
        is_block_end = isinstance(layer, BatchNorm) or (
            isinstance(layer, Dense) and not followed_by_bn
        )
        if is_block_end:
            hidden.append(np.array(A, copy=True))
    return hidden[:-1], hidden[-1]


def plane_maps(network: Any, P: np.ndarray) -> dict[str, Any]:
    """The boundary and the hidden units' maps over the lattice ``P`` (from :func:`grid_points`).

    Returns
    -------
    dict
        ``boundary``: base64 uint8 GRID x GRID, the probability of class 1 times 255 (binary)
        or the predicted class (``"classes"`` kind, several classes); ``units``: per hidden
        layer, a list of base64 uint8 UNIT_GRID x UNIT_GRID maps (signed, 127.5 = 0).
    """
    hidden, out = _hidden_outputs(network, P)
    if out.shape[1] == 1:
        kind, boundary = "probability", np.clip(np.rint(out[:, 0] * 255), 0, 255)
    else:
        kind, boundary = "classes", out.argmax(axis=1)
    units = []
    for A in hidden:
        cube = A.reshape(GRID, GRID, -1)[::2, ::2, :]
        units.append([_b64(_signed_u8(cube[:, :, j])) for j in range(cube.shape[2])])
    return {"kind": kind, "boundary": _b64(boundary), "units": units}


def weights_for_page(network: Any) -> list[list[list[float]]]:
    """Each Dense layer's W[l] (n[l], n[l-1]) as nested lists rounded to 4 significant digits."""
    return [
        np.round(layer.W.astype(np.float64), 4).tolist()
        for layer in network.layers
        if isinstance(layer, Dense)
    ]


def curves_for_page(points: list[tuple], limit: int = 400) -> list[list]:
    """At most ``limit`` of the recorded ``(iteration, train cost, dev cost, train acc, dev acc)``
    points, evenly strided, always keeping the last one.

    Examples
    --------
    >>> len(curves_for_page([(i, 1.0, 1.0, 0.5, 0.5) for i in range(1000)], limit=100))
    100
    """
    if len(points) <= limit:
        return [list(p) for p in points]
    idx = np.linspace(0, len(points) - 1, limit).round().astype(int)
    return [list(points[i]) for i in idx]
