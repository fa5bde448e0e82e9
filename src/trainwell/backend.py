"""Array backends: which array library runs the engine (NumPy by default, CuPy on a GPU).

NumPy runs the engine's own code: ``out=`` calls into preallocated buffers, tuned for
course-sized networks. Any other library runs the same mathematics written against the
Python array API standard (through ``array-api-compat``), chosen once when a network is
built. The standard lacks a few things the engine needs; each backend supplies them here:

- random numbers drawn on the device (dropout masks), seeded once from the network's
  NumPy generator; initial weights are still drawn by that generator on the host, exactly
  as the course draws them, and copied to the device once;
- writes into existing arrays (``out=``), so gradients land in the one flat ``grad``
  buffer: :meth:`Backend.matmul` and :meth:`Backend.sum0`;
- row gathers with a host permutation (:meth:`Backend.take`), host transfers
  (:meth:`Backend.asarray`, :meth:`Backend.to_numpy`) and fused elementwise kernels for the
  optimizer step where the library compiles them (CuPy: :meth:`Backend.elementwise`).

Backends by name: ``"numpy"`` (the default), ``"cupy"`` (an NVIDIA GPU; ``pip install
'trainwell[gpu]'``), ``"torch"`` (PyTorch tensors on CUDA when available, else the CPU;
``"torch:cpu"`` and ``"torch:cuda"`` choose), ``"array_api_strict"`` (the standard's
reference library: it rejects anything outside the standard, which is what the tests want).
Any other array API library is given as its module (``get_backend(jax.numpy)``), after
which its name works too, in that process. A name is checked against this allow-list
before anything is imported: a backend name read from a saved model, a checkpoint or the
command line never imports a module that is not one of these libraries.

Examples
--------
>>> bk = get_backend("numpy")
>>> bk.name, bk.is_numpy
('numpy', True)
>>> backend_of(np.zeros(3)) is bk
True
"""

from __future__ import annotations

import importlib
import re
import types
from typing import Any

import numpy as np

from ._backend_base import NUMPY_OPS, Backend, OutFreeNamespace, as_ops
from ._random import rand as _host_rand
from ._random import randn as _host_randn
from .exceptions import InvalidParameterError

__all__ = [
    "BACKENDS",
    "NUMPY_OPS",
    "Backend",
    "OutFreeNamespace",
    "as_ops",
    "backend_of",
    "get_backend",
]

#: The names :func:`get_backend` knows without importing anything first.
BACKENDS = ("numpy", "cupy", "torch", "array_api_strict")
#: ``torch`` with a device: ``torch:cpu``, ``torch:cuda``, ``torch:cuda:1``, ``torch:mps``.
_TORCH_DEVICE = re.compile(r"torch:[a-z]+(:[0-9]+)?")


class _NumpyBackend(Backend):
    is_numpy = True

    def __init__(self) -> None:
        super().__init__("numpy", np)

    def is_array(self, x: Any) -> bool:
        return isinstance(x, np.ndarray)

    def asarray(self, x: Any, dtype: Any = None) -> np.ndarray:
        return np.asarray(x, dtype=dtype)

    def to_numpy(self, x: Any) -> np.ndarray:
        return np.array(x)

    def copy(self, x: Any) -> np.ndarray:
        return x.copy()

    def zeros(self, shape: Any, dtype: Any) -> np.ndarray:
        return np.zeros(shape, dtype=dtype)

    def reshape(self, x: Any, shape: tuple[int, ...]) -> np.ndarray:
        return x.reshape(shape)

    def matmul(self, a, b, out):
        return np.matmul(a, b, out=out)

    def sum0(self, x, out):
        return np.sum(x, axis=0, out=out)

    def assign(self, dst, src):
        np.copyto(dst, src)
        return dst

    def take(self, x, index):
        return x[index]

    def all_finite(self, x) -> bool:
        return bool(np.isfinite(x).all())

    def rand(self, rng, shape, dtype):
        return _host_rand(rng, shape, dtype)

    def randn(self, rng, shape, dtype):
        return np.asarray(_host_randn(rng, shape), dtype=dtype)


