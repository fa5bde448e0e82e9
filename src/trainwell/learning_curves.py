"""Learning curves: train and dev error against training-set size, or against epochs.

Course 2, week 1 (bias/variance) read on a curve: a dev error that keeps falling as the
training set grows while the train error rises towards it is variance that more data will
cure; two curves that meet early, well above the Bayes error, are bias that more data will
not cure. Against epochs, a dev error that turns up while the train error keeps falling is
the point early stopping picks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._random import RandomLike, check_random_state
from ._validation import check_X_y
from .exceptions import DataError, InvalidParameterError
from .verdicts import Diagnosis, classification_error, diagnose

__all__ = ["LearningCurve", "epoch_curve", "learning_curve", "plot_learning_curve"]


@dataclass(frozen=True, eq=False)
class LearningCurve:
    """Train and dev error at several points (training-set sizes or epochs).

    Attributes
    ----------
    x : ndarray of shape (n_points,)
        Training-set sizes (``kind="size"``) or epochs, 1-based (``kind="epoch"``).
    train_error, dev_error : ndarray of shape (n_points,)
        Error rates (fractions).
    kind : {"size", "epoch"}
    """

    x: np.ndarray
    train_error: np.ndarray
    dev_error: np.ndarray
    kind: str = "size"

    def diagnose(self, bayes_error: float = 0.0, *, threshold: float = 0.02) -> Diagnosis:
        """:func:`~trainwell.diagnosis.diagnose` at the last point (the whole training set)."""
        return diagnose(
            float(self.train_error[-1]), float(self.dev_error[-1]), bayes_error, threshold=threshold
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-able contents."""
        return {
            "kind": self.kind,
            "x": self.x.tolist(),
            "train_error": self.train_error.tolist(),
            "dev_error": self.dev_error.tolist(),
        }

    def __str__(self) -> str:
        head = "training examples" if self.kind == "size" else "epoch"
        rows = [f"{head:>17}  train error  dev error"]
        rows += [
            f"{x:>17g}  {tr:11.4f}  {dv:9.4f}"
            for x, tr, dv in zip(self.x, self.train_error, self.dev_error)
        ]
        return "\n".join(rows)


def _sizes(sizes: Any, m: int) -> np.ndarray:
    arr = np.asarray(sizes)
    rule = f"fractions in (0, 1] or counts in [1, {m}] (integers), e.g. (0.1, 0.5, 1.0)"
    if arr.ndim != 1 or arr.size == 0 or arr.dtype.kind not in "iuf":
        raise InvalidParameterError(
            f"The 'sizes' parameter of learning_curve must be {rule}. Got {sizes!r} instead."
        )
    if arr.dtype.kind == "f":
        if not ((arr > 0) & (arr <= 1)).all():
            raise InvalidParameterError(
                f"The 'sizes' parameter of learning_curve must be {rule}. Got {sizes!r} instead."
            )
        arr = np.maximum(1, np.floor(arr * m + 0.5)).astype(np.intp)
    elif not ((arr >= 1) & (arr <= m)).all():
        raise InvalidParameterError(
            f"The 'sizes' parameter of learning_curve must be {rule}. Got {sizes!r} instead."
        )
    return np.unique(arr.astype(np.intp))


def _stratified_order(y: np.ndarray, rng: Any) -> np.ndarray:
    """A random order whose every prefix holds each class in about its share of y."""
    m = y.shape[0]
    perm = rng.permutation(m)
    codes = np.unique(y.reshape(m, -1), axis=0, return_inverse=True)[1].ravel()[perm]
    counts = np.bincount(codes)
    within = np.empty(m)
    for c in range(counts.size):  # rank of each example inside its class, spread over [0, 1)
        members = codes == c
        within[members] = (np.arange(counts[c]) + 0.5) / counts[c]
    return perm[np.argsort(within, kind="stable")]


