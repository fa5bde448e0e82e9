"""Distributions: the range of one hyperparameter and the scale it is explored in.

Each distribution maps its values to a *scale* coordinate (the value itself, its
``log10``, or ``log10(1 - value)``), samples uniformly there, builds grids evenly spaced
there, and narrows itself there for coarse-to-fine search. :mod:`trainwell.tuning.space`
explains why the scale matters and gathers distributions into a search space.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .._random import rand
from ..exceptions import InvalidParameterError

__all__ = [
    "Choice",
    "Distribution",
    "IntLogUniform",
    "IntUniform",
    "LogUniform",
    "OneMinusLogUniform",
    "Uniform",
]

Value = Any  # a JSON scalar: float, int, str, bool


def _is_real(x: Any) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def _is_int(x: Any) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


class Distribution:
    """Base class: the range of one hyperparameter and the scale it is searched in.

    Attributes
    ----------
    kind : str
        The name in :data:`DISTRIBUTIONS` and in TOML files (``dist = "log_uniform"``).
    numeric : bool
        Whether the values are ordered numbers (False only for :class:`Choice`).
    log_scale : bool
        Whether plots should use a logarithmic axis.
    """

    kind: ClassVar[str] = ""
    numeric: ClassVar[bool] = True
    log_scale: ClassVar[bool] = False

    # Numeric subclasses define these three; Choice overrides the public methods instead.
    def to_scale(self, value: float) -> float:  # pragma: no cover - abstract
        """The scale coordinate of ``value`` (where sampling is uniform)."""
        raise NotImplementedError

    def from_scale(self, s: float) -> Value:  # pragma: no cover - abstract
        """The value at scale coordinate ``s`` (rounded and clipped to the range)."""
        raise NotImplementedError

    def scale_bounds(self) -> tuple[float, float]:  # pragma: no cover - abstract
        """The interval of scale coordinates that sampling covers."""
        raise NotImplementedError

    def with_scale_bounds(self, lo: float, hi: float) -> Distribution:  # pragma: no cover
        """A distribution of the same kind over scale coordinates [lo, hi]."""
        raise NotImplementedError

    def sample(self, rng: np.random.RandomState | np.random.Generator) -> Value:
        """One value drawn uniformly in this distribution's scale."""
        lo, hi = self.scale_bounds()
        return self.from_scale(lo + float(rand(rng, (1,))[0]) * (hi - lo))

    def grid(self, n_points: int) -> list[Value]:
        """``n_points`` values evenly spaced in the scale, ends included, duplicates dropped."""
        lo, hi = self.scale_bounds()
        values = [self.from_scale(s) for s in np.linspace(lo, hi, n_points)]
        return sorted(set(values))

    def narrow(self, values: Sequence[Value], margin: float) -> Distribution:
        """The range of ``values`` widened by ``margin`` of this range's width, in scale.

        The result never leaves this range. This is one coarse-to-fine step: ``values``
        are the settings of the best trials so far. Once the range is as narrow as the
        values' precision allows (its ends would meet), it is kept as it is.
        """
        lo, hi = self.scale_bounds()
        s = [self.to_scale(v) for v in values]
        pad = margin * (hi - lo)
        try:
            return self.with_scale_bounds(max(lo, min(s) - pad), min(hi, max(s) + pad))
        except InvalidParameterError:  # low == high after rounding: stop narrowing
            return self

    def bounds(self) -> tuple[Value, Value]:
        """(low, high) in value units."""
        return (self.low, self.high)  # type: ignore[attr-defined]

    def to_dict(self) -> dict[str, Any]:
        """A JSON/TOML-ready dict; :func:`distribution_from_dict` reads it back."""
        return {"dist": self.kind, "low": self.low, "high": self.high}  # type: ignore[attr-defined]


class _Range(Distribution):
    """A numeric range [low, high], validated once by ``_valid`` and cast to float or int."""

    _ints: ClassVar[bool] = False
    _rule: ClassVar[str] = ""
    _valid: ClassVar[Any] = staticmethod(lambda lo, hi: lo < hi)

    def __post_init__(self) -> None:
        low, high = self.low, self.high  # type: ignore[attr-defined]
        check = _is_int if self._ints else _is_real
        ok = check(low) and check(high) and math.isfinite(low) and math.isfinite(high)
        if not (ok and self._valid(low, high)):
            raise InvalidParameterError(
                f"The 'low' and 'high' parameters of {type(self).__name__} must be "
                f"{self._rule}. Got low={low!r}, high={high!r} instead."
            )
        cast = int if self._ints else float
        object.__setattr__(self, "low", cast(low))
        object.__setattr__(self, "high", cast(high))


def _round15(x: float) -> float:
    """``x`` to 15 significant digits: 10**log10(1e-4) prints as 0.0001 again."""
    return float(f"{x:.15g}")


