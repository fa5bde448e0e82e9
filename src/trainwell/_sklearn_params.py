"""scikit-learn's MLP argument names on trainwell's estimators, and what they mean here.

:class:`trainwell.sklearn.MLPClassifier` and ``MLPRegressor`` take
``sklearn.neural_network``'s names with scikit-learn's meanings, so swapping the import
works. Where a trainwell name means the same, the trainwell name is canonical and the
scikit-learn name an accepted alias; giving both with different values is an error.
:func:`resolve` turns an estimator's parameters into the values training uses.

=====================  ==========================================================
scikit-learn           here
=====================  ==========================================================
alpha                  ``l2`` (lambda), exactly: scikit-learn's batch loss adds
                       ``alpha / (2 m) * sum ||W||^2`` over a batch of m examples,
                       the course's ``lambda / (2m) sum ||W[l]||_F^2``.
max_iter               ``epochs``
learning_rate_init     ``learning_rate`` when that is a float
learning_rate (str)    "constant", "invscaling" (``eta_0 / (t + 1) ** power_t``, t
                       the samples seen so far, updated after each epoch) or
                       "adaptive" (divide by 5 after ``n_iter_no_change`` epochs
                       without improvement by ``tol``), for ``solver="sgd"``.
n_iter_no_change       ``patience``
beta_1, beta_2         ``beta1``, ``beta2``
momentum               ``beta`` of ``solver="sgd"``. scikit-learn's
                       ``v = momentum v - eta g`` equals the course's
                       ``v = beta v + (1 - beta) g``, ``W -= alpha v`` with
                       ``alpha = eta / (1 - beta)``; that rate is used.
solver                 "adam" -> optimizer "adam"; "sgd" -> "momentum" (or "gd"
                       when momentum=0); "lbfgs" is refused (trainwell trains
                       with mini-batch first-order methods).
activation             "identity" -> "linear", "logistic" -> "sigmoid"
=====================  ==========================================================

Differences that remain (documented, not hidden): ``nesterovs_momentum=True`` trains with
classical momentum (trainwell has no Nesterov step; a note in ``history_.notes`` says so);
``max_fun`` only concerns lbfgs; Adam adds epsilon to ``sqrt(s_hat)`` as the course
does (scikit-learn adds it to ``sqrt(s)`` before the bias correction, which differs only
while s is near epsilon^2); early stopping watches the validation *cost* (scikit-
learn: the validation score); with ``solver`` given, training also stops, as scikit-learn
does, when the training loss has not improved by ``tol`` for more than
``n_iter_no_change`` epochs; ``batch_size="auto"`` is the course's rule (full batch up
to 2000 examples), not ``min(200, m)``; inputs are standardized (``normalize_inputs``), so
``coefs_`` act on standardized features.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._sklearn_callbacks import InvScaling, SklearnStopping, ValidationScores
from ._validation import InstanceOf, Interval, Options, validate_params
from .engine_choice import engine_from_backend
from .exceptions import InvalidParameterError
from .optim.schedules import SCHEDULES

__all__ = [
    "PARAMETER_CONSTRAINTS",
    "SKLEARN_CONSTRAINTS",
    "FittedAttributes",
    "InvScaling",
    "Resolved",
    "SklearnStopping",
    "ValidationScores",
    "check_params",
    "resolve",
    "training_settings",
]

_BOOL = InstanceOf((bool, np.bool_), "a bool")
SKLEARN_SCHEDULES = ("constant", "invscaling", "adaptive")
ACTIVATION_ALIASES = {"identity": "linear", "logistic": "sigmoid"}

SKLEARN_CONSTRAINTS: dict[str, list] = {
    "solver": [None, Options({"adam", "sgd", "lbfgs"})],
    "alpha": [None, Interval("real", 0, None)],
    "learning_rate_init": [None, Interval("real", 0, None, "neither")],
    "power_t": [Interval("real", 0, None)],
    "max_iter": [None, Interval("int", 1, None)],
    "shuffle": [_BOOL],
    "momentum": [None, Interval("real", 0, 1, "left")],
    "nesterovs_momentum": [_BOOL],
    "beta_1": [None, Interval("real", 0, 1, "left")],
    "beta_2": [None, Interval("real", 0, 1, "left")],
    "n_iter_no_change": [None, Interval("int", 1, None)],
    "max_fun": [Interval("int", 1, None)],
}


class _Sequence:
    """A list or tuple of ``length`` items (any length when None) that all satisfy
    ``item`` (any item when None)."""

    def __init__(self, description: str, item: Any = None, length: int | None = None) -> None:
        self.description, self.item, self.length = description, item, length

    def is_satisfied_by(self, value: Any) -> bool:
        return (
            isinstance(value, (list, tuple))
            and (self.length is None or len(value) == self.length)
            and (self.item is None or all(self.item.is_satisfied_by(v) for v in value))
        )

    def __str__(self) -> str:
        return self.description


_UNIT = Interval("real", 0, 1, "right")
_BETA = [Interval("real", 0, 1, "left")]

PARAMETER_CONSTRAINTS: dict[str, list] = {
    "hidden_layer_sizes": [
        Interval("int", 1, None),
        _Sequence("a tuple of ints >= 1", Interval("int", 1, None)),
    ],
    "activation": [
        Options({"relu", "leaky_relu", "tanh", "sigmoid", "linear", "identity", "logistic"})
    ],
    "init": [Options({"auto", "zeros", "random", "he", "xavier", "glorot", "glorot_uniform"})],
    "l2": [Interval("real", 0, None)],
    "l1": [Interval("real", 0, None)],
    "keep_prob": [_UNIT, _Sequence("a list of floats in (0, 1]", _UNIT)],
    "batch_norm": [_BOOL],
    "optimizer": [Options({"gd", "momentum", "rmsprop", "adam"})],
    "learning_rate": [Interval("real", 0, None, "neither"), Options(set(SKLEARN_SCHEDULES))],
    "beta": _BETA,
    "beta1": _BETA,
    "beta2": _BETA,
    "epsilon": [Interval("real", 0, None, "neither")],
    "lr_schedule": [None, Options(SCHEDULES)],
    "lr_schedule_params": [None, InstanceOf((dict,), "a dict")],
    "batch_size": [Interval("int", 1, None), Options({"auto", "full"}), None],
    "epochs": [Interval("int", 1, None)],
    "max_epochs": [None, Interval("int", 1, None)],
    "early_stopping": [_BOOL],
    "validation_fraction": [Interval("real", 0, 1, "neither")],
    "validation_data": [None, _Sequence("a pair (X_val, y_val)", length=2)],
    "patience": [Interval("int", 1, None)],
    "tol": [Interval("real", 0, None)],
    "normalize_inputs": [_BOOL],
    "dtype": [Options({"float64", "float32"})],
    "warm_start": [_BOOL],
    "random_state": [
        None,
        Interval("int", 0, 2**32 - 1),
        InstanceOf((np.random.RandomState, np.random.Generator), "a RandomState or Generator"),
    ],
    "verbose": [Interval("int", 0, None), _BOOL],
    "engine": [InstanceOf((str,), "an engine name such as 'auto', 'numba' or 'cupy'")],
    "backend": [None, InstanceOf((str,), "a backend name such as 'numpy' or 'cupy'")],
    **SKLEARN_CONSTRAINTS,
}

#: (deprecated name, its new name, the new one's default): accepted for one release
RENAMED = (("max_epochs", "epochs", 200), ("backend", "engine", "auto"))

#: (scikit-learn alias, trainwell canonical name, trainwell default)
ALIASES = (
    ("alpha", "l2", 0.0),
    ("max_iter", "epochs", 200),
    ("beta_1", "beta1", 0.9),
    ("beta_2", "beta2", 0.999),
    ("n_iter_no_change", "patience", 10),
)


@dataclass
class Resolved:
    """The values training uses, after the aliases."""

    activation: str
    optimizer: str
    learning_rate: float
    sklearn_schedule: str | None
    l2: float
    epochs: int
    beta: float
    beta1: float
    beta2: float
    patience: int
    engine: str = "auto"
    batch_size: int | str = "auto"
    notes: list[str] = field(default_factory=list)


def _renamed(est: Any, old: str, new: str, default: Any) -> Any:
    """The value of ``new``, or of the deprecated ``old`` when that was given (warning)."""
    mine, given = getattr(est, new), getattr(est, old, None)
    if given is None:
        return mine
    value = engine_from_backend(given) if old == "backend" else given
    warnings.warn(
        f"{type(est).__name__}({old}=...) is deprecated and will be removed in the next "
        f"release; use {new}={value!r}.",
        DeprecationWarning,
        stacklevel=8,  # the caller of fit / partial_fit
    )
    if mine != default and mine != value:
        raise InvalidParameterError(
            f"{type(est).__name__} got {new}={mine!r} and {old}={given!r}; {old} is the "
            f"deprecated name of {new}. Give {new} only."
        )
    return value


def _pick(est: Any, alias: str, canonical: str, default: Any, mine: Any = None) -> Any:
    """The canonical value (or ``mine``), or the alias's when only the alias was given."""
    mine = getattr(est, canonical) if mine is None else mine
    theirs = getattr(est, alias)
    if theirs is None:
        return mine
    if mine != default and mine != theirs:
        raise InvalidParameterError(
            f"{type(est).__name__} got {canonical}={mine!r} and {alias}={theirs!r}, which "
            f"name the same setting ({alias} is scikit-learn's name for {canonical}). Give "
            "one of them."
        )
    return theirs


