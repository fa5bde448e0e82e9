"""From a dict of settings to a network and fit's keyword arguments.

The one build path of the scikit-learn estimators (:mod:`trainwell.sklearn`) and the
tuning objective (:class:`trainwell.tuning.NetworkObjective`): a fully connected network
of hidden layers (each ``Dense`` [``BatchNorm``] [``Dropout``]) and an output layer, the
optimizer with its hyperparameters, the learning-rate schedule and early stopping.
Settings use the library's names (the table in ``docs/architecture.md``); absent ones
take :data:`DEFAULTS`.

Examples
--------
>>> net, kwargs = build_training(
...     {"hidden_units": [4, 3], "optimizer": "momentum", "batch_size": "full"},
...     input_dim=2, n_outputs=1, loss="binary_crossentropy", random_state=3,
... )
>>> [type(layer).__name__ for layer in net.layers], net.parameters()["W2"].shape
(['Dense', 'Dense', 'Dense'], (3, 4))
>>> sorted(kwargs), kwargs["optimizer"].name, kwargs["batch_size"]
(['batch_size', 'epochs', 'learning_rate', 'optimizer', 'schedule'], 'momentum', 'full')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._random import RandomLike
from ..exceptions import InvalidParameterError
from ..nn import BatchNorm, Dense, Dropout, Network
from ..optim import InverseTimeDecay, get_optimizer
from .callbacks import EarlyStopping

__all__ = ["DEFAULTS", "build_network", "build_training", "fit_arguments"]

#: Every setting, with its default.
DEFAULTS: dict[str, Any] = {
    "hidden_units": 10,  # units per hidden layer, or a list of widths
    "layers": 1,  # hidden layers of hidden_units each (when it is an int)
    "activation": "relu",
    "init": "he",  # "auto": He for relu and leaky_relu, Xavier otherwise
    "keep_prob": 1.0,  # dropout after each hidden layer when < 1 (or one per layer)
    "batch_norm": False,  # BatchNorm after each hidden Dense layer
    "l2": 0.0,
    "l1": 0.0,
    "dtype": "float64",
    "engine": "auto",
    "optimizer": "adam",
    "learning_rate": 0.01,
    "beta": 0.9,
    "beta1": 0.9,
    "beta2": 0.999,
    "epsilon": 1e-8,
    "epochs": 100,
    "batch_size": 64,
    "schedule": None,  # a Schedule; None: decay_rate's, or the constant learning_rate
    "decay_rate": 0.0,  # alpha = alpha0 / (1 + decay_rate * epoch) when > 0
    "patience": None,  # early stopping on the validation cost
    "restore_best": True,
}

#: The output activation that goes with each loss (the course's pairs).
OUTPUT_ACTIVATION = {"binary_crossentropy": "sigmoid", "categorical_crossentropy": "softmax"}


def _settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise InvalidParameterError(
            f"Unknown setting(s) {unknown}; the settings are {', '.join(DEFAULTS)}."
        )
    return {**DEFAULTS, **settings}


def build_network(
    settings: Mapping[str, Any],
    *,
    input_dim: int,
    n_outputs: int,
    loss: str,
    random_state: RandomLike = None,
    output_activation: str | None = None,
) -> Network:
    """The network of ``settings``, built for ``input_dim`` features (weights drawn).

    Parameters
    ----------
    settings : mapping
        ``hidden_units``, ``layers``, ``activation``, ``init``, ``keep_prob``,
        ``batch_norm``, ``l2``, ``l1``, ``dtype``, ``engine`` (the others are ignored here).
    input_dim, n_outputs : int
        n[0] and n[L].
    loss : str
    random_state : None, int, RandomState or Generator
        The network's generator: the initial weights, then the dropout masks.
    output_activation : str, optional
        g[L]; by default the loss's own (sigmoid, softmax, else linear).
    """
    s = _settings(settings)
    widths = s["hidden_units"]
    widths = list(widths) if isinstance(widths, (list, tuple)) else [widths] * s["layers"]
    keep = s["keep_prob"]
    keeps = list(keep) if isinstance(keep, (list, tuple)) else [keep] * len(widths)
    init, activation = s["init"], s["activation"]
    if init == "auto":  # the course's advice: He for ReLU, Xavier for tanh
        init = "he" if activation in ("relu", "leaky_relu") else "xavier"
    layers: list[Any] = []
    for units, kp in zip(widths, keeps):
        layers.append(Dense(units, activation, init))
        if s["batch_norm"]:
            layers.append(BatchNorm())
        if kp < 1:
            layers.append(Dropout(kp))
    out = output_activation or OUTPUT_ACTIVATION.get(loss, "linear")
    layers.append(Dense(n_outputs, out, init))
    return Network(
        layers,
        loss=loss,
        l2=s["l2"],
        l1=s["l1"],
        random_state=random_state,
        dtype=s["dtype"],
        input_dim=input_dim,
        engine=s["engine"],
    )


def fit_arguments(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments of :func:`~trainwell.training.fit` for ``settings``:
    ``optimizer`` (with the hyperparameters it uses), ``learning_rate``, ``epochs``,
    ``batch_size``, ``schedule``, and ``callbacks`` (early stopping) when ``patience``
    is set."""
    s = _settings(settings)
    name = s["optimizer"]
    hyper = {
        "gd": {},
        "momentum": {"beta": s["beta"]},
        "rmsprop": {"beta2": s["beta2"], "epsilon": s["epsilon"]},
        "adam": {"beta1": s["beta1"], "beta2": s["beta2"], "epsilon": s["epsilon"]},
    }
    schedule = s["schedule"]
    if schedule is None and s["decay_rate"] > 0:
        schedule = InverseTimeDecay(s["learning_rate"], decay_rate=s["decay_rate"])
    kwargs: dict[str, Any] = {
        "optimizer": get_optimizer(name, **hyper.get(name, {})),
        "learning_rate": s["learning_rate"],
        "epochs": s["epochs"],
        "batch_size": s["batch_size"],
        "schedule": schedule,
    }
    if s["patience"] is not None:
        kwargs["callbacks"] = [
            EarlyStopping("val_cost", patience=s["patience"], restore_best=s["restore_best"])
        ]
    return kwargs


def build_training(
    settings: Mapping[str, Any],
    *,
    input_dim: int,
    n_outputs: int,
    loss: str,
    random_state: RandomLike = None,
    output_activation: str | None = None,
) -> tuple[Network, dict[str, Any]]:
    """``(build_network(...), fit_arguments(settings))``: a run ready for ``fit``."""
    net = build_network(
        settings,
        input_dim=input_dim,
        n_outputs=n_outputs,
        loss=loss,
        random_state=random_state,
        output_activation=output_activation,
    )
    return net, fit_arguments(settings)