@dataclass(frozen=True)
class Uniform(_Range):
    """A float drawn uniformly in [low, high] (keep_prob, dropout rates, l2 on a small range).

    Examples
    --------
    >>> Uniform(0.5, 1.0)
    Uniform(low=0.5, high=1.0)
    >>> Uniform(0.5, 1.0).grid(3)
    [0.5, 0.75, 1.0]
    """

    low: float
    high: float
    kind: ClassVar[str] = "uniform"

    _rule: ClassVar[str] = "finite floats with low < high"
    _valid: ClassVar[Any] = staticmethod(lambda lo, hi: lo < hi)

    def to_scale(self, value: float) -> float:
        return float(value)

    def from_scale(self, s: float) -> float:
        return float(min(max(s, self.low), self.high))

    def scale_bounds(self) -> tuple[float, float]:
        return self.low, self.high

    def with_scale_bounds(self, lo: float, hi: float) -> Uniform:
        return Uniform(lo, hi)


@dataclass(frozen=True)
class LogUniform(_Range):
    """A positive float whose log10 is uniform: the learning rate, l2, epsilon.

    ``r`` is drawn uniformly in [log10(low), log10(high)] and the value is ``10**r``;
    ``LogUniform(1e-4, 1)`` is the course's ``r = -4 * np.random.rand(); alpha = 10**r``.

    Examples
    --------
    >>> LogUniform(1e-4, 1.0).grid(5)
    [0.0001, 0.001, 0.01, 0.1, 1.0]

    With the same seed it draws exactly the course's learning rates:

    >>> rng, course = np.random.RandomState(1), np.random.RandomState(1)
    >>> draws = [LogUniform(1e-4, 1.0).sample(rng) for _ in range(3)]
    >>> np.allclose(draws, [10 ** (-4 * course.rand()) for _ in range(3)], rtol=1e-14)
    True
    """

    low: float
    high: float
    kind: ClassVar[str] = "log_uniform"
    log_scale: ClassVar[bool] = True

    _rule: ClassVar[str] = "finite floats with 0 < low < high"
    _valid: ClassVar[Any] = staticmethod(lambda lo, hi: 0 < lo < hi)

    def sample(self, rng: np.random.RandomState | np.random.Generator) -> float:
        # r = log10(high) - width * rand, so LogUniform(1e-4, 1) is r = -4 * rand() exactly.
        lo, hi = self.scale_bounds()
        return self.from_scale(hi - float(rand(rng, (1,))[0]) * (hi - lo))

    def to_scale(self, value: float) -> float:
        return math.log10(value)

    def from_scale(self, s: float) -> float:
        return min(max(_round15(10.0**s), self.low), self.high)

    def scale_bounds(self) -> tuple[float, float]:
        return math.log10(self.low), math.log10(self.high)

    def with_scale_bounds(self, lo: float, hi: float) -> LogUniform:
        return LogUniform(_round15(10.0**lo), _round15(10.0**hi))


@dataclass(frozen=True)
class OneMinusLogUniform(_Range):
    """A float in [low, high] ⊂ [0, 1) whose ``1 - value`` is log-uniform: the betas.

    ``r`` is drawn uniformly in [log10(1 - high), log10(1 - low)] and the value is
    ``1 - 10**r``; ``OneMinusLogUniform(0.9, 0.999)`` is the course's
    ``r = uniform(-3, -1); beta = 1 - 10**r``, which explores 0.9..0.99 and 0.99..0.999
    equally, because beta's effect depends on ``1 / (1 - beta)``.

    Examples
    --------
    >>> OneMinusLogUniform(0.9, 0.999).grid(3)
    [0.9, 0.99, 0.999]
    """

    low: float
    high: float
    kind: ClassVar[str] = "one_minus_log_uniform"
    log_scale: ClassVar[bool] = True

    _rule: ClassVar[str] = "floats with 0 <= low < high < 1"
    _valid: ClassVar[Any] = staticmethod(lambda lo, hi: 0 <= lo < hi < 1)

    def to_scale(self, value: float) -> float:
        return math.log10(1.0 - value)

    def from_scale(self, s: float) -> float:
        return min(max(_round15(1.0 - 10.0**s), self.low), self.high)

    def scale_bounds(self) -> tuple[float, float]:
        return math.log10(1.0 - self.high), math.log10(1.0 - self.low)

    def with_scale_bounds(self, lo: float, hi: float) -> OneMinusLogUniform:
        return OneMinusLogUniform(max(0.0, _round15(1.0 - 10.0**hi)), _round15(1.0 - 10.0**lo))


