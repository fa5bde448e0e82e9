"""The compiled engine's public face: the names the training loop uses."""

import numpy as np
import pytest

from trainwell.exceptions import InvalidParameterError
from trainwell.nn import BatchNorm, Dense, Network, compiled
from trainwell.optim import Adam


def test_an_unknown_engine_is_refused_by_name():
    with pytest.raises(InvalidParameterError, match="gpu"):
        compiled.resolve_engine("gpu")


def test_plan_keeps_networks_the_kernel_cannot_take_on_numpy():
    net = Network([Dense(3, "relu"), BatchNorm(), Dense(1, "sigmoid")], input_dim=2)
    notes: list[str] = []
    assert compiled.plan(net, Adam(), 4, "numpy", notes=notes) is None


def test_update_function_on_numpy_is_the_optimizers_own_update():
    theta, grad = np.ones(3), np.full(3, 0.5)
    opt = Adam()
    state = opt.init(theta)
    compiled.update_function(opt, theta, "numpy")(theta, grad, state, 0.1)
    expected = np.ones(3)
    opt.update(expected, np.full(3, 0.5), Adam().init(expected), 0.1)
    assert not np.array_equal(theta, np.ones(3))  # it stepped
    np.testing.assert_array_equal(theta, expected)
