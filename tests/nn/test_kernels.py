"""The device engine's compiled kernels (:mod:`trainwell.nn._kernels`), without a GPU.

CuPy compiles each kernel's C body; here an emulator runs the same bodies on
``array_api_strict`` arrays (ternaries become ``where``, ``(T)`` casts are dropped), so a
network on a "compiling" strict backend takes every kernel path of a CuPy network, and
its forward pass, cost and gradients must equal NumPy's. ``benchmarks/gpu_check.py``
compiles and checks the same bodies on a real card.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.conftest import require
from trainwell.backend import Backend, backend_of, get_backend
from trainwell.nn import BatchNorm, Dense, Network, activations
from trainwell.nn.layers import TRAIN

xps = require("array_api_strict")


def _fmax(a, b):
    """CUDA's ``max(x, y)`` for floats is fmax: a NaN operand gives the other one."""
    return xps.where(xps.isnan(a), b, xps.where(xps.isnan(b), a, xps.maximum(a, b)))


def _emulated(in_params, out_params, body, log):
    names = [p.split()[-1] for p in f"{in_params}, {out_params}".split(",")]
    # a bare floating literal is a double in C: the float32 kernel would compute in double
    assert not re.search(r"(?<!\(T\))(?<![\w.])\d+\.\d*", body), body

    def kernel(*args):
        arrays = [a for a in args if not isinstance(a, (np.generic, float, int))]
        dtype = arrays[0].dtype
        assert all(a.dtype == dtype for a in arrays), body  # CuPy: one T
        for a in args:  # a T scalar: a NumPy scalar of that dtype
            assert any(a is x for x in arrays) or xps.asarray(a).dtype == dtype

        def arr(v):
            return v if hasattr(v, "shape") else xps.asarray(float(v), dtype=dtype)

        env = {n: (float(a) if isinstance(a, np.generic) else a) for n, a in zip(names, args)}
        funcs = {
            "exp": xps.exp,
            "log": xps.log,
            "log1p": xps.log1p,
            "tanh": xps.tanh,
            "fabs": xps.abs,
            "sqrt": xps.sqrt,
            "max": lambda a, b: _fmax(arr(a), arr(b)),
            "where": lambda c, a, b: xps.where(c, arr(a), arr(b)),
        }
        for stmt in filter(None, (s.strip() for s in body.split(";"))):
            target, op, expr = re.fullmatch(r"(\w+)\s*([-+*/]?=)\s*(.+)", stmt).groups()
            expr = expr.replace("(T)", "")
            ternary = re.fullmatch(r"(.+?)\s*\?\s*(.+?)\s*:\s*(.+)", expr)
            if ternary:
                expr = "where({}, {}, {})".format(*ternary.groups())
            if op != "=":
                expr = f"{target} {op[0]} ({expr})"
            env[target][...] = eval(expr, funcs, env)

    def counted(*args):
        log.append(in_params)
        return kernel(*args)

    return counted


def _compiling_backend():
    """The strict backend, but with CuPy's kernel hook: bodies run through the emulator."""
    strict = get_backend("array_api_strict")
    fake = Backend(strict.name, strict.xp)  # a new object: the shared one stays as it is
    assert fake is not strict
    fake.compiled = {}

    def elementwise(name, in_params, out_params, body):
        log = fake.compiled.setdefault(name, [])
        return _emulated(in_params, out_params, body, log)

    fake.elementwise = elementwise
    return fake


CASES = {
    "softmax": (
        lambda: [Dense(6, "relu"), Dense(5, "leaky_relu"), Dense(4, "tanh"), Dense(3, "softmax")],
        "categorical_crossentropy",
    ),
    "binary": (lambda: [Dense(5, "sigmoid"), Dense(1, "sigmoid")], "binary_crossentropy"),
    "mse": (lambda: [Dense(5, "relu"), Dense(2, "linear")], "mse"),
    "mse-tanh": (lambda: [Dense(4, "leaky_relu"), Dense(2, "tanh")], "mse"),
    "batchnorm": (
        lambda: [Dense(6, "relu"), BatchNorm(), Dense(4, "tanh"), Dense(3, "softmax")],
        "categorical_crossentropy",
    ),
}


def _targets(kind, rs, m):
    if kind in ("softmax", "batchnorm"):
        return rs.randint(0, 3, m)
    if kind == "binary":
        return rs.randint(0, 2, m)
    return rs.randn(m, 2)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kind", list(CASES))
