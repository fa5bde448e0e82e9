"""The sigmoid's tails in every engine: full relative precision, never exactly 0.

``(1 + tanh(z/2)) / 2`` cancels for z < 0 (0 below z = -38, so ``log(predict_proba)``
was -inf); every engine now computes ``e^z / (1 + e^z)`` there. The reference is
scipy.special.expit.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from tests.conftest import require
from trainwell.nn import Dense, Network
from trainwell.nn.activations import ACTIVATIONS, LEAKY_SLOPE

SIG = ACTIVATIONS["sigmoid"]
Z = np.concatenate([-np.logspace(-3, np.log10(745), 400), np.linspace(-40, 40, 401)])


def _ulps(got, want):
    return np.abs(got - want) / np.spacing(np.abs(want))


def test_numpy_sigmoid_has_full_relative_precision_on_both_tails():
    got = SIG.forward(Z.reshape(1, -1), np.empty((1, Z.size)))[0]
    assert (got > 0).all()  # down to z = -745, where e^z is the smallest subnormal
    assert _ulps(got[Z > -708], expit(Z[Z > -708])).max() <= 4
    assert np.isfinite(np.log(got)).all()


def test_numpy_sigmoid_in_place_equals_out_of_place():
    A = SIG.forward(Z.reshape(1, -1), np.empty((1, Z.size)))
    same = Z.reshape(1, -1).copy()
    np.testing.assert_array_equal(SIG.forward(same, same), A)


def test_array_api_sigmoid_equals_numpy_on_the_tails():
    xps = require("array_api_strict")
    got = np.asarray(SIG.xp_forward(xps, xps.asarray(Z)))
    np.testing.assert_array_equal(got, SIG.forward(Z.reshape(1, -1), np.empty((1, Z.size)))[0])
    np.testing.assert_array_equal(np.asarray(SIG.xp_forward(xps, xps.asarray([np.nan]))), [np.nan])


def test_numba_hidden_sigmoid_has_full_relative_precision():
    require("numba")
    from trainwell.nn import _fast_kernels

    Zr = Z.reshape(1, -1).copy()
    A = np.empty_like(Zr)
    _fast_kernels._bias_act(4, Zr, A, 0.0, 0, Zr.shape[1], LEAKY_SLOPE)
    assert (A > 0).all()
    assert _ulps(A[0, Z > -708], expit(Z[Z > -708])).max() <= 4


@pytest.mark.parametrize("z", [-50.0, 50.0, -700.0, 700.0])
def test_predict_proba_is_never_exactly_zero(z):
    """A single sigmoid unit with logit z: both columns positive, their logs finite."""
    net = Network([Dense(1, "sigmoid")], input_dim=1, random_state=0)
    net.set_parameters({"W1": [[1.0]], "b1": [0.0]})
    proba = net.predict_proba(np.array([[z]]))
    np.testing.assert_allclose(proba[0], [expit(-z), expit(z)], rtol=1e-15)
    assert np.isfinite(np.log(proba)).all()
