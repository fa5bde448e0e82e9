"""Training epochs on a backend other than NumPy (a GPU), for :func:`~trainwell.training.fit`.

Kept apart from the loop because only device networks use it: each step's cost stays on
the device and the epoch's costs come back in one transfer (see :class:`DeviceEpochs`).
"""

from __future__ import annotations

import math
from typing import Any

from ..backend import backend_of
from ..nn.layers import TRAIN
from ..optim.optimizers import OPTIMIZERS

__all__ = ["DeviceEpochs"]


class DeviceEpochs:
    """Epochs on a backend other than NumPy, without waiting for the device every step.

    Each step's cost J stays on the device as a 0-d array; once per epoch the costs and a
    finiteness flag for theta come back in one transfer. The epoch's cost is then summed
    on the host in the NumPy path's order (``cost * batch size``, step by step). Finiteness
    is known only then, so the parameters at the start of each epoch (checked finite at
    the end of the one before) are kept on the device as the ones a divergence restores.
    A per-step read (``float(J)``) would serialize the host's kernel launches with the
    device's work: the device would idle while Python issues the next step.
    """

    def __init__(self, network: Any, previous: Any, record: bool, update: Any = None) -> None:
        self.network, self.previous, self.record = network, previous, record
        self.bk = backend_of(network.theta)
        self.snapshot = self.bk.empty_like(network.theta)
        self.total, self.updating = 0.0, False
        self.costs: list[float] = []
        self._kept: dict[str, Any] = {}
        # A built-in optimizer's step compiled into one kernel is one call: an interrupt
        # lands before or after it, never inside, so no copy of theta is needed to undo
        # half an update (one device copy and one host call fewer per step).
        opt = getattr(update, "__self__", None)
        self.one_kernel = (
            type(opt) is OPTIMIZERS.get(getattr(opt, "name", None))
            and opt._kernel is not None
            and self.bk.elementwise(opt.name, *opt._kernel) is not None
        )

    def run_epoch(self, Xe, Ye, slices, update, state, lr, history=None, reseed=True):
        """Train over ``slices`` (an epoch, or a run of its steps); the first non-finite
        cost, or None when all are finite. :attr:`costs` receives the completed steps'
        costs (also after an interrupt), :attr:`total` their sum weighted by batch size.

        ``reseed`` (at an epoch's first step) seeds the device generator for the epoch's
        dropout masks; ``history``, when given, receives the steps' costs (if recorded).
        """
        net, bk, xp = self.network, self.bk, self.bk.xp
        theta, grad = net.theta, net.grad
        step = net.passes.device_loss_and_gradient
        if reseed:
            net.passes.reseed()  # dropout masks that a checkpoint's resume draws again
        bk.assign(self.snapshot, theta)
        kept = self._keep({**net.buffers(), **state})
        costs, completed = [], 0
        self.costs = []
        try:
            for sl in slices:
                costs.append(step(Xe[sl, ...], Ye[sl, ...], TRAIN))
                if self.one_kernel:
                    update(theta, grad, state, lr)
                else:
                    bk.assign(self.previous, theta)  # an interrupt mid-update restores this
                    self.updating = True
                    update(theta, grad, state, lr)
                    self.updating = False
                completed += 1
        except KeyboardInterrupt:
            if completed:  # the completed steps, as the NumPy path records
                done = bk.to_numpy(xp.stack(costs[:completed]))
                self.costs = [float(c) for c in done]
                if self.record and history is not None:
                    history.iteration_cost.extend(self.costs)
            raise
        ok = xp.astype(xp.all(xp.isfinite(theta)), theta.dtype)
        host = bk.to_numpy(xp.stack([*costs, ok]))  # the run's one wait for the device
        costs, theta_ok = [float(c) for c in host[:-1]], bool(host[-1])
        first_bad = next((i for i, c in enumerate(costs) if not math.isfinite(c)), None)
        self.costs = costs if first_bad is None else costs[:first_bad]
        if self.record and history is not None:
            history.iteration_cost.extend(self.costs)
        if first_bad is not None or not theta_ok:
            bk.assign(theta, self.snapshot)
            buffers = net.buffers()
            for k, v in kept.items():  # batch norm's statistics and the optimizer's state
                if k in buffers:
                    bk.assign(buffers[k], v)
                elif bk.is_array(v):
                    bk.assign(state[k], v)
                else:
                    state[k] = v
            return costs[first_bad] if first_bad is not None else math.nan
        self.total = 0.0
        for sl, c in zip(slices, costs):
            self.total += c * (sl.stop - sl.start)
        return None

    def _keep(self, named: dict[str, Any]) -> dict[str, Any]:
        """Copies of ``named`` (the network's buffers and the optimizer's state) into
        arrays kept from epoch to epoch; scalars such as the step count as they are."""
        bk = self.bk
        for k, v in named.items():
            if not bk.is_array(v):
                self._kept[k] = v
            elif k in self._kept and tuple(self._kept[k].shape) == tuple(v.shape):
                bk.assign(self._kept[k], v)
            else:
                self._kept[k] = bk.copy(v)
        return self._kept

    def kept(self, epoch: int) -> str:
        return (
            f"The parameters, batch-norm statistics and optimizer state from the start of "
            f"epoch {epoch} were kept (on a device backend the costs are read once per epoch)."
        )
