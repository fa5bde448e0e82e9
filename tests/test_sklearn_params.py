"""scikit-learn's MLP names on trainwell's estimators: the same script runs with either."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

import trainwell.sklearn as tw
from trainwell._sklearn_params import SklearnStopping
from trainwell.exceptions import ConvergenceWarning as TrainwellConvergence
from trainwell.exceptions import InvalidParameterError

SKLEARN_ARGS = {
    "hidden_layer_sizes": (32,),
    "activation": "relu",
    "solver": "adam",
    "alpha": 1e-4,
    "batch_size": 64,
    "learning_rate": "constant",
    "learning_rate_init": 0.005,
    "power_t": 0.5,
    "max_iter": 80,
    "shuffle": True,
    "random_state": 0,
    "tol": 1e-4,
    "verbose": False,
    "warm_start": False,
    "momentum": 0.9,
    "nesterovs_momentum": True,
    "early_stopping": False,
    "validation_fraction": 0.1,
    "beta_1": 0.9,
    "beta_2": 0.999,
    "epsilon": 1e-8,
    "n_iter_no_change": 10,
    "max_fun": 15000,
}
FITTED = ("coefs_", "intercepts_", "n_iter_", "loss_", "loss_curve_", "best_loss_", "t_")
FITTED += ("n_features_in_", "n_layers_", "n_outputs_", "out_activation_")


def _script(MLPClassifier, MLPRegressor):
    """A user's script, written against scikit-learn's estimators."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X / 16, y, random_state=0)
    clf = MLPClassifier(**SKLEARN_ARGS).fit(X_train, y_train)
    Xr, yr = make_friedman1(n_samples=800, noise=0.5, random_state=0)
    Xr_train, Xr_test, yr_train, yr_test = train_test_split(Xr, yr, random_state=0)
    reg = MLPRegressor(**{**SKLEARN_ARGS, "max_iter": 200}).fit(Xr_train, yr_train)
    return clf, clf.score(X_test, y_test), reg, reg.score(Xr_test, yr_test)


def test_the_same_script_runs_with_sklearns_and_trainwells_estimators():
    from sklearn import neural_network as sk

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = _script(sk.MLPClassifier, sk.MLPRegressor)
    ours = _script(tw.MLPClassifier, tw.MLPRegressor)
    assert theirs[1] > 0.9 and abs(ours[1] - theirs[1]) < 0.04  # accuracy on digits
    assert theirs[3] > 0.8 and abs(ours[3] - theirs[3]) < 0.1  # R^2 on Friedman #1
    for mine, sks in ((ours[0], theirs[0]), (ours[2], theirs[2])):
        for name in FITTED:
            assert hasattr(mine, name), name
        assert [c.shape for c in mine.coefs_] == [c.shape for c in sks.coefs_]
        assert [b.shape for b in mine.intercepts_] == [b.shape for b in sks.intercepts_]
        assert mine.out_activation_ == sks.out_activation_ and mine.n_layers_ == sks.n_layers_
        assert mine.t_ == mine.n_iter_ * (1347 if mine is ours[0] else 600)
        assert mine.best_loss_ == min(mine.loss_curve_)
    np.testing.assert_array_equal(ours[0].classes_, theirs[0].classes_)


def test_aliases_resolve_and_a_conflict_is_named():
    X, y = load_digits(return_X_y=True)
    clf = tw.MLPClassifier(hidden_layer_sizes=(8,), max_iter=3, alpha=0.5, beta_1=0.8)
    clf.fit(X[:200], y[:200])
    assert clf.n_iter_ == 3 and clf.network_.l2 == 0.5
    with pytest.raises(InvalidParameterError, match="epochs=5 and max_iter=3"):
        tw.MLPClassifier(epochs=5, max_iter=3).fit(X[:50], y[:50])
    with pytest.raises(InvalidParameterError, match="solver='lbfgs'.*solver='adam'"):
        tw.MLPClassifier(solver="lbfgs").fit(X[:50], y[:50])
    logistic = tw.MLPClassifier(hidden_layer_sizes=(4,), activation="logistic", max_iter=2)
    assert logistic.fit(X[:50], y[:50]).network_.layers[0].activation.name == "sigmoid"


