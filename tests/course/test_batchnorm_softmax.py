"""Experiment 7: batch norm trains at larger learning rates."""

import pytest

from trainwell.course import batchnorm_softmax
from trainwell.course._base import Settings


@pytest.fixture(scope="module")
def results():
    return batchnorm_softmax.run(Settings(figures=False)).results


def test_batchnorm_tolerates_larger_rates(results):
    largest = results["largest_stable_learning_rate"]
    assert largest["plain"] is not None
    assert largest["batchnorm"] >= 3 * largest["plain"]


def test_both_classify_digits(results):
    for name in ("plain", "batchnorm"):
        assert results[name]["test_accuracy"] > 0.93
    assert results["batchnorm"]["costs"]["25"] < results["plain"]["costs"]["25"]
