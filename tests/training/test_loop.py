import numpy as np
import pytest
from sklearn.datasets import make_moons

from trainwell.exceptions import (
    DataError,
    InvalidParameterError,
    TrainingDiverged,
)
from trainwell.nn import BatchNorm, Dense, Dropout, Network
from trainwell.optim import Adam, FixedIntervalDecay
from trainwell.training import (
    Callback,
    Checkpoint,
    EarlyStopping,
    Trainer,
    TrainingContext,
    fit,
    load_checkpoint,
)


def _moons_net(seed=3):
    return Network(
        [Dense(5, "relu", "he"), Dense(2, "relu", "he"), Dense(1, "sigmoid", "he")],
        random_state=seed,
    )


@pytest.fixture(scope="module")
def moons():
    return make_moons(n_samples=300, noise=0.2, random_state=3)


def test_adam_beats_gd_and_momentum_and_decay_lets_gd_catch_up(moons):
    """Issue 3's done-when: the course's optimization finding (10,000 epochs, lr 0.0007)."""
    X, y = moons
    acc = {}
    for name in ("gd", "momentum", "adam"):
        net = _moons_net()
        fit(
            net,
            X,
            y,
            optimizer=name,
            learning_rate=0.0007,
            epochs=10000,
            batch_size=64,
            random_state=10,
            progress=False,
        )
        acc[name] = net.score(X, y)
    assert acc["adam"] > 0.92
    assert acc["adam"] - acc["gd"] > 0.1 and acc["adam"] - acc["momentum"] > 0.1
    net = _moons_net()
    hist = fit(
        net,
        X,
        y,
        optimizer="gd",
        epochs=5000,
        batch_size=64,
        random_state=10,
        schedule=FixedIntervalDecay(0.1, decay_rate=1.0, time_interval=1000),
        progress=False,
    )
    assert hist.learning_rate[999] == 0.1 and hist.learning_rate[1000] == 0.05
    assert net.score(X, y) > acc["gd"] + 0.1


def test_same_seed_same_result_bit_for_bit(moons):
    X, y = moons
    runs = []
    for _ in range(2):
        net = Network([Dense(8, "relu"), Dropout(0.8), Dense(1, "sigmoid")], random_state=1)
        h = fit(
            net,
            X,
            y,
            optimizer="adam",
            learning_rate=0.01,
            epochs=20,
            batch_size=32,
            random_state=7,
            progress=False,
        )
        runs.append((net.theta.copy(), h.cost))
    assert np.array_equal(runs[0][0], runs[1][0]) and runs[0][1] == runs[1][1]


def test_history_records_cost_before_update_and_validation(moons):
    X, y = moons
    net = _moons_net()
    first = net.cost(X, y)
    h = fit(
        net,
        X,
        y,
        epochs=3,
        batch_size="full",
        learning_rate=0.1,
        validation_data=(X, y),
        track_accuracy=True,
        record_iterations=True,
        progress=False,
    )
    assert h.cost[0] == pytest.approx(first, rel=1e-12)  # before the first update
    assert len(h.val_cost) == len(h.val_accuracy) == len(h.train_accuracy) == 3
    assert h.iteration_cost == h.cost  # full batch: one step per epoch
    assert h.costs_every(2) == {"0": h.cost[0], "2": h.cost[2]}
    assert h.batch_size == 300


def test_auto_batch_size_is_reported(moons, capsys):
    X, y = moons
    h = fit(_moons_net(), X, y, epochs=1, progress=False, verbose=1)
    assert h.batch_size == 300 and "full batch" in h.notes[0]
    assert "batch_size='auto' chose 300" in capsys.readouterr().out


class Scripted(Callback):
    """Feeds a scripted loss and makes the parameters equal to the epoch index."""

    def __init__(self, losses):
        self.losses = losses

    def on_epoch_end(self, epoch, logs, ctx):
        ctx.network.theta[...] = epoch
        logs["val_cost"] = self.losses[epoch]


