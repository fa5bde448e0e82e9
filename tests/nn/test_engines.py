"""Every engine equals the NumPy reference: one step of forward, backward and update.

One parametrized test runs every engine (the NumPy layers, the compiled numba kernel, the
array-API passes on ``array_api_strict`` and on PyTorch's CPU) over every supported
combination of hidden activation x output/loss x optimizer x regularization (none, L2,
L1, dropout with the reference's mask, batch norm), in float64, and compares the cost J,
the gradient and the updated parameters with the NumPy engine's on a fresh copy.
Combinations an engine does not run (the compiled kernel: batch norm, unfused outputs)
are refused with a reason, which is tested too.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import require
from trainwell.exceptions import InvalidParameterError
from trainwell.nn import ACTIVATIONS, BatchNorm, Dense, Dropout, Mode, Network
from trainwell.nn.activations import Activation
from trainwell.nn.engines import CompiledEngine, Engine, NumpyEngine, make_engine
from trainwell.optim import get_optimizer

HIDDEN = ("relu", "leaky_relu", "tanh", "sigmoid", "linear")
#: (output activation, loss, fused with its loss)
OUTPUTS = (
    ("sigmoid", "binary_crossentropy", True),
    ("softmax", "categorical_crossentropy", True),
    ("linear", "mse", True),
    ("tanh", "mse", False),
    ("sigmoid", "mse", False),
)
OPTIMIZERS = (
    ("gd", {}),
    ("momentum", {}),
    ("momentum", {"bias_correction": True}),
    ("rmsprop", {}),
    ("adam", {}),
)
REGULARIZATION = ("none", "l2", "l1", "dropout", "batchnorm")
ENGINES = ("numpy", "numba", "array_api_strict", "torch:cpu")

TRAIN_DRAW = Mode(True, True, True)  # the reference draws the dropout masks
TRAIN_FROZEN = Mode(True, True, True, freeze_masks=True)  # the others reuse them


def _layers(hidden: str, output: str, reg: str) -> list:
    first = [Dense(4, hidden)]
    if reg == "dropout":
        first.append(Dropout(0.7))
    if reg == "batchnorm":
        first.append(BatchNorm())
    return [*first, Dense(3, hidden), Dense(3 if output == "softmax" else 2, output)]


def _data(output: str, loss: str) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    X = rng.standard_normal((12, 3))
    if loss == "categorical_crossentropy":
        Y = np.eye(3)[rng.integers(0, 3, 12)]
    elif loss == "binary_crossentropy":
        Y = (rng.random((12, 2)) > 0.5).astype(float)
    else:
        Y = rng.standard_normal((12, 2)) * (0.5 if output in ("tanh", "sigmoid") else 1.0)
    return X, Y


def _network(hidden, output, loss, reg, backend="numpy"):
    l2, l1 = {"l2": (0.3, 0.0), "l1": (0.0, 0.2)}.get(reg, (0.0, 0.0))
    layers = _layers(hidden, output, reg)
    return Network(layers, loss=loss, l2=l2, l1=l1, input_dim=3, random_state=0, backend=backend)


def _host(x):
    return x if isinstance(x, np.ndarray) else np.asarray(x.cpu() if hasattr(x, "cpu") else x)


def _step(engine_name, hidden, output, loss, reg):
    """(J, grad, theta after the update) per optimizer, on the reference and the engine."""
    X, Y = _data(output, loss)
    results = []
    for opt_name, kw in OPTIMIZERS:
        ref = _network(hidden, output, loss, reg)
        backend = engine_name if engine_name not in ("numpy", "numba") else "numpy"
        net = _network(hidden, output, loss, reg, backend)
        bk = net.backend
        net.theta[...] = bk.asarray(ref.theta.copy(), net.dtype)
        engine = make_engine(net, "numba") if engine_name == "numba" else net.passes
        J_ref = ref.passes.loss_and_gradient(X, Y, TRAIN_DRAW)
        for mine, theirs in zip(net.layers, ref.layers):
            if isinstance(theirs, Dropout):
                mine.mask = bk.asarray(theirs.mask.copy(), net.dtype)
        Xe, Ye = bk.asarray(X, net.dtype), bk.asarray(Y, net.dtype)
        J = engine.loss_and_gradient(Xe, Ye, TRAIN_FROZEN)
        opt = get_optimizer(opt_name, **kw)
        s_ref, s = opt.init(ref.theta), opt.init(net.theta)
        grad = _host(net.grad).copy()
        for _ in range(2):  # two steps: the second uses the state the first left
            ref.passes.optimizer_step(opt, s_ref, 0.05)
            engine.optimizer_step(opt, s, 0.05)
        results.append(((J_ref, ref.grad.copy(), ref.theta.copy()), (J, grad, _host(net.theta))))
    return results


def _supported(engine: str, output_fused: bool, reg: str) -> bool:
    return engine != "numba" or (output_fused and reg != "batchnorm")


CASES = [
    pytest.param(
        engine,
        (output, loss),
        reg,
        id=f"{engine}-{output}-{loss}-{reg}",
    )
    for engine in ENGINES
    for output, loss, fused in OUTPUTS
    for reg in REGULARIZATION
    if _supported(engine, fused, reg)
]


@pytest.mark.parametrize(("engine", "pair", "reg"), CASES)
def test_every_engine_equals_the_numpy_reference(engine, pair, reg):
    if engine == "numba":
        require("numba")
    if engine == "torch:cpu":
        require("torch")
    if engine == "array_api_strict":
        require("array_api_strict")
    output, loss = pair
    for hidden in HIDDEN:
        for (J_ref, g_ref, t_ref), (J, g, t) in _step(engine, hidden, output, loss, reg):
            assert J == pytest.approx(J_ref, rel=1e-12, abs=1e-14), hidden
            np.testing.assert_allclose(g, g_ref, rtol=1e-10, atol=1e-13, err_msg=hidden)
            np.testing.assert_allclose(t, t_ref, rtol=1e-12, atol=1e-13, err_msg=hidden)


def test_the_compiled_engine_refuses_what_it_does_not_run():
    require("numba")
    with pytest.raises(
        InvalidParameterError, match="engine='numba' cannot compile layer BatchNorm"
    ):
        make_engine(_network("relu", "sigmoid", "binary_crossentropy", "batchnorm"), "numba")
    with pytest.raises(InvalidParameterError, match="only the fused pairs"):
        make_engine(_network("relu", "tanh", "mse", "none"), "numba")


def test_every_engine_meets_the_protocol():
    net = _network("relu", "sigmoid", "binary_crossentropy", "none")
    assert isinstance(net.passes, NumpyEngine) and isinstance(net.passes, Engine)
    require("numba")
    assert isinstance(make_engine(net, "numba"), CompiledEngine)
    assert isinstance(make_engine(net, "numba"), Engine)
    with pytest.raises(InvalidParameterError, match="'engine' parameter must be None or one of"):
        make_engine(net, "fortran")
    with pytest.raises(InvalidParameterError, match="cannot run a network on the 'numpy'"):
        make_engine(net, "array_api")
    require("array_api_strict")
    dev = _network("relu", "sigmoid", "binary_crossentropy", "none", "array_api_strict")
    assert isinstance(dev.passes, Engine) and dev.passes.name == "array_api"
    with pytest.raises(InvalidParameterError, match="engine='numpy' cannot run a network"):
        dev.loss_and_gradient(dev.check_input(np.ones((2, 3))), None, engine="numpy")


def _cube(Z, out):
    return np.multiply(np.multiply(Z, Z), Z, out=out)


def _cube_back(dA, Z, A):
    return np.multiply(dA, 3 * Z * Z, out=dA)


@pytest.fixture
def cube(monkeypatch):
    """A new activation registered in one place, nn/activations.py's registry."""
    act = Activation("cube", _cube, _cube_back)
    monkeypatch.setitem(ACTIVATIONS, "cube", act)
    return act


def test_a_registered_activation_runs_on_numpy_and_is_refused_by_name_elsewhere(cube):
    layers = [Dense(3, "cube"), Dense(1, "sigmoid")]
    net = Network(layers, input_dim=2, random_state=0)
    X, Y = np.ones((4, 2)), np.ones((4, 1))
    assert np.isfinite(net.loss_and_gradient(X, Y))
    require("numba")
    with pytest.raises(
        InvalidParameterError, match="engine='numba' cannot compile activation 'cube'"
    ):
        make_engine(net, "numba")
    require("array_api_strict")
    with pytest.raises(InvalidParameterError, match="activation 'cube' has no array API"):
        Network([Dense(3, "cube"), Dense(1, "sigmoid")], input_dim=2, backend="array_api_strict")
