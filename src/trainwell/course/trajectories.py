"""Experiment 6, optimizer paths on 2-D cost surfaces (course 2, week 2, "Gradient
Descent with Momentum", "RMSprop", "Adam", "The Problem of Local Optima").

Two surfaces of two parameters w = (w1, w2), each optimizer stepping through
trainwell's own ``Optimizer.update`` on a 2-vector:

* an elongated bowl ``J = 0.5 (0.04 w1^2 + 2 w2^2)``: steep in w2, shallow in w1. Gradient
  descent with a rate large enough to make progress along w1 oscillates across the
  valley in w2; momentum averages the oscillation away; RMSprop and Adam divide each
  coordinate by its own RMS gradient and head more directly to the minimum.
* a saddle ``J = 0.5 w1^2 + 0.25 w2^4 - 0.5 w2^2``, started next to the saddle point
  (0, 0): the gradient there is tiny, and plain gradient descent lingers on the plateau
  before it slides off to a minimum at (0, +-1); the adaptive methods leave sooner.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..optim import Adam, GradientDescent, Momentum, RMSprop
from ._base import DEFAULT, ExperimentResult, Settings, Table

NAME = "trajectories"
TITLE = "Optimizer paths: the oscillating valley and the saddle point"
FINDING = (
    "On an elongated bowl gradient descent zig-zags across the steep direction; momentum "
    "damps the zig-zag and RMSprop/Adam scale each direction to head straight in; near a "
    "saddle point the adaptive methods leave the plateau far sooner than plain descent."
)
#: About how long it takes on one core (the parallel runner starts long jobs first).
SECONDS = 0.7


def bowl(W1: Any, W2: Any) -> Any:
    """``J = 0.5 (0.04 w1^2 + 2 w2^2)``."""
    return 0.5 * (0.04 * W1**2 + 2.0 * W2**2)


def bowl_grad(w: np.ndarray) -> np.ndarray:
    """``dJ/dw = (0.04 w1, 2 w2)``."""
    return np.array([0.04 * w[0], 2.0 * w[1]])


def saddle(W1: Any, W2: Any) -> Any:
    """``J = 0.5 w1^2 + 0.25 w2^4 - 0.5 w2^2``: a saddle at (0, 0), minima at (0, +-1)."""
    return 0.5 * W1**2 + 0.25 * W2**4 - 0.5 * W2**2


def saddle_grad(w: np.ndarray) -> np.ndarray:
    """``dJ/dw = (w1, w2^3 - w2)``."""
    return np.array([w[0], w[1] ** 3 - w[1]])


SURFACES: dict[str, dict[str, Any]] = {
    "bowl": {
        "f": bowl,
        "grad": bowl_grad,
        "start": (-9.0, 1.6),
        "steps": 50,
        "optimizers": {  # (optimizer, learning rate)
            "gd": (GradientDescent(), 0.9),
            "momentum": (Momentum(beta=0.9), 0.9),
            "rmsprop": (RMSprop(beta2=0.9), 0.3),
            "adam": (Adam(), 0.3),
        },
        "xlim": (-10.0, 2.0),
        "ylim": (-2.2, 2.2),
        "minimum": (0.0, 0.0),
    },
    "saddle": {
        "f": saddle,
        "grad": saddle_grad,
        "start": (-1.8, 0.002),
        "steps": 100,
        "optimizers": {
            "gd": (GradientDescent(), 0.1),
            "momentum": (Momentum(beta=0.9), 0.1),
            "rmsprop": (RMSprop(beta2=0.9), 0.03),
            "adam": (Adam(), 0.03),
        },
        "xlim": (-2.0, 0.8),
        "ylim": (-0.4, 1.4),
        "minimum": (0.0, 1.0),
    },
}


def path(
    optimizer: Any,
    learning_rate: float,
    grad: Callable[[np.ndarray], np.ndarray],
    start: tuple[float, float],
    n_steps: int,
) -> np.ndarray:
    """Positions ``w_0 .. w_n`` of ``n_steps`` optimizer updates from ``start``.

    Examples
    --------
    >>> path(GradientDescent(), 0.5, lambda w: 2 * w, (1.0, -2.0), 2).tolist()
    [[1.0, -2.0], [0.0, 0.0], [0.0, 0.0]]
    """
    theta = np.array(start, dtype=np.float64)
    state = optimizer.init(theta)
    out = [theta.copy()]
    for _ in range(n_steps):
        optimizer.update(theta, grad(theta), state, learning_rate)
        out.append(theta.copy())
    return np.array(out)


def run(settings: Settings = DEFAULT) -> ExperimentResult:
    """Trace every optimizer on both surfaces (milliseconds; ``scale`` is ignored).

    Returns
    -------
    ExperimentResult
        ``results["bowl"][opt]``: ``learning_rate``, ``final_cost``, ``w2_travel`` (total
        movement across the steep direction: the zig-zag) and ``w1_progress``;
        ``results["saddle"][opt]``: ``learning_rate``, ``final_cost`` and ``escape_step``
        (first step with w2 > 0.5, None if never).
    """
    paths: dict[str, dict[str, np.ndarray]] = {}
    results: dict[str, dict[str, Any]] = {}
    for surface, spec in SURFACES.items():
        paths[surface], results[surface] = {}, {}
        for name, (opt, lr) in spec["optimizers"].items():
            P = path(opt, lr, spec["grad"], spec["start"], spec["steps"])
            paths[surface][name] = P
            r: dict[str, Any] = {"learning_rate": lr, "final_cost": float(spec["f"](*P[-1]))}
            if surface == "bowl":
                r["w2_travel"] = float(np.abs(np.diff(P[:, 1])).sum())
                r["w1_progress"] = float(P[-1, 0] - P[0, 0])
            else:
                escaped = np.flatnonzero(P[:, 1] > 0.5)
                r["escape_step"] = int(escaped[0]) if escaped.size else None
            results[surface][name] = r
    bowl_r, saddle_r = results["bowl"], results["saddle"]
    tables = [
        Table(
            f"Elongated bowl, {SURFACES['bowl']['steps']} steps from {SURFACES['bowl']['start']}.",
            ["optimizer", "learning rate", "zig-zag (total |dw2|)", "progress in w1", "final cost"],
            [
                [
                    n,
                    r["learning_rate"],
                    f"{r['w2_travel']:.2f}",
                    f"{r['w1_progress']:.2f}",
                    f"{r['final_cost']:.3g}",
                ]
                for n, r in bowl_r.items()
            ],
        ),
        Table(
            f"Saddle, {SURFACES['saddle']['steps']} steps from {SURFACES['saddle']['start']}.",
            ["optimizer", "learning rate", "steps to leave (w2 > 0.5)", "final cost"],
            [
                [
                    n,
                    r["learning_rate"],
                    r["escape_step"] if r["escape_step"] is not None else "not within the run",
                    f"{r['final_cost']:.3g}",
                ]
                for n, r in saddle_r.items()
            ],
        ),
    ]
    result = ExperimentResult(
        NAME,
        TITLE,
        FINDING,
        results=results,
        tables=tables,
        notes=[
            "Momentum uses the course's form v = beta v + (1 - beta) dW, so it takes "
            "the same learning rate as gradient descent; RMSprop and Adam step about "
            "alpha per coordinate, so they get smaller rates."
        ],
        summary=[
            {"variant": f"{s}/{n}", "cost": r["final_cost"]}
            for s, rs in results.items()
            for n, r in rs.items()
        ],
    )
    if settings.figures:
        from ..plots import optimizer_paths

        for surface, spec in SURFACES.items():
            levels = (
                np.linspace(0.05, 4.0, 14) ** 2
                if surface == "bowl"
                else np.linspace(-0.24, 1.8, 18)
            )
            result.figures[f"{NAME}_{surface}"] = optimizer_paths(
                spec["f"],
                paths[surface],
                xlim=spec["xlim"],
                ylim=spec["ylim"],
                minimum=spec["minimum"],
                levels=levels,
                title=f"{surface}: {spec['steps']} steps of each optimizer",
            )
    return result