def resolve(est: Any) -> Resolved:
    """Resolve scikit-learn's names on ``est`` into trainwell's (see the module notes)."""
    name = type(est).__name__
    if est.solver == "lbfgs":
        raise InvalidParameterError(
            f"{name} does not support solver='lbfgs': trainwell trains with the course's "
            "mini-batch first-order methods. Use solver='adam' (the default) or 'sgd'; for "
            "a small data set, batch_size='full' trains on the full batch."
        )
    new = {}  # a loop, not a comprehension, so the warnings' stack depth is one
    for old, n, d in RENAMED:
        new[n] = _renamed(est, old, n, d)
    values = {c: _pick(est, a, c, d, new.get(c)) for a, c, d in ALIASES}
    batch = est.batch_size
    if batch is None:
        warnings.warn(
            f"{name}(batch_size=None) is deprecated and will be removed in the next release; "
            "use batch_size='full' for the full batch.",
            DeprecationWarning,
            stacklevel=7,
        )
        batch = "full"
    lr, schedule = est.learning_rate, None
    if isinstance(lr, str):
        if lr not in SKLEARN_SCHEDULES:
            raise InvalidParameterError(
                f"The 'learning_rate' parameter of {name} must be a float > 0 (alpha) or one "
                f"of scikit-learn's schedules {', '.join(map(repr, SKLEARN_SCHEDULES))}. Got "
                f"{lr!r} instead."
            )
        schedule = None if lr == "constant" else lr
        lr = 0.001 if est.learning_rate_init is None else est.learning_rate_init
    elif est.learning_rate_init is not None:
        if lr != 0.001 and lr != est.learning_rate_init:
            raise InvalidParameterError(
                f"{name} got learning_rate={lr!r} and learning_rate_init="
                f"{est.learning_rate_init!r}; give one of them (a float learning_rate is "
                "the initial rate, scikit-learn's learning_rate_init)."
            )
        lr = est.learning_rate_init
    if schedule is not None and est.lr_schedule is not None:
        raise InvalidParameterError(
            f"{name} got learning_rate={est.learning_rate!r} (scikit-learn's schedule) and "
            f"lr_schedule={est.lr_schedule!r}; give one of them."
        )
    optimizer, beta, notes = est.optimizer, est.beta, []
    momentum = _pick(est, "momentum", "beta", 0.9)
    if est.solver == "adam":
        optimizer = "adam"
    elif est.solver == "sgd":
        optimizer, beta = ("momentum", momentum) if momentum > 0 else ("gd", beta)
        if momentum > 0:
            lr = lr / (1.0 - momentum)  # scikit-learn's v = mu v - eta g, in the course's form
        if momentum > 0 and est.nesterovs_momentum:
            notes.append(
                "nesterovs_momentum=True: trained with classical momentum (trainwell has no "
                "Nesterov step); set nesterovs_momentum=False to silence this note."
            )
    if schedule is not None and optimizer == "adam":
        notes.append(f"learning_rate={est.learning_rate!r} applies to solver='sgd' only.")
        schedule = None
    activation = ACTIVATION_ALIASES.get(est.activation, est.activation)
    extra = {"beta": beta, "engine": new["engine"], "batch_size": batch, "notes": notes}
    return Resolved(activation, optimizer, float(lr), schedule, **values, **extra)


