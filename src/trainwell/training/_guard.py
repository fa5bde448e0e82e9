"""Divergence as a cost explosion, and the last parameters whose cost was sane.

A non-finite cost stops training at once (checked at every step, on every engine). A cost
that stays finite but explodes (binary cross-entropy at a learning rate of 1e6 climbs from
0.69 to 4.5e4 and stays there) is caught at the end of each epoch: the epoch's cost J is
*exploded* when

    J > max(EXPLOSION_FACTOR * J_best, J_first)

with J_first the cost of the run's first step (the untrained network) and J_best the lowest
of J_first and the sane epoch costs so far; EXPLOSION_PATIENCE exploded epochs in a row stop
the run. A healthy run stays below J_first after its first epochs, and its noise never
reaches a thousand times its best, so neither the tests nor the course's reproductions come
near it; a genuine explosion passes it within an epoch or two and stays.

Which parameters are kept: at the start of each epoch the parameters (and batch norm's
running statistics) are copied; when the epoch's first step finds their cost sane,
``J <= max(SANE_FACTOR * J_best, J_first)`` (a tighter bound than the explosion's, so
the weights kept are near the best, not merely short of exploding), the copy becomes the
*good* snapshot. A stop on an explosion, or on a
non-finite cost reached through exploding costs (an epoch already exploded, or the last
finite step cost above the bound: MSE's "last finite" weights of 1e77), restores that
snapshot: the start of the last epoch whose first cost was sane. A non-finite cost that
comes suddenly keeps today's rule (the parameters before the update that overflowed).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..backend import backend_of
from ..exceptions import TrainingDiverged

__all__ = [
    "EXPLOSION_FACTOR",
    "EXPLOSION_PATIENCE",
    "SANE_FACTOR",
    "DivergenceGuard",
    "diverge",
    "kept_sentence",
]

EXPLOSION_FACTOR = 1e3
EXPLOSION_PATIENCE = 3
SANE_FACTOR = 10.0


class DivergenceGuard:
    """Tracks the run's first and best costs and keeps the last sane parameters."""

    def __init__(self, network: Any) -> None:
        self.network = network
        bk = self.bk = backend_of(network.theta)
        self.first: float | None = None
        self.best = math.inf
        self.streak = 0
        self.last_cost: float | None = None  # the last finite step cost
        self.good_epoch: int | None = None
        self._bound = self._sane = math.inf  # explosion and sanity bounds, kept current
        self._host = bk.is_numpy
        self._copy = np.copyto if bk.is_numpy else bk.assign
        self._buffers = bool(network.buffers())
        self._start = self._snapshot()  # the current epoch's start ...
        self._good: dict[str, Any] | None = None  # ... and the last sane one

    def _snapshot(self) -> dict[str, Any]:
        net, bk = self.network, self.bk
        return {k: bk.copy(v) for k, v in {"theta": net.theta, **net.buffers()}.items()}

    def bound(self) -> float:
        """The cost above which an epoch counts as exploded (inf before the first step)."""
        return self._bound

    def _set_best(self, best: float) -> None:
        self.best, first = best, self.first  # max(b, first), without its call
        b = EXPLOSION_FACTOR * best
        self._bound = first if first > b else b
        b = SANE_FACTOR * best
        self._sane = first if first > b else b

    def begin_epoch(self) -> None:
        """Copy the parameters and running statistics at an epoch's start."""
        start = self._start
        if self._host:
            start["theta"][...] = self.network.theta  # np.copyto costs 3x more on tiny theta
        else:
            self._copy(start["theta"], self.network.theta)
        if self._buffers:
            for k, v in self.network.buffers().items():
                self._copy(start[k], v)

    def first_step(self, cost: float, epoch: int) -> None:
        """The cost of an epoch's first step, computed on the parameters at its start."""
        if self.first is None:
            self.first = cost
            self._set_best(cost)
        if cost <= self._sane:  # the start's copy is the last sane snapshot now
            good = self._good if self._good is not None else self._snapshot()
            self._start, self._good = good, self._start
            self.good_epoch = epoch

    def end_epoch(self, cost: float) -> bool:
        """Count an epoch's cost; True when it is the last of EXPLOSION_PATIENCE exploded
        epochs in a row."""
        if cost > self._bound:
            self.streak += 1
            return self.streak >= EXPLOSION_PATIENCE
        self.streak = 0
        if cost < self.best:
            self._set_best(cost)
        return False

    def whole_epoch(self, first: float, last: float, cost: float, epoch: int) -> bool:
        """``first_step(first, epoch)``, ``last_cost = last`` and ``end_epoch(cost)`` of an
        epoch run whole, in one call (the same rules, written out: a whole epoch of one
        tiny step is dominated by the Python around it)."""
        self.last_cost = last
        if self.first is None or first > self._sane or self._good is None:
            self.first_step(first, epoch)
        else:  # sane: the start's copy is the last sane snapshot now
            self._start, self._good = self._good, self._start
            self.good_epoch = epoch
        if cost > self._bound:
            self.streak += 1
            return self.streak >= EXPLOSION_PATIENCE
        self.streak = 0
        if cost < self.best:
            self.best, first = cost, self.first  # _set_best(cost)
            b = EXPLOSION_FACTOR * cost
            self._bound = first if first > b else b
            b = SANE_FACTOR * cost
            self._sane = first if first > b else b
        return False

    def exploding(self) -> bool:
        """Whether a non-finite cost was reached through exploding costs."""
        return self._good is not None and (
            self.streak > 0 or (self.last_cost is not None and self.last_cost > self._bound)
        )

    def restore(self) -> str:
        """Put the good snapshot back; the sentence saying what was kept."""
        net, bk = self.network, self.bk
        bk.assign(net.theta, self._good["theta"])
        buffers = net.buffers()
        for k, v in self._good.items():
            if k != "theta":
                bk.assign(buffers[k], v)
        return (
            f"The parameters from the start of epoch {self.good_epoch}, the last whose "
            "cost was sane, were kept."
        )

    def state(self) -> dict[str, Any]:
        """Plain values and host arrays for a Trainer's state_dict."""
        out: dict[str, Any] = {
            "first": self.first,
            "best": self.best,
            "streak": self.streak,
            "last_cost": self.last_cost,
            "good_epoch": self.good_epoch,
        }
        if self._good is not None:
            out["good"] = {k: self.bk.to_numpy(v).copy() for k, v in self._good.items()}
        return out

    def load(self, d: dict[str, Any]) -> None:
        self.first, self.streak = d["first"], int(d["streak"])
        if self.first is None:
            self.best, self._bound, self._sane = math.inf, math.inf, math.inf
        else:
            self._set_best(float(d["best"]))
        self.last_cost, self.good_epoch = d["last_cost"], d["good_epoch"]
        good = d.get("good")
        self._good = None if good is None else {k: self.bk.asarray(v) for k, v in good.items()}


