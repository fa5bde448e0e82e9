"""The array backend's base class: what the engine needs beyond the array API standard.

:mod:`trainwell.backend` chooses and caches backends (and re-exports :class:`Backend`);
:mod:`trainwell._device_backends` holds the CuPy and PyTorch subclasses. Both build on
this module, which imports neither.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._random import rand as _host_rand
from ._random import randn as _host_randn

__all__ = ["NUMPY_OPS", "Backend", "OutFreeNamespace", "as_ops"]


class NumpyNamespace:
    """``numpy`` for math written once against a namespace, its reductions ``sum`` and
    ``max`` as the ndarray methods (the same bits as ``np.sum``/``np.max`` without their
    dispatch, which costs a small network's step a few percent)."""

    def __init__(self) -> None:
        self.sum, self.max = np.ndarray.sum, np.ndarray.max

    def __getattr__(self, name: str) -> Any:
        value = getattr(np, name)
        setattr(self, name, value)  # found once, then a plain attribute
        return value


#: The NumPy namespace the one-definition math runs with (see :class:`NumpyNamespace`).
NUMPY_OPS = NumpyNamespace()


class OutFreeNamespace:
    """NumPy's call forms over an array API namespace, for math written once as NumPy code.

    The layer, loss and optimizer math is written once against a namespace ``xp`` in
    NumPy's form, ``tmp = xp.multiply(a, b, out=buf)``: on NumPy ``xp`` is ``numpy`` and
    ``buf`` a preallocated buffer (the result is written into it, no temporary); on any
    other library ``xp`` is this adapter and ``buf`` None. The standard has no ``out=``:
    each call here returns a new array (``out`` is accepted and ignored), so the code must
    use the returned value, never the buffer. The arithmetic functions are the operators
    (which take Python scalars on every library); anything else is the library's own.

    Examples
    --------
    >>> import array_api_strict as xps
    >>> ops = OutFreeNamespace(xps)
    >>> ops.multiply(xps.asarray([1.0, 2.0]), 0.5, out=None)
    Array([0.5, 1. ], dtype=array_api_strict.float64)
    """

    def __init__(self, xp: Any) -> None:
        self.xp = xp

    def __getattr__(self, name: str) -> Any:
        fn = getattr(self.xp, name)

        def call(*args: Any, out: Any = None, **kwargs: Any) -> Any:
            return fn(*args, **kwargs)

        return call

    def multiply(self, a: Any, b: Any, out: Any = None) -> Any:
        if getattr(b, "dtype", None) == self.xp.bool:  # NumPy's float * bool mask
            b = self.xp.astype(b, a.dtype)
        return a * b

    @staticmethod
    def divide(a: Any, b: Any, out: Any = None) -> Any:
        return a / b

    @staticmethod
    def add(a: Any, b: Any, out: Any = None) -> Any:
        return a + b

    @staticmethod
    def subtract(a: Any, b: Any, out: Any = None) -> Any:
        return a - b

    def vdot(self, a: Any, b: Any) -> Any:
        """``sum(a * b)`` over all elements (NumPy's ``vdot`` of real arrays)."""
        return self.xp.sum(a * b)


def as_ops(xp: Any) -> Any:
    """The namespace math written once runs with, for a namespace ``xp``: :data:`NUMPY_OPS`
    for ``numpy``, ``xp`` itself when it already is one, else :class:`OutFreeNamespace`."""
    if xp is np or isinstance(xp, NumpyNamespace):
        return NUMPY_OPS
    if isinstance(xp, OutFreeNamespace):
        return xp
    return OutFreeNamespace(xp)


class Backend:
    """An array library the engine runs on, with the few helpers the standard lacks.

    This base class serves any library that follows the array API standard; the NumPy,
    CuPy and PyTorch backends override what their libraries do better. Get one with
    :func:`get_backend` or :func:`backend_of`, not by instantiating it.

    Attributes
    ----------
    name : str
        The name :func:`get_backend` takes (stored in a network's config).
    xp : module
        The array namespace (standard-compliant; for NumPy the ``numpy`` module itself).
    is_numpy : bool
        True for the NumPy backend, whose arrays the engine's ``out=`` code handles.
    device : object or None
        Where new arrays go (None: the library's default).
    """

    is_numpy = False

    def __init__(self, name: str, xp: Any, device: Any = None) -> None:
        self.name, self.xp, self.device = name, xp, device

    @property
    def ops(self) -> Any:
        """The namespace the math written once runs on: :data:`NUMPY_OPS` (``numpy``) for
        NumPy, else :class:`OutFreeNamespace` over :attr:`xp` (see there)."""
        if self.is_numpy:
            return NUMPY_OPS
        ops = self.__dict__.get("_ops")
        if ops is None or ops.xp is not self.xp:
            ops = self.__dict__["_ops"] = OutFreeNamespace(self.xp)
        return ops

    # -------------------------------------------------------------- arrays and dtypes
    def dtype(self, dtype: Any) -> Any:
        """The library's dtype for ``dtype`` (a NumPy dtype, its name, or already native)."""
        if isinstance(dtype, (str, np.dtype, type)):
            return getattr(self.xp, np.dtype(dtype).name)
        return dtype

    def numpy_dtype(self, dtype: Any) -> np.dtype:
        """The NumPy dtype matching the library's ``dtype`` (floating and integer kinds)."""
        for name in ("float64", "float32", "float16", "int64", "int32", "bool"):
            if dtype == getattr(self.xp, name, None):
                return np.dtype(name)
        return np.dtype(dtype)

    def is_array(self, x: Any) -> bool:
        """Whether ``x`` is already this library's array."""
        try:
            from array_api_compat import array_namespace

            return array_namespace(x) is self.xp
        except TypeError:
            return False

    def asarray(self, x: Any, dtype: Any = None) -> Any:
        """``x`` (a host array, nested sequence or device array) as this library's array."""
        dt = None if dtype is None else self.dtype(dtype)
        if not self.is_array(x):
            x = np.asarray(x)
        return self.xp.asarray(x, dtype=dt, device=self.device)

    def to_numpy(self, x: Any) -> np.ndarray:
        """A host NumPy copy of ``x``."""
        return np.from_dlpack(self.xp.asarray(x, copy=True))

    def zeros(self, shape: Any, dtype: Any) -> Any:
        return self.xp.zeros(shape, dtype=self.dtype(dtype), device=self.device)

    def empty_like(self, x: Any) -> Any:
        return self.xp.empty_like(x)

    def copy(self, x: Any) -> Any:
        """A copy of ``x`` on the same device (NumPy's ``x.copy()``; PyTorch tensors and
        the standard's arrays have no ``copy`` method)."""
        return self.xp.asarray(x, copy=True)

    def reshape(self, x: Any, shape: tuple[int, ...]) -> Any:
        """A reshaped view of contiguous ``x`` (the layers' views into the flat buffers)."""
        return self.xp.reshape(x, shape)

    # -------------------------------------------------------------- writes into arrays
    def matmul(self, a: Any, b: Any, out: Any) -> Any:
        """``out[...] = a @ b``, in place where the library allows it."""
        out[...] = a @ b
        return out

    def sum0(self, x: Any, out: Any) -> Any:
        """``out[...] = sum(x, axis=0)``."""
        out[...] = self.xp.sum(x, axis=0)
        return out

    def assign(self, dst: Any, src: Any) -> Any:
        """``dst[...] = src`` (same library)."""
        dst[...] = src
        return dst

    def take(self, x: Any, index: Any) -> Any:
        """Rows ``x[index]`` for an integer index array (a host permutation, say)."""
        return self.xp.take(x, self.asarray(index), axis=0)

    def all_finite(self, x: Any) -> bool:
        return bool(self.xp.all(self.xp.isfinite(x)))

    def synchronize(self) -> None:
        """Wait for queued device work (timings); nothing to wait for on the host."""

    def elementwise(self, name: str, in_params: str, out_params: str, body: str) -> Any:
        """A compiled elementwise kernel (CuPy's ``ElementwiseKernel`` signature), or None
        where the library compiles none and the caller runs array expressions instead."""
        return None

    # -------------------------------------------------------------- random numbers
    def make_rng(self, host_rng: Any) -> Any:
        """A generator drawing on the device, seeded from the network's NumPy generator.

        Libraries without a known device generator (``array_api_strict``, which lives on
        the host) draw from ``host_rng`` itself, so their dropout masks equal NumPy's.
        """
        return host_rng

    def rand(self, rng: Any, shape: tuple[int, ...], dtype: Any) -> Any:
        """Uniform [0, 1) draws of ``shape`` from ``rng`` (made by :meth:`make_rng`)."""
        return self.asarray(_host_rand(rng, shape, self.numpy_dtype(dtype)))

    def randn(self, rng: Any, shape: tuple[int, ...], dtype: Any) -> Any:
        """Standard normal draws of ``shape`` from ``rng`` (made by :meth:`make_rng`)."""
        return self.asarray(_host_randn(rng, shape), dtype)

    # -------------------------------------------------------------- identity
    #: How a pickled backend is found again by its name: :func:`trainwell.backend.get_backend`,
    #: set by that module (which every backend is made by), so this one imports nothing
    #: above it.
    _rebuild: Any = None

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (type(self)._rebuild, (self.name,))

    def __repr__(self) -> str:
        return f"Backend({self.name!r})"
