"""Issue 17's training cases, one row each: (name, run, expected outcome).

A row's ``run`` gets a temporary folder and returns what the check reads; ``check`` says
what must hold. Add a row to add a case.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_moons

from trainwell.exceptions import ConvergenceWarning, InvalidParameterError, TrainingDiverged
from trainwell.nn import BatchNorm, Dense, Network
from trainwell.training import Checkpoint, fit

pytestmark = [
    pytest.mark.filterwarnings("ignore:overflow encountered"),
    pytest.mark.filterwarnings("ignore:invalid value encountered"),
    pytest.mark.filterwarnings("ignore::trainwell.exceptions.ConvergenceWarning"),
]

MOONS = make_moons(n_samples=300, noise=0.2, random_state=3)
_rs = np.random.RandomState(0)
XR = _rs.randn(200, 3)
YR = XR @ [1.0, 2.0, 3.0] + 0.5


def _diverging(layers, loss, X, y, **kw):
    """fit that must raise TrainingDiverged; (network, exception, first cost)."""
    net = Network(layers, loss=loss, random_state=0)
    first = net.cost(X, y)
    with pytest.raises(TrainingDiverged) as info:
        fit(net, X, y, progress=False, random_state=0, **kw)
    return net, info.value, first


def _kept_weights_are_sane(result):
    net, err, first = result
    X, y = result[3:] if len(result) > 3 else (None, None)
    assert err.history.stopped_reason == "diverged"
    assert np.isfinite(net.theta).all() and np.abs(net.theta).max() < 1e3


def _bce_lr_1e6(batch_size):
    def run(tmp_path):
        X, y = MOONS
        layers = [Dense(8, "relu"), Dense(1, "sigmoid")]
        net, err, first = _diverging(
            layers, "binary_crossentropy", X, y, learning_rate=1e6, epochs=50, batch_size=batch_size
        )
        return net.cost(X, y), first, err

    return run


def _mse(optimizer, lr, epochs, hidden="tanh", scale=1.0):
    def run(tmp_path):
        layers = [Dense(8, hidden), Dense(1, "linear")]
        net, err, first = _diverging(
            layers,
            "mse",
            XR,
            YR * scale,
            optimizer=optimizer,
            learning_rate=lr,
            epochs=epochs,
            batch_size="full",
        )
        return net.cost(XR, YR * scale), first, err

    return run


def _sane(result):
    kept, first, err = result
    # the kept weights' cost is sane: at most SANE_FACTOR (10) times the first
    assert np.isfinite(kept) and kept <= 10 * first, (kept, first)
    assert err.history.stopped_reason == "diverged" and "Training diverged" in str(err)


def _callbacks_3(tmp_path):
    X, y = MOONS
    with pytest.raises(InvalidParameterError) as info:
        fit(Network([Dense(1, "sigmoid")]), X, y, callbacks=[3], progress=False)
    return str(info.value)


def _resume_keeps_history(tmp_path):
    X, y = MOONS
    path = tmp_path / "ckpt.npz"
    kw = dict(optimizer="adam", learning_rate=0.01, batch_size=64, progress=False)
    straight = fit(
        Network([Dense(4, "tanh"), Dense(1, "sigmoid")], random_state=0),
        X,
        y,
        epochs=6,
        random_state=1,
        **kw,
    )
    net = Network([Dense(4, "tanh"), Dense(1, "sigmoid")], random_state=0)
    fit(net, X, y, epochs=4, random_state=1, callbacks=[Checkpoint(path)], **kw)
    other = Network([Dense(4, "tanh"), Dense(1, "sigmoid")], random_state=5)
    resumed = fit(other, X, y, epochs=6, resume_from=path, **kw)
    return straight, resumed


def _batchnorm_batch_of_one(tmp_path):
    X, y = MOONS
    net = Network([Dense(4, "relu"), BatchNorm(), Dense(1, "sigmoid")], random_state=0)
    with pytest.raises(InvalidParameterError) as info:
        fit(net, X, y, batch_size=1, progress=False)
    return str(info.value)


def _default_fit_warns(tmp_path):
    X, y = MOONS
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit(Network([Dense(4, "tanh"), Dense(1, "sigmoid")], random_state=0), X, y, progress=False)
    return [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]


def _converged_fit_is_quiet(tmp_path):
    X, y = MOONS
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit(
            Network([Dense(8, "tanh"), Dense(1, "sigmoid")], random_state=0),
            X,
            y,
            optimizer="adam",
            learning_rate=0.05,
            epochs=1500,
            progress=False,
        )
    return [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]


def _partial_fit_is_quiet(tmp_path):
    from trainwell.sklearn import MLPClassifier

    X, y = MOONS
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf = MLPClassifier((4,), random_state=0)
        for _ in range(3):
            clf.partial_fit(X, y, classes=[0, 1])
    return [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]


CASES = [
    ("bce at lr 1e6, full batch, is caught", _bce_lr_1e6(None), _sane),
    ("bce at lr 1e6, mini-batches, is caught", _bce_lr_1e6(32), _sane),
    ("adam with mse exploding is caught", _mse("adam", 100.0, 50, "relu"), _sane),
    ("gd with mse: the kept weights are not the last finite ones", _mse("gd", 1.0, 200), _sane),
    ("gd with mse reaching inf keeps sane weights", _mse("gd", 1e3, 50, scale=100.0), _sane),
    ("relu mse to inf within the patience", _mse("gd", 1e8, 50, "relu"), _sane),
    (
        "callbacks=[3] names the argument and the item",
        _callbacks_3,
        lambda msg: "'callbacks' parameter of fit" in msg and "item 0 is int 3" in msg,
    ),
    (
        "resume_from keeps the history before the checkpoint",
        _resume_keeps_history,
        lambda r: r[1].cost == r[0].cost and r[1].epochs == 6 and r[1].initial_epoch == 0,
    ),
    (
        "batch norm over batches of one is refused",
        _batchnorm_batch_of_one,
        lambda msg: "batch_size=1 with BatchNorm" in msg and "at least 2" in msg,
    ),
    (
        "fit(net, X, y) with its defaults warns, naming what to raise",
        _default_fit_warns,
        lambda msgs: (
            len(msgs) == 1 and all(a in msgs[0] for a in ("epochs", "learning_rate", "optimizer"))
        ),
    ),
    ("a converged fit does not warn", _converged_fit_is_quiet, lambda msgs: msgs == []),
    ("partial_fit (one epoch per call) does not warn", _partial_fit_is_quiet, lambda m: m == []),
]


@pytest.mark.parametrize(("name", "run", "check"), CASES, ids=[c[0] for c in CASES])
def test_case(name, run, check, tmp_path):
    outcome = run(tmp_path)
    result = check(outcome)
    assert result is None or result, outcome
