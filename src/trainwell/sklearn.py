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
from .exceptions import DataError
from .nn import Network

__all__ = ["MLPClassifier", "MLPRegressor"]

_PARAMETERS = """hidden_layer_sizes : int or tuple of int, default=(100,)
        Units of the hidden layers, n[1], ..., n[L-1]; ``()`` leaves only the output
        layer (logistic or linear regression).
    activation : {"relu", "leaky_relu", "tanh", "sigmoid", "linear"}, default="relu"
        g[l] of every hidden layer.
    init : {"auto", "zeros", "random", "he", "xavier", "glorot", "glorot_uniform"}, \
default="auto"
        How each W[l] of shape (n[l], n[l-1]) is drawn; biases start at 0.

        - "auto": "he" for relu/leaky_relu, "xavier" otherwise (the course's advice).
        - "zeros": all zeros; symmetry is never broken.
        - "random": ``randn * 0.01``.
        - "he": ``randn * sqrt(2 / n[l-1])``.
        - "xavier": ``randn * sqrt(1 / n[l-1])``.
        - "glorot": ``randn * sqrt(2 / (n[l-1] + n[l]))``.
        - "glorot_uniform": ``U(-r, r)``, ``r = sqrt(6 / (n[l-1] + n[l]))``.
    l2 : float, default=0.0
        lambda of L2 regularization (the same as scikit-learn's ``alpha``).
    l1 : float, default=0.0
        lambda of L1 regularization.
    keep_prob : float or tuple of float, default=1.0
        Inverted dropout after each hidden layer, one value or one per hidden layer;
        1.0 adds no Dropout layer.
    batch_norm : bool, default=False
        Batch normalization of each hidden layer's Z, before its activation.
    optimizer : {"gd", "momentum", "rmsprop", "adam"}, default="adam"
        "gd" is plain (mini-batch) gradient descent.
    learning_rate : float, default=0.001
        alpha, or alpha_0 of ``lr_schedule``.
    beta : float, default=0.9
        Momentum's beta (``optimizer="momentum"``).
    beta1, beta2 : float, default=0.9, 0.999
        Adam's betas; RMSprop uses ``beta2``.
    epsilon : float, default=1e-8
        Added to ``sqrt(s)`` by RMSprop and Adam.
    lr_schedule : {None, "constant", "inverse_time", "exponential", "staircase", \
"inverse_sqrt", "fixed_interval"}, default=None
        Learning-rate decay over epochs (None is constant); see
        :mod:`trainwell.optim.schedules`.
    lr_schedule_params : dict, default=None
        The schedule's parameters: ``decay_rate`` (inverse_time), ``base``
        (exponential), ``factor`` and ``step_size`` (staircase), ``k`` (inverse_sqrt),
        ``decay_rate`` and ``time_interval`` (fixed_interval). Other keys are refused.
    batch_size : int, "auto" or None, default="auto"
        Mini-batch size; None is the full batch. "auto" follows the course: the full
        batch when m <= 2000, else a power of two in [64, 512]; see ``batch_size_``.
    max_epochs : int, default=200
        Epochs per ``fit`` (also per warm-started ``fit``).
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training set (stratified for
        classifiers), or use ``validation_data``, and stop when its cost has not
        improved by more than ``tol`` for ``patience`` epochs; the parameters of the
        best epoch are restored. ``partial_fit`` (one epoch per call) does not stop.
    validation_fraction : float, default=0.1
        Held out when ``early_stopping`` and no ``validation_data`` are given.
    validation_data : (X_val, y_val), default=None
        A fixed development set, scored after every epoch (``validation_scores_``),
        and monitored by ``early_stopping``.
    patience : int, default=10
        Epochs without improvement before stopping (Keras's counting).
    tol : float, default=1e-4
        Smallest decrease of the validation cost that counts as an improvement.
    normalize_inputs : bool, default=True
        Standardize every feature with the training set's mean and standard deviation
        (a constant feature is only centered). ``partial_fit`` takes them from its first
        batch.
    dtype : {"float64", "float32"}, default="float64"
        Precision of the network; with "float32", float32 inputs stay float32.
    warm_start : bool, default=False
        ``fit`` continues the previous training (parameters, optimizer moments,
        generators) for ``max_epochs`` more epochs instead of starting over.
    random_state : None, int, RandomState or Generator, default=None
        Draws the initial weights, the validation split, the shuffles and the dropout
        masks. An int gives the course's ``np.random.seed(int)`` weights.
    verbose : int, default=0
        1 prints the chosen batch size and the cost every 10% of the epochs; 2 also
        shows a progress bar (when stderr is a terminal).
    backend : str, default="numpy"
        Array backend of the network (``"numpy"``, ``"cupy"`` for an NVIDIA GPU, see
        :mod:`trainwell.backend`); inputs and predictions stay NumPy arrays. Like the
        architecture, it cannot change under ``warm_start`` or ``partial_fit`` (an error
        says so); to move a fitted network, ``network_.save`` it and
        ``Network.load(path, backend=...)``.
"""

