"""An epoch of a Trainer: its data order, its batches, its end-of-epoch bookkeeping."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..nn.layers import INFER
from . import _setup
from ._guard import diverge
from .batches import check_augmented, check_permutation, minibatch_slices

__all__ = ["COPY_BYTES", "Epoch", "begin_epoch", "end_epoch", "evaluate", "order_data"]

# Shuffled data larger than this is gathered batch by batch instead of copied whole each
# epoch (a 60,000 x 784 float32 set would otherwise double the peak memory).
COPY_BYTES = 32 * 2**20


def evaluate(network: Any, X: Any, Y: Any) -> tuple[float, float | None]:
    """Cost and accuracy (None for mse) of validated, encoded (X, Y) in inference mode."""
    engine = getattr(network, "_engine", None)
    if engine is not None:  # a network on another array backend (trainwell.backend)
        return engine.evaluate(X, Y, INFER)
    A = network._forward(X, INFER)
    m = X.shape[0]
    cost = network.loss.cost(network.layers[-1].Z, A, Y) + network._regularization_cost(m)
    if network.loss.name == "binary_crossentropy":
        return cost, float(np.mean((A > 0.5) == (Y > 0.5)))
    if network.loss.name == "categorical_crossentropy":
        return cost, float(np.mean(A.argmax(axis=1) == Y.argmax(axis=1)))
    return cost, None


@dataclass(slots=True)
class Epoch:
    """The epoch in progress: its data order, batches, position and running total."""

    X: Any
    Y: Any
    order: Any  # a permutation applied batch by batch, or None
    perm: Any  # the permutation drawn this epoch (None: data in order)
    slices: list
    lr: float
    augmented: bool
    pos: int = 0
    total: float = 0.0


def begin_epoch(tr: Any) -> Epoch:
    """Start the Trainer's next epoch: its rate, augmentation, shuffle and batches."""
    epoch, bk, X, Y = tr._epoch, tr.bk, tr.X, tr.Y
    tr.ctx.epoch = epoch
    lr = tr._lr_override
    if lr is None:
        lr = _setup.rate(tr.schedule, epoch)
    if tr.augment is None:
        Xe, Ye = X, Y
    elif tr._host is None:
        Xe, Ye = check_augmented(*tr.augment(X, Y, tr.rng), X, Y)
    else:
        Xa, Ya = check_augmented(*tr.augment(*tr._host, tr.rng), *tr._host)
        Xe, Ye = bk.asarray(Xa, X.dtype), bk.asarray(Ya, Y.dtype)
    order = perm = None  # a drawn permutation applied batch by batch (no epoch-sized copy)
    m = Xe.shape[0]
    if tr.batch_size < m and tr.shuffle:
        shuffle = tr.shuffle
        perm = (
            check_permutation(shuffle(epoch, m), m) if callable(shuffle) else tr.rng.permutation(m)
        )
        Xe, Ye, order = order_data(tr, Xe, Ye, perm, callable(shuffle))
    slices = tr._slices if m == X.shape[0] else minibatch_slices(m, tr.batch_size, tr._merge)
    tr._ep = Epoch(Xe, Ye, order, perm, slices, lr, tr.augment is not None)
    tr.guard.begin_epoch()
    return tr._ep


def order_data(tr: Any, Xe: Any, Ye: Any, perm: Any, from_callable: bool) -> tuple[Any, Any, Any]:
    """``(X, Y, order)``: the data permuted by ``perm``, or as it is with ``order=perm``
    (the batches gathered one by one: for the compiled path and for large data)."""
    bk = tr.bk
    if (
        bk.is_numpy
        and not from_callable
        and (tr.runner.kind == "numba" or Xe.nbytes > tr._copy_bytes)
    ):
        return Xe, Ye, perm
    if bk.is_numpy:
        return Xe[perm], Ye[perm], None
    return bk.take(Xe, perm), bk.take(Ye, perm), None


def end_epoch(tr: Any, ep: Epoch) -> dict[str, float]:
    """An epoch's end: explosion check, History, validation, callbacks; its logs."""
    history, epoch, ctx = tr.history, tr._epoch, tr.ctx
    logs = {"cost": ep.total / ep.X.shape[0], "learning_rate": ep.lr}
    if tr.guard.end_epoch(logs["cost"]):
        diverge(tr, logs["cost"], epoch, ep.lr, None, exploded=True)
        return {}
    history.cost.append(logs["cost"])
    history.learning_rate.append(ep.lr)
    if tr.val is not None:
        logs["val_cost"], acc = evaluate(tr.network, *tr.val)
        history.val_cost.append(logs["val_cost"])
        if acc is not None:
            logs["val_accuracy"] = acc
            history.val_accuracy.append(acc)
    if tr.track_accuracy:
        _, acc = evaluate(tr.network, tr.X, tr.Y)
        if acc is not None:
            logs["train_accuracy"] = acc
            history.train_accuracy.append(acc)
    history.epochs = epoch + 1
    tr._epoch = ctx.epoch = epoch + 1
    tr._ep = None
    epochs = tr.epochs
    if tr.verbose and (epochs is None or epoch % max(1, epochs // 10) == 0 or epoch == epochs - 1):
        print(f"epoch {epoch}: cost {logs['cost']:.6f}")
    for cb in tr.callbacks:
        cb.on_epoch_end(epoch, logs, ctx)
    if ctx.stop_training:
        history.stopped_reason = ctx.stop_reason or "callback"
        tr.stopped_reason = history.stopped_reason
        tr.message = f"A callback stopped training ({tr.stopped_reason})."
    return logs
