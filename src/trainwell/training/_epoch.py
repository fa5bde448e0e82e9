"""An epoch of a Trainer: its data order, its batches, its end-of-epoch bookkeeping."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..nn.layers import INFER
from ..optim import Constant
from . import _setup
from ._guard import diverge
from .batches import check_augmented, check_permutation, minibatch_slices

__all__ = [
    "COPY_BYTES",
    "Epoch",
    "begin_epoch",
    "end_epoch",
    "evaluate",
    "interrupted",
    "order_data",
    "run_epochs",
]

# Shuffled data larger than this is gathered batch by batch instead of copied whole each
# epoch (a 60,000 x 784 float32 set would otherwise double the peak memory).
COPY_BYTES = 32 * 2**20


def evaluate(network: Any, X: Any, Y: Any) -> tuple[float, float | None]:
    """Cost and accuracy (None for mse) of validated, encoded (X, Y) in inference mode."""
    return network.evaluate(X, Y, INFER)


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
    epoch, X, Y = tr._epoch, tr.X, tr.Y
    tr.ctx.epoch = epoch
    lr = tr._lr_override
    if lr is None:
        lr = _setup.rate(tr.schedule, epoch)
    augment = tr.augment
    if augment is None:
        Xe, Ye, m = X, Y, tr._m
    else:
        if tr._host is None:
            Xe, Ye = check_augmented(*augment(X, Y, tr.rng), X, Y)
        else:
            Xa, Ya = check_augmented(*augment(*tr._host, tr.rng), *tr._host)
            Xe, Ye = tr.bk.asarray(Xa, X.dtype), tr.bk.asarray(Ya, Y.dtype)
        m = Xe.shape[0]
    order = perm = None  # a drawn permutation applied batch by batch (no epoch-sized copy)
    if tr.batch_size < m and tr.shuffle:
        shuffle = tr.shuffle
        perm = (
            check_permutation(shuffle(epoch, m), m) if callable(shuffle) else tr.rng.permutation(m)
        )
        Xe, Ye, order = order_data(tr, Xe, Ye, perm, callable(shuffle))
    slices = tr._slices if m == tr._m else minibatch_slices(m, tr.batch_size, tr._merge)
    ep = tr._ep = Epoch(Xe, Ye, order, perm, slices, lr, augment is not None)
    tr.guard.begin_epoch()
    return ep


def run_epochs(tr: Any, until: int) -> dict[str, float]:
    """Whole epochs until epoch ``until`` or a stop; the last one's logs ({} when it
    stopped inside). What ``while tr.epoch < until: tr.run_epoch()`` does, step for step
    and bit for bit, with the per-epoch Python of the plain configurations (host engine, no
    augmentation, validation, train accuracy, verbose or batch norm) kept to the fit before
    the Trainer's: W1 runs one ~15 µs step per epoch, so every microsecond around it shows.
    """
    logs: dict[str, float] = {}
    guard, history, ctx = tr.guard, tr.history, tr.ctx
    plain = (
        tr.augment is None
        and tr.val is None
        and not tr.track_accuracy
        and not tr.verbose
        and not guard._buffers
        and tr.bk.is_numpy
    )
    try:
        if not plain:
            while tr._epoch < until and tr.stopped_reason is None:
                logs = tr._advance(None, to_epoch_end=True)[1]
            return logs
        X, Y, m, slices, state = tr.X, tr.Y, tr._m, tr._slices, tr.optimizer_state
        shuffle = tr.batch_size < m and tr.shuffle
        drawn = callable(shuffle)
        costs_log, rates_log, callbacks = history.cost, history.learning_rate, tr.callbacks
        rate, Const = _setup.rate, Constant
        record = tr.record_iterations
        if tr._ep is not None and tr._epoch < until and tr.stopped_reason is None:
            logs = tr._advance(None, to_epoch_end=True)[1]  # finish an epoch begun by steps
        if tr.stopped_reason is not None or tr._epoch >= until:
            return logs
        tr._finished = False
        ep = Epoch(X, Y, None, None, slices, 0.0, False)  # one object, reset each epoch
        for epoch in range(tr._epoch, until):
            # begin_epoch
            ctx.epoch = epoch
            lr = tr._lr_override
            if lr is None:
                schedule = tr.schedule
                # a Constant's rate was checked when the Trainer was built
                lr = float(schedule.initial) if type(schedule) is Const else rate(schedule, epoch)
            if shuffle:
                perm = check_permutation(shuffle(epoch, m), m) if drawn else tr.rng.permutation(m)
                ep.X, ep.Y, ep.order = order_data(tr, X, Y, perm, drawn)
                ep.perm = perm
            Xe, Ye, order = ep.X, ep.Y, ep.order
            ep.lr, ep.pos, ep.total = lr, 0, 0.0
            tr._ep = ep
            guard._start["theta"][...] = tr.network.theta  # guard.begin_epoch()
            # the steps
            runner = tr.runner
            tr._last_lr = lr
            tr._in_run = True
            costs, bad = runner.run(Xe, Ye, order, slices, state, lr, True, 0.0)
            tr._in_run = False
            k = len(costs)
            if k:  # Trainer._account
                if runner.kind == "numba":  # summed in the kernel
                    total, first, last = runner.total, costs.item(0), costs.item(-1)
                else:
                    total, first, last = 0.0, float(costs[0]), float(costs[-1])
                    for sl, c in zip(slices, costs):
                        total += c * (sl.stop - sl.start)
                if bad is None:  # the guard's first_step, last_cost and end_epoch in one
                    exploded = guard.whole_epoch(first, last, total / m, epoch)
                else:
                    guard.first_step(first, epoch)
                    guard.last_cost = last
                ep.total, ep.pos = total, k
                tr.iteration += k
                if record:
                    history.iteration_cost.extend(costs if type(costs) is list else costs.tolist())
            if bad is not None:  # a host engine keeps the parameters of its last finite step
                diverge(tr, bad, epoch, lr, None)
                return {}
            # end_epoch (the guard counted the cost above)
            cost = total / m
            if exploded:
                diverge(tr, cost, epoch, lr, None, exploded=True)
                return {}
            costs_log.append(cost)
            rates_log.append(lr)
            logs = {"cost": cost, "learning_rate": lr}
            history.epochs = epoch + 1
            tr._epoch = ctx.epoch = epoch + 1
            tr._ep = None
            for cb in callbacks:
                cb.on_epoch_end(epoch, logs, ctx)
            if ctx.stop_training:
                stop_by_callback(tr)
                break
    except KeyboardInterrupt:
        if tr.stopped_reason != "interrupted":  # not yet recorded by the general loop
            interrupted(tr)
        raise
    return logs


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
    epoch, lr = tr._epoch, ep.lr
    cost = ep.total / ep.X.shape[0]
    if tr.guard.end_epoch(cost):
        diverge(tr, cost, epoch, lr, None, exploded=True)
        return {}
    history, ctx = tr.history, tr.ctx
    history.cost.append(cost)
    history.learning_rate.append(lr)
    logs = {"cost": cost, "learning_rate": lr}
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
    if tr.verbose:
        epochs = tr.epochs
        if epochs is None or epoch % max(1, epochs // 10) == 0 or epoch == epochs - 1:
            print(f"epoch {epoch}: cost {cost:.6f}")
    for cb in tr.callbacks:
        cb.on_epoch_end(epoch, logs, ctx)
    if ctx.stop_training:
        stop_by_callback(tr)
    return logs


def interrupted(tr: Any) -> None:
    """After a KeyboardInterrupt: keep the completed steps, record the stop."""
    if tr._in_run:
        tr._in_run = False
        tr.runner.undo_partial_update()
        ep = tr._ep
        if ep is not None and len(tr.runner.costs):
            tr._account(ep, ep.slices[ep.pos :], tr.runner.costs)
    tr.history.stopped_reason = tr.ctx.stop_reason = "interrupted"
    tr.stopped_reason, tr.message = "interrupted", "Training was interrupted."
    tr.ctx.extra["partial_epoch"] = tr._ep is not None  # no epoch's end


def stop_by_callback(tr: Any) -> None:
    """A callback set ``ctx.stop_training``: record the stop."""
    history = tr.history
    history.stopped_reason = tr.ctx.stop_reason or "callback"
    tr.stopped_reason = history.stopped_reason
    tr.message = f"A callback stopped training ({tr.stopped_reason})."
