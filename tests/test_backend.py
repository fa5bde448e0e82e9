"""The engine on other array backends, compared with NumPy.

``array_api_strict`` rejects anything outside the array API standard, so a pass here means
the engine's non-NumPy code is portable; it also draws dropout masks from the network's
own NumPy generator, so its results must equal NumPy's (float64, to rounding). PyTorch on
the CPU stands in for a device library with its own generator. CuPy needs a GPU: here only
its error messages are tested; ``benchmarks/gpu_check.py`` checks it on a real card.
"""

from __future__ import annotations

import json
import re
import sys
import types

import numpy as np
import pytest
from sklearn.datasets import make_moons

from tests.conftest import require
from trainwell import backend as backend_module
from trainwell.backend import Backend, backend_of, get_backend
from trainwell.exceptions import BackendUnavailableError, DataError, InvalidParameterError
from trainwell.nn import BatchNorm, Dense, Dropout, Network
from trainwell.nn.layers import INFER, Mode
from trainwell.optim import Adam, GradientDescent, Momentum, RMSprop
from trainwell.optim import optimizers as optimizers_module
from trainwell.training import fit

xps = require("array_api_strict")
StrictArray = type(xps.asarray(0.0))
STRICT = "array_api_strict"
FIT = {
    "optimizer": "adam",
    "learning_rate": 0.01,
    "batch_size": 32,
    "random_state": 0,
    "progress": False,
}
OPTIMIZERS = [GradientDescent(), Momentum(), Momentum(bias_correction=True), RMSprop(), Adam()]
NETWORKS = {
    "binary": (
        lambda: [Dense(6, "relu"), Dense(4, "tanh"), Dense(1, "sigmoid")],
        "binary_crossentropy",
    ),
    "softmax": (
        lambda: [Dense(5, "leaky_relu"), Dense(4, "sigmoid"), Dense(3, "softmax")],
        "categorical_crossentropy",
    ),
    "mse": (lambda: [Dense(5, "tanh"), Dense(2, "linear")], "mse"),
    "mse-sigmoid": (lambda: [Dense(4, "relu"), Dense(1, "sigmoid")], "mse"),
}


def _data(kind, m=24, n=3, seed=0):
    rs = np.random.RandomState(seed)
    X = rs.randn(m, n)
    if kind == "binary":
        return X, rs.randint(0, 2, m)
    if kind == "softmax":
        return X, rs.randint(0, 3, m)
    if kind == "mse-sigmoid":
        return X, rs.rand(m)
    return X, rs.randn(m, 2)


def _pair(layers, loss="binary_crossentropy", backend=STRICT, **kw):
    """The same network on NumPy and on ``backend``."""
    kw = {"loss": loss, "random_state": 3, **kw}
    return Network(layers(), **kw), Network(layers(), backend=backend, **kw)


def _np(x):
    return backend_of(x).to_numpy(x)


def _close(a, b, rtol=1e-12, atol=1e-14):
    np.testing.assert_allclose(_np(b), _np(a), rtol=rtol, atol=atol)


@pytest.mark.parametrize("kind", list(NETWORKS))
@pytest.mark.parametrize("reg", [{}, {"l2": 0.7, "l1": 0.05}])
def test_forward_cost_and_gradients_match_numpy(kind, reg):
    layers, loss = NETWORKS[kind]
    X, y = _data(kind)
    a, b = _pair(layers, loss, **reg)
    Xa, Xb = a.check_input(X), b.check_input(X)
    assert isinstance(Xb, StrictArray) and b.theta.dtype == xps.float64
    np.testing.assert_array_equal(_np(b.theta), a.theta)  # the course's weights, bit for bit
    Ya, Yb = a.encode_targets(y), b.encode_targets(y)
    ca, cb = a.loss_and_gradient(Xa, Ya), b.loss_and_gradient(Xb, Yb)
    assert cb == pytest.approx(ca, rel=1e-12)
    _close(a.grad, b.grad)
    for name, g in a.gradients().items():
        _close(g, b.gradients()[name])
    out = b.forward(X)
    assert isinstance(out, np.ndarray)
    _close(a.forward(X), out)
    assert b.cost(X, y) == pytest.approx(a.cost(X, y), rel=1e-12)
    assert b.score(X, y) == pytest.approx(a.score(X, y))


