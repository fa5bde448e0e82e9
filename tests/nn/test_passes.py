"""Network's passes for validated arrays: forward_pass, regularization_cost,
loss_and_gradient and evaluate."""

import numpy as np
import pytest

from trainwell.exceptions import InvalidParameterError
from trainwell.nn import INFER, TRAIN, Dense, Dropout, Mode, Network


def _net(**kw):
    return Network(
        [Dense(4, "relu"), Dropout(0.5), Dense(3, "softmax")], random_state=0, input_dim=2, **kw
    )


def test_regularization_cost_is_the_l2_and_l1_terms_over_the_weights_only():
    net = _net(l2=0.7, l1=0.2)
    W = np.concatenate([p.ravel() for k, p in net.parameters().items() if k.startswith("W")])
    m = 5
    expected = 0.7 / (2 * m) * np.sum(W**2) + 0.2 / m * np.sum(np.abs(W))
    assert net.regularization_cost(m) == pytest.approx(expected, rel=1e-12)
    net.set_parameters({"b1": np.full(4, 100.0)})  # biases are exempt
    assert net.regularization_cost(m) == pytest.approx(expected, rel=1e-12)
    assert _net().regularization_cost(m) == 0.0


def test_forward_pass_returns_the_output_itself_and_draws_masks_only_when_asked():
    net = _net()
    X = net.check_input(np.random.RandomState(1).randn(6, 2))
    A = net.forward_pass(X, INFER)
    assert A is net.layers[-1].A  # no copy
    np.testing.assert_array_equal(A, net.forward(X))
    before = net.rng.get_state()[1].copy()
    net.forward_pass(X, INFER)
    np.testing.assert_array_equal(net.rng.get_state()[1], before)  # dropout off: no draw
    net.forward_pass(X, Mode(True, True, False))
    mask = net.layers[1].mask.copy()
    net.forward_pass(X, Mode(True, True, False, freeze_masks=True))
    np.testing.assert_array_equal(net.layers[1].mask, mask)


def test_loss_and_gradient_returns_the_cost_and_fills_grad():
    net = _net(l2=0.1)
    r = np.random.RandomState(2)
    X, Y = net.check_input(r.randn(8, 2)), net.encode_targets(r.randint(0, 3, 8))
    mode = Mode(True, False, False)
    J = net.loss_and_gradient(X, Y, mode)
    assert J == pytest.approx(net.evaluate(X, Y, mode)[0], rel=1e-14)
    assert np.any(net.grad != 0)
    with pytest.raises(InvalidParameterError, match="'engine' parameter of Network"):
        net.loss_and_gradient(X, Y, TRAIN, engine="gpu")


def test_evaluate_gives_the_cost_and_accuracy_and_none_for_regression():
    net = _net()
    r = np.random.RandomState(3)
    X, y = r.randn(10, 2), r.randint(0, 3, 10)
    cost, accuracy = net.evaluate(net.check_input(X), net.encode_targets(y))
    assert cost == net.cost(X, y) and accuracy == net.score(X, y)
    reg = Network([Dense(1, "linear")], random_state=0, input_dim=2)
    target = r.randn(10)
    cost, accuracy = reg.evaluate(reg.check_input(X), reg.encode_targets(target))
    assert accuracy is None and cost == reg.cost(X, target)
