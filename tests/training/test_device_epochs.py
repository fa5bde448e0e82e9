"""The training loop on a backend other than NumPy: costs stay on the device.

A GPU library runs kernels asynchronously; reading a step's cost as a Python float makes
the host wait for the device every step. The loop instead reads the epoch's costs back in
one transfer, so these tests count the reads and check that nothing else changed: the same
costs as NumPy, divergence still stops with finite parameters, an interrupt mid-update
still restores the step's parameters.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest

from tests.conftest import require
from trainwell.backend import get_backend
from trainwell.exceptions import InvalidParameterError
from trainwell.nn import BatchNorm, Dense, Dropout, Network
from trainwell.optim import GradientDescent
from trainwell.training import Callback, Checkpoint, EarlyStopping, fit

xps = require("array_api_strict")
StrictArray = type(xps.asarray(0.0))
STRICT = "array_api_strict"


def _data(m=64, seed=0):
    rs = np.random.RandomState(seed)
    X = rs.randn(m, 3)
    return X, (X[:, 0] + 0.5 * rs.randn(m) > 0).astype(int)


def _net(backend, **kw):
    layers = [Dense(6, "relu"), Dropout(0.8), Dense(1, "sigmoid")]
    return Network(layers, random_state=3, engine=backend, **kw)


def test_epoch_costs_come_back_in_one_read_per_epoch(monkeypatch):
    X, y = _data()
    net = _net(STRICT, l2=0.1)
    net.check_input(X)  # build before counting
    bk = get_backend(STRICT)
    reads = {"to_numpy": 0, "float": 0, "bool": 0}
    to_numpy = bk.to_numpy

    def counting_to_numpy(x):
        reads["to_numpy"] += 1
        return to_numpy(x)

    def counting(kind, original):
        def wrapper(self, *a):
            reads[kind] += 1
            return original(self, *a)

        return wrapper

    monkeypatch.setattr(bk, "to_numpy", counting_to_numpy)
    monkeypatch.setattr(StrictArray, "__float__", counting("float", StrictArray.__float__))
    monkeypatch.setattr(StrictArray, "__bool__", counting("bool", StrictArray.__bool__))
    h = fit(net, X, y, optimizer="adam", epochs=3, batch_size=8, random_state=0, progress=False)
    assert len(h.cost) == 3 and all(np.isfinite(h.cost))
    # 8 steps per epoch, one read each epoch (costs and theta's finiteness together)
    assert reads == {"to_numpy": 3, "float": 0, "bool": 0}


def test_costs_and_iteration_costs_equal_numpy():
    X, y = _data()
    kw = {"optimizer": "adam", "epochs": 4, "batch_size": 16, "random_state": 0}
    kw.update(progress=False, record_iterations=True)
    a, b = _net("numpy", l2=0.05, l1=0.01), _net(STRICT, l2=0.05, l1=0.01)
    ha, hb = fit(a, X, y, **kw), fit(b, X, y, **kw)
    assert len(hb.iteration_cost) == 16
    np.testing.assert_allclose(hb.iteration_cost, ha.iteration_cost, rtol=1e-12)
    np.testing.assert_allclose(hb.cost, ha.cost, rtol=1e-12)
    np.testing.assert_allclose(b.backend.to_numpy(b.theta), a.theta, rtol=1e-10, atol=1e-12)


class _Snapshot(Callback):
    def __init__(self):
        self.thetas = []

    def on_epoch_end(self, epoch, logs, ctx):
        net = ctx.network
        self.thetas.append(net.backend.to_numpy(net.theta))


def test_divergence_keeps_the_parameters_from_the_start_of_the_epoch():
    X, y = _data()
    net, snap = _net(STRICT), _Snapshot()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        h = fit(
            net,
            X,
            y,
            optimizer="gd",
            epochs=5,
            batch_size=16,
            schedule=lambda epoch: 0.01 if epoch < 2 else 1e300,  # blows up in epoch 2
            on_divergence="warn",
            record_iterations=True,
            callbacks=[snap],
            random_state=0,
            progress=False,
        )
    assert h.stopped_reason == "diverged" and h.epochs == 2 and len(snap.thetas) == 2
    np.testing.assert_array_equal(net.backend.to_numpy(net.theta), snap.thetas[-1])
    assert all(np.isfinite(h.iteration_cost)) and 8 <= len(h.iteration_cost) < 12
    (msg,) = [str(w.message) for w in caught if "diverged" in str(w.message)]
    assert "start of epoch 2" in msg and "learning rate 1e+300" in msg


@dataclasses.dataclass(frozen=True)
class _InterruptedStep(GradientDescent):
    """Gradient descent that is interrupted halfway through its third update."""

    calls: list = dataclasses.field(default_factory=list)

    def update(self, theta, grad, state, learning_rate):
        self.calls.append(1)
        if len(self.calls) == 3:
            theta[...] = theta + 1.0  # half an update...
            raise KeyboardInterrupt  # ...then Ctrl-C
        return super().update(theta, grad, state, learning_rate)


def test_an_interrupt_mid_update_restores_that_steps_parameters():
    X, y = _data()
    kw = {"learning_rate": 0.1, "epochs": 3, "batch_size": 16, "random_state": 0}
    net, ref = _net(STRICT), _net("numpy")
    kw["record_iterations"] = True
    h = fit(net, X, y, optimizer=_InterruptedStep(), progress=False, **kw)
    href = fit(ref, X, y, optimizer=_InterruptedStep(), progress=False, **kw)
    assert h.stopped_reason == href.stopped_reason == "interrupted" and h.epochs == 0
    assert len(h.iteration_cost) == len(href.iteration_cost) == 2  # the completed steps
    np.testing.assert_allclose(h.iteration_cost, href.iteration_cost, rtol=1e-12)
    # both hold the parameters after two whole steps: the half-done third was undone
    np.testing.assert_allclose(net.backend.to_numpy(net.theta), ref.theta, rtol=1e-12)


@pytest.mark.parametrize("backend", [STRICT, "torch:cpu"])
def test_early_stopping_restores_the_best_epoch_on_the_backend(backend):
    if backend.startswith("torch"):
        require("torch")
    X, y = _data(200)
    kw = {"epochs": 80, "learning_rate": 2.0, "batch_size": 16, "random_state": 0}
    kw.update(validation_data=(X[150:], y[150:]), progress=False)
    runs = {}
    for name in ("numpy", backend):
        net = Network([Dense(8, "relu"), Dense(1, "sigmoid")], random_state=0, engine=name)
        stop = EarlyStopping(patience=3)
        h = fit(net, X[:150], y[:150], callbacks=[stop], **kw)
        runs[name] = (h, net.backend.to_numpy(net.theta))
    (ha, theta_a), (hb, theta_b) = runs.values()
    assert hb.stopped_reason == ha.stopped_reason == "early_stopping"
    assert hb.best_epoch == ha.best_epoch < hb.epochs - 1  # a later epoch was worse
    np.testing.assert_allclose(theta_b, theta_a, rtol=1e-9, atol=1e-12)


def test_a_checkpoint_resumes_a_run_on_the_backend(tmp_path):
    X, y = _data()
    kw = {"optimizer": "adam", "learning_rate": 0.01, "batch_size": 16, "progress": False}
    straight = _net(STRICT)
    fit(straight, X, y, epochs=6, random_state=0, **kw)
    path = tmp_path / "ckpt.npz"
    first = _net(STRICT)
    fit(first, X, y, epochs=3, random_state=0, callbacks=[Checkpoint(path)], **kw)
    resumed = _net(STRICT)
    fit(resumed, X, y, epochs=6, resume_from=path, **kw)
    assert resumed.backend.name == STRICT
    np.testing.assert_array_equal(
        resumed.backend.to_numpy(resumed.theta), straight.backend.to_numpy(straight.theta)
    )


def test_a_checkpoint_from_another_backend_resumes_here(tmp_path):
    """A GPU run's checkpoint continues on NumPy (strict stands in: its dropout masks come
    from the network's NumPy generator, so the runs agree to rounding)."""
    X, y = _data()
    kw = {"optimizer": "adam", "learning_rate": 0.01, "batch_size": 16, "progress": False}
    straight = _net("numpy")
    fit(straight, X, y, epochs=6, random_state=0, **kw)
    path = tmp_path / "ckpt.npz"
    fit(_net(STRICT), X, y, epochs=3, random_state=0, callbacks=[Checkpoint(path)], **kw)
    resumed = _net("numpy")
    fit(resumed, X, y, epochs=6, resume_from=path, **kw)
    assert resumed.backend.is_numpy
    np.testing.assert_allclose(resumed.theta, straight.theta, rtol=1e-10, atol=1e-12)
    other = Network([Dense(5, "relu"), Dropout(0.8), Dense(1, "sigmoid")], random_state=3)
    with pytest.raises(InvalidParameterError, match=r"layers .* there, .* here") as err:
        fit(other, X, y, epochs=6, resume_from=path, **kw)
    assert "backend" not in str(err.value)