def learning_curve(
    make_model: Callable[[], Any],
    X_train: Any,
    y_train: Any,
    X_dev: Any,
    y_dev: Any,
    *,
    sizes: Any = (0.1, 0.25, 0.5, 0.75, 1.0),
    random_state: RandomLike = None,
    progress: bool = False,
) -> LearningCurve:
    """Train a fresh model on growing subsets of the training set; record both errors.

    Parameters
    ----------
    make_model : callable
        ``make_model()`` returns a new unfitted model with ``fit(X, y)`` and ``predict(X)``
        (any scikit-learn classifier, trainwell's estimator).
    X_train, y_train : array-like of shape (m, n_features), (m,)
    X_dev, y_dev : array-like
        The dev set, used whole at every point.
    sizes : array-like, default=(0.1, 0.25, 0.5, 0.75, 1.0)
        Fractions of the training set (floats in (0, 1]) or numbers of examples (ints).
    random_state : random_state, default=None
        Seed of the subset order. The subsets are nested (each holds the smaller ones) and
        stratified (each class in about its share).
    progress : bool, default=False
        Show a progress bar over the sizes.

    Returns
    -------
    LearningCurve
        ``kind="size"``; the train error of each point is measured on the subset that
        model was trained on.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from trainwell.data import load_iris
    >>> ds = load_iris()
    >>> curve = learning_curve(LogisticRegression, ds.X_train, ds.y_train, ds.X_test,
    ...                        ds.y_test, sizes=[30, 112], random_state=0)
    >>> curve.x.tolist()
    [30, 112]
    """
    if not callable(make_model):
        raise InvalidParameterError(
            "The 'make_model' parameter of learning_curve must be a "
            "callable returning a new model, e.g. LogisticRegression. "
            f"Got {make_model!r} instead."
        )
    X, y = check_X_y(X_train, y_train)
    X_dev, y_dev = check_X_y(X_dev, y_dev)
    if X_dev.shape[1] != X.shape[1]:
        raise DataError(f"X_dev has {X_dev.shape[1]} features but X_train has {X.shape[1]}.")
    counts = _sizes(sizes, X.shape[0])
    order = _stratified_order(y, check_random_state(random_state))
    steps: Any = counts
    if progress:
        from tqdm.auto import tqdm

        steps = tqdm(counts, desc="learning curve", unit="size")
    train_err, dev_err = [], []
    for n in steps:
        idx = order[:n]
        model = make_model()
        model.fit(X[idx], y[idx])
        train_err.append(classification_error(model, X[idx], y[idx]))
        dev_err.append(classification_error(model, X_dev, y_dev))
    return LearningCurve(counts, np.array(train_err), np.array(dev_err), "size")


def epoch_curve(history: Any) -> LearningCurve:
    """Train and dev error per epoch from a training history.

    Parameters
    ----------
    history : History
        What ``trainwell.training.fit`` returns when given ``validation_data`` and
        ``track_accuracy=True``: its ``train_accuracy`` and ``val_accuracy`` lists (one
        entry per epoch).

    Returns
    -------
    LearningCurve
        ``kind="epoch"``, ``x`` = 1, 2, ..., errors = 1 - accuracy.
    """
    train = np.asarray(getattr(history, "train_accuracy", []), dtype=np.float64)
    dev = np.asarray(getattr(history, "val_accuracy", []), dtype=np.float64)
    if train.size == 0 or dev.size == 0:
        missing = " and ".join(
            what
            for what, values, how in (
                ("train accuracy", train, "track_accuracy=True"),
                ("dev accuracy", dev, "validation_data=(X_dev, y_dev)"),
            )
            if values.size == 0
        )
        raise DataError(
            f"The history holds no per-epoch {missing}; train with fit(..., "
            "validation_data=(X_dev, y_dev), track_accuracy=True) so that both are recorded."
        )
    if train.shape != dev.shape or train.ndim != 1:
        raise DataError(
            f"train_accuracy has {train.size} entries but val_accuracy has "
            f"{dev.size}; they must have one per epoch."
        )
    return LearningCurve(np.arange(1, train.size + 1), 1 - train, 1 - dev, "epoch")


def plot_learning_curve(
    curve: LearningCurve,
    path: str | Path | None = None,
    *,
    bayes_error: float | None = None,
    title: str | None = None,
    ax: Any = None,
) -> Any:
    """Plot a learning curve; optionally save it.

    Parameters
    ----------
    curve : LearningCurve
    path : str or path-like, optional
        Where to save the figure (format from the suffix, e.g. ``.png``, ``.svg``).
    bayes_error : float, optional
        Draw the Bayes (or human-level) error as a dashed line.
    title : str, optional
    ax : matplotlib Axes, optional
        Draw into it instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        Built without pyplot (no global state, no display needed; Agg renders the files).
    """
    if not isinstance(curve, LearningCurve):
        raise InvalidParameterError(
            "The 'curve' parameter of plot_learning_curve must be a "
            f"LearningCurve. Got {type(curve).__name__} instead."
        )
    if ax is None:
        from ._figures import new_figure

        fig = new_figure(6, 4)
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    marker = "o" if curve.kind == "size" else None
    ax.plot(curve.x, curve.train_error, marker=marker, label="train error")
    ax.plot(curve.x, curve.dev_error, marker=marker, label="dev error")
    if bayes_error is not None:
        ax.axhline(bayes_error, color="gray", linestyle="--", label="Bayes error")
    ax.set_xlabel("training examples" if curve.kind == "size" else "epoch")
    ax.set_ylabel("error")
    ax.set_title(title or f"Learning curve (error against {curve.kind})")
    ax.legend()
    if path is not None:
        from ._files import save_figure

        save_figure(fig, path)
    return fig