@pytest.mark.parametrize("opt", OPTIMIZERS, ids=lambda o: repr(o))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_every_optimizer_steps_like_numpy(opt, dtype):
    layers, loss = NETWORKS["softmax"]
    X, y = _data("softmax")
    a, b = _pair(layers, loss, dtype=dtype, l2=0.1)
    Xa, Xb, Ya, Yb = a.check_input(X), b.check_input(X), a.encode_targets(y), b.encode_targets(y)
    sa, sb = opt.init(a.theta), opt.init(b.theta)
    for _ in range(6):
        a.loss_and_gradient(Xa, Ya)
        b.loss_and_gradient(Xb, Yb)
        opt.update(a.theta, a.grad, sa, 0.05)
        theta, state = opt.update(b.theta, b.grad, sb, 0.05)
        assert theta is b.theta and state is sb
    rtol = 1e-12 if dtype == "float64" else 1e-5
    _close(a.theta, b.theta, rtol=rtol, atol=rtol)
    assert sb["t"] == sa["t"] == 6
    for key in ("v", "s"):
        if key in sa:
            _close(sa[key], sb[key], rtol=rtol, atol=rtol)


def test_dropout_draws_masks_through_the_backend():
    def layers():
        out = Dense(1, "sigmoid")
        return [Dense(8, "relu"), Dropout(0.7), Dense(6, "relu"), Dropout(0.5), out]

    X, y = _data("binary", m=40)
    a, b = _pair(layers)
    Xa, Xb, Ya, Yb = a.check_input(X), b.check_input(X), a.encode_targets(y), b.encode_targets(y)
    for _ in range(3):  # array_api_strict draws from the network's own NumPy generator
        assert b.loss_and_gradient(Xb, Yb) == pytest.approx(a.loss_and_gradient(Xa, Ya), rel=1e-12)
        _close(a.grad, b.grad)
        for la, lb in zip(a.layers, b.layers):
            if isinstance(la, Dropout):
                assert isinstance(lb.mask, StrictArray)
                np.testing.assert_array_equal(_np(lb.mask), la.mask)
    frozen = Mode(True, True, True, freeze_masks=True)
    mask = _np(b.layers[1].mask)
    b.loss_and_gradient(Xb, Yb, frozen)
    np.testing.assert_array_equal(_np(b.layers[1].mask), mask)
    _close(a.forward(X), b.forward(X))  # inference: dropout is the identity


def test_batchnorm_trains_and_evaluates_like_numpy():
    def layers():
        out = Dense(1, "sigmoid")
        return [Dense(6, "relu"), BatchNorm(momentum=0.8), Dense(4), BatchNorm(), out]

    X, y = _data("binary", m=32)
    a, b = _pair(layers, l2=0.2)
    Xa, Xb, Ya, Yb = a.check_input(X), b.check_input(X), a.encode_targets(y), b.encode_targets(y)
    opt = Adam()
    sa, sb = opt.init(a.theta), opt.init(b.theta)
    for _ in range(4):
        assert b.loss_and_gradient(Xb, Yb) == pytest.approx(a.loss_and_gradient(Xa, Ya), rel=1e-12)
        opt.update(a.theta, a.grad, sa, 0.01)
        opt.update(b.theta, b.grad, sb, 0.01)
    _close(a.theta, b.theta)
    for name, buf in a.buffers().items():
        assert isinstance(b.buffers()[name], StrictArray)
        _close(buf, b.buffers()[name])
    # eval mode: running statistics, and the gradient through them
    assert b.loss_and_gradient(Xb, Yb, INFER) == pytest.approx(
        a.loss_and_gradient(Xa, Ya, INFER), rel=1e-12
    )
    _close(a.grad, b.grad)
    _close(a.forward(X), b.forward(X))