def test_augmentation_runs_on_a_host_copy_and_trains_like_numpy():
    from trainwell.data.augmentation import Compose, GaussianJitter, HorizontalFlip

    X = np.random.RandomState(0).rand(64, 16)
    y = (X[:, 0] > 0.5).astype(int)
    augment = Compose([HorizontalFlip(image_shape=(4, 4)), GaussianJitter(0.1)])
    kw = {"epochs": 3, "batch_size": 16, "random_state": 0, "progress": False}
    a, b = _net("numpy"), _net(STRICT)
    ha, hb = fit(a, X, y, augment=augment, **kw), fit(b, X, y, augment=augment, **kw)
    np.testing.assert_allclose(hb.cost, ha.cost, rtol=1e-12)
    np.testing.assert_allclose(b.backend.to_numpy(b.theta), a.theta, rtol=1e-10, atol=1e-12)


def test_a_checkpoint_resumes_dropout_on_a_device_generator_bit_for_bit(tmp_path):
    """torch draws masks from its own generator, which no checkpoint saves; fit reseeds it
    from the network's generator (which the checkpoint does save) at every epoch."""
    require("torch")
    X, y = _data()
    kw = {"optimizer": "adam", "learning_rate": 0.01, "batch_size": 16, "progress": False}
    straight = _net("torch:cpu")
    fit(straight, X, y, epochs=6, random_state=0, **kw)
    path = tmp_path / "ckpt.npz"
    fit(_net("torch:cpu"), X, y, epochs=3, random_state=0, callbacks=[Checkpoint(path)], **kw)
    resumed = _net("torch:cpu")
    fit(resumed, X, y, epochs=6, resume_from=path, **kw)
    np.testing.assert_array_equal(
        resumed.backend.to_numpy(resumed.theta), straight.backend.to_numpy(straight.theta)
    )


