"""Trainer: training you can step, change between steps, save and resume bit for bit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._random import RandomLike, check_random_state
from ..backend import backend_of
from ..exceptions import InvalidParameterError, TrainingDiverged
from ..optim import Constant, Optimizer, Schedule, get_optimizer
from . import _setup
from ._epoch import COPY_BYTES, Epoch, begin_epoch, end_epoch, evaluate, interrupted, run_epochs
from ._guard import DivergenceGuard, diverge, kept_sentence
from ._settings import apply_settings, check_settings
from ._state import load_state, trainer_state
from ._steps import choose_engine, make_runner
from .batches import FULL_BATCH_LIMIT, minibatch_slices, resolve_batch_size
from .callbacks import Callback, TrainingContext
from .history import History

__all__ = ["Trainer", "evaluate"]


class Trainer:
    """Mini-batch training you can step: ``fit`` is a loop over this object.

    Parameters
    ----------
    network, X, y, optimizer, learning_rate, batch_size, schedule, validation_data, \
callbacks, random_state, augment, shuffle, track_accuracy, record_iterations, engine, \
optimizer_state, initial_epoch, resume_from, verbose
        As for :func:`~trainwell.training.fit` (``engine=None``: the network's), checked
        here, once, before any work; errors name ``_caller`` ("fit" when fit builds it).
    on_divergence : {"raise", "warn", "stop"}, default="raise"
        As for ``fit``; "stop" stops quietly (no exception, no warning) with
        :attr:`stopped_reason` ``"diverged"`` and :attr:`message` saying why. Divergence is a
        non-finite cost or a cost explosion (see :mod:`trainwell.training._guard`); the
        parameters kept are the last whose cost was sane.
    epochs : int, optional
        The planned epoch count, for callbacks (``ctx.epochs``: a progress bar's total) and
        ``verbose``; :meth:`step` and :meth:`run_epoch` may go past it.

    Attributes
    ----------
    iteration : int
        Steps done in total (from the optimizer state's ``t`` when one is given).
    epoch : int
        Completed epochs (absolute, as schedules see them).
    history : History
        With ``resume_from``, the checkpoint's history before its epoch too.
    stopped_reason : None, "diverged", "callback", "early_stopping" or "interrupted"
        After a stop, :meth:`step` refuses until :meth:`resume`.
    message : str or None
        The sentence explaining the last stop.

    Notes
    -----
    A step is one mini-batch: forward pass, cost ``J``, backward pass, optimizer update.
    An epoch's end (reached by :meth:`step` or :meth:`run_epoch`) does the bookkeeping:
    its cost ``sum_b m_b J_b / m`` and learning rate into :attr:`history`, validation,
    callbacks. Running the steps in chunks (``step(1); step(2); ...``) gives the same bits
    as one ``fit`` on every engine: the compiled path runs a chunk of the epoch's batches
    in one call, a device path reads a chunk's costs back once.

    :meth:`set` changes settings between steps without resetting anything. A learning
    rate given to :meth:`set` replaces the schedule from the next step on (the History
    records each epoch's last rate). Changes to the network's ``l2``, ``l1`` and dropout
    ``keep_prob`` are changes of the network (its ``get_config``), so a checkpoint written
    afterwards resumes only into a network built with the new values.

    :meth:`state_dict` holds everything a run needs to continue bit for bit (parameters,
    running statistics, optimizer and its state, both generators, the position inside the
    epoch, the divergence guard and the history); callbacks keep their own state.

    Examples
    --------
    >>> from trainwell.nn import Network, Dense
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]); y = np.array([0, 1, 1, 0])
    >>> net = Network([Dense(4, "tanh"), Dense(1, "sigmoid")], random_state=1)
    >>> tr = Trainer(net, X, y, optimizer="adam", learning_rate=0.05)
    >>> cost = tr.step(100)
    >>> tr.set(learning_rate=0.02, beta1=0.8)
    >>> logs = tr.run_epoch()
    >>> tr.iteration, tr.epoch, tr.learning_rate, net.predict(X).tolist()
    (101, 101, 0.02, [0, 1, 1, 0])
    """

    def __init__(
        self,
        network: Any,
        X: Any,
        y: Any,
        *,
        optimizer: str | Optimizer = "gd",
        learning_rate: float = 0.01,
        batch_size: int | str | None = "auto",
        schedule: Schedule | Callable[[int], float] | None = None,
        validation_data: tuple[Any, Any] | None = None,
        callbacks: Sequence[Callback] = (),
        random_state: RandomLike = None,
        augment: Any = None,
        shuffle: bool | Callable[[int, int], Any] = True,
        track_accuracy: bool = False,
        on_divergence: str = "raise",
        record_iterations: bool = False,
        engine: Any = None,
        optimizer_state: dict[str, Any] | None = None,
        initial_epoch: int = 0,
        resume_from: Any = None,
        epochs: int | None = None,
        verbose: int = 0,
        _caller: str = "Trainer",
    ) -> None:
        _setup.check_arguments(
            _caller,
            learning_rate=learning_rate,
            batch_size=batch_size,
            schedule=schedule,
            epochs=epochs,
            initial_epoch=initial_epoch,
            verbose=verbose,
            shuffle=shuffle,
            record_iterations=record_iterations,
            track_accuracy=track_accuracy,
            on_divergence=on_divergence,
        )
        self.engine = choose_engine(network, engine, _caller)
        ckpt = None
        if resume_from is not None:
            ckpt = _setup.resume(network, resume_from)
            optimizer, optimizer_state = ckpt.optimizer, ckpt.optimizer_state
            initial_epoch, random_state = ckpt.epoch, ckpt.random_state
        opt = get_optimizer(optimizer)
        if schedule is None:
            schedule = Constant(learning_rate)
        _setup.rate(schedule, initial_epoch)  # a schedule that gives no usable rate fails here
        if validation_data is not None and not (
            isinstance(validation_data, (tuple, list)) and len(validation_data) == 2
        ):
            raise InvalidParameterError(f"{_caller}: validation_data must be a pair (X_dev, y_dev)")
        callbacks = _setup.check_callbacks(callbacks, _caller)
        # the arguments are sound: now the data
        X = network.check_input(X)
        Y = network.encode_targets(y, X.shape[0])
        val = None
        if validation_data is not None:
            Xv = network.check_input(validation_data[0], name="X_dev")
            val = (Xv, network.encode_targets(validation_data[1], Xv.shape[0]))
        m = X.shape[0]
        bs = resolve_batch_size(batch_size, m)
        _setup.check_batchnorm_batch(network, bs)
        if ckpt is not None:
            history = _setup.whole_history(ckpt.history, initial_epoch, bs)
        else:
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
        state = optimizer_state if optimizer_state is not None else opt.init(network.theta)
        bk = backend_of(network.theta)
        if not bk.is_numpy:  # e.g. a checkpoint's optimizer state, read back on the host
            state.update({k: bk.asarray(v) for k, v in state.items() if isinstance(v, np.ndarray)})
        self.network, self.optimizer, self.optimizer_state = network, opt, state
        self.X, self.Y, self.val, self.batch_size, self.schedule = X, Y, val, bs, schedule
        self.rng = check_random_state(random_state)
        self.augment, self.shuffle, self.track_accuracy = augment, shuffle, track_accuracy
        self.record_iterations, self.on_divergence = record_iterations, on_divergence
        self.epochs, self.verbose, self.history, self.bk = epochs, verbose, history, bk
        self._merge = any(type(layer).__name__ == "BatchNorm" for layer in network.layers)
        self._m = m
        self._slices = minibatch_slices(m, bs, merge_small_remainder=self._merge)
        if self._merge and len(self._slices) < -(-m // bs):
            history.notes.append(
                f"the last mini-batch of {m % bs} examples was merged into the one before: "
                "batch norm's statistics over so few examples would be too noisy."
            )
        self.runner = make_runner(network, opt, bs, self.engine, record_iterations, history.notes)
        self.callbacks = callbacks
        self._epoch = self._start_epoch = initial_epoch
        self.iteration = int(state.get("t", 0)) if optimizer_state is not None else 0
        self.ctx = TrainingContext(network, opt, state, history, self.rng, epochs, initial_epoch)
        for cb in callbacks:
            cb.on_train_begin(self.ctx)
        # augmentation functions work on NumPy arrays: on a device, on a host copy
        self._host = None if augment is None or bk.is_numpy else (bk.to_numpy(X), bk.to_numpy(Y))
        self.guard = DivergenceGuard(network)
        self._ep: Epoch | None = None
        self._lr_override: float | None = None
        self._last_lr = _setup.rate(schedule, initial_epoch)
        self.stopped_reason: str | None = None
        self.message: str | None = None
        self._finished = False
        self._copy_bytes = COPY_BYTES
        self._in_run = False

    # ------------------------------------------------------------------ reading
    @property
    def epoch(self) -> int:
        """Completed epochs (absolute: a run from ``initial_epoch`` k starts at k)."""
        return self._epoch

    @property
    def epoch_progress(self) -> float:
        """Steps done in the current epoch divided by its steps (0.0 between epochs)."""
        ep = self._ep
        return 0.0 if ep is None else ep.pos / len(ep.slices)

    @property
    def steps_per_epoch(self) -> int:
        """Mini-batches in an epoch of the training set as given."""
        return len(self._slices)

    @property
    def learning_rate(self) -> float:
        """The learning rate the next step uses."""
        if self._lr_override is not None:
            return self._lr_override
        return self._ep.lr if self._ep is not None else _setup.rate(self.schedule, self._epoch)

    def evaluate(self, X: Any, y: Any) -> tuple[float, float | None]:
        """Cost ``J`` (data loss plus regularization) and accuracy (None for mse) of the
        network on (X, y), in inference mode (no dropout, batch norm's running averages)."""
        Xc = self.network.check_input(X)
        return evaluate(self.network, Xc, self.network.encode_targets(y, Xc.shape[0]))

    # ------------------------------------------------------------------ training
    def step(self, n_iterations: int = 1) -> float:
        """Run ``n_iterations`` mini-batch steps, crossing epoch ends (each does its
        bookkeeping); the mean cost of the steps run (NaN when none completed).

        Stops early (without error) when a callback stops training, or on a divergence
        with ``on_divergence`` "warn" or "stop"; "raise" raises TrainingDiverged."""
        if isinstance(n_iterations, bool) or not isinstance(n_iterations, (int, np.integer)):
            n_iterations = -1
        if n_iterations < 1:
            raise InvalidParameterError(
                f"The 'n_iterations' parameter of Trainer.step must be an int >= 1. "
                f"Got {n_iterations!r} instead."
            )
        costs = self._advance(int(n_iterations), to_epoch_end=False)[0]
        return float(np.mean(costs)) if costs else float("nan")

    def run_epoch(self) -> dict[str, float]:
        """Finish the current epoch (or run a whole one); its logs (``cost``,
        ``learning_rate`` and the tracked numbers), or {} when it stopped inside."""
        if self._ep is None and self.stopped_reason is None:
            return run_epochs(self, self._epoch + 1)
        return self._advance(None, to_epoch_end=True)[1]

    def resume(self) -> None:
        """Clear a stop (divergence, callback, interrupt) so that training can go on; after
        a divergence the interrupted epoch starts again (with a fresh shuffle)."""
        self.stopped_reason = self.message = self.ctx.stop_reason = None
        self.ctx.stop_training = False
        self.ctx.extra.pop("partial_epoch", None)
        self.ctx.extra.pop("raise", None)
        self.history.stopped_reason = None
        self._finished = False

    def set(
        self,
        learning_rate: float | None = None,
        l2: float | None = None,
        l1: float | None = None,
        keep_prob: float | dict[int, float] | None = None,
        **optimizer_hyperparameters: Any,
    ) -> None:
        """Change settings from the next step on, resetting nothing.

        Parameters
        ----------
        learning_rate : float, optional
            alpha > 0 (finite); replaces the schedule from the next step on.
        l2, l1 : float, optional
            The network's lambda (>= 0).
        keep_prob : float or dict, optional
            One keep probability in (0, 1] for every Dropout layer, or
            ``{layer_index: p}`` with indices into ``network.layers``.
        **optimizer_hyperparameters
            The optimizer's own (``beta``, ``beta1``, ``beta2``, ``epsilon``,
            ``bias_correction``).

        Every value is checked before any is applied: a refused one changes nothing.
        """
        plan = check_settings(self, learning_rate, l2, l1, keep_prob, optimizer_hyperparameters)
        apply_settings(self, plan)

    def finish(self) -> History:
        """End the run: the last update's overflow check, the callbacks' ``on_train_end``
        (once), ``history.optimizer_state``; the History. ``fit`` calls it at the end."""
        if self._finished:
            return self.history
        self._finished = True
        net, pending = self.network, None
        if (
            self.runner.kind != "device"
            and self.stopped_reason != "diverged"
            and self.history.epochs > self._start_epoch
            and not self.bk.all_finite(net.theta)
        ):
            # the run's last update overflowed: no later step's cost was there to notice
            kept = "The parameters before the last update were kept."
            try:
                diverge(self, float("nan"), self.history.epochs - 1, self._last_lr, kept)
            except TrainingDiverged as exc:
                pending = exc
        for cb in self.callbacks:
            cb.on_train_end(self.ctx)
        self.history.optimizer_state = self.optimizer_state
        if pending is not None:
            raise pending
        return self.history

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to continue bit for bit, as host arrays and plain values."""
        return trainer_state(self)

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue from :meth:`state_dict` (of a Trainer over the same network
        architecture and data); checked before anything changes."""
        load_state(self, state)

    # ------------------------------------------------------------------ internals
    def _check_running(self) -> None:
        if self.stopped_reason is not None:
            raise RuntimeError(
                f"The Trainer stopped ({self.stopped_reason}): {self.message or ''} "
                "Call resume() to train on (after set(learning_rate=...) if it diverged)."
            )

    def _rate_now(self, epoch: int) -> float:
        if self._lr_override is not None:
            return self._lr_override
        return _setup.rate(self.schedule, epoch)

    def _advance(self, n: int | None, to_epoch_end: bool) -> tuple[list[float], dict]:
        if self.stopped_reason is not None:
            self._check_running()
        self._finished = False
        done: list[float] = []
        logs: dict[str, float] = {}
        try:
            while n is None or len(done) < n:
                ep = self._ep
                if ep is None:
                    ep = begin_epoch(self)
                start, slices = ep.pos, ep.slices
                if n is None and start == 0:
                    chunk = slices  # a whole epoch: the list itself (the compiled path caches it)
                else:
                    chunk = slices[start:] if n is None else slices[start : start + n - len(done)]
                self._last_lr = ep.lr
                self._in_run = True
                costs, bad = self.runner.run(
                    ep.X, ep.Y, ep.order, chunk, self.optimizer_state, ep.lr, start == 0, ep.total
                )
                self._in_run = False
                if len(costs):
                    self._account(ep, chunk, costs)
                    if n is not None:
                        done.extend(costs)
                if bad is not None:
                    diverge(self, bad, self._epoch, ep.lr, kept_sentence(self, start))
                    break
                if ep.pos == len(slices):
                    logs = end_epoch(self, ep)
                    if to_epoch_end or self.stopped_reason is not None:
                        break
        except KeyboardInterrupt:
            interrupted(self)
            raise
        return done, logs

    def _account(self, ep: Epoch, chunk: list, costs: Any) -> None:
        """Book a run's completed steps: the epoch's total, the guard, the counters."""
        guard = self.guard
        if ep.pos == 0:
            guard.first_step(float(costs[0]), self._epoch)
        if self.runner.kind == "numba":  # summed in the kernel, carried on from ep.total
            ep.total = self.runner.total
        else:
            total = ep.total
            for sl, c in zip(chunk, costs):
                total += c * (sl.stop - sl.start)
            ep.total = total
        k = len(costs)
        ep.pos += k
        self.iteration += k
        guard.last_cost = float(costs[-1])
        if self.record_iterations:
            self.history.iteration_cost.extend(costs if type(costs) is list else costs.tolist())