def test_fit_matches_numpy_with_validation_and_accuracy():
    X, y = make_moons(120, noise=0.2, random_state=0)
    hists = []
    for backend in ("numpy", STRICT):
        net = Network(
            [Dense(5, "relu"), Dropout(0.9), Dense(3, "relu"), Dense(1, "sigmoid")],
            random_state=3,
            backend=backend,
        )
        hists.append(
            fit(net, X, y, epochs=8, validation_data=(X[:30], y[:30]), track_accuracy=True, **FIT)
        )
    a, b = hists
    np.testing.assert_allclose(b.cost, a.cost, rtol=1e-10)  # NumPy's may be numba's (1e-12)
    np.testing.assert_allclose(b.val_cost, a.val_cost, rtol=1e-10)
    assert b.val_accuracy == a.val_accuracy and b.train_accuracy == a.train_accuracy


def test_device_arrays_are_checked_on_the_device():
    net = Network([Dense(3, "relu"), Dense(1, "sigmoid")], random_state=0, backend=STRICT)
    X = xps.asarray(np.random.RandomState(0).randn(10, 2).astype(np.float32))
    y = xps.asarray(np.arange(10) % 2)
    fit(net, X, y, epochs=2, progress=False)
    assert net.input_dim == 2 and net.predict(X).shape == (10,)
    assert net.check_input(X).dtype == xps.float64  # cast to the network's dtype
    bad = np.ones((4, 2))
    bad[1, 1], bad[3, 0] = np.nan, np.inf
    with pytest.raises(DataError, match="NaN") as err:
        net.predict(xps.asarray(bad))
    host = Network([Dense(3, "relu"), Dense(1, "sigmoid")], random_state=0, input_dim=2)
    for device_x, host_x in ((bad, bad), (np.ones(4), np.ones(4))):
        with pytest.raises(DataError) as on_device:
            net.predict(xps.asarray(device_x))
        with pytest.raises(DataError) as on_host:
            host.predict(host_x)
        assert str(on_device.value) == str(on_host.value)  # the same position, the same hint
    assert "row 1, column 1" in str(err.value)
    with pytest.raises(DataError, match="features"):
        net.predict(xps.asarray(np.ones((4, 3))))


def test_parameters_save_and_load(tmp_path):
    a, b = _pair(lambda: [Dense(4, "relu"), BatchNorm(), Dense(1, "sigmoid")], input_dim=3)
    b.set_parameters({"W1": np.full((4, 3), 0.5)})
    assert float(xps.sum(b.theta[:12])) == 6.0  # the named views write into the flat buffer
    assert b.get_config()["backend"] == STRICT and a.get_config()["backend"] == "numpy"
    b.save(tmp_path / "net")
    with np.load(tmp_path / "net.npz", allow_pickle=False) as data:
        assert isinstance(data["theta"], np.ndarray)
        np.testing.assert_array_equal(data["theta"], _np(b.theta))
    again = Network.load(tmp_path / "net.npz")
    assert again.backend.name == STRICT
    on_host = Network.load(tmp_path / "net.npz", backend="numpy")
    assert on_host.backend.is_numpy
    np.testing.assert_array_equal(on_host.theta, _np(b.theta))
    np.testing.assert_array_equal(_np(again.theta), _np(b.theta))


def _emulated_kernel(in_params, out_params, body):
    """Run a CuPy ElementwiseKernel body on NumPy arrays (the statements are Python too)."""
    names = [p.split()[-1] for p in f"{in_params}, {out_params}".split(",")]

    def kernel(*args):
        env = dict(zip(names, args), sqrt=np.sqrt)
        for stmt in filter(None, (s.strip() for s in body.split(";"))):
            target, op, expr = re.fullmatch(r"(\w+)\s*(-?=)\s*(.+)", stmt).groups()
            value = eval(expr, {}, env)  # the kernel's own arithmetic, in the arrays' dtype
            if op == "=":
                env[target][...] = value
            else:
                env[target] -= value

    return kernel


