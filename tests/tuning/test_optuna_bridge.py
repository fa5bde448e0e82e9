"""Trainwell objectives in Optuna studies: scales, reports, pruning."""

from __future__ import annotations

import math

import pytest

from tests.conftest import require
from trainwell.tuning import (
    Choice,
    IntLogUniform,
    IntUniform,
    LogUniform,
    NetworkObjective,
    OneMinusLogUniform,
    SyntheticObjective,
    Uniform,
)

optuna = require("optuna")
from trainwell.tuning.optuna_bridge import (  # noqa: E402
    optuna_objective,
    suggest,
    to_optuna_distributions,
)

SPACE = {
    "learning_rate": LogUniform(1e-4, 1.0),
    "beta2": OneMinusLogUniform(0.9, 0.9999),
    "l2": Uniform(0.0, 1.0),
    "hidden_units": IntLogUniform(4, 64),
    "layers": IntUniform(1, 3),
    "optimizer": Choice(["adam", "rmsprop"]),
}


def test_every_distribution_converts_in_its_own_scale():
    d = to_optuna_distributions(SPACE)
    assert d["learning_rate"].log and (d["learning_rate"].low, d["learning_rate"].high) == (
        1e-4,
        1.0,
    )
    one_minus = d["one_minus_beta2"]
    assert one_minus.log and one_minus.low == pytest.approx(1e-4)
    assert one_minus.high == pytest.approx(0.1)
    assert not d["l2"].log
    assert d["hidden_units"].log and isinstance(
        d["hidden_units"], optuna.distributions.IntDistribution
    )
    assert not d["layers"].log
    assert d["optimizer"].choices == ("adam", "rmsprop")


def test_suggest_maps_one_minus_beta_back_and_stays_in_range():
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    configs = []
    for _ in range(40):
        trial = study.ask()
        configs.append(suggest(trial, SPACE))
        study.tell(trial, 0.0)
    betas = [c["beta2"] for c in configs]
    assert all(0.9 <= b <= 0.9999 for b in betas)
    # uniform in log10(1 - beta): about half the draws have 1 - beta below 1e-2.5
    assert 10 <= sum(math.log10(1 - b) < -2.5 for b in betas) <= 30
    assert set(configs[0]) == set(SPACE)


def test_a_study_reports_each_epoch_and_prunes():
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    objective = SyntheticObjective({"learning_rate": 0.01}, epochs=9, noise=0.01)
    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.RandomSampler(seed=0),
        pruner=optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3),
    )
    study.optimize(optuna_objective(objective, {"learning_rate": LogUniform(1e-4, 1)}), 20)
    states = [t.state for t in study.trials]
    assert optuna.trial.TrialState.PRUNED in states
    complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    assert all(sorted(t.intermediate_values) == list(range(1, 10)) for t in complete)
    assert study.best_value > 0.8


def test_a_network_objective_runs_in_a_study():
    from sklearn.datasets import make_moons

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    X, y = make_moons(120, noise=0.2, random_state=0)
    objective = NetworkObjective(X[:90], y[:90], X[90:], y[90:], fixed={"epochs": 5})
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=1))
    study.optimize(optuna_objective(objective, {"learning_rate": LogUniform(1e-3, 0.3)}), 3)
    assert len(study.trials) == 3 and all(len(t.intermediate_values) == 5 for t in study.trials)
    best = study.best_trial
    again = objective(best.params, random_state=best.number)
    assert again["dev_score"] == best.value  # the same seed: the same network
