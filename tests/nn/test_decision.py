"""The one decision rule, and everything that turns outputs into labels through it."""

import numpy as np
import pytest

from tests.conftest import require
from trainwell.nn import Dense, Network
from trainwell.nn.decision import THRESHOLD, decide


def test_softmax_rows_take_their_argmax_and_sigmoid_units_split_above_one_half():
    A = np.array([[0.2, 0.7, 0.1], [0.4, 0.3, 0.3], [0.1, 0.1, 0.8]])
    assert decide(A, multiclass=True).tolist() == [1, 0, 2]
    P = np.array([[THRESHOLD, 0.9], [0.5000001, 0.1]])
    assert decide(P, multiclass=False).tolist() == [[False, True], [True, False]]


def test_the_rule_runs_on_an_array_api_namespace():
    xps = require("array_api_strict")
    A = xps.asarray([[0.2, 0.7], [0.6, 0.4]])
    assert xps.all(decide(A, True, xps) == xps.asarray([1, 0]))
    assert xps.all(decide(A, False, xps) == xps.asarray([[False, True], [True, False]]))


@pytest.mark.parametrize(
    ("units", "activation", "labels"),
    [(1, "sigmoid", [0, 1, 1, 0]), (3, "softmax", [0, 2, 1, 2]), (2, "sigmoid", None)],
)
def test_predict_and_evaluate_decide_by_the_rule(units, activation, labels):
    r = np.random.RandomState(0)
    X = r.randn(4, 2)
    y = np.array(labels) if labels is not None else r.randint(0, 2, (4, 2))
    net = Network([Dense(3, "tanh"), Dense(units, activation)], random_state=0, input_dim=2)
    A = net.forward(X)
    expected = decide(A, units > 1 and activation == "softmax")
    pred = net.predict(X)
    np.testing.assert_array_equal(pred, expected.astype(int).reshape(pred.shape))
    Xc, Y = net.check_input(X), net.encode_targets(y)
    cost, accuracy = net.evaluate(Xc, Y)
    assert cost == net.cost(X, y)
    hits = expected.reshape(Y.shape[0], -1) == decide(Y, activation == "softmax").reshape(
        Y.shape[0], -1
    )
    assert accuracy == float(np.mean(hits))
