"""Step runners: a run of mini-batch steps on one engine, for :class:`~.trainer.Trainer`.

Each runner trains over a list of slices of one epoch's (shuffled) data and returns the
completed steps' costs and the first non-finite cost (None when all were finite). Which
parameters a runner holds after a non-finite cost is the engine's own rule (NumPy and the
compiled path: those after the last completed update, with :attr:`previous` the ones
before it; a device: the ones at the start of the run, see
:class:`~trainwell.training._device.DeviceEpochs`). The Trainer does the bookkeeping
(totals, history, divergence), the same for every engine.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..backend import backend_of
from ..engine_choice import HOST_ENGINES, parse_engine
from ..exceptions import InvalidParameterError
from ..nn import compiled
from ..nn.layers import TRAIN
from ._device import DeviceEpochs

__all__ = ["choose_engine", "make_runner", "resolve_engine"]

resolve_engine = compiled.resolve_engine


def choose_engine(network: Any, engine: Any, caller: str) -> str:
    """How a training of ``network`` runs its steps: "auto", "numpy" or "numba" (a device
    network's passes do not depend on it), from fit's or the Trainer's ``engine``.

    None is the network's own engine. An explicit one must train on the network's arrays:
    a NumPy engine for a NumPy network (it chooses how the steps run), or the network's
    own device. A device engine for another network is an error naming the fix; a NumPy
    engine for a device network was ignored before ``Network(engine=)`` existed, and is
    for one release, with a DeprecationWarning ("auto", which chooses, is always fine)."""
    bk = network.backend
    own = getattr(network, "engine", None) or ("auto" if bk.is_numpy else bk.name)
    if engine is None:
        return resolve_engine(own if own in HOST_ENGINES else "auto")
    name, arrays = parse_engine(engine, caller)
    if arrays != bk.name and name != "auto":  # "auto" lets every network choose
        if name not in HOST_ENGINES:
            raise InvalidParameterError(
                f"The 'engine' parameter of {caller} is {name!r}, which trains on "
                f"{arrays!r} arrays, but this network's arrays live on {bk.name!r} (its "
                f"engine is {own!r}). Pass engine=None to train on the network's engine, or "
                f"build the network with Network(..., engine={name!r}) (a saved one: "
                f"Network.load(path, engine={name!r}))."
            )
        warnings.warn(
            f"{caller}(engine={name!r}) on a network whose engine is {own!r} is ignored (it "
            f"trains on {bk.name!r}); in the next release this is an error. Pass "
            f"engine=None, or build the network with Network(..., engine={name!r}).",
            DeprecationWarning,
            stacklevel=4 if caller == "fit" else 3,
        )
    return resolve_engine(name if name in HOST_ENGINES else "auto")


class NumpySteps:
    """Step by step through ``network.loss_and_gradient`` and an optimizer update."""

    kind = "numpy"

    def __init__(self, network: Any, update: Any) -> None:
        self.network, self.update = network, update
        bk = backend_of(network.theta)
        self.previous = (
            np.empty_like(network.theta) if bk.is_numpy else bk.empty_like(network.theta)
        )
        self.copyto = np.copyto if bk.is_numpy else bk.assign
        self.host = bk.is_numpy
        self.updating = False
        self.costs: list[float] = []

    def run(self, Xe, Ye, order, slices, state, lr, first_of_epoch, total=0.0):
        net, theta, grad, update, copyto = (
            self.network,
            self.network.theta,
            self.network.grad,
            self.update,
            self.copyto,
        )
        previous, host = self.previous, self.host
        self.costs = costs = []  # read after an interrupt: the completed steps
        for sl in slices:
            rows = sl if order is None else order[sl]
            cost = net.loss_and_gradient(Xe[rows], Ye[rows], TRAIN)
            if not math.isfinite(cost):
                return costs, cost
            if host:
                previous[...] = theta  # np.copyto costs 3x more on a small theta
            else:
                copyto(previous, theta)
            self.updating = True
            update(theta, grad, state, lr)
            self.updating = False
            costs.append(cost)
        return costs, None

    def undo_partial_update(self) -> None:
        """After an interrupt: undo an update that was cut short."""
        if self.updating:
            self.copyto(self.network.theta, self.previous)
            self.updating = False


class FastSteps:
    """A run of steps in one call of the compiled kernel (:mod:`trainwell.nn._fast`).

    The kernel carries the epoch's total on (its sum is contracted into fused
    multiply-adds, so it is not the NumPy path's sum to the last bit): :attr:`total`."""

    kind = "numba"

    def __init__(self, runner: Any) -> None:
        self.runner = runner
        self.previous = runner.previous
        self.costs: Any = ()
        self.total = 0.0

    def run(self, Xe, Ye, order, slices, state, lr, first_of_epoch, total=0.0):
        runner, self.costs = self.runner, ()
        self.total, bad = runner.run_epoch(Xe, Ye, order, slices, state, lr, None, total)
        costs, n = runner._costs, runner.n_done  # the kernel's buffer, read at once
        self.costs = costs = costs if n == len(costs) else costs[:n]
        return costs, bad

    def undo_partial_update(self) -> None:
        """A compiled call cannot be interrupted halfway."""


class DeviceSteps:
    """Steps on another array backend, the costs read back once per run."""

    kind = "device"

    def __init__(self, network: Any, update: Any, record: bool) -> None:
        bk = backend_of(network.theta)
        self.update = update
        self.epochs = DeviceEpochs(network, bk.empty_like(network.theta), record, update)
        self.previous = None  # a device run restores its own snapshot
        self.costs: list[float] = []

    def run(self, Xe, Ye, order, slices, state, lr, first_of_epoch, total=0.0):
        dev = self.epochs
        try:
            bad = dev.run_epoch(Xe, Ye, slices, self.update, state, lr, reseed=first_of_epoch)
        finally:
            self.costs = dev.costs
        return dev.costs, bad

    def undo_partial_update(self) -> None:
        dev = self.epochs
        if dev.updating:
            dev.bk.assign(dev.network.theta, dev.previous)
            dev.updating = False


def make_runner(network: Any, optimizer: Any, batch_size: int, engine: str, record: bool, notes):
    """The runner for this configuration: compiled, device or NumPy (``notes`` receives
    why an explicit ``engine="numba"`` fell back to NumPy; None to say nothing)."""
    fast = compiled.plan(network, optimizer, batch_size, engine, notes=notes)
    if fast is not None:
        return FastSteps(fast)
    update = compiled.update_function(optimizer, network.theta, engine)  # "numba": one fused pass
    if not backend_of(network.theta).is_numpy:
        return DeviceSteps(network, update, record)
    return NumpySteps(network, update)
