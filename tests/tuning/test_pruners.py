"""ASHA and the median rule: unit behaviour, and pruned trials in a real search."""

from __future__ import annotations

import pytest

from trainwell.exceptions import InvalidParameterError
from trainwell.tuning import LogUniform, NetworkObjective, SyntheticObjective, random_search
from trainwell.tuning.pruners import (
    ASHAPruner,
    MedianPruner,
    Reporter,
    TrialPruned,
    TrialTimeout,
    make_pruner,
)

SPACE = {"learning_rate": LogUniform(1e-4, 1.0)}


def curved(**kw):
    return SyntheticObjective({"learning_rate": 0.01}, noise=0.01, epochs=27, **kw)


def test_asha_keeps_the_best_third_at_each_rung():
    asha = ASHAPruner(min_epochs=1, reduction_factor=3)
    assert asha.rungs(27) == [1, 3, 9]
    snapshot = {1: [0.1, 0.2, 0.3, 0.4, 0.5]}
    # 6 values with the candidate: the best 2 go on
    assert not asha.should_prune(snapshot, 1, 0.45, "maximize")
    assert asha.should_prune(snapshot, 1, 0.35, "maximize")
    assert not asha.should_prune(snapshot, 1, 0.15, "minimize")
    assert not asha.should_prune(snapshot, 2, 0.0, "maximize")  # not a rung
    assert asha.should_prune({}, 1, float("nan"), "maximize")


def test_median_pruner_waits_for_enough_trials_and_the_warmup():
    median = MedianPruner(warmup_epochs=2, min_trials=3)
    assert not median.should_prune({1: [0.9, 0.9, 0.9]}, 1, 0.1, "maximize")  # warmup
    assert not median.should_prune({2: [0.9, 0.9]}, 2, 0.1, "maximize")  # too few
    assert median.should_prune({2: [0.5, 0.6, 0.9]}, 2, 0.55, "maximize")
    assert not median.should_prune({2: [0.5, 0.6, 0.9]}, 2, 0.55, "minimize")


def test_reporter_raises_pruned_and_timeout():
    with pytest.raises(TrialPruned, match="after epoch 1"):
        Reporter(ASHAPruner(1, 2), {1: [0.9]}, "maximize")(1, 0.5)
    with pytest.raises(TrialTimeout, match="timeout of 1 s"):
        Reporter(None, {}, "maximize", deadline=0.0, timeout=1.0)(1, 0.5)


def test_make_pruner_checks_its_input():
    assert make_pruner(None) is None
    assert isinstance(make_pruner("median", min_trials=2), MedianPruner)
    with pytest.raises(InvalidParameterError, match="'pruner' parameter must be one of"):
        make_pruner("hyperband")
    with pytest.raises(InvalidParameterError, match="reduction_factor"):
        make_pruner("asha", reduction_factor=1)
    with pytest.raises(InvalidParameterError, match="Options of pruner"):
        make_pruner("asha", eta=3)


def test_a_pruned_search_records_pruned_trials_and_saves_epochs():
    full = random_search(curved(), SPACE, 30, random_state=0, pruner=None)
    asha = random_search(curved(), SPACE, 30, random_state=0, pruner=ASHAPruner(1, 3))
    pruned = [t for t in asha.trials if t.status == "pruned"]
    assert pruned and all(t.metrics["epochs"] in (1, 3, 9) for t in pruned)
    assert all(t.intermediate[-1][0] == t.metrics["epochs"] for t in pruned)
    assert all(t.dev_score is None for t in pruned)
    epochs = sum(t.metrics.get("epochs", 27) for t in asha.trials)
    assert epochs < 0.5 * 27 * 30
    assert asha.best_score >= full.best_score - 0.01
    # same seed, same pruned trials (a serial search is deterministic)
    again = random_search(curved(), SPACE, 30, random_state=0, pruner="asha")
    assert [t.status for t in again.trials] == [t.status for t in asha.trials]


def test_a_pruner_needs_a_reporting_objective():
    def plain(config, *, random_state):
        return {"dev_score": 0.0, "train_score": 0.0}

    with pytest.raises(InvalidParameterError, match="takes no 'report'"):
        random_search(plain, SPACE, 2, random_state=0, pruner="asha")


def test_network_objective_reports_each_epoch_and_is_pruned():
    from sklearn.datasets import make_moons

    X, y = make_moons(120, noise=0.2, random_state=0)
    objective = NetworkObjective(X[:90], y[:90], X[90:], y[90:], fixed={"epochs": 9})
    result = random_search(
        objective, SPACE, 8, random_state=0, pruner=ASHAPruner(min_epochs=1, reduction_factor=2)
    )
    assert {t.status for t in result.trials} <= {"ok", "pruned"}
    assert any(t.status == "pruned" for t in result.trials)
    done = [t for t in result.trials if t.ok]
    assert all([e for e, _ in t.intermediate] == list(range(1, 10)) for t in done)
    # the last reported value is the dev score of the finished network
    assert all(t.intermediate[-1][1] == pytest.approx(t.dev_score) for t in done)
