"""The compiled kernel's single pass: cost and gradient without an update."""

import numpy as np
import pytest

from tests.conftest import require
from trainwell.exceptions import InvalidParameterError
from trainwell.nn import BatchNorm, Dense, Dropout, Mode, Network, compiled_path_unavailable

NO_DROPOUT = Mode(training=True, dropout=False, update_stats=False)


def _net(layers, **kw):
    return Network(layers, random_state=0, input_dim=4, **kw)


def _data(m=16):
    r = np.random.RandomState(1)
    return r.randn(m, 4), r.randint(0, 3, m)


@pytest.mark.parametrize("hidden", ["relu", "leaky_relu", "tanh", "sigmoid", "linear"])
def test_the_compiled_pass_equals_the_numpy_pass_and_leaves_theta(hidden):
    require("numba")
    X, y = _data()
    net = _net([Dense(5, hidden), Dense(3, "softmax")], l2=0.3, l1=0.1)
    Xc, Y = net.check_input(X), net.encode_targets(y)
    theta = net.theta.copy()
    J = net.loss_and_gradient(Xc, Y, NO_DROPOUT, engine="numba")
    g = net.grad.copy()
    np.testing.assert_array_equal(net.theta, theta)  # learning rate 0, restored bit for bit
    J_np = net.loss_and_gradient(Xc, Y, NO_DROPOUT)
    assert J == pytest.approx(J_np, rel=1e-12)
    np.testing.assert_allclose(g, net.grad, rtol=1e-10, atol=1e-14)


def test_frozen_masks_are_the_numpy_layers_masks():
    require("numba")
    X, y = _data()
    net = _net([Dropout(0.7), Dense(6, "relu"), Dropout(0.5), Dense(3, "softmax")])
    Xc, Y = net.check_input(X), net.encode_targets(y)
    net.forward_pass(Xc, Mode(True, True, False))  # the NumPy layers draw the masks
    frozen = Mode(True, True, False, freeze_masks=True)
    J = net.loss_and_gradient(Xc, Y, frozen, engine="numba")
    g = net.grad.copy()
    assert J == pytest.approx(net.loss_and_gradient(Xc, Y, frozen), rel=1e-12)
    np.testing.assert_allclose(g, net.grad, rtol=1e-10, atol=1e-14)


def test_masks_drawn_by_the_compiled_pass_are_kept_for_the_next_frozen_pass():
    require("numba")
    X, y = _data()
    net = _net([Dense(6, "tanh"), Dropout(0.5), Dense(3, "softmax")])
    Xc, Y = net.check_input(X), net.encode_targets(y)
    J = net.loss_and_gradient(Xc, Y, Mode(True, True, False), engine="numba")
    frozen = Mode(True, True, False, freeze_masks=True)
    assert net.loss_and_gradient(Xc, Y, frozen) == pytest.approx(J, rel=1e-12)
    assert net.loss_and_gradient(Xc, Y, frozen, engine="numba") == pytest.approx(J, rel=1e-12)


def test_a_nan_cost_leaves_theta_as_it_was():
    require("numba")
    X, y = _data()
    net = _net([Dense(5, "relu"), Dense(3, "softmax")])
    Xc, Y = net.check_input(X), net.encode_targets(y)
    Xc[0, 0] = np.nan
    theta = net.theta.copy()
    assert np.isnan(net.loss_and_gradient(Xc, Y, NO_DROPOUT, engine="numba"))
    np.testing.assert_array_equal(net.theta, theta)


def test_what_the_compiled_pass_cannot_run_is_named():
    net = _net([Dense(5, "relu"), BatchNorm(), Dense(1, "sigmoid")])
    assert compiled_path_unavailable(net) == "layer BatchNorm"
    X = net.check_input(np.zeros((2, 4)))
    with pytest.raises(InvalidParameterError, match="cannot compile layer BatchNorm"):
        net.loss_and_gradient(X, net.encode_targets([0, 1]), NO_DROPOUT, engine="numba")
    with pytest.raises(InvalidParameterError, match="must be None, 'numpy' or 'numba'"):
        net.loss_and_gradient(X, net.encode_targets([0, 1]), NO_DROPOUT, engine="cuda")
    f32 = _net([Dense(5, "relu"), Dense(1, "sigmoid")], dtype="float32")
    assert compiled_path_unavailable(f32).startswith("dtype float32")


def test_the_compiled_pass_equals_the_numpy_pass_on_drawn_networks():
    """A property over shapes, activations, outputs, regularization and batch sizes."""
    require("numba")
    from hypothesis import given, settings
    from hypothesis import strategies as st

    outputs = [("sigmoid", 1), ("sigmoid", 2), ("softmax", 3), ("linear", 2)]

    @settings(max_examples=25, deadline=None, derandomize=True)
    @given(
        widths=st.lists(st.integers(1, 6), min_size=1, max_size=3),
        hidden=st.sampled_from(["relu", "leaky_relu", "tanh", "sigmoid", "linear"]),
        output=st.sampled_from(outputs),
        l2=st.sampled_from([0.0, 0.5]),
        l1=st.sampled_from([0.0, 0.1]),
        m=st.integers(1, 19),
        seed=st.integers(0, 2**16),
    )
    def check(widths, hidden, output, l2, l1, m, seed):
        act, n_out = output
        net = Network(
            [Dense(w, hidden) for w in widths] + [Dense(n_out, act)],
            l2=l2,
            l1=l1,
            random_state=seed,
            input_dim=3,
        )
        r = np.random.RandomState(seed)
        X = net.check_input(r.randn(m, 3))
        y = r.randint(0, 3, m) if act == "softmax" else r.randint(0, 2, (m, n_out))
        Y = net.encode_targets(r.randn(m, n_out) if act == "linear" else y)
        J = net.loss_and_gradient(X, Y, NO_DROPOUT, engine="numba")
        g = net.grad.copy()
        assert J == pytest.approx(net.loss_and_gradient(X, Y, NO_DROPOUT), rel=1e-10)
        np.testing.assert_allclose(g, net.grad, rtol=1e-9, atol=1e-12)

    check()