def test_early_stopping_on_a_scripted_loss_sequence(moons):
    X, y = moons
    stop = EarlyStopping(monitor="val_cost", patience=2)
    net = _moons_net()
    h = fit(
        net,
        X,
        y,
        epochs=10,
        callbacks=[Scripted([0.2, 0.15, 0.1, 0.11, 0.12, 0.0]), stop],
        progress=False,
    )
    assert stop.stopped_epoch == 4 and h.epochs == 5  # Keras counting: wait >= patience
    assert h.stopped_reason == "early_stopping"
    assert stop.best_epoch == 2 and h.best_epoch == 2
    assert np.all(net.theta == 2)  # the best epoch's parameters restored
    # reused across fits: state resets; a baseline never beaten after epoch 0
    h2 = fit(net, X, y, epochs=10, callbacks=[Scripted([0.1] * 10), stop], progress=False)
    assert stop.best_epoch == 0 and h2.epochs == 3 and np.all(net.theta == 0)


def test_early_stopping_requires_its_monitor(moons):
    X, y = moons
    with pytest.raises(InvalidParameterError, match="validation_data"):
        fit(_moons_net(), X, y, epochs=2, callbacks=[EarlyStopping()], progress=False)
    with pytest.raises(InvalidParameterError, match="track_accuracy=True"):
        stop = EarlyStopping("train_accuracy")
        fit(_moons_net(), X, y, epochs=2, callbacks=[stop], progress=False)


def test_checkpoint_resume_is_bit_for_bit(moons, tmp_path):
    X, y = moons

    def make():
        return Network(
            [Dense(6, "relu"), BatchNorm(), Dropout(0.8), Dense(1, "sigmoid")],
            l2=0.01,
            random_state=4,
        )

    straight = make()
    fit(
        straight,
        X,
        y,
        optimizer=Adam(),
        learning_rate=0.01,
        epochs=10,
        batch_size=64,
        random_state=9,
        progress=False,
    )
    path = tmp_path / "ckpt.npz"
    half = make()
    fit(
        half,
        X,
        y,
        optimizer=Adam(),
        learning_rate=0.01,
        epochs=5,
        batch_size=64,
        random_state=9,
        callbacks=[Checkpoint(path)],
        progress=False,
    )
    ckpt = load_checkpoint(path)
    assert ckpt.epoch == 5 and ckpt.optimizer_state["t"] == 25
    fit(
        ckpt.network,
        X,
        y,
        optimizer=ckpt.optimizer,
        optimizer_state=ckpt.optimizer_state,
        initial_epoch=ckpt.epoch,
        random_state=ckpt.random_state,
        learning_rate=0.01,
        epochs=10,
        batch_size=64,
        progress=False,
    )
    assert np.array_equal(ckpt.network.theta, straight.theta)
    np.testing.assert_array_equal(
        ckpt.network.buffers()["running_var1"], straight.buffers()["running_var1"]
    )
    other = make()
    fit(other, X, y, resume_from=path, learning_rate=0.01, epochs=10, batch_size=64, progress=False)
    assert np.array_equal(other.theta, straight.theta)


def test_checkpoint_write_is_atomic(moons, tmp_path, monkeypatch):
    X, y = moons
    path = tmp_path / "ckpt.npz"
    net = _moons_net()
    fit(net, X, y, epochs=1, callbacks=[Checkpoint(path)], progress=False)
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(OSError, match="disk full"):
        fit(net, X, y, epochs=1, callbacks=[Checkpoint(path)], progress=False)
    assert path.read_bytes() == before  # the good checkpoint survived the crash
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.npz"]  # no temp file left


