"""Experiment 5: bias correction removes the start-up dip."""

import pytest

from trainwell.course import moving_averages
from trainwell.course._base import Settings


@pytest.fixture(scope="module")
def results():
    return moving_averages.run(Settings(figures=False)).results


def test_bias_correction_removes_the_start_up_dip(results):
    first_day = results["first_day"]
    for beta in ("0.9", "0.98"):
        r = results[beta]
        assert r["first_value"]["uncorrected"] == pytest.approx((1 - float(beta)) * first_day)
        assert r["first_value"]["corrected"] == pytest.approx(first_day)
        assert r["start_up_error"]["corrected"] < 0.3 * r["start_up_error"]["uncorrected"]


def test_window_and_lag(results):
    assert [round(results[b]["days_averaged"]) for b in ("0.5", "0.9", "0.98")] == [2, 10, 50]
    # after the start-up: beta 0.98 lags the seasons, beta 0.5 follows the noise
    assert results["0.9"]["error_after_start_up"] < results["0.98"]["error_after_start_up"]
    assert results["0.9"]["error_after_start_up"] < results["0.5"]["error_after_start_up"]