class FittedAttributes:
    """scikit-learn's fitted MLP attributes, read from the trained network."""

    @property
    def coefs_(self) -> list:
        """W[l].T for each Dense layer, shape (n[l-1], n[l]) as scikit-learn's (acting on
        standardized inputs when ``normalize_inputs``)."""
        return [p.T.copy() for k, p in self._dense_params("W")]

    @property
    def intercepts_(self) -> list:
        """b[l] for each Dense layer (zeros where batch norm's beta replaces it)."""
        import numpy as np

        out = []
        for (_, W), (_, b) in zip(self._dense_params("W"), self._dense_params("b")):
            out.append(np.zeros(W.shape[0], W.dtype) if b is None else b.ravel().copy())
        return out

    def _dense_params(self, kind: str) -> list:
        params = self.network_.parameters()  # AttributeError before fit, as scikit-learn
        return [(l, params.get(f"{kind}{l}")) for l in range(1, self.network_.n_layers + 1)]

    @property
    def n_layers_(self) -> int:
        """Layers counting the input layer, as scikit-learn: L + 1."""
        return self.network_.n_layers + 1

    @property
    def out_activation_(self) -> str:
        """scikit-learn's name of g[L]: "logistic", "softmax" or "identity"."""
        name = self.network_.layers[-1].activation.name
        return {"sigmoid": "logistic", "linear": "identity"}.get(name, name)

    @property
    def best_loss_(self) -> float | None:
        """The lowest training cost (None with early stopping, as scikit-learn)."""
        if self.early_stopping or not self.loss_curve_:
            return None
        return min(self.loss_curve_)

    @property
    def t_(self) -> int:
        """Training samples seen, over all epochs."""
        return int(self.n_iter_ * self._n_train_)


