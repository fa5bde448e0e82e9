"""Trainer: stepping in chunks, set() between steps and state_dict give fit's bits, on the
NumPy path, the compiled path and a device (array-API) path."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from tests.conftest import require
from trainwell.exceptions import InvalidParameterError, TrainingDiverged
from trainwell.nn import Dense, Dropout, Network
from trainwell.optim import Adam
from trainwell.training import Callback, Trainer, fit

pytestmark = pytest.mark.filterwarnings("ignore::trainwell.exceptions.ConvergenceWarning")

# (engine, backend): the NumPy steps, the compiled kernel, the array-API device path
ENGINES = [
    pytest.param("numpy", "numpy", id="numpy"),
    pytest.param("numba", "numpy", id="numba"),
    pytest.param("auto", "array_api_strict", id="device"),
]
KW = dict(optimizer="adam", learning_rate=0.01, batch_size=16, record_iterations=True)


def _data(m=64, seed=0):
    rs = np.random.RandomState(seed)
    X = rs.randn(m, 3)
    return X, (X[:, 0] + 0.5 * rs.randn(m) > 0).astype(int)


def _net(backend, seed=3, **kw):
    if backend != "numpy":
        require(backend)
    layers = [Dense(6, "relu"), Dropout(0.8), Dense(1, "sigmoid")]
    return Network(layers, random_state=seed, engine=backend, **kw)


def _host(net):
    return net.backend.to_numpy(net.theta)


def _same(net_a, h_a, net_b, h_b):
    np.testing.assert_array_equal(_host(net_a), _host(net_b))
    assert h_a.cost == h_b.cost and h_a.iteration_cost == h_b.iteration_cost
    assert h_a.learning_rate == h_b.learning_rate and h_a.epochs == h_b.epochs
    assert net_a.rng.random_sample() == net_b.rng.random_sample()  # the same masks drawn


@pytest.mark.parametrize(("engine", "backend"), ENGINES)
def test_steps_in_chunks_equal_one_fit(engine, backend):
    X, y = _data()
    a = _net(backend)
    ha = fit(a, X, y, epochs=5, engine=engine, random_state=0, progress=False, **KW)
    b = _net(backend)
    tr = Trainer(b, X, y, engine=engine, random_state=0, epochs=5, **KW)
    for n in (1, 2, 3, 4, 5, 5):  # 20 steps = 5 epochs of 4 batches, crossing epoch ends
        tr.step(n)
    hb = tr.finish()
    assert (tr.iteration, tr.epoch, tr.epoch_progress) == (20, 5, 0.0)
    _same(a, ha, b, hb)
    assert ha.optimizer_state["t"] == hb.optimizer_state["t"] == 20


def _equal_states(a, b):
    """Two state_dicts equal value for value (arrays bit for bit)."""
    assert type(a) is type(b)
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _equal_states(a[k], b[k])
    elif isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b)
    else:
        assert a == b or (a != a and b != b)


@pytest.mark.parametrize("engine", ["numpy", "numba"])
@pytest.mark.parametrize("batch_size", ["full", 16])  # one step per epoch, four
def test_whole_epochs_leave_the_state_that_steps_leave(engine, batch_size):
    """run_epoch's lean whole-epoch loop against the general step loop: the same
    parameters, optimizer state, history, counters and divergence guard (its snapshot)."""
    X, y = _data()
    kw = {**KW, "batch_size": batch_size}
    a, b = _net("numpy"), _net("numpy")
    tr_a = Trainer(a, X, y, engine=engine, random_state=0, **kw)
    tr_b = Trainer(b, X, y, engine=engine, random_state=0, **kw)
    for _ in range(6):
        tr_a.run_epoch()
    tr_b.step(6 * tr_b.steps_per_epoch)
    _equal_states(tr_a.state_dict(), tr_b.state_dict())
    assert tr_a.state_dict()["guard"]["good_epoch"] == 5


@pytest.mark.parametrize(("engine", "backend"), ENGINES)
def test_step_returns_the_mean_cost_and_counts_progress(engine, backend):
    X, y = _data()
    tr = Trainer(_net(backend), X, y, engine=engine, random_state=0, **KW)
    cost = tr.step(3)
    assert tr.iteration == 3 and tr.epoch == 0 and tr.epoch_progress == 0.75
    assert cost == pytest.approx(np.mean(tr.history.iteration_cost), rel=1e-15)
    logs = tr.run_epoch()  # finishes the epoch in progress
    assert tr.epoch == 1 and tr.iteration == 4 and set(logs) == {"cost", "learning_rate"}
    assert logs["cost"] == tr.history.cost[0]


def _two_fits(backend, engine, change):
    """fit two epochs, change a setting, fit two more from the same state and generators."""
    X, y = _data()
    net, rng = _net(backend), np.random.RandomState(0)
    kw = dict(KW, engine=engine, random_state=rng, progress=False)
    h1 = fit(net, X, y, epochs=2, **kw)
    opt = change(net)
    kw["optimizer"] = opt or kw["optimizer"]
    h2 = fit(
        net,
        X,
        y,
        epochs=4,
        initial_epoch=2,
        optimizer_state=h1.optimizer_state,
        **{**kw, "learning_rate": 0.003 if opt is None else 0.01},
    )
    return net, h1, h2


@pytest.mark.parametrize(("engine", "backend"), ENGINES)
@pytest.mark.parametrize(
    ("setting", "change"),
    [
        ({"learning_rate": 0.003}, lambda net: None),
        (
            {"learning_rate": 0.003, "l2": 0.5, "l1": 0.01},
            lambda net: setattr(net, "l2", 0.5) or setattr(net, "l1", 0.01),
        ),
        (
            {"learning_rate": 0.003, "keep_prob": 0.5},
            lambda net: setattr(net.layers[1], "keep_prob", 0.5),
        ),
        ({"beta1": 0.5, "epsilon": 1e-6}, lambda net: Adam(beta1=0.5, epsilon=1e-6)),
    ],
    ids=["learning_rate", "l2_l1", "keep_prob", "adam_betas"],
)
def test_set_between_epochs_equals_a_fit_that_changes_there(engine, backend, setting, change):
    X, y = _data()
    a, h1, h2 = _two_fits(backend, engine, change)
    b = _net(backend)
    tr = Trainer(b, X, y, engine=engine, random_state=0, **KW)
    tr.step(3)
    tr.run_epoch()
    tr.run_epoch()
    tr.set(**setting)
    tr.step(8)
    np.testing.assert_array_equal(_host(a), _host(b))
    assert tr.history.cost == h1.cost + h2.cost
    assert tr.history.iteration_cost == h1.iteration_cost + h2.iteration_cost
    if "learning_rate" in setting:
        assert tr.learning_rate == setting["learning_rate"] == tr.history.learning_rate[-1]


def test_set_inside_an_epoch_applies_from_the_next_step():
    X, y = _data()
    runs = []
    for when in (2, 3):
        net = _net("numpy")
        tr = Trainer(net, X, y, engine="numpy", random_state=0, **KW)
        tr.step(when)
        tr.set(learning_rate=0.5)
        tr.step(4 - when)
        runs.append(tr.history.iteration_cost)
    assert runs[0][:3] == runs[1][:3]  # the same until the third step's cost ...
    assert runs[0][3] != runs[1][3]  # ... then the second run's step 3 took the old rate


@pytest.mark.parametrize(("engine", "backend"), ENGINES)
@pytest.mark.parametrize("at", [5, 8])  # inside an epoch, at an epoch's end
def test_state_dict_round_trip_continues_bit_for_bit(engine, backend, at):
    X, y = _data()
    a = _net(backend)
    tr_a = Trainer(a, X, y, engine=engine, random_state=0, **KW)
    tr_a.step(at)
    tr_a.set(learning_rate=0.02)
    state = copy.deepcopy(tr_a.state_dict())
    tr_a.step(11)
    b = _net(backend, seed=7)  # other weights and generators: all replaced
    tr_b = Trainer(b, X, y, engine=engine, random_state=5, **KW)
    tr_b.step(2)
    tr_b.load_state_dict(state)
    assert (tr_b.iteration, tr_b.learning_rate) == (at, 0.02)
    tr_b.step(11)
    _same(a, tr_a.history, b, tr_b.history)
    assert tr_a.optimizer_state["t"] == tr_b.optimizer_state["t"] == at + 11


def test_state_dict_holds_only_arrays_and_plain_values():
    X, y = _data()
    tr = Trainer(_net("numpy"), X, y, random_state=0, **KW)
    tr.step(5)

    def plain(v):
        if isinstance(v, dict):
            return all(plain(x) for x in v.values())
        if isinstance(v, (list, tuple)):
            return all(plain(x) for x in v)
        return v is None or isinstance(v, (bool, int, float, str, np.ndarray))

    assert plain(tr.state_dict())


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"learning_rate": 0.0}, r"'learning_rate' parameter of Trainer.set must be a finite"),
        ({"learning_rate": float("nan")}, "learning_rate"),
        ({"l2": -1.0}, r"'l2' parameter of Trainer.set"),
        ({"learning_rate": 0.1, "l1": "big"}, r"'l1' parameter"),
        ({"keep_prob": 1.5}, r"keep_prob.*\(0, 1\]"),
        ({"keep_prob": {0: 0.5}}, "layer index 0 is not a Dropout layer"),
        ({"beta1": 1.0}, "beta1"),
        ({"learning_rate": 0.1, "momentum": 0.9}, "'momentum', which the 'adam' optimizer"),
    ],
)
def test_a_refused_setting_changes_nothing(kwargs, match):
    X, y = _data()
    net = _net("numpy")
    tr = Trainer(net, X, y, random_state=0, **KW)
    tr.step(2)
    before = (tr.learning_rate, net.l2, net.l1, net.layers[1].keep_prob, tr.optimizer)
    with pytest.raises(InvalidParameterError, match=match):
        tr.set(**kwargs)
    assert before == (tr.learning_rate, net.l2, net.l1, net.layers[1].keep_prob, tr.optimizer)
    straight = _net("numpy")
    Trainer(straight, X, y, random_state=0, **KW).step(6)
    tr.step(4)  # and training goes on exactly as if nothing had been asked
    np.testing.assert_array_equal(net.theta, straight.theta)


@pytest.mark.parametrize("n", [0, -1, 1.5, True, "2"])
def test_step_counts_are_checked(n):
    X, y = _data()
    tr = Trainer(_net("numpy"), X, y, **KW)
    with pytest.raises(InvalidParameterError, match="n_iterations"):
        tr.step(n)
    assert tr.iteration == 0


def test_trainer_checks_its_arguments_before_any_work():
    X, y = _data()
    net = _net("numpy")
    with pytest.raises(InvalidParameterError, match="'on_divergence' parameter of Trainer"):
        Trainer(net, X, y, on_divergence="ignore")
    with pytest.raises(InvalidParameterError, match="'epochs' parameter of Trainer"):
        Trainer(net, X, y, epochs=-1)
    assert net.input_dim is None  # nothing built


@pytest.mark.filterwarnings("ignore:overflow encountered")
@pytest.mark.parametrize("engine", ["numpy", "numba"])
def test_stop_on_divergence_is_quiet_and_resume_goes_on(engine, recwarn):
    X, y = _data()
    net = _net("numpy")
    tr = Trainer(
        net,
        X * 1e3,
        y,
        engine=engine,
        on_divergence="stop",
        random_state=0,
        optimizer="gd",
        learning_rate=1e6,
        batch_size="full",
    )
    for _ in range(20):
        if tr.stopped_reason:
            break
        tr.step()
    assert tr.stopped_reason == "diverged" and "Training diverged" in tr.message
    assert not [w for w in recwarn if "diverged" in str(w.message)]
    assert np.isfinite(net.theta).all()
    with pytest.raises(RuntimeError, match=r"stopped \(diverged\).*resume\(\)"):
        tr.step()
    tr.set(learning_rate=1e-3)
    tr.resume()
    assert np.isfinite(tr.step(3)) and tr.stopped_reason is None


def test_raise_on_divergence_raises_from_step_with_finite_weights():
    X, y = _data()
    net = _net("numpy")
    tr = Trainer(net, X * 1e3, y, optimizer="gd", learning_rate=1e6, batch_size="full")
    with pytest.raises(TrainingDiverged, match="learning rate 1e\\+06"):
        tr.step(50)
    assert np.isfinite(net.theta).all() and tr.stopped_reason == "diverged"


def test_a_callback_stop_is_a_stop_of_the_trainer():
    class StopAtTwo(Callback):
        def on_epoch_end(self, epoch, logs, ctx):
            ctx.stop_training = epoch == 1

    X, y = _data()
    tr = Trainer(_net("numpy"), X, y, callbacks=[StopAtTwo()], **KW)
    tr.step(100)
    assert (tr.epoch, tr.iteration, tr.stopped_reason) == (2, 8, "callback")
    tr.resume()
    tr.run_epoch()
    assert tr.epoch == 3


def test_evaluate_is_the_inference_cost_and_accuracy():
    X, y = _data()
    net = _net("numpy")
    tr = Trainer(net, X, y, **KW)
    tr.step(4)
    cost, acc = tr.evaluate(X, y)
    assert cost == pytest.approx(net.cost(X, y), rel=1e-12) and acc == net.score(X, y)


def test_compiled_epoch_costs_are_the_kernels_own_sums():
    """fit on the compiled path records the kernel's sum (fused multiply-adds), as before
    the Trainer; a run of steps carries that sum on, so chunks keep the same bits."""
    from trainwell.nn import _fast
    from trainwell.training.batches import minibatch_slices

    X, y = _data(m=200, seed=4)
    kw = dict(optimizer="adam", learning_rate=0.01, batch_size=7, shuffle=False)
    net_a, net_b = _net("numpy"), _net("numpy")
    h = fit(net_a, X, y, epochs=3, engine="numba", progress=False, **kw)
    Y = net_b.encode_targets(y, net_b.check_input(X).shape[0])
    opt = Adam()
    runner, state = _fast.EpochRunner(net_b, opt), opt.init(net_b.theta)
    sums = [runner.run_epoch(X, Y, None, minibatch_slices(200, 7), state, 0.01)[0] / 200
            for _ in range(3)]  # fmt: skip
    assert h.cost == sums
    np.testing.assert_array_equal(net_a.theta, net_b.theta)
