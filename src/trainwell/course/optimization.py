"""Experiment 4, optimization (course 2, week 2, "Optimization Methods" assignment).

Moons ``make_moons(n_samples=300, noise=0.2, random_state=3)``; network [2, 5, 2, 1] (relu,
relu, sigmoid) with He weights from ``RandomState(3)``; mini-batches of 64 reshuffled each
epoch exactly as the course does (seed 11 + epoch), 10,000 epochs.

* ``gd``: ``W = W - alpha dW`` with alpha = 0.0007;
* ``momentum``: ``v = beta v + (1 - beta) dW``, ``W = W - alpha v`` (beta 0.9);
* ``adam``: ``v`` and ``s = beta2 s + (1 - beta2) dW^2``, bias-corrected, then
  ``W = W - alpha v_hat / (sqrt(s_hat) + epsilon)`` (0.9, 0.999, 1e-8);
* ``*_decay``: the same with learning-rate decay from alpha0 = 0.1,
  ``alpha = alpha0 / (1 + decay_rate * floor(epoch / 1000))`` with decay_rate 1.
"""

from __future__ import annotations

from typing import Any

from ..data import load_moons
from ..nn import Dense
from ..optim import Adam, FixedIntervalDecay, GradientDescent, Momentum
from ..training import auto_batch_size
from ._base import (
    DEFAULT,
    CourseDecay,
    ExperimentResult,
    Job,
    Run,
    Settings,
    Table,
    course_shuffle,
    entry,
    pct,
    run_jobs,
    steps,
    summary_rows,
    train,
)

NAME = "optimization"
TITLE = "Optimization: mini-batch GD, momentum, Adam, learning-rate decay"
FINDING = (
    "At a small fixed learning rate mini-batch gradient descent and momentum stall near 80% "
    "while Adam reaches about 94%; with learning-rate decay all three do well."
)
EPOCHS = 10_000
OPTIMIZERS = {
    "gd": GradientDescent(),
    "momentum": Momentum(beta=0.9),
    "adam": Adam(beta1=0.9, beta2=0.999, epsilon=1e-8),
}
COURSE_TRAIN = {
    "gd": "79.7%",
    "momentum": "79.7%",
    "adam": "94.0%",  # the course's printout
    "gd_decay": "about 94%",
    "momentum_decay": "about 95%",
    "adam_decay": "about 94%",
}


def runs(settings: Settings) -> dict[str, Run]:
    """The six variants: three optimizers, without and with decay."""
    X, y, _, _ = load_moons()
    # The course has no test set: a second draw of the same distribution serves as one.
    Xt, yt, _, _ = load_moons(n_samples=100, random_state=4)
    epochs = steps(EPOCHS, settings)
    out = {}
    for decay in (False, True):
        for name, opt in OPTIMIZERS.items():
            fit = {
                "optimizer": opt,
                "learning_rate": 0.0007,
                "epochs": epochs,
                "batch_size": 64,
                "shuffle": course_shuffle,
            }
            if decay:
                # The course computes the decayed rate at the end of epoch i and uses it
                # from epoch i + 1 on: CourseDecay shifts the schedule by one epoch.
                fit["schedule"] = CourseDecay(
                    FixedIntervalDecay(0.1, decay_rate=1.0, time_interval=1000)
                )
            out[f"{name}_decay" if decay else name] = Run(
                layers=[Dense(5, "relu", "he"), Dense(2, "relu", "he"), Dense(1, "sigmoid", "he")],
                data=(X, y, Xt, yt),
                fit=fit,
                grid=settings.figures,
            )
    return out


def jobs(settings: Settings) -> dict[str, Job]:
    """The independent jobs of :func:`run`: one training per variant."""
    return {name: Job(train, spec) for name, spec in runs(settings).items()}


def run(settings: Settings = DEFAULT) -> ExperimentResult:
    """Train the six variants.

    Returns
    -------
    ExperimentResult
        ``results`` keyed gd, momentum, adam, gd_decay, momentum_decay, adam_decay; costs
        every 1000 epochs (each the mean over the epoch's mini-batches, before their
        updates, as the course prints it).
    """
    todo = jobs(settings)
    return assemble(settings, todo, run_jobs(todo, settings, NAME))


def assemble(settings: Settings, todo: dict[str, Job], out: dict[str, Any]) -> ExperimentResult:
    """The result of :func:`run` from its jobs' outputs: tables, notes and figures."""
    specs = {name: job.arg for name, job in todo.items()}
    result = ExperimentResult(
        NAME,
        TITLE,
        FINDING,
        results={name: entry(r) for name, r in out.items()},
        tables=[
            Table(
                "Training accuracy against the course's, and accuracy on 100 fresh moons.",
                ["variant", "cost at 0", "final cost", "train", "course train", "test"],
                [
                    [
                        name,
                        f"{r['costs']['0']:.6g}",
                        f"{r['curve'][-1]:.4g}",
                        pct(r["train_accuracy"]),
                        COURSE_TRAIN[name],
                        pct(r["test_accuracy"]),
                    ]
                    for name, r in out.items()
                ],
            )
        ],
        notes=[
            "The course has no test set for this experiment; the test column uses "
            "make_moons(n_samples=100, noise=0.2, random_state=4).",
            "Mini-batches follow the course's reseeding (np.random.seed(11 + epoch), then a "
            "permutation) and its decay timing (the rate computed at the end of epoch i "
            "is used from epoch i + 1), so the runs without decay repeat the course's "
            "accuracies to the digit.",
            "The course's advice on the mini-batch size, as fit(batch_size='auto') applies "
            f"it: the full batch up to m = 2000 (here m = {len(specs['gd'].data[1])} gives "
            f"{auto_batch_size(len(specs['gd'].data[1]))}), else a power of two in [64, 512] "
            f"(m = 60,000 gives {auto_batch_size(60_000)}). The recipe uses 64, as the course "
            "does, to show mini-batch noise.",
        ],
        summary=summary_rows(out),
    )
    if settings.figures:
        from ..plots import cost_curves, decision_boundaries

        X, y = specs["gd"].data[:2]
        for suffix, label in (
            ("", "fixed learning rate 0.0007"),
            ("_decay", "decay from 0.1, every 1000 epochs"),
        ):
            names = [n + suffix for n in OPTIMIZERS]
            result.figures[f"{NAME}_costs{suffix}"] = cost_curves(
                {n: out[n]["curve"] for n in names},
                xlabel="epoch",
                title=f"Cost per epoch, {label}",
            )
        result.figures[f"{NAME}_boundaries"] = decision_boundaries(
            {f"{n} ({pct(r['train_accuracy'])} train)": r["grid"] for n, r in out.items()},
            X,
            y,
            title="Decision boundaries on the training set",
        )
    return result
