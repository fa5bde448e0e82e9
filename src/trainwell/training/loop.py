"""The training loop: mini-batches, an optimizer, a schedule, callbacks, a History.

:func:`fit` is a thin loop over :class:`~trainwell.training.trainer.Trainer`, which owns
the steps, the engines, the bookkeeping and the divergence handling.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np  # noqa: F401  (the doctest example uses np)

from .._random import RandomLike
from ..exceptions import ConvergenceWarning, TrainingDiverged
from ..optim import Optimizer, Schedule
from . import _setup
from ._convergence import convergence_warning
from ._epoch import COPY_BYTES, run_epochs
from .callbacks import Callback, ProgressBar
from .history import History
from .trainer import Trainer, evaluate

__all__ = ["evaluate", "fit"]

# Shuffled data larger than this is gathered batch by batch instead of copied whole each
# epoch (a 60,000 x 784 float32 set would otherwise double the peak memory).
_COPY_BYTES = COPY_BYTES


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
    engine: Any = None,
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
    batch_size : int, "auto" or "full", default="auto"
        "full" is the full batch (batch gradient descent), 1 is stochastic gradient descent
        (None, the full batch's old spelling, warns: deprecated).
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
    on_divergence : {"raise", "warn", "stop"}, default="raise"
        On a NaN/infinite cost, or a cost explosion (an epoch cost above 1000 times the
        best and above the first, 3 epochs in a row: :mod:`trainwell.training._guard`):
        stop, keep the last parameters whose cost was sane, record "diverged" in the
        History, then raise :class:`~trainwell.exceptions.TrainingDiverged`, warn, or
        ("stop") say it only in ``History.notes``.
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
    engine : None, {"auto", "numpy", "numba"} or the network's device, default=None
        None trains on the network's own engine (``Network(engine=...)``, "auto" unless
        chosen; see :mod:`trainwell.engine_choice`). For a NumPy network: "numba" trains supported
        float64 Dense/Dropout networks through a compiled epoch kernel (the NumPy path's
        results to about 1e-12) and fuses the optimizer update of the others into one pass
        (the same bits); "numpy" never does either; "auto" (or the ``TRAINWELL_ENGINE``
        environment variable) compiles where a cost model measured on both engines
        predicts the kernel to be faster (:mod:`trainwell.nn._fast_cost`). An engine on
        other arrays than the network's is refused.

    Returns
    -------
    History

    Notes
    -----
    ``fit`` is a loop over :class:`~trainwell.training.Trainer` (``run_epoch`` until
    ``epochs`` or a stop); use the Trainer to step, change settings between steps, or save
    and restore a run's whole state.

    A run that ends all its epochs with the cost still falling fast (see
    :mod:`trainwell.training._convergence`) gets a
    :class:`~trainwell.exceptions.ConvergenceWarning` naming the arguments to raise.

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
    _setup.check_arguments("fit", progress=progress)  # the rest: once, by the Trainer
    trainer = Trainer(
        network,
        X,
        y,
        optimizer=optimizer,
        learning_rate=learning_rate,
        batch_size=batch_size,
        schedule=schedule,
        validation_data=validation_data,
        callbacks=callbacks,
        random_state=random_state,
        augment=augment,
        shuffle=shuffle,
        track_accuracy=track_accuracy,
        on_divergence=on_divergence,
        record_iterations=record_iterations,
        engine=engine,
        optimizer_state=optimizer_state,
        initial_epoch=initial_epoch,
        resume_from=resume_from,
        epochs=epochs,
        verbose=verbose,
        _caller="fit",
    )
    if progress:  # last, as if it closed the list of callbacks
        bar = ProgressBar()
        trainer.callbacks.append(bar)
        bar.on_train_begin(trainer.ctx)
    trainer._copy_bytes = _COPY_BYTES  # read here, so that it can be patched
    pending = None
    try:
        run_epochs(trainer, epochs)
    except TrainingDiverged as exc:
        pending = exc
    except KeyboardInterrupt:
        pass  # the Trainer kept the parameters of the last completed step
    history = trainer.finish()
    if pending is not None:
        raise pending
    fresh = initial_epoch == 0 and optimizer_state is None and resume_from is None
    message = convergence_warning(history, trainer.epoch - trainer._start_epoch, fresh)
    if message is not None:
        history.notes.append(message)
        warnings.warn(message, ConvergenceWarning, stacklevel=2)
    return history
