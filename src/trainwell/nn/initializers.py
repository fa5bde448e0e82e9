"""Weight initializers: zeros, scaled random, He, Xavier and Glorot.

Each initializer draws a layer's weight matrix W[l] of shape (n[l], n[l-1]) from the
network's generator, layer after layer in the course's order, so that with
``numpy.random.RandomState(3)`` the weights equal, bit for bit, what the course gets from
``np.random.seed(3)`` followed by ``np.random.randn(n[l], n[l-1]) * scale``.
Biases always start at zero.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .._random import randn
from .._validation import Interval, validate_params
from ..exceptions import InvalidParameterError

__all__ = [
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "Initializer",
    "RandomNormal",
    "XavierNormal",
    "Zeros",
    "get_initializer",
]


class Initializer:
    """Base class: ``init(rng, shape) -> W`` with ``shape = (n[l], n[l-1])``."""

    name = "initializer"

    def scale(self, n_in: int, n_out: int) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, rng: Any, shape: tuple[int, int]) -> np.ndarray:
        n_out, n_in = shape
        return randn(rng, shape) * self.scale(n_in, n_out)

    def get_config(self) -> dict[str, Any]:
        """JSON-able description, inverse of :func:`get_initializer`."""
        return {"name": self.name, **asdict(self)}  # type: ignore[call-overload]


@dataclass(frozen=True)
class Zeros(Initializer):
    """All weights zero: every unit of a layer computes the same function (symmetry is
    never broken), which the course's first experiment shows stays at 50% accuracy."""

    name = "zeros"

    def __call__(self, rng: Any, shape: tuple[int, int]) -> np.ndarray:
        return np.zeros(shape)


@dataclass(frozen=True)
class RandomNormal(Initializer):
    """Standard normal times a fixed ``scale``: ``W = randn(n[l], n[l-1]) * scale``.

    Parameters
    ----------
    scale : float, default=0.01
        The course's small init uses 0.01; its "large random" experiment uses 10.
    """

    scale_: float = 0.01
    name = "random"

    def __init__(self, scale: float = 0.01) -> None:
        validate_params(
            {"scale": [Interval("real", 0, None, "left")]}, {"scale": scale}, "RandomNormal"
        )
        object.__setattr__(self, "scale_", float(scale))

    def scale(self, n_in: int, n_out: int) -> float:
        return self.scale_

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "scale": self.scale_}

    def __repr__(self) -> str:
        return f"RandomNormal(scale={self.scale_!r})"


@dataclass(frozen=True)
class HeNormal(Initializer):
    """He et al. (2015): ``W = randn(n[l], n[l-1]) * sqrt(2 / n[l-1])``, for ReLU layers."""

    name = "he"

    def scale(self, n_in: int, n_out: int) -> float:
        return np.sqrt(2.0 / n_in)


@dataclass(frozen=True)
class XavierNormal(Initializer):
    """Xavier (as the course names it): ``W = randn(n[l], n[l-1]) * sqrt(1 / n[l-1])``,
    for tanh layers."""

    name = "xavier"

    def scale(self, n_in: int, n_out: int) -> float:
        return np.sqrt(1.0 / n_in)


@dataclass(frozen=True)
class GlorotNormal(Initializer):
    """Glorot and Bengio (2010), normal: ``randn * sqrt(2 / (n[l-1] + n[l]))``."""

    name = "glorot"

    def scale(self, n_in: int, n_out: int) -> float:
        return np.sqrt(2.0 / (n_in + n_out))


@dataclass(frozen=True)
class GlorotUniform(Initializer):
    """Glorot uniform: ``U(-r, r)`` with ``r = sqrt(6 / (n[l-1] + n[l]))`` (the same
    variance, 2 / (n[l-1] + n[l]), as :class:`GlorotNormal`)."""

    name = "glorot_uniform"

    def __call__(self, rng: Any, shape: tuple[int, int]) -> np.ndarray:
        n_out, n_in = shape
        limit = math.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-limit, limit, size=shape)


_REGISTRY: dict[str, type[Initializer]] = {
    "zeros": Zeros,
    "random": RandomNormal,
    "he": HeNormal,
    "xavier": XavierNormal,
    "glorot": GlorotNormal,
    "glorot_normal": GlorotNormal,
    "glorot_uniform": GlorotUniform,
}


def get_initializer(spec: str | dict[str, Any] | Initializer) -> Initializer:
    """Resolve a name, a config dict (``{"name": "random", "scale": 10}``) or an object.

    Examples
    --------
    >>> get_initializer("he")
    HeNormal()
    >>> get_initializer({"name": "random", "scale": 10}).scale(2, 3)
    10.0
    """
    if isinstance(spec, Initializer):
        return spec
    if isinstance(spec, dict):
        spec = dict(spec)
        name = spec.pop("name", None)
        if not isinstance(name, str) or name not in _REGISTRY:
            raise InvalidParameterError(
                f"Unknown initializer {name!r}; valid names: {', '.join(sorted(_REGISTRY))}."
            )
        try:
            return _REGISTRY[name](**spec)
        except InvalidParameterError:
            raise
        except TypeError as exc:  # an unknown parameter name
            raise InvalidParameterError(f"initializer {name!r}: {exc}") from None
    if isinstance(spec, str) and spec in _REGISTRY:
        return _REGISTRY[spec]()
    raise InvalidParameterError(
        f"The 'init' parameter must be one of {', '.join(repr(k) for k in sorted(_REGISTRY))} "
        f"or an Initializer. Got {spec!r} instead."
    )
