"""Dataset: named train/test arrays, the value every loader of :mod:`trainwell.data` returns.

Re-exported by :mod:`trainwell.data` and :mod:`trainwell.data.datasets`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Dataset"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """Named train/test arrays, unpackable as ``X_train, y_train, X_test, y_test``.

    Attributes
    ----------
    X_train : ndarray of shape (m_train, n_features)
        Training examples, one per row, float64.
    y_train : ndarray of shape (m_train,)
        Training labels (int64 for classification).
    X_test, y_test : ndarray or None
        Held-out examples and labels, or None where the dataset has no test part.
    name : str
        Short name, e.g. ``"circles"``.
    feature_names, target_names : tuple of str
        Column names and class names (empty where unknown).
    note : str
        What the loader assumed, e.g. the orientation of a MATLAB file.

    Examples
    --------
    >>> from trainwell.data import load_circles
    >>> X_train, y_train, X_test, y_test = load_circles()
    >>> X_train.shape, y_test.shape
    ((300, 2), (100,))
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    name: str = ""
    feature_names: tuple[str, ...] = ()
    target_names: tuple[str, ...] = ()
    note: str = ""

    def __iter__(self):
        return iter((self.X_train, self.y_train, self.X_test, self.y_test))

    @property
    def n_features(self) -> int:
        """Number of columns of ``X_train``."""
        return int(self.X_train.shape[1])

    @property
    def n_classes(self) -> int:
        """Number of distinct labels over the train and test parts."""
        parts = [self.y_train] if self.y_test is None else [self.y_train, self.y_test]
        return int(np.unique(np.concatenate(parts)).size)

    def __repr__(self) -> str:
        test = "None" if self.X_test is None else str(self.X_test.shape)
        return (
            f"Dataset(name={self.name!r}, X_train={self.X_train.shape}, X_test={test}, "
            f"n_classes={self.n_classes})"
        )
