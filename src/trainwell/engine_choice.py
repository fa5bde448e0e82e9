"""``engine=``: one argument for where and how a network trains.

One name says both where a network's arrays live (the array library, see
:mod:`trainwell.backend`) and how its steps run there:

======================  ===================  ==========================================
engine                  arrays               steps
======================  ===================  ==========================================
``"auto"`` (default)    NumPy                NumPy's layers; a compiled (numba) kernel
                                             where a measured cost model predicts it
                                             faster (small and thin networks)
                                             (``TRAINWELL_ENGINE`` may name the choice)
``"numpy"``             NumPy                NumPy's layers, never compiled
``"numba"``             NumPy                the compiled kernel wherever it applies
``"cupy"``              CuPy (NVIDIA GPU)    the array-API passes
``"torch"``             PyTorch              the array-API passes (CUDA when available;
                                             ``"torch:cuda"``, ``"torch:cpu"`` choose)
``"array_api_strict"``  the standard's       the array-API passes
                        reference library
a module                that namespace       the array-API passes (NumPy's module is
                                             ``"numpy"``)
======================  ===================  ==========================================

:class:`~trainwell.nn.Network` takes it (``Network(..., engine="cupy")``), keeps it as
``network.engine`` and writes it into its model file; ``fit``, ``Trainer`` and the
estimators take it too. ``fit(engine=None)`` (the default) trains on the network's own
engine; an explicit one may choose among the NumPy engines for a NumPy network, or repeat
the network's device, and is refused with a clear message when it names other arrays
than the network's (a network moves only by being rebuilt: ``Network.load(path,
engine=...)``). Before this argument, ``Network(backend=...)`` chose the arrays; that
spelling still works for one release with a DeprecationWarning (:func:`engine_from_backend`
is its translation: ``backend="numpy"`` is ``engine="auto"``).

Examples
--------
>>> parse_engine("auto")
('auto', 'numpy')
>>> parse_engine(" NUMBA ")
('numba', 'numpy')
>>> engine_from_backend("numpy"), engine_from_backend("cupy")
('auto', 'cupy')
"""

from __future__ import annotations

import types
import warnings
from typing import Any

from ._backend_base import Backend
from .backend import BACKENDS, get_backend
from .exceptions import InvalidParameterError

__all__ = [
    "ENGINES",
    "HOST_ENGINES",
    "config_engine",
    "deprecated_backend",
    "engine_backend",
    "engine_from_backend",
    "network_engine",
    "parse_engine",
]

#: The engines that train on NumPy arrays (how a step runs there).
HOST_ENGINES = ("auto", "numpy", "numba")
#: Every engine name known without importing anything ("torch:DEVICE" names a device too).
ENGINES = HOST_ENGINES + tuple(b for b in BACKENDS if b != "numpy") + ("torch:cuda", "torch:cpu")


def _names() -> str:
    return ", ".join(map(repr, ENGINES))


def parse_engine(spec: Any, caller: str = "Network", name: str = "engine") -> tuple[str, str]:
    """``(engine, backend name)`` for an ``engine=`` value, checked.

    Parameters
    ----------
    spec : str, module or Backend
        An engine name (see the module's table), an array API namespace module or a
        :class:`~trainwell.backend.Backend`.
    caller, name : str
        For the error message: the function and parameter the value was given to.

    Returns
    -------
    (str, str)
        The engine's canonical name (lower case; a module or Backend gives its backend's
        name, "numpy" for NumPy's) and the name of the array backend it trains on.

    Raises
    ------
    InvalidParameterError
        For anything else; a name outside the allow-list imports nothing.
    BackendUnavailableError
        When the library of a device engine is missing (the message says what to install).
    """
    if isinstance(spec, str):
        key = spec.strip().lower()
        if key in HOST_ENGINES:
            return key, "numpy"
        try:
            bk = get_backend(key)
        except InvalidParameterError:
            raise InvalidParameterError(
                f"The '{name}' parameter of {caller} must be one of {_names()} (or "
                f"'torch:DEVICE', e.g. 'torch:cuda:1'), or an array API module. Got "
                f"{spec[:80]!r} instead; nothing was imported for it."
            ) from None
        return bk.name, bk.name
    if isinstance(spec, (types.ModuleType, Backend)):
        bk = get_backend(spec)
        return bk.name, bk.name
    raise InvalidParameterError(
        f"The '{name}' parameter of {caller} must be one of {_names()} or an array API "
        f"module. Got {type(spec).__name__} {spec!r:.80} instead."
    )


def engine_backend(engine: str) -> Backend:
    """The :class:`~trainwell.backend.Backend` an engine's arrays live on."""
    return get_backend("numpy" if engine in HOST_ENGINES else engine)


def engine_from_backend(backend: Any) -> Any:
    """The ``engine=`` value that means what ``backend=`` meant: NumPy (a name, NumPy's
    module, None) is ``"auto"`` (fit's old default), another backend is itself."""
    if backend is None:
        return "auto"
    if isinstance(backend, str):
        return "auto" if backend.strip().lower() == "numpy" else backend
    bk = get_backend(backend)
    return "auto" if bk.is_numpy else bk  # the object itself: it may be no registered one


def network_engine(engine: Any, caller: str = "Network") -> tuple[str, Backend]:
    """``(engine name, Backend)`` for ``Network(engine=...)``, checked (:func:`parse_engine`)."""
    name, arrays = parse_engine(engine, caller)
    return name, get_backend(arrays if isinstance(engine, str) else engine)


def config_engine(config: dict[str, Any], engine: Any = None, backend: Any = None) -> Any:
    """The engine to rebuild a saved network on: ``engine`` (or the deprecated ``backend``)
    when given, else the config's; a config written before ``engine`` existed holds only
    its ``backend`` (see :func:`engine_from_backend`)."""
    engine = deprecated_backend("Network.from_config", backend, engine, None, stacklevel=4)
    if engine is None:
        engine = config.get("engine") or engine_from_backend(config.get("backend"))
    return engine


def deprecated_backend(
    caller: str, backend: Any, engine: Any, default: Any = "auto", stacklevel: int = 3
) -> Any:
    """The engine for a call that used the old ``backend=`` (warning once per call).

    ``engine`` must be left at ``default``: giving both is an error."""
    if backend is None:
        return engine
    new = engine_from_backend(backend)
    shown = new if isinstance(new, str) else getattr(new, "name", new)
    warnings.warn(
        f"{caller}(backend=...) is deprecated and will be removed in the next release; "
        f"use {caller}(engine={shown!r}) (engine= chooses the arrays and how steps run "
        "on them: 'auto', 'numpy', 'numba', 'cupy', 'torch', ...).",
        DeprecationWarning,
        stacklevel=stacklevel,
    )
    if engine is not default and engine != default:
        raise InvalidParameterError(
            f"{caller} got backend={backend!r} and engine={engine!r}; backend= is the "
            "deprecated spelling of engine=. Give engine only."
        )
    return new
