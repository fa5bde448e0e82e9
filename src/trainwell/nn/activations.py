"""Activation functions g(Z) and their backward passes dZ = dA * g'(Z).

Each activation is a pair of small functions working on preallocated arrays:
``forward(Z, out) -> A`` and ``backward(dA, Z, A) -> dZ`` (which may overwrite ``dA``,
a buffer the network owns). The registry maps names to them; unknown names list the
valid ones.

Written once: the registered pairs take a last argument ``xp``, the array namespace
(:data:`~trainwell.backend.NUMPY_OPS` by default, so the NumPy layers' calls are the
NumPy code itself, ``out=`` into their buffers); the array-API engine calls the same
functions with ``out=None`` and its backend's :attr:`~trainwell.backend.Backend.ops`,
which returns new arrays. Two halves keep a separate array-API form (``xp_forward`` /
``xp_backward``), and say why where they are defined: sigmoid's forward and leaky ReLU's
backward.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from ..backend import NUMPY_OPS, as_ops
from ..exceptions import InvalidParameterError

__all__ = ["ACTIVATIONS", "Activation", "get_activation"]


@dataclass(frozen=True)
class Activation:
    """A named activation: ``A = g(Z)`` and ``dZ = dA * g'(Z)``.

    Attributes
    ----------
    name : str
        Registry name.
    forward : callable
        ``forward(Z, out) -> A``; ``out`` may be ``Z`` itself only for ``linear``.
    backward : callable
        ``backward(dA, Z, A) -> dZ``; may reuse ``dA``'s memory.
    xp_forward, xp_backward : callable, optional
        A separate array-API form, for networks on other backends (see
        :mod:`trainwell.backend`): ``xp_forward(xp, Z) -> A`` and
        ``xp_backward(xp, dA, Z, A) -> dZ``, returning new arrays. Without one, the
        array-API engine runs ``forward``/``backward`` themselves when ``namespace`` is
        True, and refuses the activation (naming it) otherwise.
    kernel_code : int, optional
        The compiled (numba) engine's branch for this activation in
        :mod:`trainwell.nn._fast_kernels` (``_bias_act``, ``_back_act``); None (the default
        for a new activation): the compiled engine refuses networks that use it, naming it.
    namespace : bool, default=False
        True when ``forward(Z, out, xp)`` and ``backward(dA, Z, A, xp)`` take the array
        namespace as a last argument (``out`` None: return new arrays), so one definition
        serves every engine.
    """

    name: str
    forward: Callable[[np.ndarray, np.ndarray], np.ndarray]
    backward: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    xp_forward: Callable[[Any, Any], Any] | None = None
    xp_backward: Callable[[Any, Any, Any, Any], Any] | None = None
    kernel_code: int | None = None
    namespace: bool = False

    def array_api_pair(self) -> tuple[Callable, Callable] | None:
        """``(xp_forward(xp, Z), xp_backward(xp, dA, Z, A))`` for the array-API engine:
        the separate forms where given, else the one definition run with
        :func:`~trainwell.backend.as_ops`; None when there is neither."""
        fwd = self.xp_forward
        if fwd is None and self.namespace:
            fwd = partial(_namespace_forward, self.forward)
        bwd = self.xp_backward
        if bwd is None and self.namespace:
            bwd = partial(_namespace_backward, self.backward)
        return None if fwd is None or bwd is None else (fwd, bwd)


def _namespace_forward(forward: Callable, xp: Any, Z: Any) -> Any:
    return forward(Z, None, as_ops(xp))


def _namespace_backward(backward: Callable, xp: Any, dA: Any, Z: Any, A: Any) -> Any:
    return backward(dA, Z, A, as_ops(xp))


def _relu(Z, out, xp=NUMPY_OPS):
    return xp.maximum(Z, 0, out=out)


def _relu_back(dA, Z, A, xp=NUMPY_OPS):
    # g'(Z) = 1 where Z > 0 else 0 (the subgradient at 0 is taken as 0, as the course does).
    return xp.multiply(dA, Z > 0, out=dA)


#: g(z) = 0.01 z for z <= 0: the one definition every engine reads (the compiled kernels
#: get it as an argument).
LEAKY_SLOPE = 0.01


def _leaky(Z, out, xp=NUMPY_OPS):
    # g(Z) = Z where Z > 0 else 0.01 Z, which for a slope below 1 is max(Z, 0.01 Z): the
    # same bits in two passes and no temporaries (out may be Z itself).
    slope = xp.multiply(Z, LEAKY_SLOPE, out=out if out is not Z else None)
    return xp.maximum(Z, slope, out=out)


def _leaky_back(dA, Z, A):
    # g'(Z) = 1 where Z > 0 else 0.01, picked in Z's dtype (no float64 temporary to cast).
    # NumPy only (the array-API form is _xp_leaky_back): the standard's where() takes no
    # two scalars of an array's dtype (``Z.dtype.type``), and writing it as
    # where(Z > 0, dA, dA * 0.01) would add a whole-array temporary to the NumPy step.
    one, slope = Z.dtype.type(1), Z.dtype.type(LEAKY_SLOPE)
    return np.multiply(dA, np.where(Z > 0, one, slope), out=dA)


def _tanh(Z, out, xp=NUMPY_OPS):
    return xp.tanh(Z, out=out)


def _tanh_back(dA, Z, A, xp=NUMPY_OPS):
    # g'(Z) = 1 - tanh(Z)^2 = 1 - A^2
    return xp.multiply(dA, 1 - A * A, out=dA)


def _sigmoid(Z, out):
    # NumPy only (the array-API form is _xp_sigmoid): the negative tail is computed on
    # Z[Z < 0] alone, which needs neg.any() and a boolean-mask gather, data-dependent
    # shapes that make a GPU wait for the host every layer, every step.
    # sigma(z) = 1 / (1 + e^-z), with full relative precision on both tails and no
    # overflow: (1 + tanh(z/2)) / 2 for z >= 0 (an absolute error of an ulp of a number in
    # [1/2, 1]), and e^z / (1 + e^z) for z < 0, where 1 + tanh(z/2) would cancel (it loses
    # digits below z = -2 and is exactly 0 below z = -38, so log(sigma) was -inf).
    neg = Z < 0
    tail = None
    if neg.any():  # computed before out (which may be Z itself) is written
        e = np.exp(Z[neg])
        tail = e / (1 + e)
    np.multiply(Z, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1
    out *= 0.5
    if tail is not None:
        out[neg] = tail
    return out


def _sigmoid_back(dA, Z, A, xp=NUMPY_OPS):
    return xp.multiply(dA, A * (1 - A), out=dA)


def _linear(Z, out, xp=NUMPY_OPS):
    if out is not Z and out is not None:
        np.copyto(out, Z)
        return out
    return Z


def _linear_back(dA, Z, A, xp=NUMPY_OPS):
    return dA


def _softmax(Z, out, xp=NUMPY_OPS):
    # Shifted exponentials: softmax(Z) = softmax(Z - max Z), with no overflow.
    out = xp.subtract(Z, xp.max(Z, axis=1, keepdims=True), out=out)
    out = xp.exp(out, out=out)
    out /= xp.sum(out, axis=1, keepdims=True)
    return out


def _softmax_back(dA, Z, A, xp=NUMPY_OPS):
    # dZ_i = A_i (dA_i - sum_j dA_j A_j); used only when softmax is not fused with its loss.
    s = xp.sum(dA * A, axis=1, keepdims=True)
    dA = xp.subtract(dA, s, out=dA)
    return xp.multiply(dA, A, out=dA)


# The two separate array-API halves (new arrays, no out=; see _sigmoid and _leaky_back).
def _xp_leaky_back(xp, dA, Z, A):
    return xp.where(Z > 0, dA, dA * LEAKY_SLOPE)


def _xp_sigmoid(xp, Z):
    e = xp.exp(-xp.abs(Z))  # e^z for z < 0, never overflowing
    return xp.where(Z < 0, e / (1 + e), (xp.tanh(Z * 0.5) + 1) * 0.5)


def _one(
    name: str, forward: Callable, backward: Callable, code: int, **separate: Any
) -> Activation:
    """A registered activation written once (``namespace=True``)."""
    return Activation(name, forward, backward, kernel_code=code, namespace=True, **separate)


ACTIVATIONS: dict[str, Activation] = {
    "relu": _one("relu", _relu, _relu_back, 1),
    "leaky_relu": _one("leaky_relu", _leaky, _leaky_back, 2, xp_backward=_xp_leaky_back),
    "tanh": _one("tanh", _tanh, _tanh_back, 3),
    "sigmoid": _one("sigmoid", _sigmoid, _sigmoid_back, 4, xp_forward=_xp_sigmoid),
    "linear": _one("linear", _linear, _linear_back, 0),
    "softmax": _one("softmax", _softmax, _softmax_back, 5),
}


def get_activation(name: str) -> Activation:
    """Look an activation up by name.

    Examples
    --------
    >>> g = get_activation("relu")
    >>> g.forward(np.array([[-1.0, 2.0]]), np.empty((1, 2)))
    array([[0., 2.]])
    """
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise InvalidParameterError(
            f"The 'activation' parameter must be one of "
            f"{', '.join(repr(k) for k in ACTIVATIONS)}. Got {name!r} instead."
        )
    return ACTIVATIONS[name]
