"""Train / dev / test splits sized as the course advises, and a same-distribution check.

The course (course 2, week 1, "Train / Dev / Test sets"): with a few thousand examples the
old 60/20/20 rule is fine; in the big-data era dev and test only need to be large enough
to tell models apart and to estimate the final error (about 10,000 examples each), so a
million examples split 98/1/1. Dev and test must come from the same distribution.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

import numpy as np

from .._random import RandomLike, check_random_state
from .._validation import check_X, check_X_y
from ..exceptions import DataError, InvalidParameterError

__all__ = [
    "DistributionReport",
    "DistributionShiftWarning",
    "FeatureTest",
    "Split",
    "auto_split_sizes",
    "check_same_distribution",
    "train_dev_test_split",
]


class Split(NamedTuple):
    """The six arrays of a split, in scikit-learn's order (all X first, then all y)."""

    X_train: np.ndarray
    X_dev: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_dev: np.ndarray
    y_test: np.ndarray


def auto_split_sizes(m: int, *, max_holdout: int = 10_000) -> tuple[int, int, int]:
    """Train, dev and test sizes for ``m`` examples under the course's rule.

    Dev and test each get 20% of the data, capped at ``max_holdout`` examples; training
    gets the rest. Hence 60/20/20 up to 50,000 examples, 80/10/10 at 100,000 and 98/1/1
    at a million.

    Parameters
    ----------
    m : int
        Number of examples, at least 3.
    max_holdout : int, default=10_000
        Cap on the dev and on the test size.

    Returns
    -------
    (n_train, n_dev, n_test) : tuple of int

    Examples
    --------
    >>> auto_split_sizes(1000)
    (600, 200, 200)
    >>> auto_split_sizes(1_000_000)
    (980000, 10000, 10000)
    """
    for name, value, low in (("m", m, 3), ("max_holdout", max_holdout, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise InvalidParameterError(
                f"The {name!r} parameter of auto_split_sizes must be an "
                f"int >= {low}. Got {value!r} instead."
            )
    n_hold = max(1, min(int(np.floor(0.2 * m + 0.5)), int(max_holdout)))
    return int(m) - 2 * n_hold, n_hold, n_hold


def _sizes(m: int, ratios: Any) -> tuple[int, int, int]:
    if isinstance(ratios, str) and ratios == "auto":
        if m < 3:
            raise DataError(f"A train/dev/test split needs at least 3 examples; got {m}.")
        return auto_split_sizes(m)
    try:
        r = np.asarray(ratios, dtype=np.float64)
    except (TypeError, ValueError):
        r = np.array([np.nan])
    if (
        r.shape != (3,)
        or not np.isfinite(r).all()
        or (r < 0).any()
        or r[0] <= 0
        or r[1] <= 0
        or abs(r.sum() - 1.0) > 1e-9
    ):
        raise InvalidParameterError(
            "The 'ratios' parameter of train_dev_test_split must be 'auto' or three fractions "
            "(train, dev, test) that sum to 1, train and dev > 0, test >= 0, e.g. (0.6, 0.2, "
            f"0.2). Got {ratios!r} instead."
        )
    n_dev, n_test = (int(np.floor(x * m + 0.5)) for x in r[1:])
    n_train = m - n_dev - n_test
    if n_train < 1 or n_dev < 1 or (r[2] > 0 and n_test < 1):
        raise DataError(
            f"ratios {tuple(r.tolist())} leave an empty part with {m} examples "
            f"(train {n_train}, dev {n_dev}, test {n_test})."
        )
    return n_train, n_dev, n_test


def _strata(y: np.ndarray, stratify: Any) -> np.ndarray:
    """Integer class codes to stratify by (all zeros when not stratifying)."""
    m = y.shape[0]
    if stratify is False or stratify is None:
        return np.zeros(m, dtype=np.intp)
    groups = y if stratify is True else np.asarray(stratify)
    if groups.shape[:1] != (m,) or groups.ndim > 2:
        raise InvalidParameterError(
            "The 'stratify' parameter of train_dev_test_split must be True, False or one "
            f"label per example ({m}). Got an array of shape {groups.shape} instead."
        )
    if groups.dtype.kind == "f" and not np.array_equal(groups, np.round(groups)):
        raise InvalidParameterError(
            "Stratifying needs class labels, but the labels hold non-integer values (a "
            "regression target?); pass stratify=False or an array of group labels."
        )
    if groups.ndim == 2:  # one-hot or multi-output: stratify by the whole row
        return np.unique(groups, axis=0, return_inverse=True)[1].ravel()
    return np.unique(groups, return_inverse=True)[1]


def _even_slots(n_items: int, n_slots: int) -> np.ndarray:
    """A mask choosing ``n_slots`` of ``n_items`` positions spread evenly (Bresenham)."""
    k = np.arange(n_items)
    return (k + 1) * n_slots // n_items > k * n_slots // n_items


def train_dev_test_split(
    X: Any, y: Any, *, ratios: Any = "auto", stratify: Any = True, random_state: RandomLike = None
) -> Split:
    """Shuffle and split examples into train, dev (hold-out) and test sets.

    Parameters
    ----------
    X : array-like of shape (m, n_features)
    y : array-like of shape (m,) or (m, n_outputs)
    ratios : "auto" or (float, float, float), default="auto"
        Fractions (train, dev, test) summing to 1; test may be 0 (a train/dev split, which
        the course allows when no unbiased final estimate is needed). "auto" follows
        :func:`auto_split_sizes`: 60/20/20, dev and test capped at 10,000 examples each.
    stratify : bool or array-like of shape (m,), default=True
        True keeps each class's share of y in every part (up to one example); an array
        stratifies by those groups instead; False splits at random.
    random_state : random_state, default=None
        Seed of the shuffle.

    Returns
    -------
    Split
        ``X_train, X_dev, X_test, y_train, y_dev, y_test`` (a named tuple), each part in
        random order.

    Examples
    --------
    >>> X, y = np.arange(20.0).reshape(10, 2), np.array([0] * 5 + [1] * 5)
    >>> parts = train_dev_test_split(X, y, random_state=0)
    >>> parts.X_train.shape, parts.X_dev.shape, parts.X_test.shape
    ((6, 2), (2, 2), (2, 2))
    >>> np.bincount(parts.y_dev).tolist()
    [1, 1]
    """
    X, y = check_X_y(X, y)
    m = X.shape[0]
    n_train, n_dev, n_test = _sizes(m, ratios)
    codes = _strata(y, stratify)
    rng = check_random_state(random_state)
    counts = np.bincount(codes)
    n_parts = 2 + (n_test > 0)
    if stratify is not False and stratify is not None and counts.min() < n_parts:
        warnings.warn(
            f"{int((counts < n_parts).sum())} class(es) have fewer than {n_parts} "
            "examples, so they cannot appear in every part.",
            UserWarning,
            stacklevel=2,
        )
    perm = rng.permutation(m)
    rank = np.empty(m, dtype=np.intp)
    rank[perm] = np.arange(m)
    # Group by class (random order inside each class), then take evenly spaced slots for
    # the hold-out: each class gets its share of dev and of test, up to one example.
    order = perm[np.argsort(codes[perm], kind="stable")]
    hold = _even_slots(m, n_dev + n_test)
    held = order[hold]
    to_test = _even_slots(held.size, n_test) if n_test else np.zeros(held.size, dtype=bool)
    parts = [order[~hold], held[~to_test], held[to_test]]
    parts = [idx[np.argsort(rank[idx], kind="stable")] for idx in parts]  # back to random order
    return Split(*(X[i] for i in parts), *(y[i] for i in parts))


class DistributionShiftWarning(UserWarning):
    """Dev and test (or any two sets) look like they come from different distributions."""


@dataclass(frozen=True)
class FeatureTest:
    """One two-sample test: a feature (or the labels), its statistic and p-value."""

    name: str
    test: str
    statistic: float
    p_value: float
    differs: bool


@dataclass(frozen=True)
class DistributionReport:
    """Per-feature and label two-sample tests between two sets.

    Attributes
    ----------
    features : tuple of FeatureTest
        A Kolmogorov-Smirnov test per feature.
    labels : FeatureTest or None
        A chi-squared test of the class counts (KS for a continuous target), or None.
    alpha : float
        Family-wise significance level; each test is run at ``alpha / n_tests``
        (Bonferroni), so a same-source pair warns with probability at most ``alpha``.
    """

    features: tuple[FeatureTest, ...]
    labels: FeatureTest | None
    alpha: float

    @property
    def differing(self) -> list[str]:
        """Names of the features (and "labels") whose distributions differ."""
        tests = [*self.features, *([self.labels] if self.labels else [])]
        return [t.name for t in tests if t.differs]

    @property
    def same_distribution(self) -> bool:
        """True when no test rejects."""
        return not self.differing

    def to_dict(self) -> dict:
        """Plain, JSON-able contents."""
        return {
            "alpha": self.alpha,
            "same_distribution": self.same_distribution,
            "differing": self.differing,
            "features": [asdict(t) for t in self.features],
            "labels": None if self.labels is None else asdict(self.labels),
        }

    def __str__(self) -> str:
        tests = [*self.features, *([self.labels] if self.labels else [])]
        width = max(len(t.name) for t in tests)
        lines = [f"{'name':<{width}}  test  statistic   p-value"]
        for t in tests:
            flag = "  DIFFERS" if t.differs else ""
            lines.append(
                f"{t.name:<{width}}  {t.test:<4}  {t.statistic:9.4f}  {t.p_value:8.2e}{flag}"
            )
        return "\n".join(lines)


def _label_vector(y: np.ndarray) -> np.ndarray:
    """Labels as a vector: one-hot rows by their argmax, a column raveled."""
    return y.argmax(axis=1) if y.ndim == 2 and y.shape[1] > 1 else y.ravel()


def _label_test(y_a: np.ndarray, y_b: np.ndarray, level: float) -> FeatureTest:
    from scipy import stats

    if y_a.dtype.kind == "f" and not (
        np.array_equal(y_a, np.round(y_a)) and np.array_equal(y_b, np.round(y_b))
    ):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "ks_2samp: Exact calculation unsuccessful")
            res = stats.ks_2samp(y_a, y_b)
        return FeatureTest(
            "labels", "ks", float(res.statistic), float(res.pvalue), bool(res.pvalue < level)
        )
    classes, codes = np.unique(np.concatenate([y_a, y_b]), return_inverse=True)
    if classes.size < 2:
        return FeatureTest("labels", "chi2", 0.0, 1.0, False)
    table = np.stack(
        [
            np.bincount(codes[: y_a.size], minlength=classes.size),
            np.bincount(codes[y_a.size :], minlength=classes.size),
        ]
    )
    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
    return FeatureTest("labels", "chi2", float(chi2), float(p), bool(p < level))


def check_same_distribution(
    X_dev: Any,
    y_dev: Any,
    X_test: Any,
    y_test: Any,
    *,
    alpha: float = 0.01,
    feature_names: Any = None,
    warn: bool = True,
) -> DistributionReport:
    """Test whether two sets (dev and test) come from the same distribution.

    A two-sample Kolmogorov-Smirnov test per feature, and a chi-squared test of
    homogeneity on the class counts, each at level ``alpha / n_tests`` (Bonferroni).

    Parameters
    ----------
    X_dev, X_test : array-like of shape (m_dev, n_features), (m_test, n_features)
    y_dev, y_test : array-like of shape (m_dev,), (m_test,) or None
        Labels (one-hot rows are compared by class); None on both sides skips the label
        test.
    alpha : float, default=0.01
        Family-wise significance level, in (0, 1).
    feature_names : sequence of str, optional
        Names used in the report and the warning (default ``x1, x2, ...``).
    warn : bool, default=True
        Emit a :class:`DistributionShiftWarning` naming the differing features.

    Returns
    -------
    DistributionReport

    Examples
    --------
    >>> rng = np.random.RandomState(0)
    >>> report = check_same_distribution(rng.randn(200, 2), None, rng.randn(200, 2) + [0, 1],
    ...                                  None, feature_names=["age", "income"], warn=False)
    >>> report.differing
    ['income']
    """
    if not (isinstance(alpha, float | int) and 0 < alpha < 1):
        raise InvalidParameterError(
            "The 'alpha' parameter of check_same_distribution must be "
            f"a float in (0, 1). Got {alpha!r} instead."
        )
    X_a, X_b = check_X(X_dev, name="X_dev"), check_X(X_test, name="X_test")
    if X_a.shape[1] != X_b.shape[1]:
        raise DataError(f"X_dev has {X_a.shape[1]} features but X_test has {X_b.shape[1]}.")
    n = X_a.shape[1]
    names = (
        [f"x{j + 1}" for j in range(n)]
        if feature_names is None
        else [str(f) for f in feature_names]
    )
    if len(names) != n:
        raise DataError(f"feature_names has {len(names)} names for {n} features.")
    if (y_dev is None) != (y_test is None):
        raise DataError("Give both y_dev and y_test, or neither.")
    if y_dev is not None:
        y_a, y_b = (_label_vector(check_X_y(X, y)[1]) for X, y in ((X_a, y_dev), (X_b, y_test)))
    from scipy import stats

    level = alpha / (n + (y_dev is not None))
    features = []
    for j, name in enumerate(names):
        with warnings.catch_warnings():
            # scipy falls back from the exact to the asymptotic p-value on large samples
            # and says so; the fallback is the right p-value, not a problem to report
            warnings.filterwarnings("ignore", "ks_2samp: Exact calculation unsuccessful")
            res = stats.ks_2samp(X_a[:, j], X_b[:, j])
        features.append(
            FeatureTest(
                name, "ks", float(res.statistic), float(res.pvalue), bool(res.pvalue < level)
            )
        )
    labels = None if y_dev is None else _label_test(y_a, y_b, level)
    report = DistributionReport(tuple(features), labels, float(alpha))
    if warn and report.differing:
        warnings.warn(
            "Dev and test look like different distributions: "
            f"{', '.join(report.differing)} differ(s) (two-sample tests, family-wise "
            f"alpha={alpha:g}). Draw both from the data you expect in use.",
            DistributionShiftWarning,
            stacklevel=2,
        )
    return report
