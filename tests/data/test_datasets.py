"""Built-in datasets: the course's exact draws, the layout contract, seeds and errors."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.datasets

from trainwell.data import (
    Dataset,
    load_breast_cancer,
    load_circles,
    load_digits,
    load_flower,
    load_iris,
    load_moons,
    load_noisy_2d,
    load_spirals,
    load_wine,
)
from trainwell.exceptions import InvalidParameterError

ALL = [
    load_circles,
    load_moons,
    load_flower,
    load_spirals,
    load_noisy_2d,
    load_digits,
    load_breast_cancer,
    load_iris,
    load_wine,
]


def course_planar_dataset():
    """The course's load_planar_dataset (planar_utils.py), verbatim but for the layout."""
    np.random.seed(1)
    m, N, D, a = 400, 200, 2, 4
    X = np.zeros((m, D))
    Y = np.zeros((m, 1), dtype="uint8")
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2
        r = a * np.sin(4 * t) + np.random.randn(N) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X, Y.ravel()


@pytest.mark.parametrize("loader", ALL, ids=lambda f: f.__name__)
def test_layout_contract(loader):
    ds = loader()
    assert isinstance(ds, Dataset)
    for X, y in ((ds.X_train, ds.y_train), (ds.X_test, ds.y_test)):
        if X is None:
            assert y is None
            continue
        assert X.dtype == np.float64 and X.ndim == 2 and X.flags.c_contiguous
        assert y.dtype == np.int64 and y.shape == (X.shape[0],)
        assert np.isfinite(X).all()
    assert ds.n_features == ds.X_train.shape[1]
    assert len(ds.feature_names) == ds.n_features
    X_train, y_train, X_test, y_test = ds  # unpacks as the four arrays
    assert X_train is ds.X_train and y_test is ds.y_test
    assert ds.name in repr(ds)


def test_circles_is_the_course_recipe():
    np.random.seed(1)
    train_X, train_Y = sklearn.datasets.make_circles(n_samples=300, noise=0.05)
    np.random.seed(2)
    test_X, test_Y = sklearn.datasets.make_circles(n_samples=100, noise=0.05)
    ds = load_circles()
    np.testing.assert_array_equal(ds.X_train, train_X)
    np.testing.assert_array_equal(ds.y_train, train_Y)
    np.testing.assert_array_equal(ds.X_test, test_X)
    np.testing.assert_array_equal(ds.y_test, test_Y)


def test_moons_is_the_course_recipe():
    np.random.seed(3)
    train_X, train_Y = sklearn.datasets.make_moons(n_samples=300, noise=0.2)
    ds = load_moons()
    np.testing.assert_array_equal(ds.X_train, train_X)
    np.testing.assert_array_equal(ds.y_train, train_Y)
    assert ds.X_test is None and ds.y_test is None


def test_moons_test_split_is_stratified_and_complete():
    ds = load_moons(test_size=0.25)
    assert ds.X_train.shape == (225, 2) and ds.X_test.shape == (75, 2)
    assert abs(ds.y_test.mean() - 0.5) < 0.02
    every = np.concatenate([ds.X_train, ds.X_test])
    np.testing.assert_array_equal(np.sort(every, axis=0), np.sort(load_moons().X_train, axis=0))


def test_flower_is_the_course_planar_dataset():
    X, y = course_planar_dataset()
    ds = load_flower()
    np.testing.assert_array_equal(ds.X_train, X)
    np.testing.assert_array_equal(ds.y_train, y)
    assert np.bincount(ds.y_train).tolist() == [200, 200]


def test_generators_accept_a_generator_and_are_seeded():
    a, b = load_spirals(random_state=7), load_spirals(random_state=7)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert not np.array_equal(a.X_train, load_spirals(random_state=8).X_train)
    g = load_noisy_2d(random_state=np.random.default_rng(0))
    assert g.X_train.shape == (211, 2)
    c = load_circles(random_state=(np.random.default_rng(1), np.random.RandomState(2)))
    np.testing.assert_array_equal(c.X_test, load_circles().X_test)  # RandomState(2) == seed 2


