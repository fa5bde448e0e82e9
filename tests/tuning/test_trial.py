"""One trial's record: ok, failed, diverged, pruned, and where it ran."""

from __future__ import annotations

import math

from trainwell.exceptions import TrainingDiverged
from trainwell.tuning.pruners import ASHAPruner
from trainwell.tuning.trial import WorkerLost, run_trial


def reporting(config, *, random_state, report=None):
    for epoch in (1, 2, 3):
        report(epoch, config["value"])
    return {"dev_score": config["value"], "train_score": 1.0, "epochs": 3}


def test_outcomes_become_statuses_with_their_reason():
    def raises(config, *, random_state):
        raise KeyError("missing")

    def diverges(config, *, random_state):
        raise TrainingDiverged("cost is inf")

    def nan(config, *, random_state):
        return {"dev_score": math.nan, "train_score": 0.0}

    assert run_trial(raises, (0, 0, {}, 1)).error == "KeyError: 'missing'"
    assert run_trial(diverges, (0, 0, {}, 1)).status == "diverged"
    assert run_trial(nan, (0, 0, {}, 1)).status == "diverged"


def test_a_context_passes_report_and_the_pruner_stops_the_trial():
    context = {"pruner": ASHAPruner(1, 2), "snapshot": {1: [0.9]}, "direction": "maximize",
               "timeout": None}  # fmt: skip
    pruned = run_trial(reporting, (3, 0, {"value": 0.5}, 7), context=context)
    assert pruned.status == "pruned" and pruned.metrics["epochs"] == 1
    assert pruned.intermediate == [[1, 0.5]] and pruned.dev_score is None
    kept = run_trial(reporting, (4, 0, {"value": 0.95}, 7), context=context)
    assert kept.ok and kept.intermediate == [[1, 0.95], [2, 0.95], [3, 0.95]]
    assert kept.worker == "main" and kept.host


def test_worker_lost_says_whether_the_trial_is_to_blame():
    assert "innocent=True" in repr(WorkerLost("data lost", innocent=True))