def test_sgd_momentum_uses_the_equivalent_course_rate_and_invscaling_decays():
    X, y = load_digits(return_X_y=True)
    args = {"hidden_layer_sizes": (8,), "solver": "sgd", "max_iter": 4, "random_state": 0}
    clf = tw.MLPClassifier(**args, learning_rate_init=0.01, momentum=0.9).fit(X[:300], y[:300])
    assert clf.network_ is not None and clf.history_.learning_rate[0] == pytest.approx(0.1)
    assert any("classical momentum" in n for n in clf.history_.notes)
    inv = tw.MLPClassifier(**args, learning_rate="invscaling", momentum=0.0, power_t=0.5)
    lr = inv.fit(X[:300], y[:300]).history_.learning_rate
    assert lr == pytest.approx([0.001 / (e * 300 + 1) ** 0.5 for e in range(4)])


class _Ctx:
    stop_training, stop_reason = False, None


def test_sklearn_stopping_counts_as_sklearn_and_adaptive_divides_by_five():
    rule = SklearnStopping(lambda e: 0.1, tol=1e-3, n_iter_no_change=2, adaptive=True)
    ctx = _Ctx()
    for epoch, cost in enumerate([1.0, 1.0, 1.0, 1.0]):
        rule.on_epoch_end(epoch, {"cost": cost, "learning_rate": rule(epoch)}, ctx)
    assert rule(4) == pytest.approx(0.02) and not ctx.stop_training  # 3 > 2: divided
    plain = SklearnStopping(lambda e: 0.1, tol=1e-3, n_iter_no_change=2, adaptive=False)
    for epoch, cost in enumerate([1.0, 1.0, 1.0, 1.0]):
        plain.on_epoch_end(epoch, {"cost": cost, "learning_rate": 0.1}, ctx)
    assert ctx.stop_training and "did not improve more than tol=0.001" in plain.message


RENAMED = [
    (
        {"max_epochs": 4},
        {"epochs": 4},
        r"MLPClassifier\(max_epochs=\.\.\.\) is deprecated.*epochs=4",
    ),
    ({"backend": "numpy"}, {"engine": "auto"}, r"\(backend=\.\.\.\).*use engine='auto'"),
    ({"batch_size": None}, {"batch_size": "full"}, r"batch_size='full'"),
]


@pytest.mark.parametrize(("old", "new", "message"), RENAMED)
def test_deprecated_names_warn_and_train_the_same(old, new, message):
    from sklearn.base import clone

    X, y = load_digits(return_X_y=True)
    X, y = X[:120], y[:120]
    kw = {"hidden_layer_sizes": (8,), "epochs": 4, "random_state": 0, "batch_size": 32}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrainwellConvergence)
        with pytest.warns(DeprecationWarning, match=message) as record:
            a = tw.MLPClassifier(**{**kw, **old}).fit(X, y)
        assert record[0].filename == __file__  # points at the caller's fit
        b = tw.MLPClassifier(**{**kw, **new}).fit(X, y)
    np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])
    assert clone(a).get_params() == a.get_params()  # the old name is still a parameter
    assert all(a.get_params()[k] == v for k, v in old.items())


def test_a_renamed_parameter_given_twice_differently_is_an_error():
    X, y = load_digits(return_X_y=True)
    with (
        pytest.warns(DeprecationWarning),
        pytest.raises(InvalidParameterError, match="epochs only"),
    ):
        tw.MLPClassifier(epochs=5, max_epochs=3).fit(X[:50], y[:50])
    with (
        pytest.warns(DeprecationWarning),
        pytest.raises(InvalidParameterError, match="engine only"),
    ):
        tw.MLPClassifier(engine="numba", backend="numpy").fit(X[:50], y[:50])


def test_new_names_are_parameters_and_reach_the_network():
    from sklearn.base import clone

    clf = tw.MLPRegressor((4,), epochs=3, engine="numpy", batch_size="full")
    assert clone(clf).get_params()["engine"] == "numpy"
    params = clf.get_params()
    assert params["epochs"] == 3 and params["max_epochs"] is None and params["backend"] is None
    X, y = make_friedman1(60, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrainwellConvergence)
        warnings.simplefilter("error", DeprecationWarning)
        clf.fit(X, y)
    assert clf.network_.engine == "numpy" and clf.n_iter_ == 3 and clf.batch_size_ == 60
