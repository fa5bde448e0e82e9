"""Playground's xor and two gaussians."""

from __future__ import annotations

import numpy as np
import pytest

from trainwell.data import load_gaussians, load_xor
from trainwell.exceptions import InvalidParameterError


def test_xor_labels_are_the_sign_of_the_product_without_noise():
    d = load_xor(n_train=500, n_test=50, noise=0.0, random_state=2)
    assert d.X_train.shape == (500, 2) and d.X_test.shape == (50, 2)
    np.testing.assert_array_equal(d.y_train, (d.X_train.prod(axis=1) > 0).astype(int))
    assert (np.abs(d.X_train) >= 0.06).all() and (np.abs(d.X_train) <= 1.06).all()
    assert np.array_equal(load_xor(random_state=2).X_train, load_xor(random_state=2).X_train)


def test_gaussians_are_centred_and_balanced():
    d = load_gaussians(n_train=4000, n_test=10, noise=0.0, random_state=1)
    for k, centre in ((0, -0.4), (1, 0.4)):
        part = d.X_train[d.y_train == k]
        assert len(part) == 2000
        np.testing.assert_allclose(part.mean(axis=0), centre, atol=0.01)
        np.testing.assert_allclose(part.std(axis=0), 0.1, atol=0.01)


@pytest.mark.parametrize("loader", [load_xor, load_gaussians])
def test_bad_parameters_are_named(loader):
    with pytest.raises(InvalidParameterError, match="'noise'"):
        loader(noise=-1)
    with pytest.raises(InvalidParameterError, match="'n_train'"):
        loader(n_train=1)
