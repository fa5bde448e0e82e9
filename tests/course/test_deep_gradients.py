"""Experiment 11 and ``gradient_norms``: exploding, vanishing and level norms."""

import numpy as np
import pytest

from trainwell._gradient_norms import gradient_norms
from trainwell.course import deep_gradients
from trainwell.course._base import Settings
from trainwell.nn import BatchNorm, Dense, Dropout, Network


@pytest.fixture(scope="module")
def results():
    return deep_gradients.run(Settings(figures=False)).results


def test_identity_like_weights_explode_and_vanish(results):
    up, down = results["1.1 x identity"], results["0.9 x identity"]
    # relu keeps the positive part, so A[l] = 1.1^l relu(x): exactly exponential
    assert up["activation_growth"] == pytest.approx(1.1**49, rel=1e-9)
    assert down["activation_growth"] == pytest.approx(0.9**49, rel=1e-9)
    assert up["gradient_growth"] > 10 and down["gradient_growth"] < 0.1


def test_he_keeps_norms_within_an_order_of_magnitude(results):
    he = results["he 2/n (relu)"]
    for key in ("activation_growth", "gradient_growth"):
        assert 0.1 < he[key] < 10
    assert results["xavier 1/n (relu)"]["activation_growth"] < 1e-4  # relu needs the 2


def test_gradient_norms_has_no_side_effects():
    rng = np.random.RandomState(0)
    X, y = rng.randn(16, 3), rng.randint(0, 2, 16)
    net = Network(
        [Dense(4), BatchNorm(), Dropout(0.5), Dense(3), Dense(1, "sigmoid")],
        random_state=0,
        input_dim=3,
    )
    net.grad[...] = 7.0
    before = (
        net.theta.copy(),
        net.grad.copy(),
        net.rng.get_state()[1].copy(),
        {k: v.copy() for k, v in net.buffers().items()},
    )
    norms = gradient_norms(net, X, y)
    assert np.array_equal(net.theta, before[0]) and np.array_equal(net.grad, before[1])
    assert np.array_equal(net.rng.get_state()[1], before[2])
    assert all(np.array_equal(v, before[3][k]) for k, v in net.buffers().items())
    assert norms.layer.tolist() == [1, 2, 3] and norms.units.tolist() == [4, 3, 1]
    assert np.isfinite(norms.gradient).all() and (norms.weight_gradient > 0).all()
    assert not hasattr(net.layers[0], "__dict__") or "backward" not in vars(net.layers[0])


def test_gradient_norms_match_a_hand_computation():
    rng = np.random.RandomState(1)
    X, y = rng.randn(8, 2), rng.randint(0, 2, 8)
    net = Network([Dense(3, "relu"), Dense(1, "sigmoid")], random_state=2, input_dim=2)
    p = net.parameters()
    A1 = np.maximum(0, X @ p["W1"].T + p["b1"])
    A2 = 1 / (1 + np.exp(-(A1 @ p["W2"].T + p["b2"])))
    dZ2 = (A2 - y[:, None]) / 8
    dA1 = dZ2 @ p["W2"]
    norms = gradient_norms(net, X, y)
    np.testing.assert_allclose(norms.activation, [np.linalg.norm(A1), np.linalg.norm(A2)])
    np.testing.assert_allclose(norms.gradient, [np.linalg.norm(dA1), np.linalg.norm(dZ2)])
    np.testing.assert_allclose(norms.weight_gradient[0], np.linalg.norm((dA1 * (A1 > 0)).T @ X))
