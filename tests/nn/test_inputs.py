"""Preprocessing stored in a model file: plain arrays and an allow-listed kind."""

from __future__ import annotations

import numpy as np
import pytest

from trainwell.data import Standardizer
from trainwell.exceptions import CheckpointError, DataError, InvalidParameterError
from trainwell.nn.inputs import InputTransform


def test_apply_equals_the_standardizer_bit_for_bit():
    X = np.random.RandomState(0).randn(40, 3) * [1, 1e3, 1e-3] + 7
    scaler = Standardizer().fit(X)
    t = InputTransform.from_scaler(scaler)
    np.testing.assert_array_equal(t.apply(X), scaler.transform(X))


def test_arrays_round_trip_and_kind_is_allow_listed():
    t = InputTransform("standardize", [1.0, 2.0], [3.0, 4.0])
    back = InputTransform.from_arrays(t.to_arrays(), "m.npz")
    np.testing.assert_array_equal(back.mean, t.mean)
    np.testing.assert_array_equal(back.scale, t.scale)
    assert InputTransform.from_arrays({}, "m.npz") is None
    bad = {**t.to_arrays(), "preprocessing:kind": np.array("builtins.exec")}
    with pytest.raises(CheckpointError, match="must be one of 'standardize'"):
        InputTransform.from_arrays(bad, "m.npz")


@pytest.mark.parametrize(
    ("mean", "scale"),
    [([0.0], [0.0]), ([np.nan], [1.0]), ([0.0, 1.0], [1.0]), ([[0.0]], [[1.0]])],
)
def test_invalid_statistics_are_refused(mean, scale):
    with pytest.raises(DataError, match="finite, with positive scales"):
        InputTransform("standardize", mean, scale)


def test_an_unfitted_scaler_is_refused():
    with pytest.raises(InvalidParameterError, match="fitted Standardizer"):
        InputTransform.from_scaler(Standardizer())


def test_huge_inputs_divide_first_instead_of_overflowing():
    t = InputTransform("standardize", [-1e308], [1e308])
    np.testing.assert_allclose(t.apply(np.array([[1e308]])), [[2.0]])
