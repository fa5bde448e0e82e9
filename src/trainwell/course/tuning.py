"""Experiment 9, hyperparameter search (course 2, week 3, "Tuning Process", "Using an
Appropriate Scale to Pick Hyperparameters").

On moons (the course's 300 training points; 200 fresh points as the dev set), a [2, 10,
10, 1] network trained with Adam for 100 epochs in mini-batches of 64; every trial starts
from the same weights and shuffles, so configs differ only by their hyperparameters.

* random against grid search with the same budget of 16 trainings over the learning rate
  and Adam's epsilon: the grid tries only 4 learning rates, random search tries 16;
* log against linear sampling of the learning rate in [1e-4, 1]: ``alpha = 10^r`` with
  ``r ~ U(-4, 0)`` gives each decade the same share; a uniform draw spends about 90% of
  the trials in [0.1, 1];
* two rounds of coarse to fine: the second round samples the box around the best
  quarter of the first;
* which hyperparameters mattered, from a random search over six, beside the course's
  ordering (learning rate; momentum beta, hidden units, mini-batch size; layers and
  decay; Adam's betas and epsilon last).
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from ..data import load_moons
from ..tuning import (
    Choice,
    IntLogUniform,
    LogUniform,
    NetworkObjective,
    OneMinusLogUniform,
    Uniform,
    grid_search,
    random_search,
)
from ..tuning.importance import COURSE_TIERS
from ._base import DEFAULT, ExperimentResult, Settings, Table

NAME = "tuning"
TITLE = "Hyperparameter search: random vs grid, log scale, coarse to fine"
FINDING = (
    "With the same budget random search tries many more values of the hyperparameter that "
    "matters; sampling the learning rate on a log scale covers every decade; coarse to "
    "fine zooms in on the best region; and the learning rate explains most of the score."
)
#: About how long it takes on one core (the parallel runner starts long jobs first).
SECONDS = 7.0
BUDGET, EPOCHS = 16, 100
DECADES = ((1e-4, 1e-3), (1e-3, 1e-2), (1e-2, 1e-1), (1e-1, 1.0))


def objective(settings: Settings) -> NetworkObjective:
    """Adam on moons; the dev set is a second draw of 200 points."""
    X, y, _, _ = load_moons()
    Xd, yd, _, _ = load_moons(n_samples=200, random_state=5)
    # hidden_units (10) and batch_size (64) keep NetworkObjective's defaults unless searched
    fixed = {"optimizer": "adam", "epochs": max(5, round(EPOCHS * settings.scale)), "layers": 2}
    return NetworkObjective(X, y, Xd, yd, fixed=fixed, random_state=0)


def _best(result: Any) -> dict[str, Any]:
    return {"best_dev_accuracy": result.best_score, "best_config": result.best_config}


def _decades(values: list[float]) -> dict[str, int]:
    return {
        f"{lo:g}-{hi:g}": sum(lo <= v < hi or (hi == 1.0 and v == 1.0) for v in values)
        for lo, hi in DECADES
    }


def run(settings: Settings = DEFAULT) -> ExperimentResult:
    """Run the four searches (a few seconds).

    Returns
    -------
    ExperimentResult
        ``results`` with ``random_vs_grid``, ``log_vs_linear``, ``coarse_to_fine`` and
        ``importance`` (each hyperparameter's share of the dev accuracy's variance, with
        the course's tier).
    """
    obj = objective(settings)
    # The trials run in this process (n_jobs=None): they are short.
    lr = LogUniform(1e-4, 1.0)
    two = {"learning_rate": lr, "epsilon": LogUniform(1e-10, 1e-6)}
    bar = {"progress": settings.progress and sys.stderr.isatty()}
    grid = grid_search(obj, two, n_points=int(np.sqrt(BUDGET)), random_state=0, **bar)
    rand = random_search(obj, two, BUDGET, random_state=0, **bar)
    log = random_search(obj, {"learning_rate": lr}, BUDGET, random_state=1, **bar)
    linear = random_search(
        obj, {"learning_rate": Uniform(1e-4, 1.0)}, BUDGET, random_state=1, **bar
    )
    zoom_space = {"learning_rate": lr, "hidden_units": IntLogUniform(2, 64)}
    zoom = random_search(obj, zoom_space, 12, random_state=2, rounds=2, **bar)
    wide_space = {
        "learning_rate": lr,
        "hidden_units": IntLogUniform(2, 64),
        "batch_size": Choice([32, 64, 128, 300]),
        "beta1": OneMinusLogUniform(0.8, 0.99),
        "beta2": OneMinusLogUniform(0.99, 0.9999),
        "epsilon": LogUniform(1e-10, 1e-6),
    }
    wide = random_search(obj, wide_space, 40, random_state=3, **bar)
    importance = wide.importance()

    def lrs(result: Any) -> list[float]:
        return [t.config["learning_rate"] for t in result.trials]

    results = {
        "random_vs_grid": {
            "budget": BUDGET,
            **{
                name: {**_best(r), "distinct_learning_rates": len(set(lrs(r)))}
                for name, r in (("grid", grid), ("random", rand))
            },
        },
        "log_vs_linear": {
            name: {**_best(r), "trials_per_decade": _decades(lrs(r))}
            for name, r in (("log", log), ("linear", linear))
        },
        "coarse_to_fine": {
            "rounds": [
                {
                    "box": rnd.box,
                    "best_dev_accuracy": max(
                        (
                            zoom.trials_by_index[i].dev_score
                            for i in rnd.trials
                            if zoom.trials_by_index[i].ok
                        ),
                        default=None,
                    ),
                }
                for rnd in zoom.rounds
            ],
            **_best(zoom),
        },
        "importance": [
            {k: row[k] for k in ("name", "importance", "rank", "course_tier")}
            for row in importance.rows
        ],
    }
    rg, lv = results["random_vs_grid"], results["log_vs_linear"]
    tables = [
        Table(
            f"Same budget ({BUDGET} trainings) over learning rate and epsilon.",
            ["search", "learning rates tried", "best dev accuracy", "best learning rate"],
            [
                [
                    n,
                    rg[n]["distinct_learning_rates"],
                    f"{rg[n]['best_dev_accuracy']:.3f}",
                    f"{rg[n]['best_config']['learning_rate']:.3g}",
                ]
                for n in ("grid", "random")
            ],
        ),
        Table(
            "Trials per decade of the learning rate, and the best found.",
            ["sampling", *lv["log"]["trials_per_decade"], "best dev accuracy"],
            [
                [n, *lv[n]["trials_per_decade"].values(), f"{lv[n]['best_dev_accuracy']:.3f}"]
                for n in ("log", "linear")
            ],
        ),
        Table(
            "Coarse to fine: each round's box and best dev accuracy.",
            ["round", "learning rate box", "hidden units box", "best dev accuracy"],
            [
                [
                    i + 1,
                    " - ".join(f"{v:.3g}" for v in r["box"]["learning_rate"]),
                    " - ".join(str(v) for v in r["box"]["hidden_units"]),
                    f"{r['best_dev_accuracy']:.3f}",
                ]
                for i, r in enumerate(results["coarse_to_fine"]["rounds"])
            ],
        ),
        Table(
            f"Importance from {importance.n_trials} random trials over six "
            "hyperparameters (share of the dev accuracy's variance), beside the course's "
            "tier (1 = tune first).",
            ["hyperparameter", "importance", "rank here", "course tier"],
            [
                [r["name"], f"{r['importance']:.2f}", r["rank"], r["course_tier"]]
                for r in results["importance"]
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
            "Every trial uses the same initial weights and mini-batch order "
            "(NetworkObjective(random_state=0)), so scores differ only through the "
            "hyperparameters.",
            "Importance is the adjusted R² of a one-variable model of the dev accuracy "
            "in each hyperparameter's sampling scale "
            "(trainwell.tuning.hyperparameter_importance); the course's ordering is "
            "advice across problems, this is one problem's measurement.",
            "The course's tiers: "
            + "; ".join(f"{tier}: {what}" for tier, what in COURSE_TIERS.items())
            + ".",
        ],
        summary=[
            {"variant": f"{n} search: best dev {r['best_dev_accuracy']:.3f}"}
            for n, r in (("grid", rg["grid"]), ("random", rg["random"]))
        ],
    )
    if settings.figures:
        from ..plots import search_scatter
        from ..tuning.plots import plot_importance, plot_zoom

        def xy(r: Any, name: str | None) -> tuple[Any, Any, Any]:
            ok = [t for t in r.trials if t.ok]
            return (
                [t.config["learning_rate"] for t in ok],
                [t.config[name] if name else np.nan for t in ok],
                [t.dev_score for t in ok],
            )

        result.figures[f"{NAME}_random_vs_grid"] = search_scatter(
            {
                f"grid ({BUDGET} trials)": xy(grid, "epsilon"),
                f"random ({BUDGET} trials)": xy(rand, "epsilon"),
            },
            ylabel="epsilon",
            logy=True,
            title="Same budget: grid vs random",
        )
        result.figures[f"{NAME}_log_vs_linear"] = search_scatter(
            {"log-uniform learning rate": xy(log, None), "uniform learning rate": xy(linear, None)},
            title="Sampling the learning rate: log scale vs linear scale",
        )
        result.figures[f"{NAME}_coarse_to_fine"] = plot_zoom(zoom, "learning_rate", "hidden_units")
        result.figures[f"{NAME}_importance"] = plot_importance(importance)
    return result
