"""Every activation, loss, regularizer and layer combination passes the gradient check."""

import numpy as np
import pytest

from trainwell import gradient_check
from trainwell.nn import BatchNorm, Dense, Dropout, Network
from trainwell.nn.layers import Dropout as DropoutLayer

ACTS = ["relu", "leaky_relu", "tanh", "sigmoid", "linear"]


def _data(m=12, n=4, seed=0):
    r = np.random.RandomState(seed)
    X = r.randn(m, n)
    return X, r


@pytest.mark.parametrize("act", ACTS)
@pytest.mark.parametrize("reg", [{}, {"l2": 0.7}, {"l1": 0.3}, {"l2": 0.2, "l1": 0.1}])
def test_binary_network_each_activation_and_regularizer(act, reg):
    X, r = _data()
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    net = Network(
        [Dense(5, act, "xavier"), Dense(3, act, "xavier"), Dense(1, "sigmoid")],
        random_state=1,
        **reg,
    )
    report = gradient_check(net, X, y)
    assert report.verdict == "correct", str(report)


@pytest.mark.parametrize("act", ["tanh", "relu", "sigmoid"])
def test_softmax_with_l2_and_several_layers(act):
    X, r = _data(m=15)
    y = r.randint(0, 4, size=15)
    net = Network(
        [Dense(6, act, "xavier"), Dense(5, act, "xavier"), Dense(4, "softmax")],
        loss="categorical_crossentropy",
        l2=0.5,
        random_state=2,
    )
    assert gradient_check(net, X, y).verdict == "correct"


@pytest.mark.parametrize("out_act", ["linear", "tanh", "sigmoid"])
def test_mse_with_linear_and_non_fused_outputs(out_act):
    X, r = _data()
    y = np.tanh(r.randn(12, 2))
    net = Network(
        [Dense(5, "tanh", "xavier"), Dense(2, out_act, "xavier")],
        loss="mse",
        l2=0.1,
        random_state=3,
    )
    assert gradient_check(net, X, y).verdict == "correct"


@pytest.mark.parametrize(
    "loss,out,yfn",
    [
        ("binary_crossentropy", Dense(1, "sigmoid"), lambda X, r: (X[:, 0] > 0).astype(int)),
        ("categorical_crossentropy", Dense(3, "softmax"), lambda X, r: r.randint(0, 3, len(X))),
    ],
)
def test_batchnorm_in_training_mode_with_l2(loss, out, yfn):
    X, r = _data(m=16)
    net = Network(
        [Dense(6, "relu", "he"), BatchNorm(), Dense(4, "tanh"), BatchNorm(), out],
        loss=loss,
        l2=0.3,
        random_state=4,
    )
    report = gradient_check(net, X, yfn(X, r))
    assert report.verdict == "correct", str(report)
    assert {"gamma1", "beta1", "gamma2", "beta2"} <= set(report.per_parameter)
    assert "b1" not in report.per_parameter  # batch norm's beta replaces the bias


def test_batchnorm_on_the_output_layer():
    X, r = _data(m=10)
    net = Network(
        [Dense(5, "tanh"), Dense(3, "softmax"), BatchNorm()],
        loss="categorical_crossentropy",
        random_state=0,
    )
    assert gradient_check(net, X, r.randint(0, 3, 10)).verdict == "correct"


def test_dropout_with_fixed_masks_is_correct_and_turned_off_by_default():
    X, r = _data(m=20)
    y = (X[:, 0] > 0).astype(int)
    net = Network(
        [Dense(8, "relu"), Dropout(0.6), Dense(4, "tanh"), Dropout(0.8), Dense(1, "sigmoid")],
        random_state=5,
    )
    default = gradient_check(net, X, y)
    assert default.verdict == "correct" and "turned off" in default.notes[0]
    fixed = gradient_check(net, X, y, keep_dropout=True)
    assert fixed.verdict == "correct" and "fixed" in fixed.notes[0]


class ForgetfulDropout(DropoutLayer):
    """numpy-ml's bug: backward ignores the mask."""

    def backward(self, dA, need_input_grad=True):
        return dA


def test_dropout_that_forgets_its_mask_is_flagged_and_named():
    X, r = _data(m=20)
    y = (X[:, 0] > 0).astype(int)
    net = Network([Dense(8, "tanh"), ForgetfulDropout(0.5), Dense(1, "sigmoid")], random_state=5)
    report = gradient_check(net, X, y, keep_dropout=True)
    assert report.verdict == "wrong"
    assert report.worst in {"W1", "b1"}
    assert report.per_parameter["W2"] < 1e-7  # layers above the dropout are unaffected


class DoubledDense(Dense):
    """A Dense layer whose dW is doubled (the course exercise's planted bug)."""

    def backward_dZ(self, dZ, need_input_grad=True):
        out = super().backward_dZ(dZ, need_input_grad)
        self.dW *= 2
        return out


def test_broken_layer_is_flagged_with_its_parameter_named():
    X, r = _data()
    y = (X[:, 0] > 0).astype(int)
    net = Network([Dense(5, "relu"), DoubledDense(3, "relu"), Dense(1, "sigmoid")], random_state=1)
    report = gradient_check(net, X, y)
    assert report.verdict == "wrong" and report.worst == "W2"


def test_float32_network_is_checked_in_float64():
    X, r = _data()
    y = (X[:, 0] > 0).astype(int)
    net = Network([Dense(5, "tanh"), Dense(1, "sigmoid")], dtype="float32", random_state=1)
    net.check_input(X)
    assert gradient_check(net, X, y).verdict == "correct"
    assert net.theta.dtype == np.float32
