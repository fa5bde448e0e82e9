"""Stopping unpromising trials early: ASHA (successive halving) and the median rule.

A trial whose objective accepts a ``report`` keyword reports its dev score as it trains,
``report(epoch, value)`` after ``epoch`` epochs (higher is better for
``direction="maximize"``). The search hands each trial a snapshot of what the trials
finished before it reported at the same epochs; ``report`` raises :class:`TrialPruned`
when the pruner says the trial cannot catch up, and the trial is recorded as
``"pruned"`` with the epoch it reached.

Asynchronous successive halving (ASHA; Li et al., "A System for Massively Parallel
Hyperparameter Tuning", MLSys 2020): the rungs are the epochs
:math:`r\\,\\eta^k` (:math:`r` = ``min_epochs``, :math:`\\eta` = ``reduction_factor``,
:math:`k = 0, 1, \\dots`). At a rung, a trial goes on only if its value is among the
best :math:`\\max(1, \\lfloor n / \\eta \\rfloor)` of the :math:`n` values recorded
there (its own included); so about :math:`1/\\eta` of the trials reach each next rung
and the total number of epochs falls roughly by a factor :math:`\\eta / \\log_\\eta R`.
No trial waits for another: a trial compares itself with the rung as it stands.

The median rule (Golovin et al., "Google Vizier", KDD 2017): after ``warmup_epochs``,
a trial stops if its value is worse than the median of the values the earlier trials
had at the same epoch, once ``min_trials`` of them have.

Determinism: in a serial search trial ``i`` sees exactly the trials ``0 .. i-1``, so
the same seed gives the same pruned trials. With parallel workers a trial sees those
that happened to finish before it was dispatched, which depends on timing.

Examples
--------
>>> asha = ASHAPruner(min_epochs=1, reduction_factor=3)
>>> asha.rungs(10)
[1, 3, 9]
>>> snapshot = asha.snapshot([[(1, 0.9), (3, 0.95)], [(1, 0.5), (3, 0.6)]], max_epochs=10)
>>> asha.should_prune(snapshot, 1, 0.95, "maximize")  # the best at epoch 1: goes on
False
>>> asha.should_prune(snapshot, 3, 0.7, "maximize")  # not the best third at epoch 3
True
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from typing import Any

from .._validation import Interval, validate_params
from ..exceptions import InvalidParameterError

__all__ = [
    "PRUNERS",
    "ASHAPruner",
    "MedianPruner",
    "Reporter",
    "TrialPruned",
    "TrialTimeout",
    "make_pruner",
]


class TrialPruned(Exception):
    """Raised by ``report`` when the pruner stops the trial (not an error)."""

    def __init__(self, epoch: int, value: float) -> None:
        super().__init__(f"pruned after epoch {epoch} (dev score {value:.6g})")
        self.epoch, self.value = epoch, value


class TrialTimeout(Exception):
    """Raised by ``report`` when the trial ran past its ``timeout``."""


class ASHAPruner:
    """Asynchronous successive halving on the learning curve (see the module docstring).

    Parameters
    ----------
    min_epochs : int, default=1
        The first rung, :math:`r`: no trial is pruned before it.
    reduction_factor : int >= 2, default=3
        :math:`\\eta`: each rung keeps the best 1/η of the trials that reached it.
    """

    name = "asha"

    def __init__(self, min_epochs: int = 1, reduction_factor: int = 3) -> None:
        validate_params(
            {
                "min_epochs": [Interval("int", 1, None)],
                "reduction_factor": [Interval("int", 2, None)],
            },
            {"min_epochs": min_epochs, "reduction_factor": reduction_factor},
            "ASHAPruner",
        )
        self.min_epochs, self.reduction_factor = int(min_epochs), int(reduction_factor)

    def rungs(self, max_epochs: int) -> list[int]:
        """The epochs at which trials are compared, below ``max_epochs``."""
        out, e = [], self.min_epochs
        while e < max_epochs:
            out.append(e)
            e *= self.reduction_factor
        return out

    def snapshot(self, curves: Sequence[Sequence[Sequence[float]]], max_epochs: int) -> dict:
        """``{epoch: [values]}`` at the rungs, from finished trials' ``(epoch, value)`` lists."""
        rungs = set(self.rungs(max_epochs))
        out: dict[int, list[float]] = {}
        for curve in curves:
            for epoch, value in curve:
                if int(epoch) in rungs and value is not None:
                    out.setdefault(int(epoch), []).append(float(value))
        return out

    def should_prune(self, snapshot: Mapping[int, Sequence[float]], epoch: int, value: float,
                     direction: str) -> bool:  # fmt: skip
        """Whether a trial at ``value`` after ``epoch`` epochs stops here."""
        if not _is_rung(epoch, self):
            return False
        others = list(snapshot.get(epoch, ()))
        if not math.isfinite(value):
            return True
        n = len(others) + 1
        keep = max(1, n // self.reduction_factor)
        sign = -1.0 if direction == "maximize" else 1.0
        better = sum(sign * v < sign * value for v in others)
        return better >= keep

    def to_dict(self) -> dict[str, Any]:
        """The settings, JSON-ready (recorded in the journal's header)."""
        return {"pruner": "asha", "min_epochs": self.min_epochs,
                "reduction_factor": self.reduction_factor}  # fmt: skip


def _is_rung(epoch: int, asha: ASHAPruner) -> bool:
    e = asha.min_epochs
    while e < epoch:
        e *= asha.reduction_factor
    return e == epoch


class MedianPruner:
    """Stop a trial worse than the median of earlier trials at the same epoch.

    Parameters
    ----------
    warmup_epochs : int, default=1
        No trial is pruned before this many epochs.
    min_trials : int, default=5
        How many earlier trials must have a value at that epoch before any is pruned.
    """

    name = "median"

    def __init__(self, warmup_epochs: int = 1, min_trials: int = 5) -> None:
        validate_params(
            {
                "warmup_epochs": [Interval("int", 0, None)],
                "min_trials": [Interval("int", 1, None)],
            },
            {"warmup_epochs": warmup_epochs, "min_trials": min_trials},
            "MedianPruner",
        )
        self.warmup_epochs, self.min_trials = int(warmup_epochs), int(min_trials)

    def snapshot(self, curves: Sequence[Sequence[Sequence[float]]], max_epochs: int) -> dict:
        """``{epoch: [values]}`` from finished trials' ``(epoch, value)`` lists."""
        out: dict[int, list[float]] = {}
        for curve in curves:
            for epoch, value in curve:
                if int(epoch) >= self.warmup_epochs and value is not None:
                    out.setdefault(int(epoch), []).append(float(value))
        return out

    def should_prune(self, snapshot: Mapping[int, Sequence[float]], epoch: int, value: float,
                     direction: str) -> bool:  # fmt: skip
        """Whether a trial at ``value`` after ``epoch`` epochs stops here."""
        others = sorted(snapshot.get(epoch, ()))
        if epoch < self.warmup_epochs or len(others) < self.min_trials:
            return False
        if not math.isfinite(value):
            return True
        m = len(others)
        median = others[m // 2] if m % 2 else 0.5 * (others[m // 2 - 1] + others[m // 2])
        return value < median if direction == "maximize" else value > median

    def to_dict(self) -> dict[str, Any]:
        """The settings, JSON-ready (recorded in the journal's header)."""
        return {"pruner": "median", "warmup_epochs": self.warmup_epochs,
                "min_trials": self.min_trials}  # fmt: skip


PRUNERS = {"asha": ASHAPruner, "median": MedianPruner}


def make_pruner(pruner: Any, **options: Any) -> Any:
    """A pruner from None, ``"asha"``, ``"median"`` (with ``options``) or a pruner object.

    Examples
    --------
    >>> make_pruner("asha", min_epochs=2).rungs(20)
    [2, 6, 18]
    """
    if pruner is None or pruner == "none":
        if options:
            raise InvalidParameterError(f"Pruner options {sorted(options)} given without a pruner.")
        return None
    if isinstance(pruner, str):
        if pruner not in PRUNERS:
            raise InvalidParameterError(
                f"The 'pruner' parameter must be one of {sorted(PRUNERS)} or None. "
                f"Got {pruner!r} instead."
            )
        try:
            return PRUNERS[pruner](**options)
        except TypeError as exc:
            raise InvalidParameterError(f"Options of pruner {pruner!r}: {exc}") from None
    if callable(getattr(pruner, "should_prune", None)) and callable(
        getattr(pruner, "snapshot", None)
    ):
        return pruner
    raise InvalidParameterError(
        f"The 'pruner' parameter must be 'asha', 'median', None or a pruner object. "
        f"Got {pruner!r} instead."
    )


class Reporter:
    """The ``report`` callable a trial receives: records values, prunes, enforces timeout.

    Parameters
    ----------
    pruner : pruner or None
    snapshot : dict
        What the earlier trials reported (``pruner.snapshot(...)``).
    direction : {"maximize", "minimize"}
    deadline : float or None
        ``time.monotonic()`` after which the next report raises :class:`TrialTimeout`.

    Examples
    --------
    >>> report = Reporter(ASHAPruner(1, 2), {1: [0.9]}, "maximize")
    >>> report(1, 0.5)
    Traceback (most recent call last):
    ...
    trainwell.tuning.pruners.TrialPruned: pruned after epoch 1 (dev score 0.5)
    >>> report.values
    [[1, 0.5]]
    """

    def __init__(self, pruner: Any, snapshot: Mapping[int, Sequence[float]], direction: str,
                 deadline: float | None = None, timeout: float | None = None) -> None:  # fmt: skip
        self.pruner, self.snapshot, self.direction = pruner, snapshot, direction
        self.deadline, self.timeout = deadline, timeout
        self.values: list[list[float]] = []

    def __call__(self, epoch: int, value: float) -> None:
        """Record ``value`` after ``epoch`` epochs; raise to stop the trial."""
        value = float(value)
        self.values.append([int(epoch), value if math.isfinite(value) else None])
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TrialTimeout(f"ran past its timeout of {self.timeout:g} s at epoch {epoch}")
        if self.pruner is not None and self.pruner.should_prune(
            self.snapshot, int(epoch), value, self.direction
        ):
            raise TrialPruned(int(epoch), value)
