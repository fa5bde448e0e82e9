"""What a Trainer checks and prepares before its first step (shared by ``fit``)."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .._validation import InstanceOf, Interval, IsCallable, Options, validate_params
from ..exceptions import InvalidParameterError
from ..nn.layers import BatchNorm
from .callbacks import load_checkpoint
from .history import History

__all__ = [
    "check_arguments",
    "check_callbacks",
    "full_batch_none",
    "rate",
    "resume",
    "whole_history",
]

FLAG = [InstanceOf((bool, np.bool_), "a bool")]


def check_arguments(caller: str, **values: Any) -> None:
    """Check the training arguments shared by ``fit`` and ``Trainer`` (given ones only)."""
    rules = {
        "learning_rate": [Interval("real", 0, None, "neither")],
        "batch_size": [Options({"auto", "full"}), Interval("int", 1, None), None],
        "schedule": [None, IsCallable()],
        "epochs": [Interval("int", 0, None)],
        "initial_epoch": [Interval("int", 0, None)],
        "verbose": [Interval("int", 0, None)],
        "shuffle": [*FLAG, IsCallable()],
        "progress": FLAG,
        "record_iterations": FLAG,
        "track_accuracy": FLAG,
        "on_divergence": [Options({"raise", "warn", "stop"})],
    }
    if values.get("epochs", 0) is None:  # a Trainer without a planned epoch count
        values.pop("epochs")
    validate_params({k: rules[k] for k in values}, values, caller)
    if "batch_size" in values and values["batch_size"] is None:
        full_batch_none(caller, 4 if caller == "fit" else 3)


def full_batch_none(caller: str, stacklevel: int) -> None:
    """Warn that ``batch_size=None`` is the deprecated spelling of ``"full"``."""
    warnings.warn(
        f"{caller}(batch_size=None) is deprecated and will be removed in the next release; "
        f"use {caller}(batch_size='full') for the full batch (batch gradient descent).",
        DeprecationWarning,
        stacklevel=stacklevel + 1,
    )


def check_callbacks(callbacks: Any, caller: str) -> list[Any]:
    """``callbacks`` as a list, each with the three hooks a run calls."""
    hooks = ("on_train_begin", "on_epoch_end", "on_train_end")
    if isinstance(callbacks, (str, bytes)) or not hasattr(callbacks, "__iter__"):
        raise InvalidParameterError(
            f"The 'callbacks' parameter of {caller} must be a sequence of Callback objects. "
            f"Got {type(callbacks).__name__} {callbacks!r} instead."
        )
    out = list(callbacks)
    for i, cb in enumerate(out):
        if not all(callable(getattr(cb, h, None)) for h in hooks):
            raise InvalidParameterError(
                f"The 'callbacks' parameter of {caller} must hold Callback objects "
                f"(trainwell.training.Callback subclasses, with {', '.join(hooks)}); "
                f"item {i} is {type(cb).__name__} {cb!r}."
            )
    return out


def check_batchnorm_batch(network: Any, batch_size: int) -> None:
    """Refuse batch norm over batches of one example, as Keras and PyTorch do: its batch
    variance is 0 there, so Z is normalized to 0 and the running variance decays to 0."""
    if batch_size == 1 and any(isinstance(layer, BatchNorm) for layer in network.layers):
        raise InvalidParameterError(
            "batch_size=1 with BatchNorm (mini-batches of one sample): the statistics of one "
            "example are its own value (variance 0), so batch norm would train on zeros and "
            "keep a degenerate running variance. Use a batch_size of at least 2 (e.g. 32) "
            "on at least 2 examples, or drop the BatchNorm layers."
        )


def rate(schedule: Callable[[int], float], epoch: int) -> float:
    """``schedule(epoch)``, checked: a learning rate is a finite float > 0."""
    lr = schedule(epoch)
    try:
        ok = math.isfinite(lr) and lr > 0
    except TypeError:
        ok = False
    if not ok:
        raise InvalidParameterError(
            f"The schedule gave the learning rate {lr!r} for epoch {epoch}; a learning rate "
            "must be a float in (0, inf)."
        )
    return float(lr)


def resume(network: Any, resume_from: Any) -> Any:
    """Load a checkpoint into ``network``; the loaded :class:`CheckpointData`."""
    ckpt = load_checkpoint(resume_from, engine=network.engine)  # any engine's
    if network.input_dim is None:
        network.build(ckpt.network.input_dim)
    mine, saved = network.get_config(), ckpt.network.get_config()
    differ = [k for k in sorted({*mine, *saved}) if mine.get(k) != saved.get(k)]
    if differ:
        raise InvalidParameterError(
            "resume_from: the checkpoint holds a different network: "
            + "; ".join(f"{k} {saved.get(k)!r} there, {mine.get(k)!r} here" for k in differ)
            + "."
        )
    network.theta[...] = ckpt.network.theta
    for k, v in network.buffers().items():
        v[...] = ckpt.network.buffers()[k]
    network.rng = ckpt.network.rng
    return ckpt


def whole_history(saved: Any, epoch: int, batch_size: int) -> History:
    """A History continuing the one a checkpoint saved (its epochs before ``epoch``)."""
    history = History(batch_size=batch_size, initial_epoch=epoch)
    if not isinstance(saved, dict):
        return history
    start = saved.get("initial_epoch", epoch)
    cost = saved.get("cost")
    if not isinstance(start, int) or not isinstance(cost, list) or start + len(cost) != epoch:
        return history  # not the record of the epochs before the checkpoint
    history.initial_epoch = start
    for name in ("cost", "learning_rate", "val_cost", "val_accuracy", "train_accuracy"):
        values = saved.get(name)
        if isinstance(values, list) and len(values) <= len(cost):
            getattr(history, name).extend(float(v) for v in values)
    its = saved.get("iteration_cost")
    if isinstance(its, list):
        history.iteration_cost.extend(float(v) for v in its)
    notes = saved.get("notes")
    if isinstance(notes, list):
        history.notes.extend(str(n) for n in notes)
    history.epochs = epoch
    return history
