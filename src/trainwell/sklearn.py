"""scikit-learn estimators over trainwell's engine: :class:`MLPClassifier`, :class:`MLPRegressor`.

They follow scikit-learn's conventions: ``__init__`` only stores flat hyperparameters,
which ``fit`` validates from one constraint table; learned attributes end in ``_``;
``fit`` returns ``self``. Inside ``fit`` they build a :class:`~trainwell.nn.Network`
(Dense, BatchNorm, Dropout), an optimizer and a learning-rate schedule, and train with
:func:`trainwell.training.fit`. They work in ``Pipeline``, ``cross_val_score``,
``GridSearchCV`` and ``RandomizedSearchCV``, and pass ``parametrize_with_checks``.

Importing this module imports scikit-learn.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d

from ._sklearn_base import BaseMLP
from ._sklearn_docs import ATTRIBUTES as _ATTRIBUTES
from ._sklearn_docs import NOTES as _NOTES
from ._sklearn_docs import PARAMETERS as _PARAMETERS
from .exceptions import DataError
from .nn import Network
from .nn.decision import decide

__all__ = ["MLPClassifier", "MLPRegressor"]


class MLPClassifier(ClassifierMixin, BaseMLP):
    """A neural-network classifier trained as the course teaches.

    Two classes give a sigmoid output with binary cross-entropy, more classes a softmax
    with categorical cross-entropy, and a multilabel indicator ``y`` of shape
    (n_samples, n_labels) one sigmoid unit per label. Any labels (strings too) are
    encoded to 0..K-1 through ``classes_``.

    Parameters
    ----------
    PARAMETERS

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels (``arange(n_labels)`` for multilabel targets).
    ATTRIBUTES

    See Also
    --------
    MLPRegressor : The same network with a linear output and squared error.
    trainwell.training.fit : The training loop underneath.

    Notes
    -----
    NOTES

    References
    ----------
    Improving Deep Neural Networks (deeplearning.ai), weeks 1-3.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from trainwell.sklearn import MLPClassifier
    >>> X, y = make_moons(200, noise=0.1, random_state=0)
    >>> clf = MLPClassifier((20, 7), learning_rate=0.01, epochs=300, random_state=3)
    >>> clf.fit(X, y).batch_size_, clf.n_iter_
    (200, 300)
    >>> clf.score(X, y) > 0.95
    True
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """

    def fit(self, X: Any, y: Any, **fit_params: Any) -> MLPClassifier:
        """Train on (X, y) for ``epochs`` epochs (or until early stopping).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a 0/1 multilabel indicator matrix.
        **fit_params
            Refused (``sample_weight`` is not supported).

        Returns
        -------
        self : MLPClassifier
        """
        self._refuse(fit_params, "MLPClassifier.fit")
        return self._fit(X, y, incremental=False)

    def partial_fit(self, X: Any, y: Any, classes: Any = None, **fit_params: Any) -> MLPClassifier:
        """Train for one epoch on (X, y), continuing from the previous call.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
        classes : array-like of shape (n_classes,), default=None
            All the labels; required on the first call (unless y is multilabel).
        **fit_params
            Refused (``sample_weight`` is not supported).

        Returns
        -------
        self : MLPClassifier
        """
        self._refuse(fit_params, "MLPClassifier.partial_fit")
        first = not hasattr(self, "network_")
        if first and classes is None and type_of_target(y) != "multilabel-indicator":
            raise DataError("classes must be passed on the first call to partial_fit.")
        if not first and classes is not None:
            if not np.array_equal(self.classes_, np.unique(classes)):
                raise DataError(
                    f"classes={np.unique(classes).tolist()} differs from classes_="
                    f"{self.classes_.tolist()} of the previous calls to partial_fit."
                )
        return self._fit(X, y, incremental=True, classes=classes)

    def predict(self, X: Any) -> np.ndarray:
        """Predicted labels, shape (n_samples,), or (n_samples, n_labels) for multilabel."""
        idx = self._decode(self._forward(X))
        return idx if self._multilabel_ else self.classes_[idx]

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probabilities of shape (n_samples, n_classes) (per label for multilabel)."""
        A = self._forward(X)
        return np.hstack([1 - A, A]) if A.shape[1] == 1 and not self._multilabel_ else A

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """Logarithm of :meth:`predict_proba`."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    # ------------------------------------------------------------------ hooks
    def _encode_targets(self, y: Any, reset: bool, classes: Any = None) -> np.ndarray:
        y = y.toarray() if sparse.issparse(y) else np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        kind = type_of_target(y)
        if kind not in ("binary", "multiclass", "multilabel-indicator"):
            raise DataError(
                "MLPClassifier supports binary, multiclass and multilabel-indicator "
                f"targets; got a {kind} y. Fit one classifier per output instead."
            )
        if reset:
            self._multilabel_ = kind == "multilabel-indicator"
            if self._multilabel_:
                self.classes_ = np.arange(y.shape[1])
                self.n_outputs_ = y.shape[1]
            else:
                self.classes_ = np.unique(y if classes is None else classes)
                if len(self.classes_) < 2:
                    raise DataError(
                        "MLPClassifier needs samples of at least 2 classes; y has only one "
                        f"class: {self.classes_.tolist()}."
                    )
                self.n_outputs_ = 1 if len(self.classes_) == 2 else len(self.classes_)
        if self._multilabel_:
            if kind != "multilabel-indicator" or y.shape[1] != len(self.classes_):
                raise DataError(
                    f"y must be a 0/1 indicator matrix with {len(self.classes_)} columns, "
                    f"as in the first fit; got a {kind} y of shape {y.shape}."
                )
            return y.astype(np.int64)
        if y.ndim != 1:
            raise DataError(f"y must be 1-D for this classifier; got shape {y.shape}.")
        idx = np.clip(np.searchsorted(self.classes_, y), 0, len(self.classes_) - 1)
        unknown = np.unique(y[self.classes_[idx] != y])
        if unknown.size:
            raise DataError(
                f"y contains labels {unknown.tolist()} not among classes_ {self.classes_.tolist()}."
            )
        return idx

    def _output_layer(self) -> tuple[int, str, str]:
        if self._multilabel_ or self.n_outputs_ == 1:
            return self.n_outputs_, "sigmoid", "binary_crossentropy"
        return self.n_outputs_, "softmax", "categorical_crossentropy"

    def _decode(self, A: np.ndarray) -> np.ndarray:
        """Encoded predictions (class indices, or the 0/1 matrix) from the output A[L]."""
        if self._multilabel_:
            return decide(A, multiclass=False).astype(np.int64)
        if A.shape[1] == 1:
            return decide(A[:, 0], multiclass=False).astype(np.intp)
        return decide(A, multiclass=True)

    def _score_network(self, network: Network, X: np.ndarray, Y: np.ndarray) -> float:
        """Accuracy (exact-match ratio for multilabel), as :meth:`score` computes it."""
        pred = self._decode(network.forward(X)).reshape(len(Y), -1)
        return float(np.mean(np.all(pred == Y.reshape(len(Y), -1), axis=1)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class MLPRegressor(RegressorMixin, BaseMLP):
    """A neural-network regressor trained as the course teaches.

    The output layer is linear, one unit per target, and the loss is half the mean
    squared error, ``J = 1/(2m) sum_i ||yhat_i - y_i||^2`` (plus regularization).

    Parameters
    ----------
    PARAMETERS

    Attributes
    ----------
    ATTRIBUTES

    See Also
    --------
    MLPClassifier : The same network with a sigmoid or softmax output.

    Notes
    -----
    NOTES

    Examples
    --------
    >>> import numpy as np
    >>> from trainwell.sklearn import MLPRegressor
    >>> X = np.linspace(-1, 1, 100).reshape(-1, 1); y = X[:, 0] ** 2
    >>> reg = MLPRegressor((16,), activation="tanh", learning_rate=0.01, epochs=500,
    ...                    random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.95
    True
    """

    _y_numeric = True

    def fit(self, X: Any, y: Any, **fit_params: Any) -> MLPRegressor:
        """Train on (X, y) for ``epochs`` epochs (or until early stopping).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        **fit_params
            Refused (``sample_weight`` is not supported).

        Returns
        -------
        self : MLPRegressor
        """
        self._refuse(fit_params, "MLPRegressor.fit")
        return self._fit(X, y, incremental=False)

    def partial_fit(self, X: Any, y: Any, **fit_params: Any) -> MLPRegressor:
        """Train for one epoch on (X, y), continuing from the previous call.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        **fit_params
            Refused (``sample_weight`` is not supported).

        Returns
        -------
        self : MLPRegressor
        """
        self._refuse(fit_params, "MLPRegressor.partial_fit")
        return self._fit(X, y, incremental=True)

    def predict(self, X: Any) -> np.ndarray:
        """Predictions of shape (n_samples,), or (n_samples, n_targets)."""
        A = self._forward(X)
        return A[:, 0] if self.n_outputs_ == 1 else A

    def _encode_targets(self, y: Any, reset: bool, classes: Any = None) -> np.ndarray:
        Y = np.asarray(y, dtype=self._np_dtype)
        Y = Y.reshape(-1, 1) if Y.ndim == 1 else Y
        if reset:
            self.n_outputs_ = Y.shape[1]
        elif Y.shape[1] != self.n_outputs_:
            raise DataError(
                f"y has {Y.shape[1]} targets but this regressor was fitted with {self.n_outputs_}."
            )
        return Y

    def _output_layer(self) -> tuple[int, str, str]:
        return self.n_outputs_, "linear", "mse"

    def _score_network(self, network: Network, X: np.ndarray, Y: np.ndarray) -> float:
        return float(r2_score(Y, network.forward(X)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


for _cls in (MLPClassifier, MLPRegressor):
    if _cls.__doc__:  # absent under python -OO
        _cls.__doc__ = (
            _cls.__doc__.replace("PARAMETERS", _PARAMETERS.rstrip())
            .replace("ATTRIBUTES", _ATTRIBUTES)
            .replace("NOTES", _NOTES)
        )
