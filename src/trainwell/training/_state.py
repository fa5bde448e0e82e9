"""Trainer.state_dict / load_state_dict: a run's whole state as host arrays and plain values."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._random import from_state, get_state
from ..exceptions import InvalidParameterError
from ..nn.layers import Dropout
from ..optim import get_optimizer
from ._epoch import Epoch, order_data
from ._steps import make_runner
from .batches import minibatch_slices

__all__ = ["load_state", "trainer_state"]

FORMAT = "trainwell-trainer-state"
_HISTORY = ("cost", "learning_rate", "val_cost", "val_accuracy", "train_accuracy",
            "iteration_cost", "notes")  # fmt: skip


def trainer_state(tr: Any) -> dict[str, Any]:
    """See :meth:`Trainer.state_dict`."""
    net, bk = tr.network, tr.bk
    host = bk.to_numpy
    ep = tr._ep
    epoch = None
    if ep is not None:
        epoch = {
            "pos": ep.pos,
            "total": ep.total,
            "lr": ep.lr,
            "perm": None if ep.perm is None else np.array(ep.perm, copy=True),
            "X": host(ep.X).copy() if ep.augmented else None,
            "Y": host(ep.Y).copy() if ep.augmented else None,
        }
    history = tr.history
    return {
        "format": FORMAT,
        "theta": host(net.theta).copy(),
        "buffers": {k: host(v).copy() for k, v in net.buffers().items()},
        "network_rng": get_state(net.rng),
        "rng": get_state(tr.rng),
        "optimizer": tr.optimizer.get_config(),
        "optimizer_state": {
            k: (host(v).copy() if bk.is_array(v) else v)
            for k, v in tr.optimizer_state.items()
            if not k.startswith("_")
        },
        "l2": net.l2,
        "l1": net.l1,
        "keep_prob": {
            i: layer.keep_prob for i, layer in enumerate(net.layers) if isinstance(layer, Dropout)
        },
        "iteration": tr.iteration,
        "epoch": tr._epoch,
        "lr_override": tr._lr_override,
        "epoch_in_progress": epoch,
        "guard": tr.guard.state(),
        "history": {
            **{k: list(getattr(history, k)) for k in _HISTORY},
            "epochs": history.epochs,
            "initial_epoch": history.initial_epoch,
            "best_epoch": history.best_epoch,
        },
        "stopped_reason": tr.stopped_reason,
        "message": tr.message,
    }


def load_state(tr: Any, d: Any) -> None:
    """See :meth:`Trainer.load_state_dict`: checked first, then applied."""
    net, bk = tr.network, tr.bk
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise InvalidParameterError(
            "load_state_dict needs a dict from Trainer.state_dict() (format "
            f"{FORMAT!r}); got {type(d).__name__}."
        )
    theta = np.asarray(d["theta"])
    if theta.shape != tuple(net.theta.shape):
        raise InvalidParameterError(
            f"load_state_dict: theta has shape {theta.shape}, this network's is "
            f"{tuple(net.theta.shape)} (a state of another architecture)."
        )
    if set(d["buffers"]) != set(net.buffers()):
        raise InvalidParameterError("load_state_dict: the batch-norm statistics differ.")
    ep = d["epoch_in_progress"]
    if ep is not None and ep["perm"] is not None and ep["X"] is None:
        if len(ep["perm"]) != tr.X.shape[0]:
            raise InvalidParameterError(
                "load_state_dict: the state's epoch shuffles another number of examples "
                f"({len(ep['perm'])}) than this Trainer's ({tr.X.shape[0]})."
            )
    optimizer = get_optimizer(dict(d["optimizer"]))
    # checked: now apply
    bk.assign(net.theta, bk.asarray(theta))
    for k, v in net.buffers().items():
        bk.assign(v, bk.asarray(np.asarray(d["buffers"][k])))
    net.rng = from_state(d["network_rng"])
    rng = from_state(d["rng"])
    tr.rng = tr.ctx.rng = rng
    tr.optimizer = tr.ctx.optimizer = optimizer
    state = {k: (bk.asarray(np.array(v, copy=True)) if isinstance(v, np.ndarray) else v)
             for k, v in d["optimizer_state"].items()}  # fmt: skip
    tr.optimizer_state.clear()
    tr.optimizer_state.update(state)
    net.l2, net.l1 = float(d["l2"]), float(d["l1"])
    for i, p in d["keep_prob"].items():
        net.layers[int(i)].keep_prob = float(p)
    tr.iteration, tr._epoch, tr.ctx.epoch = int(d["iteration"]), int(d["epoch"]), int(d["epoch"])
    tr._lr_override = d["lr_override"]
    tr.guard.load(d["guard"])
    h = tr.history
    for k in _HISTORY:
        getattr(h, k)[:] = d["history"][k]
    h.epochs, h.initial_epoch = d["history"]["epochs"], d["history"]["initial_epoch"]
    h.best_epoch = d["history"]["best_epoch"]
    h.stopped_reason = tr.ctx.stop_reason = tr.stopped_reason = d["stopped_reason"]
    tr.message = d["message"]
    tr.ctx.stop_training = False
    tr.runner = make_runner(net, optimizer, tr.batch_size, tr.engine, tr.record_iterations, None)
    tr._ep = None
    if ep is not None:
        _restore_epoch(tr, ep)


def _restore_epoch(tr: Any, ep: dict[str, Any]) -> None:
    """Rebuild the epoch in progress as it was drawn (the generators are already past it)."""
    bk = tr.bk
    if ep["X"] is not None:
        Xe, Ye = (
            bk.asarray(np.asarray(ep["X"]), tr.X.dtype),
            bk.asarray(np.asarray(ep["Y"]), tr.Y.dtype),
        )
    else:
        Xe, Ye = tr.X, tr.Y
    perm, order = ep["perm"], None
    if perm is not None:
        perm = np.asarray(perm)
        Xe, Ye, order = order_data(tr, Xe, Ye, perm, callable(tr.shuffle))
    m = Xe.shape[0]
    slices = tr._slices if m == tr.X.shape[0] else minibatch_slices(m, tr.batch_size, tr._merge)
    tr._ep = Epoch(Xe, Ye, order, perm, slices, float(ep["lr"]), ep["X"] is not None,
                    pos=int(ep["pos"]), total=float(ep["total"]))  # fmt: skip