_NUMPY = _NumpyBackend()
_CACHE: dict[str, Backend] = {"numpy": _NUMPY}
_BY_TYPE: dict[type, Backend] = {}
_MODULE_NAMES = {
    "numpy": "numpy",
    "cupy": "cupy",
    "torch": "torch",
    "array_api_compat.numpy": "numpy",
    "array_api_compat.cupy": "cupy",
    "array_api_compat.torch": "torch",
}


def get_backend(spec: Any = "numpy") -> Backend:
    """The backend for a name, an array namespace or a :class:`Backend`.

    Parameters
    ----------
    spec : str, module, Backend or None
        ``"numpy"`` (also None), ``"cupy"``, ``"torch"``, ``"torch:cpu"``, ``"torch:cuda"``,
        ``"array_api_strict"``, or an array API module (``numpy``, ``cupy``, ``torch``, an
        ``array_api_compat`` namespace, ``jax.numpy``, ...). A name is checked against
        this allow-list (and the modules already given in this process) before any
        import, so a name read from a file can import nothing else.

    Returns
    -------
    Backend
        One shared object per name.

    Raises
    ------
    InvalidParameterError
        For a name outside the allow-list (nothing is imported for it), a module that
        is no array API namespace, or a PyTorch device that does not exist.
    BackendUnavailableError
        When CuPy (or a GPU for it), PyTorch or array-api-compat is missing; the message
        says what to install.

    Examples
    --------
    >>> get_backend(np) is get_backend() is get_backend("numpy")
    True
    """
    if isinstance(spec, Backend):
        return spec
    if spec is None:
        return _NUMPY
    if isinstance(spec, types.ModuleType):
        name = _MODULE_NAMES.get(spec.__name__, spec.__name__)
        if name not in _CACHE and name not in _MODULE_NAMES.values():
            _CACHE[name] = _namespace_backend(name, spec)
        return get_backend(name)
    if not isinstance(spec, str):
        raise InvalidParameterError(
            "The 'backend' parameter must be a name such as 'numpy' or 'cupy', an array "
            f"namespace module or a Backend. Got {spec!r} instead."
        )
    key = spec.strip().lower()
    bk = _CACHE.get(key)
    if bk is None and key not in BACKENDS and not _TORCH_DEVICE.fullmatch(key):
        raise InvalidParameterError(
            f"The 'backend' parameter must be one of {', '.join(map(repr, BACKENDS))} "
            f"(or 'torch:DEVICE', e.g. 'torch:cpu'), or an array API module object. Got "
            f"{spec[:80]!r} instead; nothing was imported for it."
        )
    if bk is None:
        if key == "cupy":
            from ._device_backends import CupyBackend

            bk = CupyBackend()
        elif key == "torch" or key.startswith("torch:"):
            from ._device_backends import TorchBackend

            bk = TorchBackend(key)
        else:
            bk = _namespace_backend(key, None)
        _CACHE[key] = bk
    return bk


Backend._rebuild = staticmethod(get_backend)  # pickles find a backend by its name


def _namespace_backend(name: str, module: Any) -> Backend:
    """The generic backend over an array API library given by module, or by a name of
    :data:`BACKENDS` (checked by the caller before this import)."""
    if module is None:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            raise InvalidParameterError(
                f"The 'backend' parameter must be one of {', '.join(map(repr, BACKENDS))} "
                f"or an installed array API library. Got {name!r} ({exc})."
            ) from exc
    if not hasattr(module, "__array_api_version__"):
        raise InvalidParameterError(
            f"backend={name!r}: the module is no array API namespace (it has no "
            f"__array_api_version__); valid names: {', '.join(map(repr, BACKENDS))}."
        )
    return Backend(name, module)


def backend_of(x: Any) -> Backend:
    """The backend whose arrays ``x`` is (an optimizer finds its kernels this way).

    Examples
    --------
    >>> backend_of(np.ones(2)).name
    'numpy'
    """
    if isinstance(x, np.ndarray):
        return _NUMPY
    kind = type(x)
    bk = _BY_TYPE.get(kind)
    if bk is not None:
        return bk
    root = kind.__module__.partition(".")[0]
    if root == "torch":  # one backend per device
        return get_backend(f"torch:{x.device}")
    if root == "cupy":
        bk = get_backend("cupy")
    else:
        from array_api_compat import array_namespace

        bk = get_backend(array_namespace(x))
    _BY_TYPE[kind] = bk
    return bk