def test_spirals_are_two_balanced_arms_a_linear_model_cannot_separate():
    from sklearn.linear_model import LogisticRegression

    ds = load_spirals()
    assert ds.X_train.shape == (300, 2) and ds.X_test.shape == (100, 2)
    assert np.bincount(ds.y_train).tolist() == [150, 150]
    assert np.abs(ds.X_train).max() < 1.3
    linear = LogisticRegression().fit(ds.X_train, ds.y_train).score(ds.X_test, ds.y_test)
    assert linear < 0.75


def test_noisy_2d_shape_range_and_label_noise():
    ds = load_noisy_2d()
    assert ds.X_train.shape == (211, 2) and ds.X_test.shape == (200, 2)
    assert np.abs(np.concatenate([ds.X_train, ds.X_test])).max() <= 0.75
    assert 0.4 < ds.y_train.mean() < 0.6
    clean = load_noisy_2d(label_noise=0.0, boundary_noise=0.0)
    np.testing.assert_array_equal(clean.X_train, ds.X_train)  # same positions, other labels
    flipped = np.mean(clean.y_train != ds.y_train)
    assert 0.04 < flipped < 0.15  # about 8% of the labels are noise


def test_noisy_2d_makes_an_unregularized_network_overfit():
    """The regularization experiment's claim, on the engine (the course's recipe).

    [2, 20, 3, 1] (Xavier, random_state=3), batch gradient descent, 30,000 steps at 0.3:
    unregularized it bends around the flipped labels (train 91%, test 86%); L2 with
    lambda = 0.7 gives up training accuracy and gains test accuracy (86%, 91.5%).
    """
    from trainwell.nn import Dense, Network
    from trainwell.training import fit

    ds = load_noisy_2d()

    def accuracies(l2):
        layers = [Dense(20, "relu", "xavier"), Dense(3, "relu", "xavier")]
        net = Network(
            [*layers, Dense(1, "sigmoid", "xavier")],
            loss="binary_crossentropy",
            l2=l2,
            random_state=3,
            input_dim=2,
        )
        fit(
            net,
            ds.X_train,
            ds.y_train,
            optimizer="gd",
            learning_rate=0.3,
            epochs=30_000,
            batch_size="full",
            progress=False,
            random_state=0,
        )
        return net.score(ds.X_train, ds.y_train), net.score(ds.X_test, ds.y_test)

    (train, test), (train_l2, test_l2) = accuracies(0.0), accuracies(0.7)
    assert train - test > 0.04  # visibly overfits
    assert test_l2 > test + 0.03 and train_l2 - test_l2 < train - test


@pytest.mark.parametrize(
    ("loader", "n", "n_features", "n_classes"),
    [
        (load_digits, 1797, 64, 10),
        (load_breast_cancer, 569, 30, 2),
        (load_iris, 150, 4, 3),
        (load_wine, 178, 13, 3),
    ],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_bundled_datasets_split_stratified_and_seeded(loader, n, n_features, n_classes):
    ds = loader()
    assert ds.X_train.shape[0] + ds.X_test.shape[0] == n
    assert ds.n_features == n_features and ds.n_classes == n_classes
    assert len(ds.target_names) == n_classes
    share_train = np.bincount(ds.y_train) / ds.y_train.size
    share_test = np.bincount(ds.y_test) / ds.y_test.size
    assert np.abs(share_train - share_test).max() < 0.03
    np.testing.assert_array_equal(loader().X_test, ds.X_test)
    assert not np.array_equal(loader(random_state=1).X_test, ds.X_test)
    assert loader(test_size=30).X_test.shape[0] == 30


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: load_moons(noise=-1.0), "'noise' parameter of load_moons"),
        (lambda: load_moons(test_size=1.5), "'test_size' parameter of load_moons"),
        (lambda: load_flower(random_state="x"), "random_state must be"),
        (lambda: load_circles(random_state=1), "pair \\(train, test\\)"),
        (lambda: load_spirals(turns=0), "'turns' parameter of load_spirals"),
        (lambda: load_noisy_2d(label_noise=0.5), "'label_noise' parameter"),
        (lambda: load_digits(test_size=0), "'test_size' parameter of load_digits"),
    ],
)
def test_bad_parameters_are_named(call, match):
    with pytest.raises(InvalidParameterError, match=match):
        call()