def test_divergence_stops_cleanly_keeping_finite_parameters(moons):
    X, y = moons
    X = X * 1e3
    net = Network([Dense(20, "relu", "random"), Dense(1, "sigmoid")], random_state=0)
    with pytest.raises(TrainingDiverged, match="learning rate") as info:
        fit(net, X, y, learning_rate=1e6, epochs=200, batch_size="full", progress=False)
    assert np.isfinite(net.theta).all()
    err = info.value
    assert err.history.stopped_reason == "diverged" and err.epoch >= 0
    assert err.learning_rate == 1e6
    net2 = Network([Dense(20, "relu", "random"), Dense(1, "sigmoid")], random_state=0)
    with pytest.warns(RuntimeWarning, match="diverged"):
        h = fit(
            net2,
            X,
            y,
            learning_rate=1e6,
            epochs=200,
            batch_size="full",
            on_divergence="warn",
            progress=False,
        )
    assert h.stopped_reason == "diverged" and np.isfinite(net2.theta).all()


class Interrupt(Callback):
    def on_epoch_end(self, epoch, logs, ctx):
        if epoch == 2:
            raise KeyboardInterrupt


def test_keyboard_interrupt_returns_history_with_parameters_intact(moons):
    X, y = moons
    net = _moons_net()
    h = fit(net, X, y, epochs=50, learning_rate=0.1, callbacks=[Interrupt()], progress=False)
    assert h.stopped_reason == "interrupted" and h.epochs == 3
    assert np.isfinite(net.theta).all()


def test_custom_callback_can_stop_training(moons):
    X, y = moons

    class StopAt(Callback):
        def on_train_begin(self, ctx: TrainingContext):
            self.began = True

        def on_epoch_end(self, epoch, logs, ctx):
            ctx.stop_training = epoch == 1

    cb = StopAt()
    h = fit(_moons_net(), X, y, epochs=10, callbacks=[cb], progress=False)
    assert cb.began and h.epochs == 2 and h.stopped_reason == "callback"


def test_continuing_with_optimizer_state_equals_one_long_run(moons):
    X, y = moons
    a = _moons_net()
    fit(
        a,
        X,
        y,
        optimizer="adam",
        learning_rate=0.01,
        epochs=6,
        batch_size=50,
        random_state=np.random.RandomState(2),
        progress=False,
    )
    b = _moons_net()
    rng = np.random.RandomState(2)
    h = fit(
        b,
        X,
        y,
        optimizer="adam",
        learning_rate=0.01,
        epochs=3,
        batch_size=50,
        random_state=rng,
        progress=False,
    )
    fit(
        b,
        X,
        y,
        optimizer="adam",
        learning_rate=0.01,
        epochs=6,
        initial_epoch=3,
        batch_size=50,
        random_state=rng,
        optimizer_state=h.optimizer_state,
        progress=False,
    )
    assert np.array_equal(a.theta, b.theta)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epochs": -1}, r"'epochs' parameter of fit must be an int in \[0, inf\). Got -1"),
        ({"epochs": 2.5}, r"'epochs' parameter of fit must be an int"),
        ({"initial_epoch": -2}, r"'initial_epoch' parameter of fit must be an int"),
        ({"shuffle": "yes"}, r"'shuffle' parameter of fit must be a bool or a callable"),
        ({"progress": "no"}, r"'progress' parameter of fit must be a bool"),
        ({"record_iterations": 1}, r"'record_iterations' parameter of fit must be a bool"),
        ({"track_accuracy": None}, r"'track_accuracy' parameter of fit must be a bool"),
        ({"verbose": -1}, r"'verbose' parameter of fit must be an int in \[0, inf\)"),
        ({"on_divergence": "ignore"}, r"'on_divergence' parameter of fit must be one of"),
        ({"learning_rate": -1.0}, r"'learning_rate' parameter of fit must be a float"),
        (
            {"batch_size": 0},
            r"'batch_size' parameter of fit must be one of \{'auto', 'full'\}, an int in "
            r"\[1, inf\) or None\. Got 0",
        ),
        ({"batch_size": "half"}, r"'batch_size' parameter of fit must be one of"),
        ({"engine": "tpu"}, r"'engine' parameter of fit must be one of 'auto', 'numpy'"),
        ({"callbacks": "cb"}, r"'callbacks' parameter of fit must be a sequence"),
        ({"schedule": 0.1}, r"'schedule' parameter of fit must be None or a callable"),
        ({"optimizer": "adamw"}, r"'optimizer' parameter must be one of 'gd'"),
        ({"learning_rate": float("inf")}, r"'learning_rate' parameter of fit must be a float"),
        ({"schedule": lambda epoch: -0.1}, r"schedule gave the learning rate -0.1 for epoch 0"),
        ({"validation_data": ([[1.0, 2.0]],)}, r"validation_data must be a pair"),
    ],
)
def test_bad_arguments_are_named_before_any_work(moons, kwargs, message):
    X, y = moons
    net = _moons_net()
    with pytest.raises(InvalidParameterError, match=message):
        fit(net, X, y, **{"epochs": 1, "progress": False, **kwargs})
    assert net.input_dim is None  # checked before the data, before the network was built


