"""Experiment 1, initialization (course 2, week 1, "Initialization" assignment).

Circles: train ``make_circles(n_samples=300, noise=0.05, random_state=1)``, test
``make_circles(n_samples=100, noise=0.05, random_state=2)``. Network [2, 10, 5, 1] with
relu, relu, sigmoid; full-batch gradient descent, learning rate 0.01, 15,000 iterations.
Three initializations, each drawn from ``RandomState(3)`` layer after layer:

* ``zeros``: every W[l] = 0. All units of a layer compute the same function and receive
  the same gradient, so symmetry is never broken: the network stays at 50%.
* ``random``: ``W[l] = randn(n[l], n[l-1]) * 10``. Huge weights saturate the sigmoid, the
  first cost is enormous and learning is slow.
* ``he``: ``W[l] = randn(n[l], n[l-1]) * sqrt(2 / n[l-1])`` (He et al., 2015), which keeps
  the variance of Z[l] near that of the inputs for relu layers.
"""

from __future__ import annotations

from typing import Any

from ..data import load_circles
from ..nn import Dense, RandomNormal
from ..optim import GradientDescent
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
    steps,
    summary_rows,
    train,
)

NAME = "initialization"
TITLE = "Initialization: zeros, large random, He"
FINDING = (
    "Zero weights never break symmetry (50% accuracy), large random weights start with a "
    "huge cost and learn slowly, and He initialization trains fast to a near-perfect fit."
)
INITS: dict[str, Any] = {"zeros": "zeros", "random": RandomNormal(10.0), "he": "he"}
ITERATIONS = 15_000
COURSE = {  # the course's printed numbers, for the report's comparison table
    "zeros": {"cost0": 0.6931471805599453, "train": 0.5, "test": 0.5},
    "random": {"cost0": float("inf"), "train": 0.83, "test": 0.86},
    "he": {"cost0": 0.8830537463419761, "train": 0.9933333333333333, "test": 0.96},
}


def runs(settings: Settings) -> dict[str, Run]:
    """The three variants of the recipe."""
    data = tuple(load_circles())
    return {
        name: Run(
            layers=[Dense(10, "relu", init), Dense(5, "relu", init), Dense(1, "sigmoid", init)],
            data=data,
            fit={
                "optimizer": GradientDescent(),
                "learning_rate": 0.01,
                "epochs": steps(ITERATIONS, settings),
                "batch_size": "full",
            },
            grid=settings.figures,
        )
        for name, init in INITS.items()
    }


def jobs(settings: Settings) -> dict[str, Job]:
    """The independent jobs of :func:`run`: one training per variant."""
    return {name: Job(train, spec) for name, spec in runs(settings).items()}


def run(settings: Settings = DEFAULT) -> ExperimentResult:
    """Train the three variants and compare them with the course's numbers.

    Parameters
    ----------
    settings : Settings

    Returns
    -------
    ExperimentResult
        ``results`` is ``{"zeros": {...}, "random": {...}, "he": {...}}``, each with
        ``train_accuracy``, ``test_accuracy`` and ``costs`` (every 1000 iterations).
    """
    todo = jobs(settings)
    return assemble(settings, todo, run_jobs(todo, settings, NAME))


def assemble(settings: Settings, todo: dict[str, Job], out: dict[str, Any]) -> ExperimentResult:
    """The result of :func:`run` from its jobs' outputs: tables, notes and figures."""
    table = Table(
        "Ours against the course's printout (cost at iteration 0, accuracies).",
        ["init", "cost at 0", "course", "train", "course", "test", "course"],
        [
            [
                name,
                f"{r['costs']['0']:.6g}",
                f"{COURSE[name]['cost0']:.6g}",
                pct(r["train_accuracy"]),
                pct(COURSE[name]["train"]),
                pct(r["test_accuracy"]),
                pct(COURSE[name]["test"]),
            ]
            for name, r in out.items()
        ],
    )
    result = ExperimentResult(
        NAME,
        TITLE,
        FINDING,
        results={name: entry(r) for name, r in out.items()},
        tables=[table],
        notes=[
            "With random x10 weights the course prints 'Cost after iteration 0: inf': it "
            "computes log(a) after the sigmoid has rounded a to exactly 0 or 1. trainwell "
            "evaluates the cross-entropy from the logits Z (max(z, 0) - z y + "
            "log(1 + exp(-|z|))), which is the same function but stays finite, so it "
            f"reports {out['random']['costs']['0']:.1f} instead. The weights, the "
            "gradients and the accuracies are the course's.",
        ],
        summary=summary_rows(out),
    )
    if settings.figures:
        from ..plots import cost_curves, decision_boundaries

        X, y = todo["he"].arg.data[:2]
        result.figures[f"{NAME}_costs"] = cost_curves(
            {name: r["curve"] for name, r in out.items()},
            logy=True,
            title="Cost per iteration (log scale)",
        )
        result.figures[f"{NAME}_boundaries"] = decision_boundaries(
            {f"{name} ({pct(r['test_accuracy'])} test)": r["grid"] for name, r in out.items()},
            X,
            y,
            title="Decision boundaries on the training set",
        )
    return result
