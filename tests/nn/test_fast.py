"""The compiled path (trainwell.nn._fast) against the NumPy path: same numbers, same History.

Every comparison trains one network configuration twice from the same seeds, once with
``engine="numpy"`` and once with ``engine="numba"``, and asks for float64 agreement to
1e-12 (relative to the largest parameter) in the parameters, the per-epoch costs, the
per-step costs and the optimizer state, and for identical History bookkeeping.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import make_moons

from tests.conftest import require
from trainwell.exceptions import InvalidParameterError, TrainingDiverged
from trainwell.nn import BatchNorm, Dense, Dropout, Network, _fast
from trainwell.optim import (
    Adam,
    ExponentialDecay,
    GradientDescent,
    Momentum,
)
from trainwell.training import Callback, EarlyStopping, fit

require("numba")

RTOL = 1e-12


@pytest.fixture(scope="module")
def moons():
    return make_moons(n_samples=300, noise=0.2, random_state=3)


def _net(acts=("relu", "relu"), out="sigmoid", loss="binary_crossentropy", n_out=1, **kw):
    drop = kw.pop("drop", None)
    layers = [Dense(5, acts[0])]
    if drop is not None:
        layers.append(Dropout(drop))
    layers += [Dense(4, acts[1]), Dense(n_out, out)]
    kw.setdefault("random_state", 2)
    return Network(layers, loss=loss, **kw)


def _train(engine, X, y, net_kw=None, **fit_kw):
    net = _net(**(net_kw or {}))
    kw = dict(optimizer="adam", learning_rate=0.01, epochs=25, batch_size=64, random_state=0)
    kw.update(fit_kw)
    hist = fit(net, X, y, progress=False, record_iterations=True, engine=engine, **kw)
    return net, hist


def _assert_same(a, b):
    (net_a, h_a), (net_b, h_b) = a, b
    scale = np.abs(net_a.theta).max()
    np.testing.assert_allclose(net_b.theta, net_a.theta, rtol=RTOL, atol=RTOL * scale)
    np.testing.assert_allclose(h_b.cost, h_a.cost, rtol=RTOL)
    np.testing.assert_allclose(h_b.iteration_cost, h_a.iteration_cost, rtol=RTOL)
    assert h_b.learning_rate == h_a.learning_rate
    assert (h_b.epochs, h_b.batch_size, h_b.stopped_reason) == (
        h_a.epochs,
        h_a.batch_size,
        h_a.stopped_reason,
    )
    assert h_b.notes == h_a.notes
    for key, va in h_a.optimizer_state.items():
        if key.startswith("_"):  # scratch space
            continue
        vb = h_b.optimizer_state[key]
        if key == "t":
            assert vb == va
        else:
            np.testing.assert_allclose(vb, va, rtol=RTOL, atol=RTOL * np.abs(va).max())


CONFIGS = {
    "gd": dict(optimizer="gd", learning_rate=0.3),
    "momentum": dict(optimizer="momentum", learning_rate=0.1),
    "momentum-bias-corrected": dict(optimizer=Momentum(0.8, bias_correction=True)),
    "rmsprop": dict(optimizer="rmsprop", learning_rate=0.003),
    "adam": dict(optimizer=Adam(beta1=0.8, beta2=0.99, epsilon=1e-7)),
    "tanh-sigmoid-l2": dict(net_kw=dict(acts=("tanh", "sigmoid"), l2=0.7)),
    "leaky-linear-l1": dict(net_kw=dict(acts=("leaky_relu", "linear"), l1=0.05)),
    "dropout": dict(net_kw=dict(drop=0.8)),
    "softmax": dict(
        net_kw=dict(out="softmax", loss="categorical_crossentropy", n_out=2), optimizer="gd"
    ),
    "mse": dict(net_kw=dict(out="linear", loss="mse"), optimizer="momentum"),
    "full-batch": dict(batch_size="full", optimizer="gd", learning_rate=0.5, epochs=60),
    "batch-7-remainder": dict(batch_size=7, epochs=4),
    "schedule": dict(schedule=ExponentialDecay(0.05, base=0.9), optimizer="rmsprop"),
}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_compiled_path_equals_numpy_path(moons, name):
    X, y = moons
    kw = CONFIGS[name]
    _assert_same(_train("numpy", X, y, **kw), _train("numba", X, y, **kw))


def test_auto_picks_the_engine_its_cost_model_predicts_faster(moons):
    small = _net().build(2)
    assert _fast.plan(small, Adam(), 64, "auto") is not None
    assert _fast.plan(small, Adam(), 64, "numpy") is None
    wide = Network([Dense(512), Dense(10, "softmax")], loss="categorical_crossentropy")
    wide.build(784)
    assert _fast.plan(wide, Adam(), 256, "auto") is None
    assert _fast.plan(wide, Adam(), 256, "numba") is not None
    # measured (benchmarks/engine_cost.py): tanh [2, 20, 3, 1] compiles at a batch of 211,
    # but at a full batch of 2,000 libm's tanh makes the kernel slower than NumPy's SIMD one
    tanh20 = Network([Dense(20, "tanh"), Dense(3, "tanh"), Dense(1, "sigmoid")]).build(2)
    assert _fast.plan(tanh20, Adam(), 211, "auto") is not None
    assert _fast.plan(tanh20, Adam(), 2000, "auto") is None
    for net, batch in ((small, 64), (wide, 256), (tanh20, 211), (tanh20, 2000)):
        seconds = _fast.predicted_step_seconds(net, batch)
        compiled = _fast.plan(net, Adam(), batch, "auto") is not None
        assert compiled == (seconds["numba"] < seconds["numpy"]) == _fast.auto_compiles(net, batch)


def test_environment_variable_opts_out(moons, monkeypatch):
    monkeypatch.setenv("TRAINWELL_ENGINE", "numpy")
    assert _fast.resolve_engine("auto") == "numpy"
    assert _fast.resolve_engine("numba") == "numba"
    with pytest.raises(InvalidParameterError, match="engine"):
        _fast.resolve_engine("cuda")


@pytest.mark.parametrize(
    "layers, kw, reason",
    [
        ([Dense(5), BatchNorm(), Dense(1, "sigmoid")], {}, "BatchNorm"),
        ([Dense(5), Dense(1, "sigmoid")], {"dtype": "float32"}, "float32"),
        ([Dense(5), Dropout(0.9), Dropout(0.9), Dense(1, "sigmoid")], {}, "consecutive"),
        ([Dense(5), Dense(1, "sigmoid")], {"loss": "mse"}, "sigmoid output with mse"),
    ],
)
def test_unsupported_configurations_fall_back_to_numpy(moons, layers, kw, reason):
    X, y = moons
    results = []
    for engine in ("numpy", "numba"):
        net = Network([type(lay)(**_args(lay)) for lay in layers], random_state=1, **kw)
        h = fit(net, X, y, epochs=3, batch_size=64, random_state=0, progress=False, engine=engine)
        results.append((net.theta.copy(), h))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    assert any(reason in note for note in results[1][1].notes)
    assert not any("engine" in note for note in results[0][1].notes)


def _args(layer):
    if isinstance(layer, Dense):
        return {"units": layer.units, "activation": layer.activation.name}
    if isinstance(layer, Dropout):
        return {"keep_prob": layer.keep_prob}
    return {}


def test_custom_optimizer_class_is_not_compiled(moons):
    class MyGD(GradientDescent):
        pass

    net = _net().build(2)
    assert "custom optimizer" in _fast.unsupported_reason(net, MyGD())


def test_dropout_draws_the_same_masks_from_either_generator(moons):
    X, y = moons
    for rs in (np.random.RandomState(7), np.random.default_rng(7)):
        runs = []
        for engine in ("numpy", "numba"):
            gen = type(rs)(7) if isinstance(rs, np.random.RandomState) else np.random.default_rng(7)
            runs.append(_train(engine, X, y, net_kw=dict(drop=0.7, random_state=gen)))
            runs[-1] += (gen.random_sample() if hasattr(gen, "random_sample") else gen.random(),)
        _assert_same(runs[0][:2], runs[1][:2])
        assert runs[0][2] == runs[1][2]  # the network's generator ends in the same state


def test_divergence_stops_at_the_same_step_with_the_same_parameters(moons):
    X, y = moons
    kw = dict(
        optimizer="gd",
        learning_rate=1e6,
        epochs=20,
        batch_size=32,
        net_kw=dict(out="linear", loss="mse", drop=0.9),
        on_divergence="warn",
    )
    with pytest.warns(RuntimeWarning, match="diverged"):
        a = _train("numpy", X, y, **kw)
    with pytest.warns(RuntimeWarning, match="diverged"):
        b = _train("numba", X, y, **kw)
    assert a[1].stopped_reason == b[1].stopped_reason == "diverged"
    assert np.isfinite(b[0].theta).all()
    np.testing.assert_array_equal(np.isfinite(a[1].iteration_cost), True)
    _assert_same(a, b)
    assert a[0].rng.random_sample() == b[0].rng.random_sample()
    with pytest.raises(TrainingDiverged):
        _train("numba", X, y, **{**kw, "on_divergence": "raise"})


def test_callbacks_validation_and_early_stopping_run_per_epoch(moons):
    X, y = moons
    kw = dict(
        epochs=200,
        validation_data=(X[:100], y[:100]),
        track_accuracy=True,
        callbacks=[EarlyStopping("val_cost", patience=3)],
        learning_rate=0.2,
    )
    a, b = _train("numpy", X, y, **kw), _train("numba", X, y, **kw)
    _assert_same(a, b)
    assert b[1].stopped_reason == "early_stopping" and b[1].epochs < 200
    np.testing.assert_allclose(b[1].val_cost, a[1].val_cost, rtol=RTOL)
    assert b[1].train_accuracy == a[1].train_accuracy


def test_interrupt_keeps_the_parameters_of_the_last_step(moons):
    class Interrupt(Callback):
        def on_epoch_end(self, epoch, logs, ctx):
            if epoch == 4:
                raise KeyboardInterrupt

    X, y = moons
    a = _train("numpy", X, y, callbacks=[Interrupt()])
    b = _train("numba", X, y, callbacks=[Interrupt()])
    assert b[1].stopped_reason == "interrupted" and b[1].epochs == 5
    _assert_same(a, b)


def test_shuffle_callable_and_augment(moons):
    X, y = moons

    def shuffle(epoch, m):
        return np.random.RandomState(epoch).permutation(m)

    def augment(X, Y, rng):
        return np.vstack([X, X[:10] + 0.01]), np.vstack([Y, Y[:10]])

    kw = dict(shuffle=shuffle, augment=augment, epochs=6)
    _assert_same(_train("numpy", X, y, **kw), _train("numba", X, y, **kw))


def test_batches_gathered_one_by_one_equal_the_epoch_copy(moons, monkeypatch):
    from trainwell.training import loop

    X, y = moons
    a = _train("numpy", X, y, epochs=5)
    monkeypatch.setattr(loop, "_COPY_BYTES", 0)  # as for data too large to copy each epoch
    b = _train("numpy", X, y, epochs=5)
    np.testing.assert_array_equal(a[0].theta, b[0].theta)
    assert a[1].cost == b[1].cost


def test_importing_trainwell_does_not_import_numba():
    code = (
        "import sys, trainwell, trainwell.nn, trainwell.training, trainwell.optim; "
        "assert 'numba' not in sys.modules, 'numba imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_runner_keeps_its_buffers_between_epochs_and_grows_them(moons):
    """Buffers kept from epoch to epoch (and what an earlier epoch left in them) change
    no bit: one runner over epochs of batches of 16, 100, 16 against a fresh runner for
    each epoch."""
    X, y = moons
    Y = y.reshape(-1, 1).astype(np.float64)
    small = [slice(i, min(i + 16, 300)) for i in range(0, 300, 16)]
    large = [slice(i, min(i + 100, 300)) for i in range(0, 300, 100)]
    kept, fresh = _net().build(2), _net().build(2)
    opt = Adam()
    state_k, state_f = opt.init(kept.theta), opt.init(fresh.theta)
    runner = _fast.EpochRunner(kept, opt)
    widths = []
    for slices in (small, large, small):
        runner.run_epoch(X, Y, None, slices, state_k, 0.01)
        widths.append(runner._work[0].shape[2])
        _fast.EpochRunner(fresh, opt).run_epoch(X, Y, None, slices, state_f, 0.01)
        np.testing.assert_array_equal(kept.theta, fresh.theta)
    assert widths == [16, 104, 104]  # grown to the widest batch (rounded up to 8), then kept
