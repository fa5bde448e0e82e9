"""Learning-rate decay: small callables ``schedule(epoch) -> learning_rate``.

Epochs count from 0, as in the course's code (``for i in range(num_epochs)``), so epoch 0
always uses ``initial``. Each schedule is a frozen dataclass: validated on construction,
printable, and serializable with :meth:`get_config` / :func:`get_schedule`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from .._validation import Interval, validate_params
from ..exceptions import InvalidParameterError

__all__ = [
    "SCHEDULES",
    "Constant",
    "ExponentialDecay",
    "FixedIntervalDecay",
    "InverseSqrtDecay",
    "InverseTimeDecay",
    "Schedule",
    "StaircaseDecay",
    "get_schedule",
]

_POS = [Interval("real", 0, None, "neither")]
_NONNEG = [Interval("real", 0, None)]


class Schedule:
    """Base class of learning-rate schedules."""

    name = "schedule"

    def __call__(self, epoch: int) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, **asdict(self)}  # type: ignore[call-overload]

    def _check(self, **constraints: list) -> None:
        validate_params(
            constraints, {k: getattr(self, k) for k in constraints}, type(self).__name__
        )


@dataclass(frozen=True)
class Constant(Schedule):
    """``alpha = initial`` at every epoch.

    Examples
    --------
    >>> Constant(0.1)(50)
    0.1
    """

    initial: float = 0.01
    name = "constant"

    def __post_init__(self):
        self._check(initial=_POS)

    def __call__(self, epoch):
        return self.initial


@dataclass(frozen=True)
class InverseTimeDecay(Schedule):
    """``alpha = initial / (1 + decay_rate * epoch)`` (the course's first decay formula).

    Examples
    --------
    >>> InverseTimeDecay(0.2, decay_rate=1.0)(1)
    0.1
    """

    initial: float = 0.1
    decay_rate: float = 1.0
    name = "inverse_time"

    def __post_init__(self):
        self._check(initial=_POS, decay_rate=_NONNEG)

    def __call__(self, epoch):
        return self.initial / (1.0 + self.decay_rate * epoch)


@dataclass(frozen=True)
class ExponentialDecay(Schedule):
    """``alpha = initial * base ** epoch`` (e.g. base 0.95).

    Examples
    --------
    >>> round(ExponentialDecay(1.0, base=0.95)(2), 6)
    0.9025
    """

    initial: float = 0.1
    base: float = 0.95
    name = "exponential"

    def __post_init__(self):
        self._check(initial=_POS, base=[Interval("real", 0, 1, "right")])

    def __call__(self, epoch):
        return self.initial * self.base**epoch


@dataclass(frozen=True)
class StaircaseDecay(Schedule):
    """Discrete steps: ``alpha = initial * factor ** floor(epoch / step_size)``.

    Examples
    --------
    >>> [StaircaseDecay(1.0, factor=0.5, step_size=2)(e) for e in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    initial: float = 0.1
    factor: float = 0.5
    step_size: int = 10
    name = "staircase"

    def __post_init__(self):
        self._check(
            initial=_POS,
            factor=[Interval("real", 0, 1, "right")],
            step_size=[Interval("int", 1, None)],
        )

    def __call__(self, epoch):
        return self.initial * self.factor ** (epoch // self.step_size)


@dataclass(frozen=True)
class InverseSqrtDecay(Schedule):
    """``alpha = initial * k / sqrt(epoch + 1)``.

    The course writes ``k / sqrt(epoch_num) * alpha0`` with epochs counted from 1; with
    trainwell's 0-based epochs that is ``sqrt(epoch + 1)``.

    Examples
    --------
    >>> InverseSqrtDecay(1.0, k=1.0)(3)
    0.5
    """

    initial: float = 0.1
    k: float = 1.0
    name = "inverse_sqrt"

    def __post_init__(self):
        self._check(initial=_POS, k=_POS)

    def __call__(self, epoch):
        return self.initial * self.k / math.sqrt(epoch + 1)


@dataclass(frozen=True)
class FixedIntervalDecay(Schedule):
    """The course's scheduled decay:
    ``alpha = initial / (1 + decay_rate * floor(epoch / time_interval))``.

    Examples
    --------
    >>> s = FixedIntervalDecay(0.1, decay_rate=1.0, time_interval=1000)
    >>> s(999), s(1000), s(2500)
    (0.1, 0.05, 0.03333333333333333)
    """

    initial: float = 0.1
    decay_rate: float = 1.0
    time_interval: int = 1000
    name = "fixed_interval"

    def __post_init__(self):
        self._check(initial=_POS, decay_rate=_NONNEG, time_interval=[Interval("int", 1, None)])

    def __call__(self, epoch):
        return self.initial / (1.0 + self.decay_rate * (epoch // self.time_interval))


SCHEDULES: dict[str, type[Schedule]] = {
    cls.name: cls
    for cls in (
        Constant,
        InverseTimeDecay,
        ExponentialDecay,
        StaircaseDecay,
        InverseSqrtDecay,
        FixedIntervalDecay,
    )
}


def get_schedule(spec: str | dict[str, Any] | Schedule, **kwargs: Any) -> Schedule:
    """Resolve a name (with keyword parameters), a config dict or an instance."""
    if isinstance(spec, Schedule):
        return spec
    if isinstance(spec, dict):
        kwargs = {**spec, **kwargs}
        spec = kwargs.pop("name", None)
    if spec not in SCHEDULES:
        raise InvalidParameterError(
            f"Unknown learning-rate schedule {spec!r}; valid names: "
            f"{', '.join(repr(k) for k in SCHEDULES)}."
        )
    return SCHEDULES[spec](**kwargs)
