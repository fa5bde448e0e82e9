"""backward_arrivals: the gradient arriving at each layer, on every path."""

import numpy as np
import pytest

from tests.conftest import require
from trainwell.nn import BatchNorm, Dense, Mode, Network
from trainwell.nn.probes import backward_arrivals

MODE = Mode(training=True, dropout=False, update_stats=False)


def _build(backend="numpy"):
    return Network(
        [Dense(5, "tanh"), BatchNorm(), Dense(4, "relu"), Dense(1, "sigmoid")],
        random_state=0,
        input_dim=3,
        backend=backend,
    )


def test_the_arrivals_are_the_hand_computed_gradients_and_the_pass_is_the_usual_one():
    r = np.random.RandomState(0)
    X, y = r.randn(10, 3), r.randint(0, 2, 10)
    net = _build()
    Xc, Y = net.check_input(X), net.encode_targets(y)
    out, mid = net.layers[-1], net.layers[2]
    J, (n_out, n_mid) = backward_arrivals(net, Xc, Y, [out, mid], MODE)
    grad = net.grad.copy()
    assert J == net.loss_and_gradient(Xc, Y, MODE)
    np.testing.assert_array_equal(grad, net.grad)  # the same pass, recorded
    dZ = (out.A - Y) / len(X)  # sigmoid with cross-entropy: dZ[L] = (A - Y) / m
    assert n_out == pytest.approx(np.linalg.norm(dZ), rel=1e-12)
    assert n_mid == pytest.approx(np.linalg.norm(dZ @ out.W), rel=1e-12)  # dA[2] = dZ W
    assert "backward" not in vars(out)  # the recorders are gone


def test_a_layer_backpropagation_does_not_reach_reads_nan():
    from trainwell.nn import Dropout

    r = np.random.RandomState(0)
    net = Network([Dropout(0.9), Dense(4, "relu"), Dense(1, "sigmoid")], input_dim=3)
    X = net.check_input(r.randn(6, 3))
    _, norms = backward_arrivals(net, X, net.encode_targets(r.randint(0, 2, 6)), net.layers, MODE)
    assert np.isnan(norms[0]) and all(np.isfinite(norms[1:]))  # nothing to learn below W1


@pytest.mark.parametrize("backend", ["array_api_strict", "torch:cpu"])
def test_the_device_passes_record_the_same_arrivals(backend):
    require(backend.split(":")[0])
    r = np.random.RandomState(0)
    X, y = r.randn(10, 3), r.randint(0, 2, 10)
    host, dev = _build(), _build(backend)
    _, expected = backward_arrivals(host, host.check_input(X), host.encode_targets(y),
                                    host.layers, MODE)  # fmt: skip
    plan = dev.passes._plan
    _, got = backward_arrivals(dev, dev.check_input(X), dev.encode_targets(y), dev.layers, MODE)
    np.testing.assert_allclose(got, expected, rtol=1e-10)
    assert dev.passes._plan is plan
