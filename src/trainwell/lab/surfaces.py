"""Optimizers on a 2-D surface, an exponentially weighted average, and Z's statistics.

Course 2, week 2 ("Gradient Descent with Momentum", "RMSprop", "Adam", "The Problem of
Local Optima", "Exponentially Weighted Averages", "Bias Correction") and week 3 ("Batch
Norm"). Every optimizer step is trainwell's own ``Optimizer.update`` on the 2-vector
w = (w1, w2) (:func:`trainwell.course.trajectories.path`); every average is
:class:`trainwell.optim.ExponentialMovingAverage`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..course.trajectories import bowl, bowl_grad, path, saddle, saddle_grad
from ..nn import BatchNorm, Dense
from ..nn.layers import Mode
from ..optim import Adam, ExponentialMovingAverage, GradientDescent, Momentum, RMSprop

__all__ = ["SURFACE_NAMES", "ewma_for_page", "surface_for_page", "z_stats"]

SURFACE_NAMES = ("bowl", "saddle", "plateau")
GRID = 48


def plateau(W1: Any, W2: Any) -> Any:
    """``J = 1 − exp(−(w1² + 4 w2²) / 8)``: almost flat far from the minimum at (0, 0)."""
    return 1.0 - np.exp(-(W1**2 + 4.0 * W2**2) / 8.0)


def plateau_grad(w: np.ndarray) -> np.ndarray:
    """``dJ/dw = exp(−(w1² + 4 w2²) / 8) · (w1 / 4, w2)``."""
    e = np.exp(-(w[0] ** 2 + 4.0 * w[1] ** 2) / 8.0)
    return np.array([e * w[0] / 4.0, e * w[1]])


_SURFACES = {  # f, grad, start, (x0, x1, y0, y1), note
    "bowl": (bowl, bowl_grad, (-9.0, 1.6), (-10.0, 2.0, -2.2, 2.2),
             "J = ½(0.04 w1² + 2 w2²): steep across, shallow along. Gradient descent zig-zags; "
             "momentum averages the zig-zag away; RMSprop and Adam scale each direction."),
    "saddle": (saddle, saddle_grad, (-1.8, 0.002), (-2.0, 0.8, -0.4, 1.4),
               "J = ½w1² + ¼w2⁴ − ½w2²: a saddle point at (0, 0). In high dimensions saddle "
               "points, not local optima, are the problem: the gradient is tiny there and "
               "plain descent lingers before it slides off."),
    "plateau": (plateau, plateau_grad, (-7.0, 2.5), (-8.0, 2.0, -3.0, 3.0),
                "J = 1 − exp(−(w1² + 4w2²)/8): a plateau where the gradient is close to 0. "
                "Gradient descent crawls; momentum gathers speed; Adam's steps are about α "
                "whatever the gradient's size."),
}  # fmt: skip


def surface_for_page(msg: dict[str, Any]) -> dict[str, Any]:
    """Paths of gradient descent, momentum, RMSprop and Adam on one surface, and J's grid.

    ``msg`` is a checked ``surface`` message: ``surface``, ``lr_gd`` (gradient descent and
    momentum), ``lr_adaptive`` (RMSprop and Adam), ``beta`` (momentum's β and Adam's β₁),
    ``beta2`` (RMSprop's and Adam's), ``epsilon`` and ``steps``.

    Examples
    --------
    >>> out = surface_for_page({"surface": "bowl", "lr_gd": 0.9, "lr_adaptive": 0.3,
    ...     "beta": 0.9, "beta2": 0.999, "epsilon": 1e-8, "steps": 50})
    >>> sorted(out["paths"]), len(out["paths"]["adam"])
    (['adam', 'gd', 'momentum', 'rmsprop'], 51)
    """
    f, grad, start, extent, note = _SURFACES[msg["surface"]]
    b, b2, eps = msg["beta"], msg["beta2"], msg["epsilon"]
    runs = {
        "gd": (GradientDescent(), msg["lr_gd"]),
        "momentum": (Momentum(beta=b), msg["lr_gd"]),
        "rmsprop": (RMSprop(beta2=b2, epsilon=eps), msg["lr_adaptive"]),
        "adam": (Adam(beta1=b, beta2=b2, epsilon=eps), msg["lr_adaptive"]),
    }
    paths, costs = {}, {}
    with np.errstate(all="ignore"):
        for name, (opt, lr) in runs.items():
            P = path(opt, lr, grad, start, msg["steps"])
            paths[name] = np.where(np.isfinite(P), P, np.nan).tolist()
            costs[name] = float(f(*P[-1]))
    x0, x1, y0, y1 = extent
    W1, W2 = np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y1, y0, GRID))
    return {
        "type": "surface",
        "surface": msg["surface"],
        "extent": list(extent),
        "grid": np.round(np.asarray(f(W1, W2), dtype=float), 6).tolist(),
        "paths": paths,
        "final_cost": costs,
        "note": note,
    }


def ewma_for_page(beta: float, n: int = 120, seed: int = 0) -> dict[str, Any]:
    """A noisy seasonal series (the course's daily temperatures, made up) and its
    exponentially weighted average ``v_t = β v_{t−1} + (1 − β) θ_t``, without and with the
    bias correction ``v_t / (1 − β^t)``.

    Examples
    --------
    >>> out = ewma_for_page(0.9)
    >>> out["plain"][0] < out["corrected"][0] == out["series"][0]
    True
    """
    rng = np.random.RandomState(seed)
    t = np.arange(n)
    series = 12.0 + 10.0 * np.sin(2 * np.pi * (t - 30) / 365 * 2.5) + 3.0 * rng.randn(n)
    plain = ExponentialMovingAverage(beta).apply(series)
    corrected = ExponentialMovingAverage(beta, bias_correction=True).apply(series)
    return {
        "type": "ewma",
        "beta": beta,
        "series": series.tolist(),
        "plain": np.asarray(plain, dtype=float).tolist(),
        "corrected": np.asarray(corrected, dtype=float).tolist(),
        "span": 1.0 / (1.0 - beta) if beta < 1 else None,
    }


def z_stats(network: Any, X: np.ndarray) -> dict[str, list[float]]:
    """Mean and variance of Z[l], the input of each hidden layer's activation (after batch
    norm's ``γ ẑ + β`` where a BatchNorm follows), over the examples and units of ``X``,
    in inference mode. The layers' caches are refilled by the next training step.
    """
    infer = Mode(training=False, dropout=False, update_stats=False)
    layers, A = network.layers, network.check_input(X)
    means, variances = [], []
    for i, layer in enumerate(layers[:-1]):
        A = layer.forward(A, infer, network.rng)
        bn_next = i + 1 < len(layers) and isinstance(layers[i + 1], BatchNorm)
        if isinstance(layer, BatchNorm) or (isinstance(layer, Dense) and not bn_next):
            Z = layer.Z_tilde if isinstance(layer, BatchNorm) else layer.Z
            means.append(float(np.mean(Z)))
            variances.append(float(np.mean(np.var(Z, axis=0))))
    return {"mean": means, "variance": variances}
