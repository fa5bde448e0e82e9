"""The training loop: mini-batches, an optimizer, a schedule, callbacks, a History."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._random import RandomLike, check_random_state
from .._validation import InstanceOf, Interval, IsCallable, Options, validate_params
from ..backend import backend_of
from ..exceptions import InvalidParameterError, TrainingDiverged
from ..nn import _fast
from ..nn.layers import INFER, TRAIN
from ..optim import Constant, Optimizer, Schedule, get_optimizer
from ._device import DeviceEpochs
from .batches import (
    FULL_BATCH_LIMIT,
    check_augmented,
    check_permutation,
    minibatch_slices,
    resolve_batch_size,
)
from .callbacks import Callback, ProgressBar, TrainingContext, load_checkpoint
from .history import History

__all__ = ["evaluate", "fit"]

# Shuffled data larger than this is gathered batch by batch instead of copied whole each
# epoch (a 60,000 x 784 float32 set would otherwise double the peak memory).
_COPY_BYTES = 32 * 2**20


def evaluate(network: Any, X: np.ndarray, Y: np.ndarray) -> tuple[float, float | None]:
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


def fit(
    network: Any,
    X: Any,
    y: Any,
    *,
    optimizer: str | Optimizer = "gd",
    learning_rate: float = 0.01,
    epochs: int = 1,
    batch_size: int | str | None = "auto",
    schedule: Schedule | Callable[[int], float] | None = None,
    validation_data: tuple[Any, Any] | None = None,
    callbacks: Sequence[Callback] = (),
    random_state: RandomLike = None,
    progress: bool = True,
    augment: Any = None,
    record_iterations: bool = False,
    shuffle: bool | Callable[[int, int], Any] = True,
    track_accuracy: bool = False,
    on_divergence: str = "raise",
    optimizer_state: dict[str, Any] | None = None,
    initial_epoch: int = 0,
    resume_from: Any = None,
    verbose: int = 0,
    engine: str = "auto",
) -> History:
    """Train ``network`` on (X, y) with mini-batch gradient descent and an optimizer.

    Parameters
    ----------
    network : Network
        Built at first use if needed; trained in place.
    X : array of shape (m, n[0])
    y : array of shape (m,) or (m, n[L])
    optimizer : {"gd", "momentum", "rmsprop", "adam"} or Optimizer, default="gd"
    learning_rate : float, default=0.01
        alpha, when no ``schedule`` is given.
    epochs : int, default=1
        Train until this epoch count (epochs ``initial_epoch .. epochs - 1`` run).
    batch_size : int, "auto" or None, default="auto"
        None is the full batch (batch gradient descent), 1 is stochastic gradient descent.
        "auto" follows the course: the full batch when m <= 2000, else a power of two in
        [64, 512] (see :func:`~trainwell.training.batches.auto_batch_size`); the choice is
        noted in ``History.notes`` (and printed when ``verbose``).
    schedule : Schedule or callable, optional
        ``schedule(epoch) -> learning_rate``; overrides ``learning_rate``.
    validation_data : (X_dev, y_dev), optional
        Evaluated after each epoch in inference mode (``val_cost``, ``val_accuracy``).
    callbacks : sequence of Callback
    random_state : None, int, RandomState or Generator
        Draws each epoch's shuffle. A generator passed in is advanced in place, so passing
        the same one to a later call continues the same stream.
    progress : bool, default=True
        A tqdm progress bar when stderr is a terminal.
    augment : callable, optional
        ``augment(X, Y, rng) -> (X_aug, Y_aug)``, applied to the training set once per
        epoch before shuffling (see :mod:`trainwell.data.augmentation`). On a backend
        other than NumPy it runs on a host copy of the training set, and each epoch's
        augmented set is copied to the device once.
    record_iterations : bool, default=False
        Record the cost of every step in ``History.iteration_cost``.
    shuffle : bool or callable, default=True
        Reshuffle each epoch; a callable ``shuffle(epoch, m) -> permutation`` gives full
        control (e.g. the course's per-epoch reseeding). The full batch is never shuffled.
    track_accuracy : bool, default=False
        Record the training accuracy after each epoch (inference mode).
    on_divergence : {"raise", "warn"}, default="raise"
        On a NaN/infinite cost: stop, keep the last finite parameters, record "diverged" in
        the History, then raise :class:`~trainwell.exceptions.TrainingDiverged` or warn.
    optimizer_state : dict, optional
        Continue from this optimizer state (e.g. ``history.optimizer_state``).
    initial_epoch : int, default=0
        First epoch index (schedules see absolute epochs).
    resume_from : path, optional
        A checkpoint file: its parameters, optimizer and state, epoch and generator states
        replace those given, so the run continues bit for bit (to rounding when the
        checkpoint was written on another backend, e.g. a GPU run continued on NumPy).
    verbose : int, default=0
        1 prints the batch-size choice and the cost every 10% of the epochs.
    engine : {"auto", "numpy", "numba"}, default="auto"
        "numba" trains supported float64 Dense/Dropout networks through a compiled epoch
        kernel (:mod:`trainwell.nn._fast`; the NumPy path's results to about 1e-12) and
        fuses the optimizer update of the others into one pass (the same bits); "numpy"
        never does either; "auto" (or the ``TRAINWELL_ENGINE`` environment variable)
        compiles the small networks only, where NumPy's per-call cost dominates.

    Returns
    -------
    History

    Notes
    -----
    A KeyboardInterrupt stops training cleanly: the parameters are those after the last
    completed step, and the History so far is returned with ``stopped_reason="interrupted"``.

    Examples
    --------
    >>> from trainwell.nn import Network, Dense
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]); y = np.array([0, 1, 1, 0])
    >>> net = Network([Dense(4, "tanh"), Dense(1, "sigmoid")], random_state=1)
    >>> h = fit(net, X, y, optimizer="adam", learning_rate=0.05, epochs=500, progress=False)
    >>> net.predict(X).tolist()
    [0, 1, 1, 0]
    """
    flag = [InstanceOf((bool, np.bool_), "a bool")]
    validate_params(
        {
            "learning_rate": [Interval("real", 0, None, "neither")],
            "batch_size": [None, Options({"auto"}), Interval("int", 1, None)],
            "schedule": [None, IsCallable()],
            "epochs": [Interval("int", 0, None)],
            "initial_epoch": [Interval("int", 0, None)],
            "verbose": [Interval("int", 0, None)],
            "shuffle": [*flag, IsCallable()],
            "progress": flag,
            "record_iterations": flag,
            "track_accuracy": flag,
            "on_divergence": [Options({"raise", "warn"})],
        },
        {
            "learning_rate": learning_rate,
            "batch_size": batch_size,
            "schedule": schedule,
            "epochs": epochs,
            "initial_epoch": initial_epoch,
            "verbose": verbose,
            "shuffle": shuffle,
            "progress": progress,
            "record_iterations": record_iterations,
            "track_accuracy": track_accuracy,
            "on_divergence": on_divergence,
        },
        "fit",
    )
    engine = _fast.resolve_engine(engine)
    if resume_from is not None:
        ckpt = load_checkpoint(resume_from, backend=network.backend)  # any backend's
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
        optimizer, optimizer_state = ckpt.optimizer, ckpt.optimizer_state
        initial_epoch, random_state = ckpt.epoch, ckpt.random_state
    opt = get_optimizer(optimizer)
    if schedule is None:
        schedule = Constant(learning_rate)
    _rate(schedule, initial_epoch)  # a schedule that gives no usable rate fails here
    if validation_data is not None and not (
        isinstance(validation_data, (tuple, list)) and len(validation_data) == 2
    ):
        raise InvalidParameterError("validation_data must be a pair (X_dev, y_dev).")
    # the arguments are sound: now the data
    X = network.check_input(X)
    Y = network.encode_targets(y, X.shape[0])
    val = None
    if validation_data is not None:
        Xv = network.check_input(validation_data[0], name="X_dev")
        val = (Xv, network.encode_targets(validation_data[1], Xv.shape[0]))
    m = X.shape[0]
    bs = resolve_batch_size(batch_size, m)
    history = History(batch_size=bs, initial_epoch=initial_epoch)
    if batch_size == "auto":
        rule = (
            "m <= 2000: full batch"
            if m <= FULL_BATCH_LIMIT
            else "m > 2000: power of two in [64, 512]"
        )
        history.notes.append(f"batch_size='auto' chose {bs} for m={m} ({rule}).")
        if verbose:
            print(history.notes[-1])
    theta, grad = network.theta, network.grad
    state = optimizer_state if optimizer_state is not None else opt.init(theta)
    bk = backend_of(theta)
    if not bk.is_numpy:  # e.g. a checkpoint's optimizer state, read back on the host
        state.update({k: bk.asarray(v) for k, v in state.items() if isinstance(v, np.ndarray)})
    rng = check_random_state(random_state)
    merge = _has_batchnorm(network)
    slices = minibatch_slices(m, bs, merge_small_remainder=merge)
    if merge and len(slices) < -(-m // bs):
        history.notes.append(
            f"the last mini-batch of {m % bs} examples was merged into the one before: batch "
            "norm's statistics over so few examples would be too noisy."
        )
    fast = _fast.plan(network, opt, bs, engine, notes=history.notes)
    update = _fast.update_function(opt, theta, engine)  # "numba": one fused pass
    callbacks = list(callbacks)
    if progress:
        callbacks.append(ProgressBar())
    ctx = TrainingContext(network, opt, state, history, rng, epochs, epoch=initial_epoch)
    for cb in callbacks:
        cb.on_train_begin(ctx)
    previous = np.empty_like(theta) if bk.is_numpy else bk.empty_like(theta)
    copyto = np.copyto if bk.is_numpy else bk.assign
    device = None if bk.is_numpy else DeviceEpochs(network, previous, record_iterations, update)
    # augmentation functions work on NumPy arrays: on a device, on a host copy
    host = None if augment is None or bk.is_numpy else (bk.to_numpy(X), bk.to_numpy(Y))
    updating = in_epoch = False
    try:
        for epoch in range(initial_epoch, epochs):
            ctx.epoch, in_epoch = epoch, True
            lr = _rate(schedule, epoch)
            if augment is None:
                Xe, Ye = X, Y
            elif host is None:
                Xe, Ye = check_augmented(*augment(X, Y, rng), X, Y)
            else:
                Xa, Ya = check_augmented(*augment(*host, rng), *host)
                Xe, Ye = bk.asarray(Xa, X.dtype), bk.asarray(Ya, Y.dtype)
            order = None  # a drawn permutation applied batch by batch (no epoch-sized copy)
            if bs < Xe.shape[0] and shuffle:
                perm = (
                    check_permutation(shuffle(epoch, Xe.shape[0]), Xe.shape[0])
                    if callable(shuffle)
                    else rng.permutation(Xe.shape[0])
                )
                if (
                    bk.is_numpy
                    and not callable(shuffle)
                    and (fast is not None or Xe.nbytes > _COPY_BYTES)
                ):
                    order = perm
                else:
                    Xe, Ye = (
                        (Xe[perm], Ye[perm])
                        if bk.is_numpy
                        else (bk.take(Xe, perm), bk.take(Ye, perm))
                    )
            ep_slices = slices if Xe.shape[0] == m else minibatch_slices(Xe.shape[0], bs, merge)
            total = 0.0
            if fast is not None:  # the compiled path: the whole epoch in one call
                iters = history.iteration_cost if record_iterations else None
                total, bad = fast.run_epoch(Xe, Ye, order, ep_slices, state, lr, iters)
                if bad is not None:
                    _diverged(network, fast.previous, history, epoch, lr, bad, on_divergence, ctx)
                    return _finish(callbacks, ctx, history)
                ep_slices = ()
            if device is not None:  # another backend: costs stay on the device
                bad = device.run_epoch(Xe, Ye, ep_slices, update, state, lr, history)
                if bad is not None:
                    kept = device.kept(epoch)
                    _diverged(network, None, history, epoch, lr, bad, on_divergence, ctx, kept)
                    return _finish(callbacks, ctx, history)
                total, ep_slices = device.total, ()
            for sl in ep_slices:  # NumPy, step by step
                rows = sl if order is None else order[sl]
                cost = network.loss_and_gradient(Xe[rows], Ye[rows], TRAIN)
                if not math.isfinite(cost):
                    _diverged(network, previous, history, epoch, lr, cost, on_divergence, ctx)
                    return _finish(callbacks, ctx, history)
                copyto(previous, theta)
                updating = True
                update(theta, grad, state, lr)
                updating = False
                total += cost * (sl.stop - sl.start)
                if record_iterations:
                    history.iteration_cost.append(cost)
            logs = {"cost": total / Xe.shape[0], "learning_rate": lr}
            history.cost.append(logs["cost"])
            history.learning_rate.append(lr)
            if val is not None:
                logs["val_cost"], acc = evaluate(network, *val)
                history.val_cost.append(logs["val_cost"])
                if acc is not None:
                    logs["val_accuracy"] = acc
                    history.val_accuracy.append(acc)
            if track_accuracy:
                _, acc = evaluate(network, X, Y)
                if acc is not None:
                    logs["train_accuracy"] = acc
                    history.train_accuracy.append(acc)
            history.epochs = epoch + 1
            ctx.epoch, in_epoch = epoch + 1, False
            if verbose and (epoch % max(1, epochs // 10) == 0 or epoch == epochs - 1):
                print(f"epoch {epoch}: cost {logs['cost']:.6f}")
            for cb in callbacks:
                cb.on_epoch_end(epoch, logs, ctx)
            if ctx.stop_training:
                history.stopped_reason = ctx.stop_reason or "callback"
                break
    except KeyboardInterrupt:
        if updating or (device is not None and device.updating):
            copyto(theta, previous)
        history.stopped_reason = "interrupted"
        ctx.stop_reason = "interrupted"
        ctx.extra["partial_epoch"] = in_epoch  # its parameters are no epoch's end
    if device is None and history.epochs > initial_epoch and not bk.all_finite(theta):
        # the run's last update overflowed: no later step's cost was there to notice (a
        # device run checks theta at the end of every epoch)
        kept = "The parameters before the last update were kept."
        last = fast.previous if fast is not None else previous
        epoch = history.epochs - 1
        _diverged(network, last, history, epoch, lr, math.nan, on_divergence, ctx, kept)
    return _finish(callbacks, ctx, history)


def _finish(callbacks: list[Callback], ctx: TrainingContext, history: History) -> History:
    for cb in callbacks:
        cb.on_train_end(ctx)
    history.optimizer_state = ctx.optimizer_state
    if ctx.extra.get("raise") is not None:
        raise ctx.extra["raise"]
    return history


def _diverged(network, previous, history, epoch, lr, cost, on_divergence, ctx, kept=None) -> None:
    """Stop on a non-finite cost, keeping the last finite parameters."""
    if previous is not None:
        bk = backend_of(network.theta)
        if not bk.all_finite(network.theta):
            bk.assign(network.theta, previous)
    history.stopped_reason = ctx.stop_reason = "diverged"
    msg = (
        f"Training diverged at epoch {epoch}: the cost became {cost} with learning rate "
        f"{lr:g}. {kept or 'The last finite parameters were kept.'} Try a smaller learning "
        "rate, normalized inputs, or a smaller initialization scale."
    )
    history.notes.append(msg)
    if on_divergence == "raise":
        ctx.extra["raise"] = TrainingDiverged(msg, epoch=epoch, learning_rate=lr, history=history)
    else:
        warnings.warn(msg, RuntimeWarning, stacklevel=3)


def _rate(schedule: Callable[[int], float], epoch: int) -> float:
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


def _has_batchnorm(network: Any) -> bool:
    from ..nn.layers import BatchNorm

    return any(isinstance(layer, BatchNorm) for layer in network.layers)