def test_a_schedule_that_turns_bad_later_is_named(moons):
    X, y = moons
    with pytest.raises(InvalidParameterError, match="rate nan for epoch 3"):
        fit(_moons_net(), X, y, epochs=5, schedule=lambda e: 0.1 if e < 3 else float("nan"),
            progress=False)  # fmt: skip


@pytest.mark.parametrize("engine", ["numpy", "numba"])
@pytest.mark.parametrize(
    ("augment", "message"),
    [
        (lambda X, Y, r: (X[:, :1], Y), r"X of shape \(300, 1\); the network takes \(m, 2\)"),
        (lambda X, Y, r: (X, Y[:5]), "300 examples but 5 targets"),
        (lambda X, Y, r: (X, Y.ravel()), r"Y of shape \(300,\)"),
    ],
    ids=["narrow-X", "few-targets", "1-D-Y"],
)
def test_augment_output_is_checked_on_every_engine(moons, augment, message, engine):
    X, y = moons
    with pytest.raises(DataError, match=message):
        fit(_moons_net(), X, y, epochs=1, batch_size=32, augment=augment, engine=engine,
            progress=False)  # fmt: skip


@pytest.mark.parametrize(
    "perm", [lambda e, m: np.arange(m - 5), lambda e, m: np.zeros(m, int), lambda e, m: None]
)
def test_a_shuffle_callable_must_return_a_permutation(moons, perm):
    X, y = moons
    with pytest.raises(InvalidParameterError, match=r"permutation of range\(300\)"):
        fit(_moons_net(), X, y, epochs=1, batch_size=32, shuffle=perm, progress=False)


def test_early_stopping_restores_the_best_epoch_after_a_divergence():
    rs = np.random.RandomState(0)
    X = rs.randn(64, 3)
    y = X @ [1.0, 2.0, 3.0] + 0.5
    net = Network([Dense(4, "tanh"), Dense(1, "linear")], loss="mse", random_state=0)
    with pytest.warns(RuntimeWarning, match="diverged"):
        h = fit(net, X, y, optimizer="gd", schedule=lambda e: 0.05 if e < 5 else 1e200,
                epochs=20, batch_size=8, validation_data=(X, y), on_divergence="warn",
                callbacks=[EarlyStopping("val_cost", patience=3)], progress=False)  # fmt: skip
    assert h.stopped_reason == "diverged" and h.best_epoch == 4
    assert net.cost(X, y) == pytest.approx(h.val_cost[4], rel=1e-12)


@pytest.mark.filterwarnings("ignore:overflow encountered")
@pytest.mark.parametrize("engine", ["numpy", "numba"])
def test_an_overflow_in_the_last_update_is_a_divergence(engine):
    rs = np.random.RandomState(0)
    X = rs.randn(64, 3)
    y = X @ [1.0, 2.0, 3.0] + 50
    net = Network([Dense(4, "tanh"), Dense(1, "linear")], loss="mse", random_state=0)
    before = net.check_input(X) is not None and net.theta.copy()
    with pytest.raises(TrainingDiverged, match="before the last update were kept"):
        fit(net, X, y, optimizer="gd", learning_rate=1e307, epochs=1, batch_size="full",
            engine=engine, progress=False)  # fmt: skip
    np.testing.assert_array_equal(net.theta, before)  # the only update was undone


