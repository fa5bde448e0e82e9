"""The synthetic objective: a bowl, and a learning curve reported when asked."""

from __future__ import annotations

import pytest

from trainwell.tuning import SyntheticObjective


def test_without_report_it_returns_the_bowl_at_once():
    objective = SyntheticObjective({"learning_rate": 0.01}, epochs=5)
    out = objective({"learning_rate": 0.01}, random_state=0)
    assert out["dev_score"] == 1.0 and "epochs" not in out


def test_with_report_it_walks_a_rising_curve_to_its_score():
    seen = []
    objective = SyntheticObjective({"learning_rate": 0.01}, epochs=5, curve_scale=1.0)
    out = objective({"learning_rate": 0.1}, random_state=0, report=lambda e, v: seen.append((e, v)))
    assert [e for e, _ in seen] == [1, 2, 3, 4, 5] and out["epochs"] == 5
    values = [v for _, v in seen]
    assert values == sorted(values) and values[-1] < out["dev_score"]
    assert values[-1] == pytest.approx(out["dev_score"] - 0.5 * 2.718281828459045**-5)
