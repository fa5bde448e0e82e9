"""The machinery behind :mod:`trainwell.sklearn`: constraints, network building, training.

:class:`BaseMLP` turns the estimators' flat hyperparameters into a
:class:`~trainwell.nn.Network`, an optimizer and a schedule inside ``fit``, trains with
:func:`trainwell.training.fit`, and keeps everything a continued run needs (optimizer
state, shuffling generator, dropout generator, input standardizer) on the estimator, so
``warm_start``, ``partial_fit`` and a pickled copy continue bit for bit.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from ._random import check_random_state
from ._sklearn_params import (
    PARAMETER_CONSTRAINTS,
    FittedAttributes,
    InvScaling,
    SklearnStopping,
    ValidationScores,
    check_params,
    training_settings,
)
from ._sklearn_state import PackedNetwork
from .data.preprocessing import Standardizer
from .exceptions import ConvergenceWarning, DataError, InvalidParameterError, TrainingDiverged
from .optim import get_schedule
from .training import Callback, EarlyStopping, build_network, fit, fit_arguments
from .training.batches import resolve_batch_size

__all__ = ["BaseMLP"]


_FIXED = ("activation", "batch_norm", "dtype", "normalize_inputs", "optimizer")


class BaseMLP(PackedNetwork, FittedAttributes, BaseEstimator):
    """Shared fit / partial_fit / pickling logic; subclasses encode targets and predict."""

    _parameter_constraints: dict[str, list] = PARAMETER_CONSTRAINTS

    def __init__(
        self,
        hidden_layer_sizes: int | tuple[int, ...] = (100,),
        *,
        activation: str = "relu",
        init: str = "auto",
        l2: float = 0.0,
        l1: float = 0.0,
        keep_prob: float | tuple[float, ...] = 1.0,
        batch_norm: bool = False,
        optimizer: str = "adam",
        learning_rate: float | str = 0.001,
        beta: float = 0.9,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-8,
        lr_schedule: str | None = None,
        lr_schedule_params: dict[str, Any] | None = None,
        batch_size: int | str | None = "auto",
        epochs: int = 200,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        validation_data: tuple[Any, Any] | None = None,
        patience: int = 10,
        tol: float = 1e-4,
        normalize_inputs: bool = True,
        dtype: str = "float64",
        warm_start: bool = False,
        random_state: Any = None,
        verbose: int = 0,
        engine: str = "auto",
        solver: str | None = None,
        alpha: float | None = None,
        learning_rate_init: float | None = None,
        power_t: float = 0.5,
        max_iter: int | None = None,
        shuffle: bool = True,
        momentum: float | None = None,
        nesterovs_momentum: bool = True,
        beta_1: float | None = None,
        beta_2: float | None = None,
        n_iter_no_change: int | None = None,
        max_fun: int = 15000,
        max_epochs: int | None = None,
        backend: str | None = None,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.init = init
        self.l2 = l2
        self.l1 = l1
        self.keep_prob = keep_prob
        self.batch_norm = batch_norm
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.beta = beta
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lr_schedule = lr_schedule
        self.lr_schedule_params = lr_schedule_params
        self.batch_size = batch_size
        self.epochs = epochs
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.validation_data = validation_data
        self.patience = patience
        self.tol = tol
        self.normalize_inputs = normalize_inputs
        self.dtype = dtype
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.engine = engine
        self.solver = solver
        self.alpha = alpha
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.max_epochs = max_epochs  # deprecated: epochs
        self.backend = backend  # deprecated: engine

    # Subclasses define _encode_targets(y, reset, classes) -> Y (setting classes_ and
    # n_outputs_ when reset), _output_layer() -> (n_outputs, activation, loss) and
    # _score_network(network, X_val, Y_val) -> score.
    _y_numeric = False

    # ------------------------------------------------------------------ checks
    def _validate_params(self) -> None:
        self._resolved = check_params(self)

    def _schedule(self) -> Any:
        return get_schedule(
            self.lr_schedule or "constant",
            initial=self._resolved.learning_rate,
            **(self.lr_schedule_params or {}),
        )

    def _hidden_sizes(self) -> tuple[int, ...]:
        sizes = self.hidden_layer_sizes
        return (int(sizes),) if isinstance(sizes, numbers.Integral) else tuple(map(int, sizes))

    @staticmethod
    def _refuse(fit_params: dict[str, Any], method: str) -> None:
        if "sample_weight" in fit_params:
            raise InvalidParameterError(
                f"{method} does not support sample_weight: the losses average over examples "
                "with equal weights. Duplicate or resample rows instead, e.g. "
                "np.repeat(X, counts, axis=0)."
            )
        if fit_params:
            raise InvalidParameterError(
                f"{method} got unexpected keyword arguments {sorted(fit_params)}."
            )

    @property
    def _np_dtype(self) -> type:
        return np.float32 if self.dtype == "float32" else np.float64

    def _forward(self, X: Any) -> np.ndarray:
        """Validate X, standardize it as in training, and return the output A[L]."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=self._np_dtype)
        if self._scaler_ is not None:
            X = self._scaler_.transform(X).astype(X.dtype, copy=False)
        return self.network_.forward(X)

    # ------------------------------------------------------------------ building
    def _build_network(self, n_features: int) -> None:
        """New network, generators and records (a fresh start)."""
        rs = self.random_state
        # An int seeds the network's generator directly, so random_state=3 draws the
        # course's np.random.seed(3) weights; it then also draws the dropout masks.
        if rs is None or isinstance(rs, numbers.Integral):
            rng = check_random_state(rs)
        else:  # a generator given by the user: draw a seed from it (scikit-learn's way)
            draw = rs.integers if isinstance(rs, np.random.Generator) else rs.randint
            rng = np.random.RandomState(int(draw(2**31 - 1)))
        n_out, out_activation, loss = self._output_layer()
        self.network_ = build_network(
            training_settings(self),
            input_dim=n_features,
            n_outputs=n_out,
            loss=loss,
            random_state=rng,
            output_activation=out_activation,
        )
        split_seed, shuffle_seed = rng.randint(2**31 - 1, size=2)
        self._split_seed_ = int(split_seed)
        self._shuffle_rng_ = np.random.RandomState(shuffle_seed)
        self._optimizer_state_: dict | None = None
        self._signature_ = self._architecture()
        self.n_iter_ = 0
        self.loss_curve_: list[float] = []
        self.validation_scores_: list[float] | None = None
        self.validation_loss_curve_: list[float] | None = None
        self.best_validation_score_: float | None = None

    def _architecture(self) -> dict[str, Any]:
        """What a continued training (warm_start, partial_fit) must not change."""
        keep = self.keep_prob
        return {
            "hidden_layer_sizes": self._hidden_sizes(),
            "keep_prob": tuple(keep) if isinstance(keep, (list, tuple)) else keep,
            **{k: getattr(self, k) for k in _FIXED},
            "engine": self._resolved.engine,
        }

    def _check_continuable(self) -> None:
        for param, new in self._architecture().items():
            if new != self._signature_.get(param, new):  # an older pickle lacks a new entry
                raise InvalidParameterError(
                    f"{type(self).__name__} continues the previous training (warm_start=True "
                    f"or partial_fit), but {param!r} changed from {self._signature_[param]!r} "
                    f"to {new!r}. Set warm_start=False to start over."
                )

    # ------------------------------------------------------------------ training
    def _fit(self, X: Any, y: Any, *, incremental: bool, classes: Any = None) -> BaseMLP:
        # Everything before training only checks and prepares; if any of it fails, the
        # estimator is put back as it was (a fitted model stays usable, an unfitted one
        # stays unfitted) instead of keeping new classes_ beside an old network.
        saved = dict(self.__dict__)
        try:
            X, Y, val = self._prepare(X, y, incremental=incremental, classes=classes)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise
        self._train(X, Y, val, incremental)
        return self

    def _prepare(
        self, X: Any, y: Any, *, incremental: bool, classes: Any
    ) -> tuple[np.ndarray, np.ndarray, list | None]:
        """Validate the inputs and parameters, encode the targets, build or check the
        network, split off early stopping's validation set and standardize."""
        self._validate_params()
        fitted = hasattr(self, "network_")
        continuing = fitted and (incremental or self.warm_start)
        X, y = validate_data(
            self,
            X,
            y,
            reset=not continuing,
            multi_output=True,
            dtype=self._np_dtype,
            y_numeric=self._y_numeric,
        )
        Y = self._encode_targets(y, reset=not continuing, classes=classes)
        if continuing:
            self._check_continuable()
        else:
            self._build_network(X.shape[1])
        val = None
        if self.validation_data is not None:
            Xv, yv = self.validation_data
            Xv = check_array(Xv, dtype=self._np_dtype, input_name="validation_data X")
            if Xv.shape[1] != self.n_features_in_:
                raise InvalidParameterError(
                    f"validation_data X has {Xv.shape[1]} features, but "
                    f"{type(self).__name__} is expecting {self.n_features_in_} features."
                )
            yv = check_array(yv, ensure_2d=False, dtype=None, input_name="validation_data y")
            if yv.ndim == 2 and yv.shape[1] == 1 and Y.ndim == 1:
                yv = yv.ravel()
            val = [Xv, self._encode_targets(yv, reset=False)]
        elif self.early_stopping and not incremental:
            # Stratified for single-label classifiers, so at least one example per class.
            stratify = Y if not self._y_numeric and Y.ndim == 1 else None
            if stratify is not None:
                counts = np.bincount(Y.astype(np.intp), minlength=len(self.classes_))
                rare = self.classes_[(counts > 0) & (counts < 2)].tolist()
                if rare:
                    raise DataError(
                        "early_stopping holds out a validation split stratified by class, "
                        "which needs at least 2 samples of each class; "
                        f"{', '.join(map(repr, rare))} "
                        f"{'has' if len(rare) == 1 else 'have'} only 1. Give more samples, "
                        "validation_data, or early_stopping=False."
                    )
            n_val = math.ceil(self.validation_fraction * X.shape[0])
            n_val = max(n_val, 0 if stratify is None else len(np.unique(Y)))
            if n_val >= X.shape[0]:
                raise DataError(
                    f"early_stopping holds out {n_val} of the n_samples={X.shape[0]} samples, "
                    "leaving none to train on; give more samples, a smaller "
                    "validation_fraction, or validation_data."
                )
            X, Xv, Y, Yv = train_test_split(
                X, Y, test_size=n_val, random_state=self._split_seed_, stratify=stratify
            )
            val = [Xv, Yv]
        if not continuing:
            self._scaler_ = Standardizer().fit(X) if self.normalize_inputs else None
        if self._scaler_ is not None:
            X = self._scaler_.transform(X).astype(X.dtype, copy=False)
            if val is not None:
                val[0] = self._scaler_.transform(val[0]).astype(val[0].dtype, copy=False)
        return X, Y, val

    def _train(self, X: np.ndarray, Y: np.ndarray, val: list | None, incremental: bool) -> None:
        net, r = self.network_, self._resolved
        net.l2, net.l1 = float(r.l2), float(self.l1)
        kwargs = fit_arguments(training_settings(self))
        self._n_train_ = X.shape[0]
        schedule = self._schedule()
        if r.sklearn_schedule == "invscaling":
            schedule = InvScaling(r.learning_rate, self.power_t, X.shape[0])
        callbacks: list[Callback] = []
        if self.solver is not None and not self.early_stopping and not incremental:
            adaptive = r.sklearn_schedule == "adaptive"
            schedule = SklearnStopping(schedule, self.tol, r.patience, adaptive)
            callbacks.append(schedule)
        if val is not None:
            callbacks.append(ValidationScores(lambda n: self._score_network(n, *val)))
        if self.early_stopping and not incremental:
            callbacks.append(EarlyStopping("val_cost", patience=r.patience, min_delta=self.tol))
        if self.verbose and r.batch_size != "auto":  # fit itself reports "auto"
            print(f"batch_size={resolve_batch_size(r.batch_size, X.shape[0])}.")
        start = self.n_iter_
        try:
            history = (_fit_one_epoch if incremental else fit)(
                net,
                X,
                Y,
                optimizer=kwargs["optimizer"],
                epochs=start + (1 if incremental else r.epochs),
                batch_size=r.batch_size,
                schedule=schedule,
                shuffle=bool(self.shuffle),
                validation_data=None if val is None else tuple(val),
                callbacks=callbacks,
                random_state=self._shuffle_rng_,
                progress=int(self.verbose) >= 2,
                optimizer_state=self._optimizer_state_,
                initial_epoch=start,
                verbose=int(self.verbose),
            )
        except TrainingDiverged as exc:
            self._record(exc.history, callbacks)
            raise
        self._record(history, callbacks)

    def _record(self, history: Any, callbacks: list[Callback]) -> None:
        self.history_ = history
        history.notes.extend(self._resolved.notes)
        history.notes.extend(cb.message for cb in callbacks if getattr(cb, "message", None))
        self.batch_size_ = history.batch_size
        self._optimizer_state_ = history.optimizer_state
        if self._optimizer_state_ is not None:  # scratch space, reallocated when needed
            self._optimizer_state_.pop("_tmp", None)
        self.n_iter_ += len(history.cost)
        self.loss_curve_.extend(history.cost)
        self.loss_ = self.loss_curve_[-1] if self.loss_curve_ else None
        scores = [cb.scores for cb in callbacks if isinstance(cb, ValidationScores)]
        if scores:
            self.validation_scores_ = (self.validation_scores_ or []) + scores[0]
            self.validation_loss_curve_ = (self.validation_loss_curve_ or []) + history.val_cost
            if self.validation_scores_:
                self.best_validation_score_ = max(self.validation_scores_)


def _fit_one_epoch(*args: Any, **kwargs: Any) -> Any:
    """``fit`` for partial_fit: one epoch per call by design, so no ConvergenceWarning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fit(*args, **kwargs)
