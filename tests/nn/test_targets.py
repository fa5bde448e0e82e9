"""Labels and targets: refused with the reason instead of a raw error or a silent 0.0."""

from __future__ import annotations

import numpy as np
import pytest

from trainwell.exceptions import DataError
from trainwell.nn.targets import encode_targets, score_labels


@pytest.mark.parametrize(
    ("y", "match"),
    [
        ([0, "a", 1], "mixes numbers and strings"),
        (np.array([0, "b", 1], dtype=object), "mixes numbers and strings"),
        (np.ma.masked_array([0, 1, 1], mask=[0, 1, 0]), "masked array with 1 masked"),
        (None, "must be an array"),
        ([0, 1], "different numbers of samples"),
        (["a", "b", "c"], "must be numeric"),
    ],
)
def test_bad_labels(y, match):
    with pytest.raises(DataError, match=match):
        encode_targets(y, 3, 1, "binary_crossentropy", np.float64)


def test_score_labels_refuse_strings_and_keep_numbers():
    with pytest.raises(DataError, match="numeric labels"):
        score_labels(np.array(["yes", "no"]))
    np.testing.assert_array_equal(score_labels([1, 0]), [1, 0])
