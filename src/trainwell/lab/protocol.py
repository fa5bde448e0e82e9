"""The lab's message protocol: what the page may send, checked before anything acts on it.

Every websocket message is a JSON object ``{"type": ..., ...}`` of at most
:data:`MAX_MESSAGE_BYTES`. :func:`parse_message` turns it into a plain dict whose every value
has been checked against :data:`LIMITS` and the option tables, or raises
:class:`ProtocolError` with a sentence for the page (naming the field, what was expected and
what came). Nothing here touches the network being trained, so a refused message leaves it
as it was.

The setup (``config``) splits in two: :data:`LIVE_KEYS` apply to the running Trainer from
its next step (learning rate, L2, L1, keep_prob, the optimizer's hyperparameters, speed);
every other key describes the data or the architecture, and changing it resets.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .presets import PRESETS

__all__ = [
    "ACTIVATIONS",
    "DATASETS",
    "DECAYS",
    "DEFAULT_CONFIG",
    "INITS",
    "LIMITS",
    "LIVE_KEYS",
    "MAX_MESSAGE_BYTES",
    "OPTIMIZERS",
    "ProtocolError",
    "check_config",
    "parse_message",
]

MAX_MESSAGE_BYTES = 64 * 1024

DATASETS = (
    "circle", "xor", "gauss", "spiral", "moons", "flower",
    "course_circles", "football", "upload",
)  # fmt: skip
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear", "leaky_relu")
INITS = ("he", "xavier", "random", "zeros")
OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
DECAYS = ("none", "inverse_time", "exponential", "staircase", "inverse_sqrt", "fixed_interval")
BATCH_WORDS = ("full", "auto")

# name -> (kind, low, high, low_open, high_open)
LIMITS: dict[str, tuple[str, float, float, bool, bool]] = {
    "noise": ("real", 0.0, 0.5, False, False),
    "train_ratio": ("real", 0.1, 0.9, False, False),
    "seed": ("int", 0, 2**31 - 1, False, False),
    "label_column": ("int", -1000, 1000, False, False),
    "init_scale": ("real", 0.0, 100.0, True, False),
    "l2": ("real", 0.0, 100.0, False, False),
    "l1": ("real", 0.0, 100.0, False, False),
    "learning_rate": ("real", 0.0, 100.0, True, False),
    "beta": ("real", 0.0, 1.0, False, True),
    "beta2": ("real", 0.0, 1.0, False, True),
    "epsilon": ("real", 0.0, 1.0, True, False),
    "decay_rate": ("real", 0.0, 1000.0, False, False),
    "decay_step": ("int", 1, 10**6, False, False),
    "speed": ("int", 1, 5, False, False),
    "units": ("int", 1, 32, False, False),
    "keep_prob": ("real", 0.0, 1.0, True, False),
    "batch_size": ("int", 1, 10**6, False, False),
    "steps": ("int", 1, 10**4, False, False),
    "bayes_error": ("real", 0.0, 1.0, False, True),
    "lr_gd": ("real", 0.0, 10.0, True, False),
    "lr_adaptive": ("real", 0.0, 10.0, True, False),
    "surface_steps": ("int", 1, 1000, False, False),
    "trials": ("int", 2, 100, False, False),
    "epochs": ("int", 1, 1000, False, False),
}
SURFACES = ("bowl", "saddle", "plateau")
MAX_HIDDEN_LAYERS = 30  # the deep-network presets have 30

DEFAULT_CONFIG: dict[str, Any] = {
    "dataset": "circle",
    "noise": 0.05,
    "train_ratio": 0.5,
    "seed": 0,
    "standardize": False,
    "label_column": -1,
    "layers": [
        {"units": 4, "activation": "tanh", "batch_norm": False, "keep_prob": 1.0},
        {"units": 2, "activation": "tanh", "batch_norm": False, "keep_prob": 1.0},
    ],
    "init": "xavier",
    "init_scale": 1.0,
    "l2": 0.0,
    "l1": 0.0,
    "optimizer": "adam",
    "learning_rate": 0.03,
    "beta": 0.9,
    "beta2": 0.999,
    "epsilon": 1e-8,
    "decay": "none",
    "decay_rate": 1.0,
    "decay_step": 100,
    "batch_size": "auto",
    "speed": 5,
}
LIVE_KEYS = frozenset({"learning_rate", "l2", "l1", "beta", "beta2", "epsilon", "speed"})
CONTROLS = ("play", "pause", "step", "step_epoch", "reset", "hello")


class ProtocolError(ValueError):
    """A message the lab refuses; ``str(err)`` is the sentence shown in the page."""


def _number(name: str, value: Any) -> float | int:
    kind, low, high, low_open, high_open = LIMITS[name]
    ok_type = isinstance(value, int) if kind == "int" else isinstance(value, (int, float))
    if isinstance(value, bool) or not ok_type:
        want = "an integer" if kind == "int" else "a number"
        raise ProtocolError(f"'{name}' must be {want}; got {value!r}.")
    if isinstance(value, float) and not math.isfinite(value):
        raise ProtocolError(f"'{name}' must be a finite number; got {value!r}.")
    below = value <= low if low_open else value < low
    above = value >= high if high_open else value > high
    if below or above:
        lo, hi = ("(" if low_open else "["), (")" if high_open else "]")
        raise ProtocolError(f"'{name}' must be in {lo}{low:g}, {high:g}{hi}; got {value!r}.")
    return int(value) if kind == "int" else float(value)


def _choice(name: str, value: Any, options: tuple[str, ...]) -> str:
    if value not in options:
        raise ProtocolError(f"'{name}' must be one of {', '.join(options)}; got {value!r}.")
    return str(value)


def _layer(i: int, spec: Any) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise ProtocolError(f"hidden layer {i + 1} must be an object; got {spec!r}.")
    unknown = set(spec) - {"units", "activation", "batch_norm", "keep_prob"}
    if unknown:
        raise ProtocolError(f"hidden layer {i + 1} has unknown fields {sorted(unknown)}.")
    try:
        return {
            "units": _number("units", spec.get("units", 4)),
            "activation": _choice("activation", spec.get("activation", "tanh"), ACTIVATIONS),
            "batch_norm": _flag("batch_norm", spec.get("batch_norm", False)),
            "keep_prob": _number("keep_prob", spec.get("keep_prob", 1.0)),
        }
    except ProtocolError as exc:
        raise ProtocolError(f"hidden layer {i + 1}: {exc}") from None


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ProtocolError(f"'{name}' must be true or false; got {value!r}.")
    return value


def _batch(value: Any) -> str | int:
    if isinstance(value, str):
        if value in BATCH_WORDS:
            return value
        if value.isdigit():
            value = int(value)
    if isinstance(value, str):
        raise ProtocolError(f"'batch_size' must be full, auto or a count; got {value!r}.")
    return _number("batch_size", value)


def check_config(update: Any, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """``base`` (default :data:`DEFAULT_CONFIG`) with the fields of ``update``, all checked.

    Examples
    --------
    >>> check_config({"learning_rate": 0.1})["learning_rate"]
    0.1
    >>> check_config({"learning_rate": float("nan")})
    Traceback (most recent call last):
    ...
    trainwell.lab.protocol.ProtocolError: 'learning_rate' must be a finite number; got nan.
    """
    if not isinstance(update, dict):
        raise ProtocolError(f"'config' must be an object; got {type(update).__name__}.")
    config = dict(DEFAULT_CONFIG if base is None else base)
    for key, value in update.items():
        if key not in DEFAULT_CONFIG:
            raise ProtocolError(f"unknown setting {key!r}.")
        if key == "layers":
            if not isinstance(value, list) or len(value) > MAX_HIDDEN_LAYERS:
                raise ProtocolError(
                    f"'layers' must be a list of at most {MAX_HIDDEN_LAYERS} hidden layers; "
                    f"got {value!r:.80}."
                )
            config[key] = [_layer(i, spec) for i, spec in enumerate(value)]
        elif key == "dataset":
            config[key] = _choice(key, value, DATASETS)
        elif key == "init":
            config[key] = _choice(key, value, INITS)
        elif key == "optimizer":
            config[key] = _choice(key, value, OPTIMIZERS)
        elif key == "decay":
            config[key] = _choice(key, value, DECAYS)
        elif key == "batch_size":
            config[key] = _batch(value)
        elif key == "standardize":
            config[key] = _flag(key, value)
        else:
            config[key] = _number(key, value)
    return config


def parse_message(raw: str | bytes) -> dict[str, Any]:
    """Decode and check one websocket message; raise :class:`ProtocolError` if refused.

    Returns ``{"type": "control", "action": ...}`` (with ``"steps"`` for a step) or
    ``{"type": "config", "config": {...}}`` holding only the checked fields sent.

    Examples
    --------
    >>> parse_message('{"type": "control", "action": "play"}')
    {'type': 'control', 'action': 'play'}
    >>> parse_message('{"type": "config", "config": {"layers": [{"units": -1}]}}')
    Traceback (most recent call last):
    ...
    trainwell.lab.protocol.ProtocolError: hidden layer 1: 'units' must be in [1, 32]; got -1.
    """
    if len(raw) > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message of {len(raw)} bytes refused (limit {MAX_MESSAGE_BYTES}).")
    try:
        msg = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"message is not valid JSON ({exc}).") from None
    if not isinstance(msg, dict) or "type" not in msg:
        raise ProtocolError("message must be a JSON object with a 'type'.")
    kind = msg["type"]
    if kind == "control":
        action = _choice("action", msg.get("action"), CONTROLS)
        out: dict[str, Any] = {"type": "control", "action": action}
        if action == "step" and "steps" in msg:
            out["steps"] = _number("steps", msg["steps"])
        return out
    if kind == "config":
        update = msg.get("config")
        checked = check_config(update)  # raises on any bad field
        return {"type": "config", "config": {k: checked[k] for k in update}}
    if kind == "bayes":  # the Bayes (human-level) error the bias/variance verdict uses
        return {"type": "bayes", "bayes_error": _number("bayes_error", msg.get("bayes_error"))}
    if kind == "surface":  # optimizers on a 2-D surface
        out = {"type": "surface", "surface": _choice("surface", msg.get("surface"), SURFACES)}
        for key in ("lr_gd", "lr_adaptive", "beta", "beta2", "epsilon"):
            out[key] = _number(key, msg.get(key))
        out["steps"] = _number("surface_steps", msg.get("steps"))
        return out
    if kind == "sweep":  # random search in the background
        return {"type": "sweep", "trials": _number("trials", msg.get("trials")),
                "epochs": _number("epochs", msg.get("epochs")),
                "zoom": _flag("zoom", msg.get("zoom", False))}  # fmt: skip
    if kind == "ewma":
        return {"type": "ewma", "beta": _number("beta", msg.get("beta"))}
    if kind in ("gradcheck", "code", "export"):
        return {"type": kind}
    if kind == "preset":
        return {"type": "preset", "name": _choice("preset", msg.get("name"), tuple(PRESETS))}
    raise ProtocolError(
        f"unknown message type {kind!r}; expected control, config, bayes, gradcheck, code, "
        "export, preset, surface, ewma or sweep."
    )
