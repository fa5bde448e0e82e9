"""Experiment 8, normalizing inputs (course 2, week 1, "Normalizing Inputs").

Breast cancer (30 features whose scales differ by four orders of magnitude: areas in the
thousands, smoothness near 0.1), a [30, 16, 8, 1] relu/relu/sigmoid network with He
weights from ``RandomState(3)``, full-batch gradient descent at one learning rate, with
raw inputs and with standardized ones:

.. math:: \\mu = \\frac1m \\sum_i x^{(i)}, \\quad
          \\sigma^2 = \\frac1m \\sum_i (x^{(i)} - \\mu)^2, \\quad
          x := \\frac{x - \\mu}{\\sigma}

with mu and sigma from the training set, applied unchanged to the test set.
"""

from __future__ import annotations

from typing import Any

from ..data import Standardizer, load_breast_cancer
from ..nn import Dense
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

NAME = "normalization"
TITLE = "Normalizing inputs"
FINDING = (
    "With features on wildly different scales the cost surface is an elongated bowl and "
    "gradient descent at a sensible rate gets nowhere; standardized inputs train at once."
)
ITERATIONS, LEARNING_RATE = 2000, 0.01
SWEEP_RATES = (0.001, 0.01, 0.1)


def _run(data: tuple[Any, ...], rate: float, iterations: int) -> Run:
    return Run(
        [Dense(16, "relu", "he"), Dense(8, "relu", "he"), Dense(1, "sigmoid", "he")],
        data,
        every=200,
        fit={"optimizer": "gd", "learning_rate": rate, "epochs": iterations, "batch_size": "full"},
    )


def _inputs() -> tuple[dict[str, tuple[Any, ...]], Any]:
    """Raw and standardized (X, y, X_test, y_test), and the raw features' std."""
    X, y, Xt, yt = load_breast_cancer()
    scaler = Standardizer().fit(X)  # mu and sigma of the training set only
    Xs, Xts = scaler.transform(X), scaler.transform(Xt)
    return {"raw": (X, y, Xt, yt), "standardized": (Xs, y, Xts, yt)}, X.std(axis=0)


def jobs(settings: Settings) -> dict[str, Job]:
    """The independent jobs of :func:`run`: both inputs at each rate of the sweep."""
    inputs, _ = _inputs()
    iterations = steps(ITERATIONS, settings)
    return {
        f"{name} at {rate}": Job(train, _run(data, rate, iterations))
        for name, data in inputs.items()
        for rate in SWEEP_RATES
    }


def run(settings: Settings = DEFAULT) -> ExperimentResult:
    """Train on raw and on standardized inputs, at the main rate and a small sweep.

    Returns
    -------
    ExperimentResult
        ``results["raw"]``, ``results["standardized"]`` (accuracies, costs every 200
        iterations at learning rate 0.01), ``results["feature_range"]`` (smallest and
        largest feature standard deviation) and ``results["sweep"]`` (test accuracy at
        each learning rate).
    """
    todo = jobs(settings)
    return assemble(settings, todo, run_jobs(todo, settings, NAME))


def assemble(settings: Settings, todo: dict[str, Job], out: dict[str, Any]) -> ExperimentResult:
    """The result of :func:`run` from its jobs' outputs: tables, notes and figures."""
    inputs, spread = _inputs()
    iterations = steps(ITERATIONS, settings)
    main = {name: out[f"{name} at {LEARNING_RATE}"] for name in inputs}
    sweep = {
        name: {str(rate): out[f"{name} at {rate}"]["test_accuracy"] for rate in SWEEP_RATES}
        for name in inputs
    }
    result = ExperimentResult(
        NAME,
        TITLE,
        FINDING,
        results={
            **{name: entry(r) for name, r in main.items()},
            "learning_rate": LEARNING_RATE,
            "feature_range": {
                "smallest_std": float(spread.min()),
                "largest_std": float(spread.max()),
            },
            "sweep": sweep,
        },
        tables=[
            Table(
                f"Full-batch gradient descent, learning rate {LEARNING_RATE}, {iterations} "
                "iterations.",
                ["inputs", "cost at 0", "final cost", "train", "test"],
                [
                    [
                        n,
                        f"{r['costs']['0']:.4g}",
                        f"{r['curve'][-1]:.4g}",
                        pct(r["train_accuracy"]),
                        pct(r["test_accuracy"]),
                    ]
                    for n, r in main.items()
                ],
            ),
            Table(
                "Test accuracy at other learning rates.",
                ["inputs", *map(str, SWEEP_RATES)],
                [[n, *(pct(a) for a in s.values())] for n, s in sweep.items()],
            ),
        ],
        notes=[
            f"Raw feature standard deviations range from {spread.min():.3g} to "
            f"{spread.max():.3g}. The classes are 37% / 63%: a network stuck at "
            "predicting the majority class scores about 63%."
        ],
        summary=summary_rows(main),
    )
    if settings.figures:
        from ..plots import cost_curves

        result.figures[f"{NAME}_costs"] = cost_curves(
            {n: r["curve"] for n, r in main.items()},
            logy=True,
            title=f"Cost per iteration at learning rate {LEARNING_RATE}",
        )
    return result