def test_kernel_paths_compute_the_numpy_network(kind, dtype):
    layers, loss = CASES[kind]
    rs = np.random.RandomState(0)
    X = rs.randn(40, 3) * 2
    y = _targets(kind, rs, 40)
    kw = {"loss": loss, "random_state": 3, "dtype": dtype, "l2": 0.3}
    ref = Network(layers(), **kw)
    fake = _compiling_backend()
    net = Network(layers(), backend=fake, **kw)
    assert net.backend is fake
    Xr, Yr = ref.check_input(X), ref.encode_targets(y)
    Xd, Yd = net.check_input(X), net.encode_targets(y)
    cr = ref.loss_and_gradient(Xr, Yr, TRAIN)
    cd = net.loss_and_gradient(Xd, Yd, TRAIN)
    tol = 1e-12 if dtype == "float64" else 2e-5
    assert cd == pytest.approx(cr, rel=tol)
    grad = backend_of(net.grad).to_numpy(net.grad)
    np.testing.assert_allclose(grad, ref.grad, rtol=tol, atol=tol)
    np.testing.assert_allclose(net.forward(X), ref.forward(X), rtol=tol, atol=tol)
    # every layer and the loss went through a kernel
    used = {name for name, calls in fake.compiled.items() if calls}
    assert "nn_output_grad" in used and f"nn_cost_{loss}" in used
    for layer in net.layers:
        act = layer.activation.name
        if act == "softmax":
            assert {"nn_softmax_exp", "nn_softmax_div"} <= used
        elif act != "linear":
            assert f"nn_{act}_back" in used
            assert isinstance(layer, BatchNorm) or f"nn_bias_{act}" in used


def test_a_users_activation_of_a_builtin_name_is_not_replaced():
    mine = activations.Activation(
        "relu",
        activations.ACTIVATIONS["tanh"].forward,
        activations.ACTIVATIONS["tanh"].backward,
        namespace=True,  # written once: runs on the array-API engine too
    )
    X, y = np.random.RandomState(1).randn(20, 3), np.arange(20) % 2
    ref = Network([Dense(4, mine), Dense(1, "sigmoid")], random_state=0)
    fake = _compiling_backend()
    net = Network([Dense(4, mine), Dense(1, "sigmoid")], backend=fake, random_state=0)
    assert net.loss_and_gradient(net.check_input(X), net.encode_targets(y)) == pytest.approx(
        ref.loss_and_gradient(ref.check_input(X), ref.encode_targets(y)), rel=1e-12
    )
    assert not fake.compiled.get("nn_bias_relu") and not fake.compiled.get("nn_relu_back")


def test_a_cost_without_the_forward_statistics_computes_them():
    from trainwell.nn import _kernels

    fake = _compiling_backend()
    Z = xps.asarray(np.random.RandomState(2).randn(7, 4) * 30)
    Y = xps.asarray(np.eye(4)[np.arange(7) % 4])
    A, stats = _kernels.softmax(fake, Z)
    with_stats = _kernels.cost(fake, "categorical_crossentropy", Z, A, Y, stats)
    without = _kernels.cost(fake, "categorical_crossentropy", Z, A, Y)
    shifted = np.asarray(Z) - np.asarray(Z).max(axis=1, keepdims=True)
    log_yhat = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    expected = -float((np.asarray(Y) * log_yhat).sum()) / 7
    assert float(with_stats) == pytest.approx(expected, rel=1e-13)
    assert float(without) == pytest.approx(expected, rel=1e-13)
    assert _kernels.cost(get_backend("array_api_strict"), "mse", Z, A, Y) is None  # no kernels


