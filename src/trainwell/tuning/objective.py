"""Objectives: what a trial runs. A ready one that trains a network, and a synthetic one.

The protocol is ``objective(config, *, random_state) -> dict`` with at least
``"dev_score"`` and ``"train_score"`` (floats), optionally ``"curve"`` (the learning
curve, a list of costs) and other scalar metrics. The objective trains on the training
set and scores on the dev set: the dev set chooses hyperparameters, the test set stays
untouched until the end.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._random import RandomLike, check_random_state
from .._validation import InstanceOf, Interval, Options, check_X_y, validate_params
from ..exceptions import ConvergenceWarning, DataError, InvalidParameterError

__all__ = ["NetworkObjective", "SyntheticObjective", "encode_labels"]

from .synthetic import SyntheticObjective

#: The keys a :class:`NetworkObjective` config may hold, with their defaults.
NETWORK_DEFAULTS: dict[str, Any] = {
    "learning_rate": 0.01,
    "optimizer": "adam",
    "beta": 0.9,
    "beta1": 0.9,
    "beta2": 0.999,
    "epsilon": 1e-8,
    "hidden_units": 10,
    "layers": 1,
    "activation": "relu",
    "init": "he",
    "batch_size": 64,
    "epochs": 100,
    "l2": 0.0,
    "keep_prob": 1.0,
    "decay_rate": 0.0,
    "patience": None,
    "restore_best": True,
    "normalize_inputs": False,
}

#: Ranges checked for fixed values, for searched ranges (``check_space``) and each config.
RANGES: dict[str, Any] = {
    "keep_prob": Interval("real", 0, 1, closed="right"),
    "decay_rate": Interval("real", 0, None, closed="left"),
    "patience": [None, Interval("int", 1, None)],
    "restore_best": [InstanceOf((bool,), "a bool")],
    "normalize_inputs": [InstanceOf((bool,), "a bool")],
}


def encode_labels(y_train: Any, y_dev: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(classes, y_train, y_dev)``: class labels as 0..C-1, in the sorted order of ``classes``.

    Examples
    --------
    >>> classes, y_train, y_dev = encode_labels(["no", "yes", "no"], ["yes"])
    >>> classes.tolist(), y_train.tolist(), y_dev.tolist()
    (['no', 'yes'], [0, 1, 0], [1])
    """
    y_train, y_dev = np.asarray(y_train), np.asarray(y_dev)
    if y_train.ndim != 1 or y_dev.ndim != 1:
        raise DataError(
            f"Class labels must be 1-D; got y_train of shape {y_train.shape} and y_dev of "
            f"shape {y_dev.shape}."
        )
    try:
        classes = np.unique(y_train)
        unseen = np.setdiff1d(y_dev, classes)
    except TypeError as exc:  # labels of mixed types cannot be sorted
        raise DataError(f"Class labels must all be of one type (all strings, say): {exc}") from None
    if len(classes) < 2:
        raise DataError(
            f"y_train must hold at least 2 classes to classify; it holds {classes.tolist()}."
        )
    if len(unseen):
        raise DataError(
            f"y_dev holds label(s) {unseen.tolist()[:5]} that y_train does not have; every dev "
            "class must be trained on."
        )
    return classes, np.searchsorted(classes, y_train), np.searchsorted(classes, y_dev)


