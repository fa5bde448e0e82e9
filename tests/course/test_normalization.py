"""Experiment 8: standardized inputs train where raw ones stall."""

from trainwell.course import normalization
from trainwell.course._base import Settings


def test_standardized_inputs_train():
    result = normalization.run(Settings(scale=0.25, figures=False)).results
    raw, std = result["raw"], result["standardized"]
    assert raw["test_accuracy"] < 0.7  # stuck near the majority class
    assert std["test_accuracy"] > 0.93
    assert result["feature_range"]["largest_std"] > 1e4 * result["feature_range"]["smallest_std"]