@pytest.mark.parametrize("opt", OPTIMIZERS, ids=lambda o: repr(o))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fused_kernels_compute_the_numpy_update(opt, dtype, monkeypatch):
    """The CuPy kernels' sources, run through an emulator: same update as NumPy's."""
    fake = Backend("fake-cupy", np)
    fake.elementwise = lambda name, i, o, body: _emulated_kernel(i, o, body)
    monkeypatch.setattr(optimizers_module, "backend_of", lambda x: fake)
    rs = np.random.RandomState(1)
    theta = rs.randn(50).astype(dtype)
    ref, sa, sb = theta.copy(), opt.init(theta), opt.init(theta)
    for _ in range(5):
        g = rs.randn(50).astype(dtype)
        opt.update(ref, g, sa, 0.01)
        opt._xp_update(theta, g, sb, 0.01)
    rtol = 1e-13 if dtype == np.float64 else 2e-6
    np.testing.assert_allclose(theta, ref, rtol=rtol, atol=rtol)


def test_cupy_missing_gives_a_clear_error(monkeypatch):
    monkeypatch.delitem(backend_module._CACHE, "cupy", raising=False)
    monkeypatch.setitem(sys.modules, "cupy", None)  # as if not installed
    with pytest.raises(BackendUnavailableError, match=r"pip install 'trainwell\[gpu\]'"):
        get_backend("cupy")
    with pytest.raises(ImportError, match="CuPy, which is not installed"):
        Network([Dense(1, "sigmoid")], backend="cupy")


def test_cupy_without_a_gpu_gives_a_clear_error(monkeypatch):
    def no_device():
        raise RuntimeError("cudaErrorNoDevice: no CUDA-capable device is detected")

    fake = types.ModuleType("cupy")
    fake.cuda = types.SimpleNamespace(runtime=types.SimpleNamespace(getDeviceCount=no_device))
    monkeypatch.delitem(backend_module._CACHE, "cupy", raising=False)
    monkeypatch.setitem(sys.modules, "cupy", fake)
    with pytest.raises(BackendUnavailableError, match="needs an NVIDIA GPU.*cudaErrorNoDevice"):
        get_backend("cupy")


@pytest.mark.parametrize("name", ["this", "json", "os", "trainwell.cli", "torch.nn", "../x"])
def test_a_backend_name_outside_the_allow_list_imports_nothing(name, monkeypatch):
    """A saved model's or a checkpoint's backend string is input from outside: it is
    refused before any import (``backend: "this"`` used to print the Zen of Python)."""
    monkeypatch.delitem(sys.modules, name, raising=False)
    with pytest.raises(InvalidParameterError, match="nothing was imported"):
        get_backend(name)
    assert name not in sys.modules


def test_backend_names_and_errors():
    assert get_backend() is get_backend("numpy") is get_backend(np) is get_backend(None)
    assert get_backend(xps) is get_backend(STRICT) is backend_of(xps.ones(2))
    with pytest.raises(InvalidParameterError, match="'numpy', 'cupy'"):
        get_backend("no_such_library")
    with pytest.raises(InvalidParameterError, match="no array API namespace"):
        get_backend(json)  # a module given as an object is checked after the fact
    with pytest.raises(InvalidParameterError):
        Network([Dense(1, "sigmoid")], backend=3.5)
    import pickle

    assert pickle.loads(pickle.dumps(get_backend(STRICT))) is get_backend(STRICT)


def test_torch_backend_trains_like_numpy_and_draws_dropout_on_its_device():
    torch = require("torch")
    X, y = make_moons(100, noise=0.2, random_state=0)
    costs = []
    for backend in ("numpy", "torch:cpu"):
        layers = [Dense(5, "relu"), Dense(2, "tanh"), Dense(1, "sigmoid")]
        net = Network(layers, random_state=3, backend=backend)
        costs.append(fit(net, X, y, epochs=5, **FIT).cost)
    assert isinstance(net.theta, torch.Tensor)
    np.testing.assert_allclose(costs[1], costs[0], rtol=1e-10)

    def masks(seed):
        layers = [Dense(200, "relu"), Dropout(0.8), Dense(1, "sigmoid")]
        net = Network(layers, random_state=seed, backend="torch:cpu", input_dim=2)
        net.forward(X, training=True)
        return net.layers[1].mask

    m1, m2 = masks(0), masks(0)
    assert isinstance(m1, torch.Tensor) and torch.equal(m1, m2)  # seeded from random_state
    assert float((m1 > 0).double().mean()) == pytest.approx(0.8, abs=0.01)
    assert float(m1.max()) == pytest.approx(1 / 0.8)