def check_params(est: Any) -> Resolved:
    """Validate every parameter of ``est`` against its constraints, then resolve the
    scikit-learn aliases; the errors name the parameter, what was expected and what came."""
    from dataclasses import fields

    from .optim import get_schedule

    validate_params(est._parameter_constraints, est.get_params(deep=False), type(est).__name__)
    resolved = resolve(est)
    name, sizes, keep = type(est).__name__, est._hidden_sizes(), est.keep_prob
    if isinstance(keep, (list, tuple)) and len(keep) != len(sizes):
        raise InvalidParameterError(
            f"The 'keep_prob' parameter of {name} must have one value per hidden layer "
            f"({len(sizes)} for hidden_layer_sizes={est.hidden_layer_sizes!r}). Got "
            f"{keep!r} instead."
        )
    schedule = est.lr_schedule or "constant"
    allowed = {f.name for f in fields(SCHEDULES[schedule])} - {"initial"}
    unknown = sorted(set(est.lr_schedule_params or {}) - allowed)
    if unknown:
        raise InvalidParameterError(
            f"The 'lr_schedule_params' parameter of {name} may only hold "
            f"{sorted(allowed) or 'nothing'} for lr_schedule={schedule!r} (the initial rate "
            f"is learning_rate). Got unknown keys {unknown} instead."
        )
    try:
        get_schedule(schedule, initial=resolved.learning_rate, **(est.lr_schedule_params or {}))
    except InvalidParameterError as exc:
        raise InvalidParameterError(
            f"The 'lr_schedule_params' parameter of {name} is invalid for "
            f"lr_schedule={schedule!r}: {exc}"
        ) from exc
    return resolved


def training_settings(est: Any) -> dict[str, Any]:
    """:mod:`trainwell.training.build`'s settings for ``est`` (after :func:`check_params`)."""
    r, sizes = est._resolved, est._hidden_sizes()
    return {
        "hidden_units": list(sizes),
        "activation": r.activation,
        "init": est.init,
        "keep_prob": est.keep_prob,
        "batch_norm": est.batch_norm,
        "l2": r.l2,
        "l1": est.l1,
        "dtype": est.dtype,
        "engine": r.engine,
        "optimizer": r.optimizer,
        "learning_rate": r.learning_rate,
        "beta": r.beta,
        "beta1": r.beta1,
        "beta2": r.beta2,
        "epsilon": est.epsilon,
        "epochs": r.epochs,
        "batch_size": r.batch_size,
    }
