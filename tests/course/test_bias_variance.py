"""Experiment 10: the course's verdicts and a learning curve."""

import warnings

from trainwell.course import bias_variance
from trainwell.course._base import Settings
from trainwell.exceptions import ConvergenceWarning


def test_course_cases_and_learning_curve():
    with warnings.catch_warnings():  # the course's 40-epoch budget is deliberate: no warning
        warnings.simplefilter("error", ConvergenceWarning)
        results = bias_variance.run(Settings(figures=False)).results
    verdicts = [c["verdict"] for c in results["course_cases"]]
    assert verdicts == ["high variance", "high bias", "both", "neither"]
    curve = results["learning_curve"]
    assert curve["sizes"] == list(bias_variance.SIZES)
    assert curve["dev_error"][-1] < curve["dev_error"][0] / 3  # more data, less variance
    assert results["diagnosis"]["variance"] == curve["dev_error"][-1] - curve["train_error"][-1]
