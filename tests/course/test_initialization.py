"""Experiment 1 on the full recipe: the course's numbers, and its qualitative findings."""

import numpy as np
import pytest

from trainwell.course import initialization
from trainwell.course._base import Settings


@pytest.fixture(scope="module")
def result():
    return initialization.run(Settings(figures=False))


def test_he_repeats_the_course(result):
    he = result.results["he"]
    # "Cost after iteration 0: 0.8830537463419761", train 0.9933..., test 0.96
    assert he["costs"]["0"] == pytest.approx(0.8830537463419761, rel=1e-12)
    assert he["train_accuracy"] == pytest.approx(298 / 300, abs=1e-15)
    assert he["test_accuracy"] == pytest.approx(0.96, abs=1e-15)


def test_zeros_never_break_symmetry(result):
    zeros = result.results["zeros"]
    assert zeros["train_accuracy"] == 0.5 and zeros["test_accuracy"] == 0.5
    np.testing.assert_allclose(list(zeros["costs"].values()), np.log(2), rtol=1e-12)


def test_he_beats_large_random(result):
    rand, he = result.results["random"], result.results["he"]
    assert (rand["train_accuracy"], rand["test_accuracy"]) == pytest.approx((0.83, 0.86))
    assert he["train_accuracy"] > rand["train_accuracy"] + 0.1
    assert he["test_accuracy"] > rand["test_accuracy"] + 0.05
    assert rand["costs"]["0"] > 100  # finite where the course prints inf
    assert np.isfinite(rand["costs"]["0"])


def test_costs_every_1000_iterations(result):
    for variant in ("zeros", "random", "he"):
        entry = result.results[variant]
        assert set(entry) == {"train_accuracy", "test_accuracy", "costs"}
        assert list(entry["costs"]) == [str(i) for i in range(0, 15000, 1000)]