def test_an_interrupted_epoch_leaves_the_last_checkpoint_exact(moons, tmp_path):
    X, y = moons
    path = tmp_path / "ckpt.npz"
    net = _moons_net()
    calls = []
    step = net.loss_and_gradient

    def interrupted(*args):
        calls.append(1)
        if len(calls) == 14:  # the fourth epoch's second batch
            raise KeyboardInterrupt
        return step(*args)

    net.loss_and_gradient = interrupted
    kw = {"optimizer": "adam", "learning_rate": 0.01, "batch_size": 75, "progress": False}
    h = fit(net, X, y, epochs=6, callbacks=[Checkpoint(path)], engine="numpy", random_state=0,
            **kw)  # fmt: skip
    assert h.stopped_reason == "interrupted" and load_checkpoint(path).epoch == 3
    straight, resumed = _moons_net(), _moons_net()
    fit(straight, X, y, epochs=6, engine="numpy", random_state=0, **kw)
    fit(resumed, X, y, epochs=6, engine="numpy", resume_from=path, **kw)
    np.testing.assert_array_equal(resumed.theta, straight.theta)


def test_costs_every_counts_absolute_epochs_after_a_resume(moons):
    X, y = moons
    net = _moons_net()
    first = fit(net, X, y, epochs=10, batch_size="full", progress=False)
    more = fit(net, X, y, epochs=20, initial_epoch=10, batch_size="full", progress=False,
               optimizer_state=first.optimizer_state)  # fmt: skip
    assert list(more.costs_every(5)) == ["10", "15"]


BAD_FOR_BOTH = [
    ({"learning_rate": 0.0}, "'learning_rate' parameter of {}"),
    ({"batch_size": "half"}, "'batch_size' parameter of {}"),
    ({"engine": "tpu"}, "'engine' parameter of {}"),
    ({"callbacks": [object()]}, "'callbacks' parameter of {}"),
    ({"validation_data": (1,)}, "{}: validation_data must be a pair"),
    ({"on_divergence": "shrug"}, "'on_divergence' parameter of {}"),
]


@pytest.mark.parametrize(("kwargs", "message"), BAD_FOR_BOTH)
def test_errors_name_the_function_called(moons, kwargs, message):
    X, y = moons
    with pytest.raises(InvalidParameterError, match=message.format("fit")):
        fit(_moons_net(), X, y, progress=False, **kwargs)
    with pytest.raises(InvalidParameterError, match=message.format("Trainer")):
        Trainer(_moons_net(), X, y, **kwargs)


def test_fit_checks_each_argument_once(moons, monkeypatch):
    from trainwell.training import _setup

    seen = []
    real = _setup.validate_params

    def counting(rules, values, caller):
        seen.extend((caller, name) for name in rules if name in values)
        return real(rules, values, caller)

    monkeypatch.setattr(_setup, "validate_params", counting)
    X, y = moons
    fit(_moons_net(), X, y, epochs=2, batch_size=64, progress=False)
    names = [name for _, name in seen]
    assert sorted(names) == sorted(set(names)) and {c for c, _ in seen} == {"fit"}
    assert {"learning_rate", "batch_size", "epochs", "progress", "shuffle"} <= set(names)


def test_full_batch_is_spelled_full_and_none_is_deprecated(moons):
    X, y = moons
    a, b = _moons_net(), _moons_net()
    h = fit(a, X, y, epochs=3, batch_size="full", progress=False)
    with pytest.warns(DeprecationWarning, match=r"fit\(batch_size='full'\)") as record:
        fit(b, X, y, epochs=3, batch_size=None, progress=False)
    assert record[0].filename == __file__  # points at the caller's line
    np.testing.assert_array_equal(a.theta, b.theta)
    assert h.batch_size == len(X)
    with pytest.warns(DeprecationWarning, match=r"Trainer\(batch_size=None\)"):
        Trainer(_moons_net(), X, y, batch_size=None)
