"""Experiment 2, regularization (course 2, week 1, "Regularization" assignment).

Network [2, 20, 3, 1] with relu, relu, sigmoid; weights ``randn(n[l], n[l-1]) *
sqrt(1 / n[l-1])`` from ``RandomState(3)``; full-batch gradient descent, learning rate 0.3,
30,000 iterations. Three variants:

* ``none``: the plain network, which bends its boundary around noisy points (overfits);
* ``l2``: lambda = 0.7, adding ``lambda / (2m) * sum_l ||W[l]||_F^2`` to the cost and
  ``lambda / m * W[l]`` to each dW[l] ("weight decay");
* ``dropout``: inverted dropout with keep_prob 0.86 after both hidden layers,
  ``D = (U < keep_prob)``, ``A = A * D / keep_prob``, masks redrawn every iteration.

Which mask layout: ``Dropout(0.86)``'s (examples, units) draws. On the course's data.mat
it gives 94.3% / 93.5% against the course's 92.9% / 95%; the course's own
``mask_layout="course"`` gives 94.8% / 93.5% (95.3% / 93.5% with masks from
``RandomState(1)``, which repeats the course's cost at iteration 0, 0.654391240514982).
No correct dropout gets closer: the course calls ``np.random.seed(1)`` at the top of
``forward_propagation_with_dropout``, so it trains with the *same* masks at every
iteration (a fixed thinned network), and that run is what prints 92.9% / 95%.

The default data is trainwell's noisy 2-D problem; ``--data PATH`` runs the recipe on the
course's own data.mat (X, y train; Xval, yval test).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from ..data import load_mat, load_noisy_2d
from ..nn import Dense, Dropout
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

NAME = "regularization"
TITLE = "Regularization: L2 and dropout"
FINDING = (
    "Without regularization the network fits the training set's noise; L2 (lambda 0.7) and "
    "dropout (keep_prob 0.86) give up some training accuracy and shrink the train-test gap."
)
ITERATIONS = 30_000
COURSE_MAT = {  # the course's printed numbers on its data.mat
    "none": {"cost0": 0.6557412523481002, "train": 0.9478672985781991, "test": 0.915},
    "l2": {"cost0": 0.6974484493131264, "train": 0.9383886255924171, "test": 0.93},
    "dropout": {"cost0": 0.6543912405149825, "train": 0.9289099526066351, "test": 0.95},
}


COURSE_L2 = ("none", "l2")  # the variants that draw no random numbers while training


def _matches_course(result: dict[str, Any], variant: str) -> bool:
    """Whether a variant's cost at iteration 0 and accuracies are the course's on data.mat."""
    course = COURSE_MAT[variant]
    return (
        math.isclose(result["costs"]["0"], course["cost0"], rel_tol=1e-12)
        and result["train_accuracy"] == course["train"]
        and result["test_accuracy"] == course["test"]
    )


def load_data(path: str | None) -> tuple[tuple[np.ndarray, ...], str]:
    """(X, y, X_test, y_test) and a description: the noisy 2-D default, or a .mat file."""
    data = load_noisy_2d() if path is None else load_mat(path)
    return tuple(data), _source(path)


def _source(path: str | None) -> str:
    if path is None:
        return "trainwell's noisy 2-D dataset (load_noisy_2d)"
    return f"{Path(path).name} (X, y; test: Xval, yval)"


def _layers(variant: str) -> list[Any]:
    def drop() -> list[Any]:  # a fresh layer at each place: each keeps its own mask
        return [Dropout(0.86)] if variant == "dropout" else []

    return [
        Dense(20, "relu", "xavier"),
        *drop(),
        Dense(3, "relu", "xavier"),
        *drop(),
        Dense(1, "sigmoid", "xavier"),
    ]


def runs(settings: Settings, data: tuple[np.ndarray, ...]) -> dict[str, Run]:
    """The three variants of the recipe on ``data``."""
    return {
        variant: Run(
            layers=_layers(variant),
            data=data,
            l2=0.7 if variant == "l2" else 0.0,
            fit={
                "optimizer": GradientDescent(),
                "learning_rate": 0.3,
                "epochs": steps(ITERATIONS, settings),
                "batch_size": "full",
            },
            grid=settings.figures,
        )
        for variant in ("none", "l2", "dropout")
    }


def jobs(settings: Settings) -> dict[str, Job]:
    """The independent jobs of :func:`run`: one training per variant."""
    data = load_data(settings.data)[0]
    return {name: Job(train, spec) for name, spec in runs(settings, data).items()}


def run(settings: Settings = DEFAULT) -> ExperimentResult:
    """Train the three variants; compare their train-test gaps.

    Parameters
    ----------
    settings : Settings
        ``settings.data``: a .mat file to use instead of the noisy 2-D default.

    Returns
    -------
    ExperimentResult
        ``results`` is ``{"none": {...}, "l2": {...}, "dropout": {...}}``.
    """
    todo = jobs(settings)
    return assemble(settings, todo, run_jobs(todo, settings, NAME))


def assemble(settings: Settings, todo: dict[str, Job], out: dict[str, Any]) -> ExperimentResult:
    """The result of :func:`run` from its jobs' outputs: tables, notes and figures."""
    data = todo["none"].arg.data
    source = _source(settings.data)
    rows = []
    for name, r in out.items():
        gap = r["train_accuracy"] - r["test_accuracy"]
        rows.append(
            [
                name,
                f"{r['costs']['0']:.6g}",
                pct(r["train_accuracy"]),
                pct(r["test_accuracy"]),
                f"{100 * gap:+.1f} pts",
            ]
        )
    notes = [
        f"Data: {source}, {len(data[1])} training and {len(data[3])} test examples.",
        "Dropout masks: mask_layout='examples', rand(m, n) per layer, redrawn every iteration.",
    ]
    # The course's printed numbers are compared only when this is its data.mat, which
    # shows in the results: 'none' and 'l2' then repeat them (costs to rounding).
    course_data = settings.data is not None and all(_matches_course(out[v], v) for v in COURSE_L2)
    if course_data:
        rows = [
            row + [pct(COURSE_MAT[row[0]]["train"]), pct(COURSE_MAT[row[0]]["test"])]
            for row in rows
        ]
        notes.append(
            "This is the course's data.mat: 'none' and 'l2' repeat the course's costs (to "
            "rounding) and accuracies exactly. Dropout masks are drawn in the (examples, "
            "units) layout (Dropout(mask_layout='examples'), the closest to the course's "
            "numbers of both layouts) and redrawn every iteration; the course re-seeds "
            "np.random.seed(1) before every forward pass, so it trains with one fixed mask, "
            "and its dropout numbers are not those of a correct dropout."
        )
    elif settings.data is not None:
        notes.append(
            "These results differ from the course's on its data.mat, so the file is other "
            "data (or changed): the course's numbers are not shown beside them."
        )
    columns = ["variant", "cost at 0", "train", "test", "train - test"]
    if course_data:
        columns += ["course train", "course test"]
    result = ExperimentResult(
        NAME,
        TITLE,
        FINDING,
        results={name: entry(r) for name, r in out.items()},
        tables=[Table("Accuracy and the train-test gap.", columns, rows)],
        notes=notes,
        summary=summary_rows(out),
    )
    if settings.figures:
        from ..plots import cost_curves, decision_boundaries

        result.figures[f"{NAME}_costs"] = cost_curves(
            {name: r["curve"] for name, r in out.items()}, title="Cost per iteration"
        )
        result.figures[f"{NAME}_boundaries"] = decision_boundaries(
            {
                f"{name} (train {pct(r['train_accuracy'])}, test {pct(r['test_accuracy'])})": r[
                    "grid"
                ]
                for name, r in out.items()
            },
            data[0],
            data[1],
            title="Decision boundaries on the training set",
        )
    return result
