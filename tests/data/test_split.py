"""train/dev/test splits (the course's sizing rule, stratification) and the shift check."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from trainwell.data import (
    DistributionShiftWarning,
    auto_split_sizes,
    check_same_distribution,
    load_breast_cancer,
    train_dev_test_split,
)
from trainwell.exceptions import DataError, InvalidParameterError


@pytest.mark.parametrize(
    ("m", "sizes"),
    [
        (3, (1, 1, 1)),
        (10, (6, 2, 2)),
        (1_000, (600, 200, 200)),
        (50_000, (30_000, 10_000, 10_000)),
        (100_000, (80_000, 10_000, 10_000)),
        (1_000_000, (980_000, 10_000, 10_000)),  # the course's 98/1/1
        (10_000_000, (9_980_000, 10_000, 10_000)),
    ],
)
def test_auto_sizes_follow_the_course(m, sizes):
    assert auto_split_sizes(m) == sizes
    assert sum(sizes) == m


def test_auto_sizes_cap_is_configurable_and_validated():
    assert auto_split_sizes(1_000_000, max_holdout=50_000) == (900_000, 50_000, 50_000)
    with pytest.raises(InvalidParameterError, match="'m' parameter of auto_split_sizes"):
        auto_split_sizes(2)
    with pytest.raises(InvalidParameterError, match="'max_holdout'"):
        auto_split_sizes(100, max_holdout=0)


def test_split_partitions_the_data_exactly(rng):
    X = np.arange(1000.0).reshape(500, 2)
    y = rng.randint(0, 3, 500)
    parts = train_dev_test_split(X, y, random_state=0)
    assert [len(a) for a in parts[:3]] == [300, 100, 100]
    rows = np.concatenate(parts[:3])[:, 0]
    np.testing.assert_array_equal(np.sort(rows), X[:, 0])  # every example once
    for Xp, yp in zip(parts[:3], parts[3:]):
        np.testing.assert_array_equal(yp, y[(Xp[:, 0] / 2).astype(int)])  # rows keep labels
    X_train, X_dev, X_test, y_train, y_dev, y_test = parts
    assert parts.X_dev is X_dev and parts.y_test is y_test


def test_split_is_stratified_and_shuffled():
    y = np.repeat([0, 1, 2], [500, 300, 200])
    X = np.arange(1000.0)[:, None]
    parts = train_dev_test_split(X, y, ratios=(0.8, 0.1, 0.1), random_state=1)
    for yp, n in ((parts.y_train, 800), (parts.y_dev, 100), (parts.y_test, 100)):
        counts = np.bincount(yp, minlength=3)
        np.testing.assert_allclose(counts, np.array([0.5, 0.3, 0.2]) * n, atol=1)
    assert not np.all(np.diff(parts.y_train) >= 0)  # not grouped by class
    assert not np.all(np.diff(parts.X_train[:, 0]) > 0)  # not in the original order


def test_unstratified_split_is_random_but_sized(rng):
    y = np.repeat([0, 1], [900, 100])
    shares = [
        train_dev_test_split(np.ones((1000, 1)), y, stratify=False, random_state=s).y_dev.mean()
        for s in range(20)
    ]
    assert np.std(shares) > 0.005  # varies with the seed, unlike a stratified split
    strat = [
        train_dev_test_split(np.ones((1000, 1)), y, random_state=s).y_dev.mean() for s in range(5)
    ]
    np.testing.assert_allclose(strat, 0.1, atol=0.005)


def test_split_is_deterministic_per_seed(rng):
    X, y = rng.randn(100, 3), rng.randint(0, 2, 100)
    a = train_dev_test_split(X, y, random_state=5)
    b = train_dev_test_split(X, y, random_state=np.random.RandomState(5))
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    c = train_dev_test_split(X, y, random_state=6)
    assert not np.array_equal(a.X_train, c.X_train)


def test_split_without_a_test_set_and_with_one_hot_or_group_strata(rng):
    X, y = rng.randn(50, 2), rng.randint(0, 2, 50)
    parts = train_dev_test_split(X, y, ratios=(0.8, 0.2, 0.0), random_state=0)
    assert parts.X_test.shape == (0, 2) and parts.y_test.shape == (0,)
    onehot = np.eye(2)[y]
    parts = train_dev_test_split(X, onehot, random_state=0)
    assert parts.y_dev.shape == (10, 2)
    assert abs(parts.y_dev[:, 1].mean() - y.mean()) <= 0.1
    groups = np.repeat([0, 1], 25)
    parts = train_dev_test_split(X, rng.randn(50), stratify=groups, random_state=0)
    assert parts.y_dev.dtype == np.float64  # a regression target split by groups


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"ratios": (0.5, 0.5)}, InvalidParameterError, "three fractions"),
        ({"ratios": (0.7, 0.2, 0.2)}, InvalidParameterError, "sum to 1"),
        ({"ratios": (0.9, 0.0, 0.1)}, InvalidParameterError, "train and dev > 0"),
        ({"ratios": "60/20/20"}, InvalidParameterError, "'ratios' parameter"),
        ({"ratios": (0.98, 0.01, 0.01)}, DataError, "leave an empty part"),
        ({"stratify": np.ones(3)}, InvalidParameterError, "one label per example"),
    ],
)
def test_split_bad_arguments(rng, kwargs, error, match):
    with pytest.raises(error, match=match):
        train_dev_test_split(rng.randn(20, 2), rng.randint(0, 2, 20), **kwargs)


def test_split_refuses_to_stratify_a_continuous_target(rng):
    with pytest.raises(InvalidParameterError, match="stratify=False"):
        train_dev_test_split(rng.randn(20, 2), rng.randn(20))
    parts = train_dev_test_split(rng.randn(20, 2), rng.randn(20), stratify=False)
    assert parts.y_train.shape == (12,)


def test_split_checks_data_and_warns_on_tiny_classes(rng):
    with pytest.raises(DataError, match="different numbers of samples"):
        train_dev_test_split(rng.randn(20, 2), np.zeros(19))
    with pytest.raises(DataError, match="at least 3 examples"):
        train_dev_test_split(rng.randn(2, 2), np.zeros(2))
    with pytest.warns(UserWarning, match="1 class\\(es\\) have fewer than 3 examples"):
        train_dev_test_split(rng.randn(20, 2), np.r_[np.zeros(18), 1, 1], random_state=0)


def test_same_source_split_passes_the_distribution_check():
    ds = load_breast_cancer(test_size=None)
    parts = train_dev_test_split(ds.X_train, ds.y_train, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no DistributionShiftWarning
        report = check_same_distribution(
            parts.X_dev, parts.y_dev, parts.X_test, parts.y_test, feature_names=ds.feature_names
        )
    assert report.same_distribution and report.differing == []
    assert len(report.features) == 30 and report.labels.test == "chi2"
    assert "mean radius" in str(report)


def test_shifted_feature_is_named_in_the_warning(rng):
    X_dev, X_test = rng.randn(300, 3), rng.randn(300, 3)
    X_test[:, 1] += 0.5  # e.g. test photos from another camera
    y = rng.randint(0, 2, 300)
    with pytest.warns(DistributionShiftWarning, match="brightness differ"):
        report = check_same_distribution(
            X_dev, y, X_test, y, feature_names=["size", "brightness", "hue"]
        )
    assert report.differing == ["brightness"]
    d = report.to_dict()
    assert d["differing"] == ["brightness"] and d["features"][1]["differs"] is True
    assert "DIFFERS" in str(report)


def test_shifted_labels_are_flagged(rng):
    X = rng.randn(400, 2)
    y_dev = (rng.uniform(size=400) < 0.5).astype(int)
    y_test = (rng.uniform(size=400) < 0.8).astype(int)
    with pytest.warns(DistributionShiftWarning, match="labels"):
        report = check_same_distribution(X[:200], y_dev[:200], X[200:], y_test[:200])
    assert report.differing == ["labels"]
    onehot = check_same_distribution(
        X[:200], np.eye(2)[y_dev[:200]], X[200:], np.eye(2)[y_test[:200]], warn=False
    )
    assert onehot.labels.statistic == pytest.approx(report.labels.statistic)
    quiet = check_same_distribution(X[:200], None, X[200:], None, warn=False)
    assert quiet.labels is None and quiet.same_distribution


def test_continuous_labels_use_ks(rng):
    X = rng.randn(200, 1)
    report = check_same_distribution(X, rng.randn(200), X, rng.randn(200) + 2, warn=False)
    assert report.labels.test == "ks" and report.differing == ["labels"]


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((np.ones((5, 2)), None, np.ones((5, 3)), None), {}, DataError, "2 features but X_test"),
        ((np.ones((5, 2)), [0] * 5, np.ones((5, 2)), None), {}, DataError, "both y_dev"),
        (
            (np.ones((5, 2)), None, np.ones((5, 2)), None),
            {"alpha": 1.5},
            InvalidParameterError,
            "'alpha'",
        ),
        (
            (np.ones((5, 2)), None, np.ones((5, 2)), None),
            {"feature_names": ["a"]},
            DataError,
            "1 names for 2 features",
        ),
        ((np.full((5, 2), np.nan), None, np.ones((5, 2)), None), {}, DataError, "X_dev contains"),
    ],
)
def test_distribution_check_bad_inputs(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        check_same_distribution(*args, **kwargs)


def test_large_samples_leak_no_scipy_warning():
    """scipy's exact->asymptotic fallback note is not the user's problem."""
    from trainwell.data.split import check_same_distribution

    rng = np.random.RandomState(0)
    rng.randn(100)
    a = rng.randn(1000, 1)  # scipy's exact p-value fails on this sample
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = check_same_distribution(a, None, a + 0.001, None, warn=False)
    assert not report.differing