def kept_sentence(tr: Any, start: int) -> str | None:
    """What a device run kept after a non-finite cost (None on the other engines)."""
    if tr.runner.kind != "device":
        return None
    where = f"epoch {tr._epoch}" if start == 0 else f"step {start} of epoch {tr._epoch}"
    return (
        f"The parameters, batch-norm statistics and optimizer state from the start of "
        f"{where} were kept (on a device backend the costs are read once per run of steps)."
    )


def diverge(tr: Any, cost: float, epoch: int, lr: float, kept: Any, exploded: bool = False) -> None:
    """Stop on a non-finite or exploded cost, keeping the last sane parameters."""
    net, bk, guard = tr.network, tr.bk, tr.guard
    if exploded or guard.exploding():
        kept = guard.restore()
    elif tr.runner.previous is not None and not bk.all_finite(net.theta):
        bk.assign(net.theta, tr.runner.previous)
    tr._ep = None
    tr.history.stopped_reason = tr.ctx.stop_reason = tr.stopped_reason = "diverged"
    what = (
        f"the cost exploded to {cost:.6g}, above {EXPLOSION_FACTOR:g} times its best "
        f"({guard.best:.6g}) and its first ({guard.first:.6g}), for {EXPLOSION_PATIENCE} "
        "epochs in a row"
        if exploded
        else f"the cost became {cost}"
    )
    msg = (
        f"Training diverged at epoch {epoch}: {what} with learning rate {lr:g}. "
        f"{kept or 'The last finite parameters were kept.'} Try a smaller learning "
        "rate, normalized inputs, or a smaller initialization scale."
    )
    tr.history.notes.append(msg)
    tr.message = msg
    if tr.on_divergence == "raise":
        raise TrainingDiverged(msg, epoch=epoch, learning_rate=lr, history=tr.history)
    if tr.on_divergence == "warn":
        warnings.warn(msg, RuntimeWarning, stacklevel=4)
