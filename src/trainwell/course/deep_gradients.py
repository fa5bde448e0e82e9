"""Experiment 11, vanishing and exploding gradients (course 2, week 1, "Vanishing /
Exploding Gradients" and "Weight Initialization for Deep Networks").

A network of 50 relu layers of width 64 (then one sigmoid unit) on a batch of 128
standard-normal inputs. With every W[l] = 1.1 I the activations grow like 1.1^l and the
gradients, flowing back through the same matrices, grow like 1.1^(L - l); with 0.9 I both
shrink. Random weights scaled so that ``Var(W[l]) = 2 / n[l-1]`` (He) keep each relu
layer's output variance equal to its input's; ``1 / n[l-1]`` (Xavier) is right for tanh
but halves the variance at every relu layer. Measured with
:func:`trainwell.diagnosis.gradient_norms`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..diagnosis import gradient_norms
from ..nn import Dense, Network
from ._base import DEFAULT, ExperimentResult, Settings, Table

NAME = "deep_gradients"
TITLE = "Vanishing and exploding gradients in a 50-layer network"
FINDING = (
    "Weights of 1.1 I or 0.9 I make activations and gradients grow or shrink exponentially "
    "with depth (about 1.1^49 and 0.9^49); He's sqrt(2/n) scaling keeps a relu network's "
    "norms within an order of magnitude across all 50 layers."
)
#: About how long it takes on one core (the parallel runner starts long jobs first).
SECONDS = 3.0
DEPTH, WIDTH, M = 50, 64, 128
# name: (activation, initializer, identity scale or None)
VARIANTS: dict[str, tuple[str, str, float | None]] = {
    "1.1 x identity": ("relu", "he", 1.1),
    "0.9 x identity": ("relu", "he", 0.9),
    "xavier 1/n (relu)": ("relu", "xavier", None),
    "he 2/n (relu)": ("relu", "he", None),
    "xavier 1/n (tanh)": ("tanh", "xavier", None),
}


def network(activation: str, init: str, identity: float | None) -> Network:
    """The 50-layer network of one variant (weights from ``RandomState(1)``)."""
    layers = [Dense(WIDTH, activation, init) for _ in range(DEPTH)]
    net = Network([*layers, Dense(1, "sigmoid", "xavier")], random_state=1, input_dim=WIDTH)
    if identity is not None:
        net.set_parameters({f"W{l}": identity * np.eye(WIDTH) for l in range(1, DEPTH + 1)})
    return net


def run(settings: Settings = DEFAULT) -> ExperimentResult:
    """Measure per-layer norms of every variant (one forward and backward pass each).

    Returns
    -------
    ExperimentResult
        ``results[variant]``: ``activation_growth`` (||A[50]|| / ||A[1]||),
        ``gradient_growth`` (||dA[1]|| / ||dA[50]||: how the gradient grows on its way back
        to the first layer), ``weight_gradient_first`` and ``weight_gradient_last``
        (||dW[1]||, ||dW[50]||), and the per-layer lists.
    """
    rng = np.random.RandomState(0)
    X, y = rng.randn(M, WIDTH), rng.randint(0, 2, M)
    norms = {name: gradient_norms(network(*spec), X, y) for name, spec in VARIANTS.items()}
    results: dict[str, Any] = {}
    for name, n in norms.items():
        results[name] = {
            "activation_growth": n.growth("activation"),
            "gradient_growth": n.growth("gradient"),
            "weight_gradient_first": float(n.weight_gradient[0]),
            "weight_gradient_last": float(n.weight_gradient[DEPTH - 1]),
            "per_layer": n.to_dict(),
        }
    result = ExperimentResult(
        NAME,
        TITLE,
        FINDING,
        results={"depth": DEPTH, "width": WIDTH, **results},
        tables=[
            Table(
                "Growth across the 50 hidden layers: activations forward (last / first), "
                "gradients backward (first / last).",
                ["weights", "activations", "gradients dA", "||dW[1]||", "||dW[50]||"],
                [
                    [
                        name,
                        f"{r['activation_growth']:.3g}",
                        f"{r['gradient_growth']:.3g}",
                        f"{r['weight_gradient_first']:.3g}",
                        f"{r['weight_gradient_last']:.3g}",
                    ]
                    for name, r in results.items()
                ],
            )
        ],
        notes=[
            f"Theory for the identity-like weights: 1.1^49 = {1.1**49:.0f} and "
            f"0.9^49 = {0.9**49:.4f}. With relu, xavier's 1/n halves the signal's second "
            f"moment per layer, about 2^-24.5 = {2**-24.5:.1e} over 49 layers: He's factor "
            "2 is what relu needs. The 1/n scaling suits tanh, where it keeps the signal "
            "alive (shrinking slowly as tanh saturates).",
            "The same measurement is available for any network as "
            "trainwell.diagnosis.gradient_norms(network, X, y).",
        ],
        summary=[
            {
                "variant": f"{name}: activations x{r['activation_growth']:.3g}, "
                f"gradients x{r['gradient_growth']:.3g}"
            }
            for name, r in results.items()
        ],
    )
    if settings.figures:
        from ..plots import layer_norms

        result.figures[f"{NAME}_norms"] = layer_norms(
            norms, title=f"Per-layer norms in a {DEPTH}-layer network of width {WIDTH}"
        )
    return result
