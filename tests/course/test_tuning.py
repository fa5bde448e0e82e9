"""Experiment 9, with a third of the epochs per trial."""

import pytest

from trainwell.course import tuning
from trainwell.course._base import Settings


@pytest.fixture(scope="module")
def results():
    return tuning.run(Settings(scale=0.3, figures=False)).results


def test_random_tries_more_learning_rates(results):
    rg = results["random_vs_grid"]
    assert rg["grid"]["distinct_learning_rates"] == 4
    assert rg["random"]["distinct_learning_rates"] == rg["budget"] == 16


def test_log_sampling_covers_every_decade(results):
    log, linear = (results["log_vs_linear"][k]["trials_per_decade"] for k in ("log", "linear"))
    assert min(log.values()) >= 1
    assert linear["0.1-1"] >= 10  # a uniform draw crowds into the top decade


def test_coarse_to_fine_zooms_in(results):
    first, second = (r["box"]["learning_rate"] for r in results["coarse_to_fine"]["rounds"])
    assert first[0] <= second[0] < second[1] <= first[1]
    assert second[1] / second[0] < first[1] / first[0]


def test_learning_rate_matters_most(results):
    rows = results["importance"]
    assert rows[0]["name"] == "learning_rate" and rows[0]["course_tier"] == 1
