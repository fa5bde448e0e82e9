"""scikit-learn's learning-rate rules and stopping rule, as trainwell callbacks."""

from __future__ import annotations

import pytest

from trainwell._sklearn_callbacks import InvScaling, SklearnStopping, ValidationScores
from trainwell.training import TrainingContext


def test_invscaling_is_eta0_over_samples_seen_to_the_power_t():
    rule = InvScaling(0.1, 0.5, n_samples=99)
    assert rule(0) == 0.1 and rule(1) == pytest.approx(0.1 / 10.0)


def test_adaptive_divides_the_rate_by_5_then_stops():
    stop = SklearnStopping(lambda epoch: 0.01, tol=0.1, n_iter_no_change=1, adaptive=True)
    ctx = TrainingContext(None, None, {}, None, None, 10, 0)
    for epoch in range(3):
        stop.on_epoch_end(epoch, {"cost": 1.0, "learning_rate": stop(epoch)}, ctx)
    assert stop(3) == pytest.approx(0.002) and not ctx.stop_training
    plain = SklearnStopping(lambda epoch: 0.01, tol=0.1, n_iter_no_change=1, adaptive=False)
    for epoch in range(3):
        plain.on_epoch_end(epoch, {"cost": 1.0, "learning_rate": 0.01}, ctx)
    assert ctx.stop_training and "did not improve" in plain.message


def test_validation_scores_are_appended_each_epoch():
    scores = ValidationScores(lambda network: 0.5)
    ctx = TrainingContext(None, None, {}, None, None, 10, 0)
    scores.on_epoch_end(0, {}, ctx)
    scores.on_epoch_end(1, {}, ctx)
    assert scores.scores == [0.5, 0.5]