def test_a_one_kernel_update_trains_alike_and_an_interrupt_keeps_whole_steps(monkeypatch):
    """With the optimizer step compiled into one kernel, fit skips the per-step copy of
    theta (an interrupt cannot land inside one call); results and interrupts unchanged."""
    from trainwell.optim import optimizers as optimizers_module
    from trainwell.training import _device as device_module
    from trainwell.training import fit

    fake = _compiling_backend()
    monkeypatch.setattr(optimizers_module, "backend_of", lambda x: fake)
    monkeypatch.setattr(device_module, "backend_of", lambda x: fake)
    rs = np.random.RandomState(4)
    X, y = rs.randn(40, 3), rs.randint(0, 3, 40)
    layers, loss = CASES["softmax"]
    kw = {"optimizer": "adam", "learning_rate": 0.01, "batch_size": 8, "progress": False}
    kw["record_iterations"] = True

    def net(backend):
        return Network(layers(), loss=loss, random_state=0, backend=backend)

    ref, mine = net("array_api_strict"), net(fake)
    h_ref = fit(ref, X, y, epochs=2, random_state=0, **kw)
    h = fit(mine, X, y, epochs=2, random_state=0, **kw)
    assert fake.compiled["adam"]  # the emulated kernel ran the steps
    np.testing.assert_allclose(h.iteration_cost, h_ref.iteration_cost, rtol=1e-12)
    np.testing.assert_allclose(_host(mine.theta), _host(ref.theta), rtol=1e-12, atol=1e-14)

    cut = net(fake)
    cut.build(3)
    step, calls = cut.passes.device_loss_and_gradient, []

    def interrupted_at_the_third(*args):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return step(*args)

    monkeypatch.setattr(cut.passes, "device_loss_and_gradient", interrupted_at_the_third)
    h_cut = fit(cut, X, y, epochs=1, shuffle=False, **kw)
    two = net("array_api_strict")
    fit(two, X[:16], y[:16], epochs=1, shuffle=False, **kw)  # the same two whole steps
    assert h_cut.stopped_reason == "interrupted" and len(h_cut.iteration_cost) == 2
    np.testing.assert_allclose(_host(cut.theta), _host(two.theta), rtol=1e-12, atol=1e-14)


def _host(x):
    return backend_of(x).to_numpy(x)


SPECIAL = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-30, -1e-30, 3.0, -3.0, 40.0, -40.0, -60.0, -700.0]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", ["relu", "leaky_relu", "tanh", "sigmoid"])
def test_activation_bodies_match_on_nan_inf_and_zero(name, dtype):
    """NaN must survive (divergence is seen through it) and z = 0 must take the NumPy
    side of each branch."""
    from trainwell.nn import _kernels

    fake, act = _compiling_backend(), activations.ACTIVATIONS[name]
    z = np.array(SPECIAL, dtype=dtype)
    Z = xps.asarray(np.add.outer(np.zeros(3, dtype), z))
    b = xps.zeros(Z.shape[1], dtype=Z.dtype)
    xp_forward, xp_backward = act.array_api_pair()
    expected = xp_forward(xps, Z)
    Zk = xps.asarray(np.asarray(Z))
    A = _kernels.bias_activation(fake, name, Zk, b)
    np.testing.assert_array_equal(np.asarray(A), np.asarray(expected))
    if name == "sigmoid":  # the lower tail keeps its digits (no 1 + tanh cancellation)
        lower = (z < 0) & (z > -100)  # e^-100 is representable in float32 too
        assert (np.asarray(A)[:, lower] > 0).all()
    dA = xps.asarray(np.random.RandomState(0).randn(*Z.shape).astype(dtype))
    np.testing.assert_array_equal(
        np.asarray(_kernels.activation_backward(fake, name, dA, Z, expected)),
        np.asarray(xp_backward(xps, dA, Z, expected)),
    )


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_costs_keep_numpys_order_of_operations():
    """Cross-entropy from logits near 300 in float32 (the cost's log(sum) is below the
    logits' rounding step unless subtracted NumPy's way), and an MSE sum that overflows:
    the kernels give the array API expressions' results."""
    from trainwell.nn import _kernels
    from trainwell.nn.losses import LOSSES

    fake = _compiling_backend()
    rs = np.random.RandomState(5)
    Z = xps.asarray((300 + rs.randn(64, 5)).astype("float32"))
    Z[:, 0] = Z[:, 0] + 20.0
    Y = xps.asarray(np.eye(5, dtype="float32")[np.zeros(64, int)])
    A, stats = _kernels.softmax(fake, Z)
    got = float(_kernels.cost(fake, "categorical_crossentropy", Z, A, Y, stats))
    want = float(LOSSES["categorical_crossentropy"]().xp_cost(xps, Z, A, Y))
    assert got == pytest.approx(want, rel=1e-6)
    A = xps.full((4096, 8), 1e18, dtype=xps.float32)
    Y = xps.zeros((4096, 8), dtype=xps.float32)
    assert float(LOSSES["mse"]().xp_cost(xps, A, A, Y)) == np.inf
    assert float(_kernels.cost(fake, "mse", A, A, Y)) == np.inf


def test_copied_layers_keep_their_kernels():
    import copy
    import pickle

    layers = [Dense(4, "relu"), Dense(3, "softmax")]
    for again in (copy.deepcopy(layers), pickle.loads(pickle.dumps(layers))):
        fake = _compiling_backend()
        net = Network(again, loss="categorical_crossentropy", backend=fake, random_state=0)
        net.build(3)
        assert [layer._compiled for layer in net.layers] == ["relu", "softmax"]
