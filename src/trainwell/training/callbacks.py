"""Callbacks: early stopping, progress bars, checkpoints, and the interface users implement.

A callback receives ``on_train_begin(ctx)``, ``on_epoch_end(epoch, logs, ctx)`` and
``on_train_end(ctx)``. ``logs`` holds the epoch's numbers (``cost``, ``learning_rate`` and,
when tracked, ``val_cost``, ``val_accuracy``, ``train_accuracy``); ``ctx`` is the running
:class:`TrainingContext`: set ``ctx.stop_training = True`` to stop after this epoch.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._random import RandomLike, from_state, get_state
from .._validation import Interval, Options, validate_params
from ..backend import backend_of
from ..engine_choice import deprecated_backend, parse_engine
from ..exceptions import CheckpointError, InvalidParameterError
from ..nn.io import network_arrays, network_from_arrays, read_npz, write_npz_atomic

__all__ = [
    "Callback",
    "Checkpoint",
    "CheckpointData",
    "EarlyStopping",
    "ProgressBar",
    "TrainingContext",
    "load_checkpoint",
]


@dataclass
class TrainingContext:
    """What a running fit exposes to callbacks."""

    network: Any
    optimizer: Any
    optimizer_state: dict[str, Any]
    history: Any
    rng: Any
    epochs: int
    epoch: int = 0
    stop_training: bool = False
    stop_reason: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Callback:
    """Base class; override any of the hooks."""

    def on_train_begin(self, ctx: TrainingContext) -> None:
        """Called once before the first epoch."""

    def on_epoch_end(self, epoch: int, logs: dict[str, float], ctx: TrainingContext) -> None:
        """Called after each epoch with its numbers."""

    def on_train_end(self, ctx: TrainingContext) -> None:
        """Called once at the end, also after early stopping, divergence or interrupt."""


class EarlyStopping(Callback):
    """Stop when the monitored number has not improved for ``patience`` epochs.

    Parameters
    ----------
    monitor : {"val_cost", "cost", "val_accuracy", "train_accuracy"}, default="val_cost"
    patience : int, default=5
        Counting as Keras does: an epoch without improvement (by more than ``min_delta``)
        adds one to ``wait``; training stops at the end of the epoch where
        ``wait >= patience``. With losses [0.2, 0.15, 0.1, 0.11, 0.12] and ``patience=2``
        it stops after epoch index 4 (scikit-learn's ``n_iter_no_change`` stops when the
        count *exceeds* the limit: one epoch later for the same number).
    min_delta : float, default=0.0
        Smallest change that counts as an improvement.
    restore_best : bool, default=True
        At the end of training, put back the parameters (and batch-norm statistics) of the
        best epoch, if a later epoch was worse.
    mode : {"auto", "min", "max"}, default="auto"
        "auto" maximizes accuracies and minimizes costs.

    Attributes
    ----------
    best : float
    best_epoch : int or None
    stopped_epoch : int or None
    """

    def __init__(
        self,
        monitor: str = "val_cost",
        patience: int = 5,
        min_delta: float = 0.0,
        restore_best: bool = True,
        mode: str = "auto",
    ) -> None:
        validate_params(
            {
                "monitor": [Options({"val_cost", "cost", "val_accuracy", "train_accuracy"})],
                "patience": [Interval("int", 1, None)],
                "min_delta": [Interval("real", 0, None)],
                "mode": [Options({"auto", "min", "max"})],
            },
            {"monitor": monitor, "patience": patience, "min_delta": min_delta, "mode": mode},
            "EarlyStopping",
        )
        self.monitor, self.patience, self.min_delta = monitor, int(patience), float(min_delta)
        self.restore_best = bool(restore_best)
        self.mode = ("max" if "accuracy" in monitor else "min") if mode == "auto" else mode

    def on_train_begin(self, ctx):
        # Reset, so one instance can be reused across fits.
        self.wait = 0
        self.best = -math.inf if self.mode == "max" else math.inf
        self.best_epoch: int | None = None
        self.stopped_epoch: int | None = None
        self._best_theta = self._best_buffers = None

    def _improved(self, current: float) -> bool:
        if self.mode == "min":
            return current < self.best - self.min_delta
        return current > self.best + self.min_delta

    def on_epoch_end(self, epoch, logs, ctx):
        if self.monitor not in logs:
            how = (
                "pass track_accuracy=True to fit"
                if self.monitor == "train_accuracy"
                else "pass validation_data to fit (accuracies need a classifier's loss)"
            )
            raise InvalidParameterError(
                f"EarlyStopping monitors {self.monitor!r} but the run records only "
                f"{sorted(logs)}; {how}."
            )
        current = logs[self.monitor]
        if self._improved(current):
            self.best, self.best_epoch, self.wait = current, epoch, 0
            if self.restore_best:  # on the network's own backend (a GPU copy stays there)
                bk = backend_of(ctx.network.theta)
                self._best_theta = bk.copy(ctx.network.theta)
                self._best_buffers = {k: bk.copy(v) for k, v in ctx.network.buffers().items()}
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            ctx.stop_training, ctx.stop_reason = True, "early_stopping"

    def on_train_end(self, ctx):
        stopped_inside = ctx.stop_reason == "diverged" or ctx.extra.get("partial_epoch")
        if (
            self.restore_best
            and self._best_theta is not None
            and (self.best_epoch != ctx.history.epochs - 1 or stopped_inside)
        ):
            ctx.network.theta[...] = self._best_theta
            for k, v in ctx.network.buffers().items():
                v[...] = self._best_buffers[k]
            ctx.history.best_epoch = self.best_epoch
        elif self.best_epoch is not None:
            ctx.history.best_epoch = self.best_epoch


class ProgressBar(Callback):
    """A tqdm bar over epochs showing the cost: on a terminal, or in Jupyter (a widget
    with ipywidgets installed, else a text bar); off when stderr is a file or pipe."""

    def __init__(self, desc: str = "training", force: bool = False) -> None:
        self.desc, self.force = desc, force

    def on_train_begin(self, ctx):
        from .._progress import progress_bar

        self.bar = progress_bar(
            total=ctx.epochs,
            initial=ctx.epoch,
            desc=self.desc,
            unit="epoch",
            show=True if self.force else None,
            leave=False,
        )

    def on_epoch_end(self, epoch, logs, ctx):
        self.bar.update(1)
        if epoch % max(1, ctx.epochs // 100) == 0:
            self.bar.set_postfix(cost=f"{logs['cost']:.4g}", refresh=False)

    def on_train_end(self, ctx):
        self.bar.close()


CHECKPOINT_FORMAT = "trainwell-checkpoint"


class Checkpoint(Callback):
    """Save network, optimizer state, epoch and generator states every ``every`` epochs.

    The file is written atomically (temporary file, then rename), so a crash mid-save
    never leaves a corrupt checkpoint. :func:`load_checkpoint` and
    ``fit(..., resume_from=path)`` continue a run bit for bit.

    Parameters
    ----------
    path : str or Path
        The .npz file to (over)write.
    every : int, default=1
        Save after every ``every``-th epoch, and at the end of training.
    """

    def __init__(self, path: Any, every: int = 1) -> None:
        validate_params({"every": [Interval("int", 1, None)]}, {"every": every}, "Checkpoint")
        self.path, self.every = Path(path), int(every)

    def on_epoch_end(self, epoch, logs, ctx):
        if (epoch + 1) % self.every == 0:
            save_checkpoint(self.path, ctx, next_epoch=epoch + 1)

    def on_train_end(self, ctx):
        # Not after a divergence, nor mid-epoch (an interrupt inside an epoch): those
        # parameters belong to no epoch's end, so a resume could not continue exactly;
        # the last checkpoint written stays.
        if ctx.stop_reason != "diverged" and not ctx.extra.get("partial_epoch"):
            save_checkpoint(self.path, ctx, next_epoch=ctx.epoch)


def save_checkpoint(path: Any, ctx: TrainingContext, next_epoch: int) -> None:
    """Write everything a resumed run needs to continue bit for bit."""
    arrays = network_arrays(ctx.network, fmt=CHECKPOINT_FORMAT)
    state = ctx.optimizer_state
    arrays["optimizer"] = np.array(json.dumps(ctx.optimizer.get_config()))
    arrays["optimizer_t"] = np.array(int(state.get("t", 0)))
    for k, v in state.items():
        if k != "t" and not k.startswith("_"):
            arrays[f"optstate:{k}"] = v
    arrays["epoch"] = np.array(int(next_epoch))
    arrays["fit_rng"] = np.array(get_state(ctx.rng))
    arrays["network_rng"] = np.array(get_state(ctx.network.rng))
    arrays["history"] = np.array(json.dumps(ctx.history.to_dict()))
    write_npz_atomic(path, arrays)


@dataclass
class CheckpointData:
    """A loaded checkpoint: pass its parts back to ``fit`` to resume."""

    network: Any
    optimizer: Any
    optimizer_state: dict[str, Any]
    epoch: int
    random_state: RandomLike
    history: dict[str, Any]


def load_checkpoint(path: Any, backend: Any = None, *, engine: Any = None) -> CheckpointData:
    """Read a checkpoint written by :class:`Checkpoint`, with clear errors for bad files.

    The network is rebuilt on the engine that wrote it, or on ``engine`` when given (see
    :mod:`trainwell.engine_choice`): a GPU run's checkpoint continues on the CPU with
    ``engine="auto"``. ``backend`` is the deprecated spelling of ``engine``.
    """
    from ..optim import get_optimizer

    engine = deprecated_backend("load_checkpoint", backend, engine, None)
    if engine is not None:  # the caller's argument: its own error, before the file
        parse_engine(engine, "load_checkpoint")
    arrays = read_npz(path, expected_format=CHECKPOINT_FORMAT)
    try:
        net = network_from_arrays(arrays, str(path), engine=engine)
        net.rng = from_state(str(arrays["network_rng"]))
        optimizer = get_optimizer(json.loads(str(arrays["optimizer"])))
        state = {"t": _count(arrays["optimizer_t"], "optimizer_t")}
        for k, v in arrays.items():
            if k.startswith("optstate:"):
                if v.dtype.kind != "f" or v.shape != tuple(net.theta.shape):
                    raise ValueError(
                        f"the optimizer state {k!r} must be a float array of the parameters' "
                        f"shape {tuple(net.theta.shape)}; got {v.dtype} {v.shape}"
                    )
                state[k.split(":", 1)[1]] = v.copy()
        epoch = _count(arrays["epoch"], "epoch")
        fit_rng = from_state(str(arrays["fit_rng"]))
        history = json.loads(str(arrays["history"]))
        if not isinstance(history, dict):
            raise ValueError(f"the history must be a JSON object; got {type(history).__name__}")
    except KeyError as exc:
        raise CheckpointError(f"{str(path)!r} lacks the checkpoint entry {exc}.") from exc
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        raise CheckpointError(
            f"{str(path)!r} is not a valid checkpoint (corrupted or edited?): {exc}"
        ) from exc
    return CheckpointData(net, optimizer, state, epoch, fit_rng, history)


def _count(value: np.ndarray, name: str) -> int:
    """A non-negative integer scalar from a checkpoint (an epoch, a step count)."""
    if value.shape != () or value.dtype.kind not in "iu" or int(value) < 0:
        raise ValueError(
            f"the entry {name!r} must be a non-negative integer; got {value.dtype} {value!r:.80}"
        )
    return int(value)