def test_no_host_read_per_step_on_torch_with_batch_norm_and_dropout(monkeypatch):
    """Every way a tensor reaches the host (float, bool, int, item, numpy, cpu) is counted:
    an epoch of 16 steps reads exactly as often as an epoch of 2."""
    torch = require("torch")
    X, y = _data(128)
    layers = lambda: [Dense(8, "relu"), BatchNorm(), Dropout(0.8), Dense(1, "sigmoid")]  # noqa: E731
    reads = []
    for name in ("__float__", "__bool__", "__int__", "__index__", "item", "numpy", "cpu"):
        original = getattr(torch.Tensor, name)

        def counting(self, *a, _name=name, _original=original, **k):
            reads.append(_name)
            return _original(self, *a, **k)

        monkeypatch.setattr(torch.Tensor, name, counting)
    counts = {}
    for batch_size in (8, 64):
        net = Network(layers(), random_state=0, l2=0.01, engine="torch:cpu")
        net.check_input(X)
        reads.clear()
        fit(net, X, y, optimizer="adam", epochs=2, batch_size=batch_size, progress=False)
        counts[batch_size] = len(reads)
    assert counts[8] == counts[64] <= 2 * 2  # a read or two per epoch, none per step


@pytest.mark.parametrize("backend", [STRICT, "torch:cpu"])
def test_divergence_also_keeps_the_epochs_batchnorm_statistics_and_optimizer_state(backend):
    """A device epoch runs to its end before its costs are read, so the steps after the
    blow-up also moved batch norm's running averages and the optimizer's moments: those
    go back to the epoch's start with theta, or every later prediction would be NaN."""
    if backend.startswith("torch"):
        require("torch")
    rs = np.random.RandomState(0)
    X = rs.randn(96, 5)
    y = 1e3 * (X @ rs.randn(5))
    net = Network(
        [Dense(8, "relu"), BatchNorm(), Dense(1, "linear")],
        loss="mse",
        random_state=0,
        engine=backend,
    )
    seen = []

    class Start(Callback):
        def on_epoch_end(self, epoch, logs, ctx):
            bk = net.backend
            state = {
                k: (bk.to_numpy(v) if bk.is_array(v) else v) for k, v in ctx.optimizer_state.items()
            }
            seen.append(({k: bk.to_numpy(v) for k, v in net.buffers().items()}, state))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        h = fit(
            net,
            X,
            y,
            optimizer="momentum",
            learning_rate=50.0,
            epochs=10,
            batch_size=16,
            random_state=1,
            progress=False,
            on_divergence="warn",
            callbacks=[Start()],
        )
    assert h.stopped_reason == "diverged"
    assert np.isfinite(net.predict(X)).all()
    bk = net.backend
    buffers, state = seen[-1] if seen else (None, None)
    for k, v in net.buffers().items():
        got = bk.to_numpy(v)
        assert np.isfinite(got).all()
        if buffers is not None:  # the end of the last good epoch is the start of the bad one
            np.testing.assert_array_equal(got, buffers[k])
    final = h.optimizer_state
    assert np.isfinite(bk.to_numpy(final["v"])).all()
    if state is not None:
        assert final["t"] == state["t"]
        np.testing.assert_array_equal(bk.to_numpy(final["v"]), state["v"])


