"""The losses: the course's formulas, computed stably, on NumPy and the array API alike."""

import numpy as np
import pytest

from tests.conftest import require
from trainwell.exceptions import InvalidParameterError
from trainwell.nn.losses import (
    LOSSES,
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    MeanSquaredError,
    get_loss,
    loss_fix,
    natural_loss,
)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _case(rng, n_out):
    Z = rng.randn(7, n_out)
    return Z, rng.randint(0, 2, (7, n_out)).astype(float)


def test_binary_cross_entropy_is_the_course_formula_and_stays_finite_for_large_logits(rng):
    Z, Y = _case(rng, 2)
    A = _sigmoid(Z)
    expected = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / 7
    assert BinaryCrossEntropy().cost(Z, A, Y) == pytest.approx(expected, rel=1e-12)
    big = np.array([[800.0], [-800.0]])  # sigma(z) rounds to 1 and 0: log(0) avoided
    J = BinaryCrossEntropy().cost(big, _sigmoid(big), np.array([[0.0], [1.0]]))
    assert J == pytest.approx(800.0)


def test_categorical_cross_entropy_is_minus_the_mean_log_probability_of_the_class(rng):
    Z = rng.randn(5, 3)
    Y = np.eye(3)[[0, 2, 1, 1, 0]]
    A = _softmax(Z)
    expected = -np.mean(np.log(A[np.arange(5), Y.argmax(axis=1)]))
    assert CategoricalCrossEntropy().cost(Z, A, Y) == pytest.approx(expected, rel=1e-12)
    assert np.isfinite(CategoricalCrossEntropy().cost(Z * 1e4, _softmax(Z * 1e4), Y))


def test_mse_is_half_the_mean_squared_error_and_its_gradient_is_the_residual(rng):
    Z, Y = rng.randn(6, 2), rng.randn(6, 2)
    assert MeanSquaredError().cost(Z, Z, Y) == pytest.approx(np.sum((Z - Y) ** 2) / 12)
    out = np.empty_like(Z)
    assert MeanSquaredError().output_gradient(Z, Z, Y, out=out) is out
    np.testing.assert_allclose(out, (Z - Y) / 6)


@pytest.mark.parametrize("name", list(LOSSES))
def test_the_fused_gradient_is_the_derivative_of_the_cost_with_respect_to_z(rng, name):
    loss = get_loss(name)
    act = {"binary_crossentropy": _sigmoid, "categorical_crossentropy": _softmax}
    g = act.get(name, lambda z: z)
    Z = rng.randn(4, 3)
    Y = np.eye(3)[[0, 1, 2, 1]] if name == "categorical_crossentropy" else rng.rand(4, 3).round()
    dZ = loss.output_gradient(Z, g(Z), Y, out=np.empty_like(Z))
    eps, numeric = 1e-6, np.empty_like(Z)
    for idx in np.ndindex(Z.shape):
        up, down = Z.copy(), Z.copy()
        up[idx] += eps
        down[idx] -= eps
        numeric[idx] = (loss.cost(up, g(up), Y) - loss.cost(down, g(down), Y)) / (2 * eps)
    np.testing.assert_allclose(dZ, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", list(LOSSES))
def test_the_array_api_cost_equals_numpys(rng, name):
    xps = require("array_api_strict")
    loss = get_loss(name)
    Z = rng.randn(5, 3)
    A = _softmax(Z) if name == "categorical_crossentropy" else _sigmoid(Z)
    Y = np.eye(3)[[0, 1, 2, 1, 0]]
    dev = [xps.asarray(a) for a in (Z, A, Y)]
    assert float(loss.xp_cost(xps, *dev)) == pytest.approx(loss.cost(Z, A, Y), rel=1e-12)
    grad = np.asarray(loss.xp_output_gradient(xps, *dev))
    np.testing.assert_allclose(grad, loss.output_gradient(Z, A, Y, out=np.empty_like(Z)))


def test_names_resolve_and_mistakes_say_the_fix():
    assert isinstance(get_loss("mse"), MeanSquaredError)
    mine = MeanSquaredError()
    assert get_loss(mine) is mine
    with pytest.raises(InvalidParameterError, match="'loss' parameter must be one of"):
        get_loss("hinge")
    assert natural_loss("sigmoid") == "binary_crossentropy"
    with pytest.raises(InvalidParameterError, match="cannot infer the loss from a 'relu'"):
        natural_loss("relu")
    assert loss_fix("softmax").startswith("pass loss='categorical_crossentropy'")
    assert loss_fix("relu").startswith("use a sigmoid, softmax or linear output layer")
