"""The guided presets: one click sets up one of the course's experiments.

Each preset is a complete setup (applied over
:data:`~trainwell.lab.protocol.DEFAULT_CONFIG`, so it is the same whatever was on the page)
and two or three sentences on what to look for, in the course's terms. This module is data
only: the protocol checks a preset's name against :data:`PRESETS` and the session builds it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PRESETS", "presets_for_page"]


def _layers(*spec: tuple[int, str], keep_prob: float = 1.0) -> list[dict[str, Any]]:
    return [
        {"units": u, "activation": a, "batch_norm": False, "keep_prob": keep_prob} for u, a in spec
    ]


_INIT = {"dataset": "course_circles", "layers": _layers((10, "relu"), (5, "relu")),
         "optimizer": "gd", "learning_rate": 0.01, "batch_size": "full"}  # fmt: skip
_REG = {"dataset": "football", "layers": _layers((20, "relu"), (3, "relu")),
        "optimizer": "gd", "learning_rate": 0.3, "batch_size": "full", "init": "he"}  # fmt: skip
_OPT = {"dataset": "moons", "noise": 0.2, "layers": _layers((5, "relu"), (2, "relu")),
        "init": "he", "learning_rate": 0.0007, "batch_size": 64}  # fmt: skip
_DEEP = {"dataset": "circle", "layers": _layers(*[(8, "linear")] * 30), "optimizer": "gd",
         "learning_rate": 0.01, "batch_size": "full"}  # fmt: skip

# name -> (title, setup, what to look for)
PRESETS: dict[str, tuple[str, dict[str, Any], str]] = {
    "init_zeros": ("Initialization: zeros", {**_INIT, "init": "zeros"},
        "Every weight starts at 0, so every unit of a layer computes the same function and "
        "gets the same gradient: symmetry is never broken. The cost stays at log 2 ≈ 0.693 and "
        "the boundary never bends; the unit maps stay identical."),
    "init_large": ("Initialization: random × 10", {**_INIT, "init": "random", "init_scale": 10},
        "W = randn × 10: the first activations are huge, the sigmoid output saturates at 0 or 1 "
        "and the first cost is very high. Gradient descent recovers only slowly; watch the "
        "early cost curve."),
    "init_he": ("Initialization: He", {**_INIT, "init": "he"},
        "W = randn × √(2/n[l−1]), made for ReLU: the activations keep their scale from layer "
        "to layer. The cost falls quickly and the circles are separated (train accuracy "
        "near 1)."),
    "reg_none": ("Regularization: none", _REG,
        "With no regularization the network fits the training set's noise: train accuracy "
        "climbs above dev accuracy (high variance) and the boundary wraps around single "
        "points. The verdict below says so."),
    "reg_l2": ("Regularization: L2, λ = 0.7", {**_REG, "l2": 0.7},
        "The cost gains λ/(2m)·Σ‖W[l]‖²: weight decay keeps the weights small, the boundary "
        "smooth, and the dev accuracy close to the train accuracy."),
    "reg_dropout": ("Regularization: dropout, keep_prob = 0.86",
        {**_REG, "layers": _layers((20, "relu"), (3, "relu"), keep_prob=0.86)},
        "Each iteration shuts down every hidden unit with probability 1 − keep_prob (inverted "
        "dropout scales the rest by 1/keep_prob): no unit can rely on any one feature. The "
        "train cost is noisier but the dev accuracy holds."),
    "opt_gd": ("Optimization: mini-batch gradient descent", {**_OPT, "optimizer": "gd"},
        "Mini-batches of 64 with plain gradient descent at α = 0.0007: the cost oscillates "
        "and falls slowly. Pin this run, then try momentum and Adam to compare."),
    "opt_momentum": ("Optimization: momentum, β = 0.9", {**_OPT, "optimizer": "momentum"},
        "v = β·v + (1 − β)·dW averages the last ~1/(1 − β) = 10 gradients: the oscillations "
        "cancel out. With such a small α the gain over gradient descent is small, as in the "
        "course's assignment."),
    "opt_adam": ("Optimization: Adam", {**_OPT, "optimizer": "adam"},
        "Momentum plus RMSprop with bias correction: each parameter gets its own step size. "
        "The cost falls much faster than with gradient descent or momentum at the same α."),
    "deep_explode": ("Deep network: 30 linear layers, random × 0.75",
        {**_DEEP, "init": "random", "init_scale": 0.75},
        "The course's argument, with g(z) = z: A[30] = W[30]···W[1]·x. Xavier's σ for 8 inputs "
        "is √(1/8) ≈ 0.35, so × 0.75 makes every layer multiply the signal by about 2: the "
        "gradients reaching layer 1 are some eight orders of magnitude above those at layer "
        "30 (exploding gradients), and training soon diverges."),
    "deep_vanish": ("Deep network: 30 linear layers, random × 0.25",
        {**_DEEP, "init": "random", "init_scale": 0.25},
        "About 0.7 times Xavier's σ: every layer shrinks the signal, so layer 1 receives "
        "gradients a million times smaller than layer 30 and barely learns (vanishing "
        "gradients)."),
    "deep_xavier": ("Deep network: 30 linear layers, Xavier", {**_DEEP, "init": "xavier"},
        "Var(W) = 1/n[l−1] keeps Var(z) close to Var(x) at every layer: the norms stay within "
        "one or two orders of magnitude across all 30 layers instead of eight. The course's "
        "partial fix for vanishing and exploding gradients."),
    "deep_tanh": ("Deep network: 30 tanh layers, He", {**_DEEP, "init": "he",
        "layers": _layers(*[(8, "tanh")] * 30)},
        "Var(W) = 2/n[l−1] (He) with tanh, whose slope is at most 1: the norms stay of the "
        "same size from the first layer to the last. Compare with random × 0.25 above."),
}  # fmt: skip


def presets_for_page() -> list[dict[str, str]]:
    """The presets' names, titles and notes, in order, for the page's select.

    Examples
    --------
    >>> presets_for_page()[0]["name"]
    'init_zeros'
    """
    return [{"name": k, "title": t, "note": n} for k, (t, _, n) in PRESETS.items()]