@pytest.mark.parametrize("backend", [STRICT, "torch:cpu"])
def test_float32_accuracies_equal_numpys(backend):
    """Accuracy is a count over m, whatever the network's dtype (a float32 mean of the
    hits would round it: 0.50819671 instead of NumPy's 0.5081967213114754)."""
    if backend.startswith("torch"):
        require("torch")
    X, y = _data(m=61)
    kw = {"epochs": 3, "track_accuracy": True, "progress": False, "random_state": 0}
    kw["validation_data"] = (X[:33], y[:33])
    layers = [Dense(6, "relu"), Dense(1, "sigmoid")]  # no dropout: torch draws its own
    ref = fit(Network(layers, random_state=3, dtype="float32"), X, y, **kw)
    layers = [Dense(6, "relu"), Dense(1, "sigmoid")]
    dev = fit(Network(layers, random_state=3, dtype="float32", engine=backend), X, y, **kw)
    assert dev.train_accuracy == ref.train_accuracy
    assert dev.val_accuracy == ref.val_accuracy


def test_a_torch_tensor_that_requires_grad_trains():
    torch = require("torch")
    X, y = _data()
    Xt = torch.tensor(X, requires_grad=True)
    net = Network([Dense(6, "relu"), Dense(1, "sigmoid")], random_state=3, engine="torch:cpu")
    h = fit(net, Xt, y, epochs=2, progress=False, random_state=0)
    ref = Network([Dense(6, "relu"), Dense(1, "sigmoid")], random_state=3)
    np.testing.assert_allclose(
        h.cost, fit(ref, X, y, epochs=2, progress=False, random_state=0).cost
    )
    assert Xt.grad is None and Xt.requires_grad  # the caller's tensor is left as it was
