"""Experiment 7, batch normalization and softmax (course 2, week 3, "Normalizing
Activations in a Network", "Softmax Regression").

Digits (8x8 images, 10 classes; pixels divided by 16), a [64, 64, 64, 10] network with relu
hidden layers and a softmax output trained on the categorical cross-entropy
``J = -1/m sum_i sum_j y_j log yhat_j``, by mini-batch gradient descent (batches of 64),
with and without batch norm after each hidden layer's linear part:

.. math:: \\mu = \\frac1m \\sum_i z^{(i)}, \\quad \\sigma^2 = \\frac1m \\sum_i (z^{(i)} - \\mu)^2,
          \\quad \\tilde z = \\gamma \\frac{z - \\mu}{\\sqrt{\\sigma^2 + \\varepsilon}} + \\beta

Then a sweep of learning rates finds the largest one each network still trains with.
"""

from __future__ import annotations

import warnings
from typing import Any

from ..data import load_digits
from ..exceptions import ConvergenceWarning, TrainingDiverged
from ..nn import BatchNorm, Dense, Network
from ..training import fit
from ._base import (
    DEFAULT,
    ExperimentResult,
    Job,
    Run,
    Settings,
    Table,
    entry,
    pct,
    run_jobs,
    summary_rows,
    train,
)

NAME = "batchnorm_softmax"
TITLE = "Batch normalization with a softmax classifier"
FINDING = (
    "Batch norm keeps each layer's inputs at a steady mean and variance, so the same "
    "network trains faster and stays stable at learning rates about ten times larger."
)
EPOCHS, LEARNING_RATE = 30, 0.1
SWEEP_RATES = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
SWEEP_EPOCHS, TRAINS_ABOVE = 10, 0.9


def _layers(batchnorm: bool) -> list[Any]:
    layers: list[Any] = []
    for _ in range(2):
        layers.append(Dense(64, "relu", "he"))
        if batchnorm:
            layers.append(BatchNorm())
    return [*layers, Dense(10, "softmax", "he")]


def _data() -> tuple[Any, ...]:
    X, y, Xt, yt = load_digits()
    return X / 16.0, y, Xt / 16.0, yt


def sweep_point(args: tuple[bool, float, tuple[Any, ...], str]) -> dict[str, Any]:
    """Train briefly at one learning rate: final cost, training accuracy, divergence.

    ``args`` is ``(batchnorm, learning_rate, data, backend)``."""
    batchnorm, rate, (X, y, _, _), backend = args
    net = Network(
        _layers(batchnorm),
        loss="categorical_crossentropy",
        random_state=0,
        input_dim=X.shape[1],
        engine=backend,
    )
    try:
        with warnings.catch_warnings():  # a 10-epoch probe of stability, not a full training
            warnings.simplefilter("ignore", ConvergenceWarning)
            hist = fit(
                net,
                X,
                y,
                optimizer="gd",
                learning_rate=rate,
                epochs=SWEEP_EPOCHS,
                batch_size=64,
                random_state=0,
                progress=False,
            )
    except TrainingDiverged:
        return {"final_cost": None, "train_accuracy": None, "diverged": True}
    return {"final_cost": hist.cost[-1], "train_accuracy": net.score(X, y), "diverged": False}


VARIANTS = {"plain": False, "batchnorm": True}


def jobs(settings: Settings) -> dict[str, Job]:
    """The independent jobs of :func:`run`: both trainings, then each point of the sweep
    (named ``"sweep: plain at 0.03"`` ...)."""
    data = _data()
    todo = {
        name: Job(
            train,
            Run(
                _layers(bn),
                data,
                loss="categorical_crossentropy",
                random_state=0,
                every=5,
                fit={
                    "optimizer": "gd",
                    "learning_rate": LEARNING_RATE,
                    "epochs": EPOCHS,
                    "batch_size": 64,
                    "random_state": 0,
                },
            ),
            cost=0.3,
        )
        for name, bn in VARIANTS.items()
    }
    for name, bn in VARIANTS.items():
        for rate in SWEEP_RATES:
            point = (bn, rate, data, settings.backend)
            todo[f"sweep: {name} at {rate}"] = Job(sweep_point, point, cost=0.1)
    return todo


