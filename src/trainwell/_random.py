"""One place that turns ``random_state`` into a generator, and draws from either kind.

``random_state`` may be None, an int, a :class:`numpy.random.RandomState` or a
:class:`numpy.random.Generator`. Like scikit-learn, an int seeds a ``RandomState``, so
``random_state=3`` draws exactly what the course's ``np.random.seed(3)`` followed by
``np.random.randn(...)`` draws.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from .exceptions import InvalidParameterError

RandomLike = None | int | np.integer | np.random.RandomState | np.random.Generator

__all__ = ["RandomLike", "check_random_state", "get_state", "rand", "randn", "set_state"]


def check_random_state(random_state: RandomLike) -> np.random.RandomState | np.random.Generator:
    """Return a generator for ``random_state``.

    Parameters
    ----------
    random_state : None, int, RandomState or Generator
        None gives a fresh unseeded ``RandomState``; an int seeds a new ``RandomState``;
        an existing generator is returned as is (and advanced by whoever draws from it).

    Examples
    --------
    >>> rng = check_random_state(3)
    >>> float(randn(rng, (1,))[0]) == float(np.random.RandomState(3).randn(1)[0])
    True
    """
    if random_state is None:
        return np.random.RandomState()
    if isinstance(random_state, (np.random.RandomState, np.random.Generator)):
        return random_state
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        if not 0 <= int(random_state) < 2**32:
            raise InvalidParameterError(
                f"random_state must be an int in [0, 2**32), got {random_state!r}."
            )
        return np.random.RandomState(int(random_state))
    raise InvalidParameterError(
        "random_state must be None, an int, a numpy RandomState or a numpy Generator, "
        f"got {type(random_state).__name__} {random_state!r}."
    )


def randn(rng: np.random.RandomState | np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Standard normal draws of ``shape`` (``randn`` for RandomState, the course's call)."""
    if isinstance(rng, np.random.RandomState):
        return rng.randn(*shape)
    return rng.standard_normal(shape)


def rand(
    rng: np.random.RandomState | np.random.Generator,
    shape: tuple[int, ...],
    dtype: Any = np.float64,
) -> np.ndarray:
    """Uniform [0, 1) draws of ``shape``."""
    if isinstance(rng, np.random.RandomState):
        return rng.random_sample(shape)
    if np.dtype(dtype) == np.float32:
        return rng.random(shape, dtype=np.float32)
    return rng.random(shape)


def get_state(rng: np.random.RandomState | np.random.Generator) -> str:
    """The generator's state as a JSON string (no pickle needed to save it)."""
    if isinstance(rng, np.random.RandomState):
        name, keys, pos, has_gauss, cached = rng.get_state()
        return json.dumps(
            {
                "kind": "RandomState",
                "name": name,
                "keys": keys.tolist(),
                "pos": int(pos),
                "has_gauss": int(has_gauss),
                "cached_gaussian": float(cached),
            }
        )
    return json.dumps({"kind": "Generator", "state": rng.bit_generator.state})


#: The bit generators a saved state may name, looked up here and never by attribute: a
#: name read from a file must not reach ``getattr(np.random, name)`` (``"seed"`` would
#: call ``np.random.seed()``).
BIT_GENERATORS = {
    "MT19937": np.random.MT19937,
    "PCG64": np.random.PCG64,
    "PCG64DXSM": np.random.PCG64DXSM,
    "Philox": np.random.Philox,
    "SFC64": np.random.SFC64,
}


def _parse(state: Any) -> dict[str, Any]:
    """The JSON of a saved state, checked for its kind (errors name what came)."""
    try:
        data = json.loads(state)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(
            f"a generator state must be JSON; got {state!r:.80} ({exc})."
        ) from None
    kind = data.get("kind") if isinstance(data, dict) else None
    if kind not in ("RandomState", "Generator"):
        raise InvalidParameterError(
            f"a generator state's 'kind' must be 'RandomState' or 'Generator'; got {kind!r:.80}."
        )
    return data


def set_state(rng: np.random.RandomState | np.random.Generator, state: str) -> None:
    """Restore a state saved by :func:`get_state` into ``rng`` of the same kind."""
    data = _parse(state)
    try:
        if isinstance(rng, np.random.RandomState) and data["kind"] == "RandomState":
            keys = np.asarray(data["keys"], dtype=np.uint32)
            if data["name"] != "MT19937" or keys.shape != (624,):
                raise ValueError("a RandomState state holds 624 MT19937 keys")
            rng.set_state(
                (
                    "MT19937",
                    keys,
                    int(data["pos"]),
                    int(data["has_gauss"]),
                    float(data["cached_gaussian"]),
                )
            )
            return
        if isinstance(rng, np.random.Generator) and data["kind"] == "Generator":
            rng.bit_generator.state = data["state"]
            return
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise InvalidParameterError(f"invalid {data['kind']} state: {exc!r:.200}.") from None
    raise InvalidParameterError(
        f"cannot restore a {data['kind']} state into a {type(rng).__name__}."
    )


def from_state(state: str) -> np.random.RandomState | np.random.Generator:
    """A new generator holding a state saved by :func:`get_state`.

    The bit generator is looked up by name in :data:`BIT_GENERATORS` only.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> float(from_state(get_state(rng)).random()) == float(rng.random())
    True
    >>> from_state('{"kind": "Generator", "state": {"bit_generator": "seed"}}')
    Traceback (most recent call last):
    ...
    trainwell.exceptions.InvalidParameterError: a saved generator's 'bit_generator' must ...
    """
    data = _parse(state)
    if data["kind"] == "RandomState":
        rng: np.random.RandomState | np.random.Generator = np.random.RandomState()
    else:
        inner = data.get("state")
        name = inner.get("bit_generator") if isinstance(inner, dict) else None
        maker = BIT_GENERATORS.get(name) if isinstance(name, str) else None
        if maker is None:
            raise InvalidParameterError(
                "a saved generator's 'bit_generator' must be one of "
                f"{', '.join(BIT_GENERATORS)}; got {name!r:.80}."
            )
        rng = np.random.Generator(maker())
    set_state(rng, state)
    return rng
