"""Issue 4: batch norm against PyTorch, softmax networks on digits."""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from tests.conftest import require
from trainwell.nn import TRAIN, BatchNorm, Dense, Dropout, Network
from trainwell.training import fit


def _bn_net(momentum=0.9, eps=1e-5):
    return Network(
        [Dense(4, "linear", use_bias=False), BatchNorm(momentum, eps), Dense(1, "linear")],
        loss="mse",
        random_state=0,
        input_dim=3,
    )


def test_batchnorm_agrees_with_torch_in_train_and_eval_mode():
    torch = require("torch")
    r = np.random.RandomState(0)
    Z = r.randn(8, 4) * 3 + 1
    net = Network(
        [Dense(4, "linear"), BatchNorm(momentum=0.9, epsilon=1e-3)],
        loss="mse",
        random_state=0,
        input_dim=4,
    )
    net.set_parameters({"W1": np.eye(4), "gamma1": r.rand(4) + 0.5, "beta1": r.randn(4)})
    bn = torch.nn.BatchNorm1d(4, eps=1e-3, momentum=0.1, dtype=torch.float64)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor(net.parameters()["gamma1"]))
        bn.bias.copy_(torch.tensor(net.parameters()["beta1"]))
    upstream = r.randn(8, 4)
    for step in range(3):
        Zs = Z + step
        # train mode: outputs and gradients (loss = sum(out * upstream))
        ours = net._forward(Zs, TRAIN).copy()
        net.layers[1].backward(upstream.copy())
        zt = torch.tensor(Zs, requires_grad=True)
        bn.train()
        out = bn(zt)
        (out * torch.tensor(upstream)).sum().backward()
        np.testing.assert_allclose(ours, out.detach().numpy(), rtol=1e-10, atol=1e-12)
        g = net.gradients()
        np.testing.assert_allclose(g["dgamma1"], bn.weight.grad.numpy(), rtol=1e-10)
        np.testing.assert_allclose(g["dbeta1"], bn.bias.grad.numpy(), rtol=1e-10)
        dZ = net.layers[1].backward_dZ(upstream.copy())
        np.testing.assert_allclose(dZ, zt.grad.numpy(), rtol=1e-9, atol=1e-12)
        bn.weight.grad = bn.bias.grad = None
    # running statistics (PyTorch stores the unbiased variance; so do we)
    bufs = net.buffers()
    np.testing.assert_allclose(bufs["running_mean1"], bn.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(bufs["running_var1"], bn.running_var.numpy(), rtol=1e-12)
    bn.eval()
    Zt = r.randn(5, 4)
    np.testing.assert_allclose(
        net.forward(Zt), bn(torch.tensor(Zt)).detach().numpy(), rtol=1e-10, atol=1e-12
    )


def test_dense_before_batchnorm_drops_its_bias_and_moves_its_activation():
    net = Network([Dense(5, "relu"), BatchNorm(), Dense(1, "sigmoid")], input_dim=2)
    assert net.layers[0].b is None and net.layers[0].activation.name == "linear"
    assert net.layers[1].activation.name == "relu"
    assert "b1" not in net.parameter_names()


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)


@pytest.mark.parametrize("batch_norm", [False, True])
def test_digits_softmax_reaches_95_percent(digits, batch_norm):
    X_tr, X_te, y_tr, y_te = digits
    layers = [Dense(25, "relu")] + ([BatchNorm()] if batch_norm else []) + [Dense(12, "relu")]
    layers += ([BatchNorm()] if batch_norm else []) + [Dense(10, "softmax")]
    net = Network(layers, loss="categorical_crossentropy", random_state=1)
    fit(
        net,
        X_tr,
        y_tr,
        optimizer="adam",
        learning_rate=0.005,
        epochs=60,
        batch_size=64,
        random_state=0,
        progress=False,
    )
    assert net.score(X_te, y_te) >= 0.95
    proba = net.predict_proba(X_te)
    assert proba.shape == (len(X_te), 10) and np.allclose(proba.sum(axis=1), 1)


def test_batchnorm_lets_a_deeper_network_train_with_a_larger_rate(digits):
    """The documented example: 6 tanh layers, plain mini-batch GD at a large rate."""
    X_tr, X_te, y_tr, y_te = digits
    scores = {}
    for bn in (False, True):
        layers = []
        for _ in range(6):
            layers += [Dense(32, "sigmoid", "xavier")] + ([BatchNorm()] if bn else [])
        net = Network(
            layers + [Dense(10, "softmax", "xavier")],
            loss="categorical_crossentropy",
            random_state=0,
        )
        fit(
            net,
            X_tr,
            y_tr,
            optimizer="gd",
            learning_rate=0.5,
            epochs=15,
            batch_size=64,
            random_state=0,
            progress=False,
            on_divergence="warn",
        )
        scores[bn] = net.score(X_te, y_te)
    assert scores[True] > 0.9 and scores[True] > scores[False] + 0.3


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "rmsprop", "adam"])
def test_batchnorm_with_dropout_and_l2_trains_under_every_optimizer(digits, optimizer):
    X_tr, X_te, y_tr, y_te = digits
    net = Network(
        [Dense(32, "relu"), BatchNorm(), Dropout(0.9), Dense(10, "softmax")],
        loss="categorical_crossentropy",
        l2=0.01,
        random_state=0,
    )
    lr = {"gd": 0.1, "momentum": 0.1, "rmsprop": 0.003, "adam": 0.003}[optimizer]
    h = fit(
        net,
        X_tr,
        y_tr,
        optimizer=optimizer,
        learning_rate=lr,
        epochs=8,
        batch_size=64,
        random_state=0,
        progress=False,
    )
    assert h.cost[-1] < 0.5 * h.cost[0]
    assert net.score(X_te, y_te) > 0.9