_ATTRIBUTES = """n_features_in_ : int
        Number of features seen in fit.
    feature_names_in_ : ndarray of str
        Feature names, when X had string column names.
    network_ : Network
        The trained network (``network_.parameters()`` gives W1, b1, ...).
    n_outputs_ : int
        Units of the output layer.
    n_iter_ : int
        Epochs run, over all fit / partial_fit calls of this training.
    batch_size_ : int
        Mini-batch size used by the last call (resolved from "auto").
    loss_curve_ : list of float
        Training cost J per epoch (data loss plus regularization).
    loss_ : float
        The last epoch's training cost.
    validation_scores_, validation_loss_curve_ : list of float or None
        Per epoch, the score (as :meth:`score`) and the cost on the validation data;
        None without validation data.
    best_validation_score_ : float or None
        Maximum of ``validation_scores_``.
    history_ : History
        Record of the last call (learning rates, notes, ``stopped_reason``,
        ``best_epoch``)."""

_NOTES = """The network is ``[Dense(n[l], activation), BatchNorm(), Dropout(keep_prob)] * (L-1)``
    followed by the output layer, trained with the cost

    .. math:: J = \\frac{1}{m} \\sum_i \\mathcal{L}(\\hat y^{(i)}, y^{(i)})
              + \\frac{\\lambda_2}{2m} \\sum_l \\|W^{[l]}\\|_F^2
              + \\frac{\\lambda_1}{m} \\sum_l \\|W^{[l]}\\|_1

    averaged over each mini-batch of m examples. Inverted dropout keeps each hidden unit
    with probability keep_prob and divides by keep_prob, in training only; batch norm
    uses the mini-batch's mean and variance of Z in training and their running averages
    when predicting. Adam updates, per step t,
    ``v = beta1 v + (1 - beta1) dW``, ``s = beta2 s + (1 - beta2) dW**2`` and
    ``W -= alpha v_hat / (sqrt(s_hat) + epsilon)`` with ``v_hat = v / (1 - beta1**t)``;
    momentum keeps the course's ``(1 - beta)`` factor (see :mod:`trainwell.optim`).

    ``warm_start=True`` and ``partial_fit`` keep the optimizer state (Adam's v, s and
    t), the shuffling and dropout generators and the schedule's epoch count, so two
    warm-started fits of 10 epochs equal one fit of 20, bit for bit; scikit-learn's own
    MLP restarts Adam's moments instead. A pickled estimator resumes bit for bit.
    Early stopping counts as Keras does: with ``patience=2`` and validation costs
    [0.2, 0.15, 0.1, 0.11, 0.12] it stops after epoch index 4 (scikit-learn stops one
    epoch later for ``n_iter_no_change=2``).

    ``sample_weight`` is not supported: ``fit`` refuses it with a clear error, because
    the engine's losses weigh every example equally. Sparse input is refused too."""


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
    >>> clf = MLPClassifier((20, 7), learning_rate=0.01, max_epochs=300, random_state=3)
    >>> clf.fit(X, y).batch_size_, clf.n_iter_
    (200, 300)
    >>> clf.score(X, y) > 0.95
    True
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """

    def fit(self, X: Any, y: Any, **fit_params: Any) -> MLPClassifier:
        """Train on (X, y) for ``max_epochs`` epochs (or until early stopping).

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
            return (A > 0.5).astype(np.int64)
        return (A[:, 0] > 0.5).astype(np.intp) if A.shape[1] == 1 else A.argmax(axis=1)

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
    >>> reg = MLPRegressor((16,), activation="tanh", learning_rate=0.01, max_epochs=500,
    ...                    random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.95
    True
    """

    _y_numeric = True

    def fit(self, X: Any, y: Any, **fit_params: Any) -> MLPRegressor:
        """Train on (X, y) for ``max_epochs`` epochs (or until early stopping).

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
