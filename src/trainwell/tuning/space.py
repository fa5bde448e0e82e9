"""Search spaces: the range of each hyperparameter, and the scale it is explored in.

The course's advice (Course 2, week 3, "Using an appropriate scale to pick
hyperparameters") is that a range should be sampled uniformly *in the scale where equal
steps matter equally*. For the learning rate α in [0.0001, 1] that is the log scale:
draw ``r = -4 * np.random.rand()`` and set ``alpha = 10**r``, so each decade
[0.0001, 0.001], [0.001, 0.01], ... gets the same share of trials (a uniform draw would
spend 90 % of them in [0.1, 1]). For an exponentially weighted average's β in
[0.9, 0.999] it is the log scale of ``1 - beta``: the average runs over about
``1 / (1 - beta)`` values, so 0.9 → 0.9005 changes almost nothing (about 10 values either
way) while 0.999 → 0.9995 doubles the window (1000 → 2000 values). Draw
``r = uniform(-3, -1)`` and set ``beta = 1 - 10**r``.

Each distribution maps its values to a *scale* coordinate (the value itself, its
``log10``, or ``log10(1 - value)``), samples uniformly there, builds grids evenly spaced
there, and narrows itself there for coarse-to-fine search.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from ..exceptions import InvalidParameterError
from .distributions import (
    Choice,
    Distribution,
    IntLogUniform,
    IntUniform,
    LogUniform,
    OneMinusLogUniform,
    Uniform,
    Value,
)

__all__ = [
    "DISTRIBUTIONS",
    "Choice",
    "Distribution",
    "IntLogUniform",
    "IntUniform",
    "LogUniform",
    "OneMinusLogUniform",
    "SearchSpace",
    "Uniform",
    "distribution_from_dict",
]


DISTRIBUTIONS: dict[str, type[Distribution]] = {
    cls.kind: cls
    for cls in (Uniform, LogUniform, OneMinusLogUniform, IntUniform, IntLogUniform, Choice)
}


def distribution_from_dict(spec: Mapping[str, Any], *, where: str = "space") -> Distribution:
    """Build a distribution from ``{"dist": "log_uniform", "low": 1e-4, "high": 1}``.

    ``where`` names the key in error messages (``space.learning_rate``).

    Examples
    --------
    >>> distribution_from_dict({"dist": "one_minus_log_uniform", "low": 0.9, "high": 0.999})
    OneMinusLogUniform(low=0.9, high=0.999)
    """
    if isinstance(spec, Distribution):
        return spec
    if not isinstance(spec, Mapping):
        raise InvalidParameterError(
            f'{where} must be a table such as {{dist = "log_uniform", low = 1e-4, '
            f"high = 1}}. Got {spec!r} instead."
        )
    kind = spec.get("dist")
    if kind not in DISTRIBUTIONS:
        raise InvalidParameterError(
            f"{where}.dist must be one of {', '.join(map(repr, DISTRIBUTIONS))}. "
            f"Got {kind!r} instead."
        )
    wanted = {"values"} if kind == "choice" else {"low", "high"}
    given = set(spec) - {"dist"}
    if given != wanted:
        extra, missing = sorted(given - wanted), sorted(wanted - given)
        problem = f"unknown key(s) {extra}" if extra else f"missing key(s) {missing}"
        raise InvalidParameterError(f"{where} ({kind}) takes the keys {sorted(wanted)}; {problem}.")
    try:
        return DISTRIBUTIONS[kind](**{k: spec[k] for k in wanted})
    except InvalidParameterError as exc:
        raise InvalidParameterError(f"{where}: {exc}") from None


class SearchSpace(Mapping):
    """An ordered mapping of hyperparameter names to distributions.

    Parameters
    ----------
    dimensions : mapping of str to Distribution or dict
        Dicts are read with :func:`distribution_from_dict`. The order is kept: configs are
        drawn trial by trial, dimension by dimension in this order.

    Examples
    --------
    >>> space = SearchSpace({"learning_rate": LogUniform(1e-4, 1), "batch_size": Choice([64, 128])})
    >>> configs = space.sample(np.random.RandomState(0), 3)
    >>> [(round(c["learning_rate"], 5), c["batch_size"]) for c in configs]
    [(0.00638, 128), (0.00388, 128), (0.0202, 128)]
    >>> SearchSpace.from_dict(space.to_dict()) == space
    True
    """

    def __init__(self, dimensions: Mapping[str, Distribution | Mapping[str, Any]]) -> None:
        if isinstance(dimensions, SearchSpace):
            dimensions = dimensions._dims
        if not isinstance(dimensions, Mapping) or not dimensions:
            raise InvalidParameterError(
                "The search space must be a non-empty dict of hyperparameter names to "
                f"distributions. Got {dimensions!r} instead."
            )
        self._dims: dict[str, Distribution] = {}
        for name, dist in dimensions.items():
            if not isinstance(name, str) or not name:
                raise InvalidParameterError(
                    f"Search space names must be non-empty strings. Got {name!r} instead."
                )
            self._dims[name] = distribution_from_dict(dist, where=f"space.{name}")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SearchSpace:
        """Read what :meth:`to_dict` wrote (or a TOML ``[space]`` table)."""
        return cls(data)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """``{name: distribution.to_dict()}``, JSON- and TOML-ready."""
        return {name: dist.to_dict() for name, dist in self._dims.items()}

    def __getitem__(self, name: str) -> Distribution:
        return self._dims[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._dims)

    def __len__(self) -> int:
        return len(self._dims)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SearchSpace) and self._dims == other._dims

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        inner = ", ".join(f"{name!r}: {dist!r}" for name, dist in self._dims.items())
        return f"SearchSpace({{{inner}}})"

    def sample(
        self, rng: np.random.RandomState | np.random.Generator, n: int
    ) -> list[dict[str, Value]]:
        """``n`` configs drawn trial by trial, each dimension in its own scale."""
        return [{name: dist.sample(rng) for name, dist in self._dims.items()} for _ in range(n)]

    def grid(self, n_points: int | Mapping[str, int]) -> list[dict[str, Value]]:
        """Every combination of each dimension's :meth:`Distribution.grid` values.

        ``n_points`` is the number of points per numeric dimension, or a dict of them
        (names it leaves out get 5; a name not in the space is an error).
        """
        unknown = sorted(set(n_points) - set(self._dims)) if isinstance(n_points, Mapping) else []
        if unknown:
            raise InvalidParameterError(
                f"The 'n_points' parameter names {unknown}, which are not in the search "
                f"space; its names are {list(self._dims)}. Got {dict(n_points)!r} instead."
            )
        configs: list[dict[str, Value]] = [{}]
        for name, dist in self._dims.items():
            n = n_points.get(name, 5) if isinstance(n_points, Mapping) else n_points
            configs = [{**c, name: v} for c in configs for v in dist.grid(int(n))]
        return configs

    def narrow(self, configs: Iterable[Mapping[str, Value]], margin: float) -> SearchSpace:
        """The sub-space around ``configs`` (the best trials): one coarse-to-fine step."""
        configs = list(configs)
        return SearchSpace(
            {
                name: dist.narrow([c[name] for c in configs], margin)
                for name, dist in self._dims.items()
            }
        )

    def box(self) -> dict[str, list[Value]]:
        """``{name: [low, high]}`` of each numeric dimension (the zoom box)."""
        return {name: list(dist.bounds()) for name, dist in self._dims.items() if dist.numeric}