class NetworkObjective:
    """Train a fully connected network from a config dict; score it on the dev set.

    Parameters
    ----------
    X_train : array of shape (m_train, n_features)
    y_train : array of shape (m_train,)
        Labels {0, 1} (one sigmoid unit, binary cross-entropy), integer classes 0..C-1
        with C > 2 (softmax, categorical cross-entropy), or real targets (mse, scored by R²).
        Labels that are not numbers (strings) are classes, encoded as 0..C-1 in sorted
        order (:func:`encode_labels`; ``classes`` holds them).
    X_dev, y_dev : arrays
        The dev set the score is measured on.
    fixed : dict, optional
        Settings every trial shares; a trial's config is laid over them, and both over
        :data:`NETWORK_DEFAULTS`. Keys: ``learning_rate``; ``optimizer`` ("gd",
        "momentum", "rmsprop", "adam") with ``beta`` (momentum), ``beta1``, ``beta2``,
        ``epsilon``; ``batch_size`` (an int, or "full" for batch gradient descent);
        ``hidden_units`` (int, or a list of widths) and ``layers`` (the
        number of hidden layers of ``hidden_units`` each); ``activation``; ``init``;
        ``epochs``; ``l2`` (λ); ``keep_prob`` (dropout after each hidden
        layer when < 1; in (0, 1]); ``decay_rate`` (α = α0 / (1 + decay_rate · epoch)
        when > 0; >= 0); ``patience`` (early stopping: stop when the dev cost has not
        improved for this many epochs; None, the default, trains every epoch) with
        ``restore_best`` (put back the weights of the best epoch; default True);
        ``normalize_inputs`` (standardize each feature with the mean and standard
        deviation of the trial's training part only, applied to its dev part too;
        default False). Keys that the chosen optimizer does not use (``beta`` with Adam)
        are ignored.
    loss : str, optional
        Overrides the loss inferred from ``y_train``: ``"mse"`` makes whole-number targets
        a regression.
    metric : {"score", "neg_cost"}, default="score"
        What ``dev_score`` and ``train_score`` hold: the network's score (accuracy, or R²
        for mse), or minus its cost J (higher is still better). The cost is finer
        grained than the accuracy of a small dev set, which ties many configs.
    random_state : None, int, RandomState or Generator, optional
        When given, every trial uses this seed instead of the one the search hands it:
        the same initial weights and mini-batch shuffles for all configs ("common random
        numbers"), so configs are compared on equal terms rather than through the noise
        of different initializations.
    engine : str, default="auto"
        Where and how each trial's network trains (:mod:`trainwell.engine_choice`: "auto",
        "numpy", "numba", "cupy" for an NVIDIA GPU, "torch", ...). Checked when the
        objective is made, so a missing library fails before any trial.
    backend : str, optional
        Deprecated spelling of ``engine`` (``backend="numpy"`` is ``engine="auto"``).

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> X, y = make_moons(200, noise=0.2, random_state=0)
    >>> objective = NetworkObjective(X[:150], y[:150], X[150:], y[150:], fixed={"epochs": 20})
    >>> out = objective({"learning_rate": 0.01}, random_state=0)
    >>> sorted(out), len(out["curve"])
    (['curve', 'dev_cost', 'dev_score', 'epochs', 'train_score'], 20)
    """

    def __init__(
        self,
        X_train: Any,
        y_train: Any,
        X_dev: Any,
        y_dev: Any,
        *,
        fixed: Mapping[str, Any] | None = None,
        loss: str | None = None,
        metric: str = "score",
        random_state: int | None = None,
        engine: Any = "auto",
        backend: Any = None,
    ) -> None:
        from ..engine_choice import deprecated_backend, parse_engine

        engine = deprecated_backend("NetworkObjective", backend, engine)
        parse_engine(engine, "NetworkObjective")
        self.engine = engine
        validate_params(
            {
                "metric": [Options({"score", "neg_cost"})],
                "random_state": [None, Interval("int", 0, 2**32 - 1)],
            },
            {"metric": metric, "random_state": random_state},
            "NetworkObjective",
        )
        self.metric, self.random_state = metric, random_state
        self.X_train, self.y_train = check_X_y(X_train, y_train)
        self.X_dev, self.y_dev = check_X_y(X_dev, y_dev, n_features=self.X_train.shape[1])
        self.fixed = dict(fixed or {})
        self._check_keys(self.fixed, "fixed")
        self.classes = None
        if self.y_train.dtype.kind not in "biuf" or self.y_dev.dtype.kind not in "biuf":
            if loss == "mse":
                first = self.y_train[:3].tolist()
                raise DataError(f"loss='mse' needs numeric targets; y_train holds {first}...")
            self.classes, self.y_train, self.y_dev = encode_labels(self.y_train, self.y_dev)
        y = self.y_train
        if loss is None:
            integral = y.dtype.kind in "biu" or bool(np.all(y == np.round(y)))
            n_classes = int(y.max()) + 1 if integral and y.min() >= 0 else 0
            loss = (
                "mse"
                if not integral or y.ndim != 1 or n_classes < 2
                else "binary_crossentropy"
                if n_classes == 2
                else "categorical_crossentropy"
            )
        self.loss = loss
        self.n_outputs = (
            1
            if loss == "binary_crossentropy"
            else int(y.max()) + 1
            if loss == "categorical_crossentropy" and y.ndim == 1
            else (y.shape[1] if y.ndim == 2 else 1)
        )
        self.build({}, random_state=0)  # validate the fixed settings before any trial runs
        digest = hashlib.sha256()
        for a in (self.X_train, self.y_train, self.X_dev, self.y_dev):
            digest.update(f"{a.dtype.str}{a.shape}".encode())
            digest.update(np.ascontiguousarray(a).tobytes())
        self._data_digest = digest.hexdigest()[:16]

    def describe(self) -> dict[str, Any]:
        """What the trials measure (data, fixed settings, loss, metric, seed), JSON-ready.

        A search's journal records it, so a journal written for other data or settings is
        refused rather than resumed.
        """
        return {
            "type": "NetworkObjective",
            "data": self._data_digest,  # a hash of X_train, y_train, X_dev, y_dev
            "fixed": self.fixed,
            "loss": self.loss,
            "metric": self.metric,
            "random_state": self.random_state,
        }

    @staticmethod
    def _check_keys(config: Mapping[str, Any], where: str) -> None:
        unknown = sorted(set(config) - set(NETWORK_DEFAULTS))
        if unknown:
            raise InvalidParameterError(
                f"Unknown hyperparameter(s) {unknown} in {where}; NetworkObjective knows "
                f"{', '.join(NETWORK_DEFAULTS)}."
            )

    def check_space(self, space: Mapping[str, Any]) -> None:
        """Reject searched names it does not know, that are also fixed, or out of range."""
        from .space import SearchSpace

        self._check_keys(space, "the search space")
        both = sorted(set(space) & set(self.fixed))
        if both:
            raise InvalidParameterError(
                f"{both} both fixed and searched; remove them from one of the two."
            )
        space = SearchSpace(space)
        for name, dist in space.items():
            if name not in RANGES:
                continue
            for value in dist.bounds() if dist.numeric else dist.values:
                where = f"NetworkObjective (searched as {dist!r})"
                validate_params({name: _rules(RANGES[name])}, {name: value}, where)

    def build(
        self, config: Mapping[str, Any], *, random_state: RandomLike
    ) -> tuple[Any, dict[str, Any], dict[str, Any]]:
        """The network and the keyword arguments of ``fit`` for ``config``."""
        from ..training import build_training

        self._check_keys(config, "the config")
        c = {**NETWORK_DEFAULTS, **self.fixed, **config}
        validate_params({k: _rules(r) for k, r in RANGES.items()}, c, "NetworkObjective")
        if isinstance(c["hidden_units"], (list, tuple)):
            if "layers" in self.fixed or "layers" in config:
                raise InvalidParameterError(
                    "Give 'hidden_units' as a list of widths or as an int with 'layers', "
                    f"not both. Got hidden_units={c['hidden_units']!r}, layers={c['layers']!r}."
                )
        if c["batch_size"] is None:  # the full batch's old spelling
            warnings.warn(
                "NetworkObjective: batch_size=None is deprecated and will be removed in the "
                "next release; write batch_size='full' for the full batch.",
                DeprecationWarning,
                stacklevel=2,
            )
            c["batch_size"] = "full"
        settings = {k: v for k, v in c.items() if k != "normalize_inputs"}
        net, fit_kwargs = build_training(
            {**settings, "engine": self.engine},
            input_dim=self.X_train.shape[1],
            n_outputs=self.n_outputs,
            loss=self.loss,
            random_state=random_state,
        )
        return net, fit_kwargs, c

    def __call__(
        self, config: Mapping[str, Any], *, random_state: RandomLike, report: Any = None
    ) -> dict[str, Any]:
        """Train with ``config`` and return dev and train scores, the cost curve, dev cost.

        ``report``, when given (by a search with a pruner or a timeout), is called as
        ``report(epoch, dev_score)`` after every epoch and may raise to stop the trial.
        """
        from ..training import fit

        if self.random_state is not None:
            random_state = self.random_state
        rng = check_random_state(random_state)  # weights first, then the shuffles
        net, fit_kwargs, c = self.build(config, random_state=rng)
        X_train, X_dev = self.X_train, self.X_dev
        if c["normalize_inputs"]:  # fitted on this trial's training part only
            from ..data import Standardizer

            scaler = Standardizer().fit(X_train)
            X_train, X_dev = scaler.transform(X_train), scaler.transform(X_dev)
        callbacks = list(fit_kwargs.pop("callbacks", []))
        if c["patience"] is not None:
            fit_kwargs["validation_data"] = (X_dev, self.y_dev)
        if report is not None:
            callbacks.append(_Report(self._dev_score, X_dev, self.y_dev, report))
        if callbacks:
            fit_kwargs["callbacks"] = callbacks
        with warnings.catch_warnings():  # a trial's epoch budget is a setting under test
            warnings.simplefilter("ignore", ConvergenceWarning)
            history = fit(
                net, X_train, self.y_train, random_state=rng, progress=False, **fit_kwargs
            )
        dev_cost = net.cost(X_dev, self.y_dev)
        dev = self._dev_score(net, X_dev, self.y_dev)
        train = self._dev_score(net, X_train, self.y_train)
        return {
            "dev_score": dev,
            "train_score": train,
            "curve": [float(c) for c in history.cost],
            "dev_cost": dev_cost,
            "epochs": history.epochs,
        }

    def _dev_score(self, net: Any, X: Any, y: Any) -> float:
        """The metric: the network's score, or minus its cost."""
        return -net.cost(X, y) if self.metric == "neg_cost" else net.score(X, y)


def _rules(rule: Any) -> list[Any]:
    return rule if isinstance(rule, list) else [rule]


class _Report:
    """A fit callback that reports the dev score after each epoch (for pruning)."""

    def __init__(self, score: Any, X_dev: Any, y_dev: Any, report: Any) -> None:
        self.score, self.X_dev, self.y_dev, self.report = score, X_dev, y_dev, report

    def on_train_begin(self, ctx: Any) -> None:
        """Nothing to set up."""

    def on_epoch_end(self, epoch: int, logs: Any, ctx: Any) -> None:
        """``report(epochs done, dev score)``; a raise stops training and the trial."""
        self.report(epoch + 1, float(self.score(ctx.network, self.X_dev, self.y_dev)))

    def on_train_end(self, ctx: Any) -> None:
        """Nothing to tear down."""