def test_pickle_and_deepcopy_keep_training_on_the_backend():
    import copy
    import pickle

    X, y = _data("binary", m=30)
    layers = [Dense(4, "relu"), BatchNorm(), Dropout(0.9), Dense(1, "sigmoid")]
    net = Network(layers, random_state=0, backend=STRICT)
    fit(net, X, y, epochs=2, **{**FIT, "batch_size": None})
    for again in (pickle.loads(pickle.dumps(net)), copy.deepcopy(net)):
        assert again.backend is net.backend
        _close(net.forward(X), again.forward(X))
        fit(again, X, y, epochs=2, **{**FIT, "batch_size": None})  # dropout reseeds
        again.parameters()["W1"][...] = 0  # the views still write into the flat buffer
        assert float(xps.sum(again.theta[:12] ** 2)) == 0.0


def test_gradient_norms_of_a_device_network_are_measured_on_its_own_passes():
    from trainwell._gradient_norms import gradient_norms

    X, y = _data("binary", m=40)
    a, b = _pair(lambda: [Dense(6, "relu"), BatchNorm(), Dense(4, "tanh"), Dense(1, "sigmoid")])
    fit(b, X, y, epochs=2, **FIT)
    a.check_input(X)
    a.theta[...] = _np(b.theta)
    for k, v in a.buffers().items():
        v[...] = _np(b.buffers()[k])
    grad_before = _np(b.grad)
    na, nb = gradient_norms(a, X, y), gradient_norms(b, X, y)
    np.testing.assert_allclose(nb.weight_gradient, na.weight_gradient, rtol=1e-12)
    np.testing.assert_allclose(nb.activation, na.activation, rtol=1e-12)
    np.testing.assert_array_equal(_np(b.grad), grad_before)  # no side effect


def test_a_torch_device_name_that_does_not_exist_is_named():
    require("torch")
    with pytest.raises(InvalidParameterError, match="'torch:gpu' names no PyTorch device"):
        get_backend("torch:gpu")


def test_the_namespaces_math_written_once_runs_on():
    """NUMPY_OPS is numpy (reductions as methods, the same bits); OutFreeNamespace gives
    NumPy's call forms new arrays on a library without out=, a bool mask cast to floats."""
    from trainwell.backend import NUMPY_OPS, OutFreeNamespace, as_ops

    Z = np.random.RandomState(0).randn(5, 3)
    assert as_ops(np) is NUMPY_OPS and as_ops(NUMPY_OPS) is NUMPY_OPS
    assert NUMPY_OPS.sum(Z) == np.sum(Z) and NUMPY_OPS.tanh is np.tanh
    np.testing.assert_array_equal(NUMPY_OPS.max(Z, axis=1, keepdims=True), Z.max(1, keepdims=True))
    xps = pytest.importorskip("array_api_strict")
    ops = as_ops(xps)
    assert isinstance(ops, OutFreeNamespace) and as_ops(ops) is ops
    Zs = xps.asarray(Z)
    got = ops.multiply(Zs, Zs > 0, out=None)  # NumPy's float * mask
    np.testing.assert_array_equal(np.asarray(got), Z * (Z > 0))
    np.testing.assert_array_equal(np.asarray(ops.tanh(Zs, out=None)), np.tanh(Z))
    assert float(ops.vdot(Zs, Zs)) == pytest.approx(float(np.vdot(Z, Z)), rel=1e-15)
    assert get_backend("array_api_strict").ops.xp is xps