@dataclass(frozen=True)
class IntUniform(_Range):
    """An integer drawn uniformly from low..high, both included (layers, epochs).

    Examples
    --------
    >>> IntUniform(1, 4).grid(10)
    [1, 2, 3, 4]
    """

    low: int
    high: int
    kind: ClassVar[str] = "int_uniform"

    _ints: ClassVar[bool] = True
    _rule: ClassVar[str] = "integers with low <= high"
    _valid: ClassVar[Any] = staticmethod(lambda lo, hi: lo <= hi)

    def to_scale(self, value: float) -> float:
        return float(value)

    def from_scale(self, s: float) -> int:
        return int(min(max(math.floor(s + 0.5), self.low), self.high))

    def scale_bounds(self) -> tuple[float, float]:
        # Each integer k owns [k - 0.5, k + 0.5), so all are equally likely.
        return self.low - 0.5, self.high + 0.5

    def grid(self, n_points: int) -> list[int]:
        return sorted({round(v) for v in np.linspace(self.low, self.high, n_points)})

    def with_scale_bounds(self, lo: float, hi: float) -> IntUniform:
        return IntUniform(self.from_scale(lo), self.from_scale(hi))

    def narrow(self, values: Sequence[Value], margin: float) -> IntUniform:
        pad = margin * (self.high - self.low)
        return IntUniform(self.from_scale(min(values) - pad), self.from_scale(max(values) + pad))


@dataclass(frozen=True)
class IntLogUniform(_Range):
    """An integer >= 1 whose log10 is (about) uniform: hidden units, layers, batch sizes.

    ``r`` is drawn uniformly in [log10(low - 0.5), log10(high + 0.5)) and the value is
    ``round(10**r)``, so each integer k has a chance proportional to
    ``log((k + 0.5) / (k - 0.5))``, about ``1/k``: as many trials in 10..100 as in 100..1000.

    Examples
    --------
    >>> IntLogUniform(1, 1000).grid(4)
    [1, 10, 100, 1000]
    """

    low: int
    high: int
    kind: ClassVar[str] = "int_log_uniform"
    log_scale: ClassVar[bool] = True

    _ints: ClassVar[bool] = True
    _rule: ClassVar[str] = "integers with 1 <= low <= high"
    _valid: ClassVar[Any] = staticmethod(lambda lo, hi: 1 <= lo <= hi)

    def to_scale(self, value: float) -> float:
        return math.log10(value)

    def from_scale(self, s: float) -> int:
        return int(min(max(math.floor(10.0**s + 0.5), self.low), self.high))

    def scale_bounds(self) -> tuple[float, float]:
        return math.log10(self.low - 0.5), math.log10(self.high + 0.5)

    def grid(self, n_points: int) -> list[int]:
        points = np.linspace(math.log10(self.low), math.log10(self.high), n_points)
        return sorted({self.from_scale(s) for s in points})

    def with_scale_bounds(self, lo: float, hi: float) -> IntLogUniform:
        return IntLogUniform(self.from_scale(lo), self.from_scale(hi))

    def narrow(self, values: Sequence[Value], margin: float) -> IntLogUniform:
        pad = margin * (math.log10(self.high) - math.log10(self.low))
        s = [math.log10(v) for v in values]
        return IntLogUniform(self.from_scale(min(s) - pad), self.from_scale(max(s) + pad))


@dataclass(frozen=True)
class Choice(Distribution):
    """One of a few values, each equally likely: mini-batch size, optimizer, activation.

    Coarse-to-fine search keeps every choice: a category has no range to shrink.

    Examples
    --------
    >>> Choice([64, 128, 256, 512])
    Choice(values=(64, 128, 256, 512))
    >>> Choice(["adam", "momentum"]).grid(1)
    ['adam', 'momentum']
    """

    values: tuple
    kind: ClassVar[str] = "choice"
    numeric: ClassVar[bool] = False

    def __post_init__(self) -> None:
        values = self.values
        ok = (
            isinstance(values, (list, tuple))
            and len(values) > 0
            and all(
                isinstance(v, (str, bool, int)) or (isinstance(v, float) and math.isfinite(v))
                for v in values
            )
        )
        if not ok or len({(type(v), v) for v in values}) != len(values):
            raise InvalidParameterError(
                "The 'values' parameter of Choice must be a non-empty list of distinct "
                f"strings, numbers or booleans. Got {values!r} instead."
            )
        object.__setattr__(self, "values", tuple(values))

    def sample(self, rng: np.random.RandomState | np.random.Generator) -> Value:
        u = float(rand(rng, (1,))[0])
        return self.values[min(int(u * len(self.values)), len(self.values) - 1)]

    def grid(self, n_points: int) -> list[Value]:
        return list(self.values)

    def narrow(self, values: Sequence[Value], margin: float) -> Choice:
        return self

    def index(self, value: Value) -> int:
        """Position of ``value`` in ``values`` (for plotting and importance)."""
        for i, v in enumerate(self.values):
            if type(v) is type(value) and v == value:
                return i
        raise InvalidParameterError(f"{value!r} is not one of {list(self.values)!r}.")

    def to_dict(self) -> dict[str, Any]:
        return {"dist": "choice", "values": list(self.values)}
