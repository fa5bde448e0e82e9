"""Experiment 6: momentum damps the zig-zag; adaptive methods leave the saddle sooner."""

import pytest

from trainwell.course import trajectories
from trainwell.course._base import Settings


@pytest.fixture(scope="module")
def results():
    return trajectories.run(Settings(figures=False)).results


def test_momentum_damps_the_oscillation(results):
    bowl = results["bowl"]
    assert bowl["momentum"]["w2_travel"] < 0.7 * bowl["gd"]["w2_travel"]
    for name in ("rmsprop", "adam"):
        assert bowl[name]["w2_travel"] < 0.5 * bowl["gd"]["w2_travel"]
        assert bowl[name]["w1_progress"] > bowl["gd"]["w1_progress"]


def test_adaptive_methods_leave_the_saddle_sooner(results):
    saddle = results["saddle"]
    for name in ("rmsprop", "adam"):
        assert saddle[name]["escape_step"] < saddle["gd"]["escape_step"] / 2


def test_path_is_the_optimizer_update():
    from trainwell.optim import Momentum

    P = trajectories.path(Momentum(beta=0.5), 1.0, lambda w: w, (2.0, 0.0), 2)
    # v1 = 0.5 * 2 = 1, w1 = 1; v2 = 0.5 * 1 + 0.5 * 1 = 1, w2 = 0
    assert P[:, 0].tolist() == [2.0, 1.0, 0.0]