def run(settings: Settings = DEFAULT) -> ExperimentResult:
    """Train both networks, then sweep the learning rate (a few seconds; ``scale`` is
    ignored).

    Returns
    -------
    ExperimentResult
        ``results["plain"]`` and ``results["batchnorm"]`` (accuracies, costs every 5
        epochs), ``results["sweep"][variant][rate]`` and
        ``results["largest_stable_learning_rate"]``: the largest rate of the sweep that
        reaches 90% training accuracy in 10 epochs without diverging.
    """
    todo = jobs(settings)
    return assemble(settings, todo, run_jobs(todo, settings, NAME))


def assemble(settings: Settings, todo: dict[str, Job], done: dict[str, Any]) -> ExperimentResult:
    """The result of :func:`run` from its jobs' outputs: tables, notes and figures."""
    variants = VARIANTS
    out = {name: done[name] for name in variants}
    sweep = {
        name: {str(rate): done[f"sweep: {name} at {rate}"] for rate in SWEEP_RATES}
        for name in variants
    }
    largest = {
        name: max(
            (
                float(r)
                for r, p in s.items()
                if not p["diverged"] and p["train_accuracy"] >= TRAINS_ABOVE
            ),
            default=None,
        )
        for name, s in sweep.items()
    }

    def cell(p: dict[str, Any]) -> str:
        return (
            "diverged"
            if p["diverged"]
            else (f"{pct(p['train_accuracy'])} (J {p['final_cost']:.3g})")
        )

    result = ExperimentResult(
        NAME,
        TITLE,
        FINDING,
        results={
            **{n: entry(r) for n, r in out.items()},
            "sweep": sweep,
            "largest_stable_learning_rate": largest,
        },
        tables=[
            Table(
                f"Mini-batch gradient descent, learning rate {LEARNING_RATE}, {EPOCHS} epochs.",
                ["network", "final cost", "train", "test"],
                [
                    [n, f"{r['curve'][-1]:.4f}", pct(r["train_accuracy"]), pct(r["test_accuracy"])]
                    for n, r in out.items()
                ],
            ),
            Table(
                f"Training accuracy (and cost) after {SWEEP_EPOCHS} epochs at each learning rate.",
                ["learning rate", *variants],
                [[rate, *(cell(sweep[n][str(rate)]) for n in variants)] for rate in SWEEP_RATES],
            ),
        ],
        notes=[
            f"Largest learning rate that trains (>= {TRAINS_ABOVE:.0%} training accuracy "
            f"in {SWEEP_EPOCHS} epochs, no divergence): plain {largest['plain']}, "
            f"batch norm {largest['batchnorm']}.",
            "Batch norm's running averages (momentum 0.9) normalize at test time; the "
            "Dense layer before each BatchNorm drops its bias, which beta replaces.",
        ],
        summary=summary_rows(out),
    )
    if settings.figures:
        from ..plots import cost_curves

        result.figures[f"{NAME}_costs"] = cost_curves(
            {n: r["curve"] for n, r in out.items()},
            xlabel="epoch",
            logy=True,
            title=f"Cost per epoch at learning rate {LEARNING_RATE}",
        )
        result.figures[f"{NAME}_sweep"] = cost_curves(
            {
                n: {
                    r: (p["final_cost"] if not p["diverged"] else float("nan"))
                    for r, p in s.items()
                }
                for n, s in sweep.items()
            },
            xlabel="learning rate",
            ylabel=f"cost after {SWEEP_EPOCHS} epochs",
            logy=True,
            logx=True,
            title="Cost after a short run against the learning rate",
        )
    return result
