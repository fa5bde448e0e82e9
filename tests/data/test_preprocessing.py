"""Standardizer: the course's formulas, train-only statistics, constant features, saving."""

from __future__ import annotations

import json

import numpy as np
import pytest

from trainwell.data import Standardizer, load_breast_cancer
from trainwell.exceptions import DataError, InvalidParameterError, NotFittedError


def test_mean_and_sigma_follow_the_course(rng):
    X = rng.randn(200, 4) * [1.0, 10.0, 0.01, 300.0] + [5.0, -2.0, 0.0, 1e3]
    scaler = Standardizer().fit(X)
    m = X.shape[0]
    mu = X.sum(axis=0) / m  # mu = 1/m sum x(i)
    sigma2 = ((X - mu) ** 2).sum(axis=0) / m  # sigma^2 = 1/m sum (x(i) - mu)^2
    np.testing.assert_allclose(scaler.mean_, mu, rtol=1e-12)
    np.testing.assert_allclose(scaler.var_, sigma2, rtol=1e-12)
    np.testing.assert_allclose(scaler.scale_, np.sqrt(sigma2), rtol=1e-12)
    Z = scaler.transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.var(axis=0), 1.0, rtol=1e-12)  # x / sigma, not x / sigma^2
    assert scaler.n_features_in_ == 4 and scaler.n_samples_seen_ == 200


def test_matches_scikit_learn(rng):
    from sklearn.preprocessing import StandardScaler

    X, X_new = rng.randn(50, 3) * 7 + 2, rng.randn(10, 3)
    ours, theirs = Standardizer().fit(X), StandardScaler().fit(X)
    np.testing.assert_allclose(ours.transform(X_new), theirs.transform(X_new), rtol=1e-12)


def test_statistics_come_from_the_training_set_only(rng):
    X_train, X_dev = rng.randn(100, 2), rng.randn(30, 2) + 3.0
    scaler = Standardizer().fit(X_train)
    Z_dev = scaler.transform(X_dev)
    np.testing.assert_allclose(Z_dev, (X_dev - X_train.mean(0)) / X_train.std(0))
    assert Z_dev.mean() > 2  # the dev shift survives: it was not re-centred on itself


def test_inverse_transform_and_input_untouched(rng):
    X = rng.randn(20, 3) * 4 - 1
    copy = X.copy()
    scaler = Standardizer().fit(X)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(X)), X, atol=1e-12)
    np.testing.assert_array_equal(X, copy)


def test_constant_feature_does_not_divide_by_zero():
    X = np.array([[1.0, 7.0], [3.0, 7.0], [5.0, 7.0]])
    with np.errstate(all="raise"):
        scaler = Standardizer().fit(X)
        Z = scaler.transform(X)
    assert scaler.constant_.tolist() == [False, True]
    assert scaler.scale_[1] == 1.0 and scaler.var_[1] == 0.0
    np.testing.assert_array_equal(Z[:, 1], 0.0)
    np.testing.assert_array_equal(scaler.transform([[3.0, 9.0]])[:, 1], [2.0])  # x - mu
    np.testing.assert_allclose(scaler.inverse_transform(Z), X)


def test_with_mean_and_with_std_options(rng):
    X = rng.randn(30, 2) * 3 + 4
    only_scale = Standardizer(with_mean=False).fit(X)
    np.testing.assert_allclose(only_scale.transform(X), X / X.std(0))
    only_centre = Standardizer(with_std=False).fit(X)
    np.testing.assert_allclose(only_centre.transform(X), X - X.mean(0))
    assert only_centre.get_params() == {"with_mean": True, "with_std": False}
    assert Standardizer().set_params(with_std=False).with_std is False
    assert repr(only_scale) == "Standardizer(with_mean=False, with_std=True)"


def test_round_trip_through_json(rng):
    X = np.c_[rng.randn(40, 2), np.ones(40)]
    scaler = Standardizer().fit(X)
    state = json.loads(json.dumps(scaler.to_dict()))
    restored = Standardizer.from_dict(state)
    X_new = rng.randn(5, 3)
    np.testing.assert_array_equal(restored.transform(X_new), scaler.transform(X_new))
    assert restored.constant_.tolist() == [False, False, True]
    assert restored.n_samples_seen_ == 40


@pytest.mark.parametrize(
    ("state", "match"),
    [
        ([1, 2], "Not a saved Standardizer"),
        ({"class": "Network"}, "Not a saved Standardizer"),
        ({"class": "Standardizer", "mean": [0.0]}, "lacks"),
    ],
)
def test_from_dict_rejects_foreign_state(state, match):
    with pytest.raises(DataError, match=match):
        Standardizer.from_dict(state)


def test_from_dict_rejects_corrupt_arrays(rng):
    state = Standardizer().fit(rng.randn(5, 2)).to_dict()
    with pytest.raises(DataError, match="corrupt"):
        Standardizer.from_dict({**state, "scale": [1.0, 0.0]})
    with pytest.raises(DataError, match="corrupt"):
        Standardizer.from_dict({**state, "mean": [1.0]})


def test_errors_name_the_problem(rng):
    with pytest.raises(NotFittedError, match="not fitted yet"):
        Standardizer().transform(np.ones((2, 2)))
    with pytest.raises(NotFittedError, match="not fitted yet"):
        Standardizer().to_dict()
    scaler = Standardizer().fit(rng.randn(5, 3))
    with pytest.raises(DataError, match="X has 2 features but the Standardizer was fitted on 3"):
        scaler.transform(np.ones((4, 2)))
    with pytest.raises(DataError, match="NaN"):
        Standardizer().fit([[1.0, np.nan], [2.0, 3.0]])
    with pytest.raises(InvalidParameterError, match="'with_mean' parameter of Standardizer"):
        Standardizer(with_mean="yes").fit(np.ones((2, 2)))
    with pytest.raises(InvalidParameterError, match="no parameter 'copy'"):
        Standardizer().set_params(copy=False)


def test_unnormalized_breast_cancer_trains_far_slower():
    """The course's claim, on the engine: same network, same learning rate, same epochs.

    Breast cancer's 30 features run from about 0.001 to 2,500. A [30, 10, 1] network
    (He init, relu/sigmoid) trained with batch gradient descent at 0.01 for 300 epochs
    stays near the cost of guessing the class prior on raw inputs (~0.67), while on
    standardized inputs it reaches about 0.18 and 94% accuracy.
    """
    from trainwell.nn import Dense, Network
    from trainwell.training import fit

    ds = load_breast_cancer()
    scaler = Standardizer().fit(ds.X_train)

    def train(X):
        net = Network(
            [Dense(10, "relu", "he"), Dense(1, "sigmoid", "he")],
            loss="binary_crossentropy",
            random_state=0,
            input_dim=30,
        )
        history = fit(
            net,
            X,
            ds.y_train,
            optimizer="gd",
            learning_rate=0.01,
            epochs=300,
            batch_size="full",
            progress=False,
            random_state=0,
        )
        return history.cost[-1], net.score(X, ds.y_train)

    (cost_raw, acc_raw), (cost_std, acc_std) = (
        train(ds.X_train),
        train(scaler.transform(ds.X_train)),
    )
    prior = ds.y_train.mean()
    guess = -(prior * np.log(prior) + (1 - prior) * np.log(1 - prior))
    assert cost_raw > 0.9 * guess  # raw: no better than guessing the prior
    assert cost_std < 0.3 * cost_raw  # normalized: far lower cost
    assert acc_std > 0.9 and acc_std - acc_raw > 0.2
