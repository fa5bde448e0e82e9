"""Activation functions g(Z) and their backward passes dZ = dA * g'(Z).

Each activation is a pair of small functions working on preallocated arrays:
``forward(Z, out) -> A`` and ``backward(dA, Z, A) -> dZ`` (which may overwrite ``dA``,
a buffer the network owns). The registry maps names to them; unknown names list the
valid ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

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
        The same in the array API standard, for networks on other backends (see
        :mod:`trainwell.backend`): ``xp_forward(xp, Z) -> A`` and
        ``xp_backward(xp, dA, Z, A) -> dZ``, returning new arrays (the standard has no
        ``out=``). An activation without them trains on NumPy only.
    kernel_code : int, optional
        The compiled (numba) engine's branch for this activation in
        :mod:`trainwell.nn._fast_kernels` (``_bias_act``, ``_back_act``); None (the default
        for a new activation): the compiled engine refuses networks that use it, naming it.
    """

    name: str
    forward: Callable[[np.ndarray, np.ndarray], np.ndarray]
    backward: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    xp_forward: Callable[[Any, Any], Any] | None = None
    xp_backward: Callable[[Any, Any, Any, Any], Any] | None = None
    kernel_code: int | None = None


def _relu(Z, out):
    return np.maximum(Z, 0, out=out)


def _relu_back(dA, Z, A):
    # g'(Z) = 1 where Z > 0 else 0 (the subgradient at 0 is taken as 0, as the course does).
    return np.multiply(dA, Z > 0, out=dA)


#: g(z) = 0.01 z for z <= 0: the one definition every engine reads (the compiled kernels
#: get it as an argument).
LEAKY_SLOPE = 0.01


def _leaky(Z, out):
    # g(Z) = Z where Z > 0 else 0.01 Z, which for a slope below 1 is max(Z, 0.01 Z): the
    # same bits in two passes and no temporaries (out may be Z itself).
    slope = np.multiply(Z, LEAKY_SLOPE, out=out if out is not Z else None)
    return np.maximum(Z, slope, out=out)


def _leaky_back(dA, Z, A):
    # g'(Z) = 1 where Z > 0 else 0.01, picked in Z's dtype (no float64 temporary to cast)
    one, slope = Z.dtype.type(1), Z.dtype.type(LEAKY_SLOPE)
    return np.multiply(dA, np.where(Z > 0, one, slope), out=dA)


def _tanh(Z, out):
    return np.tanh(Z, out=out)


def _tanh_back(dA, Z, A):
    # g'(Z) = 1 - tanh(Z)^2 = 1 - A^2
    return np.multiply(dA, 1 - A * A, out=dA)


def _sigmoid(Z, out):
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


def _sigmoid_back(dA, Z, A):
    return np.multiply(dA, A * (1 - A), out=dA)


def _linear(Z, out):
    if out is not Z:
        np.copyto(out, Z)
    return out


def _linear_back(dA, Z, A):
    return dA


def _softmax(Z, out):
    # Shifted exponentials: softmax(Z) = softmax(Z - max Z), with no overflow.
    np.subtract(Z, Z.max(axis=1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=1, keepdims=True)
    return out


def _softmax_back(dA, Z, A):
    # dZ_i = A_i (dA_i - sum_j dA_j A_j); used only when softmax is not fused with its loss.
    s = (dA * A).sum(axis=1, keepdims=True)
    np.subtract(dA, s, out=dA)
    return np.multiply(dA, A, out=dA)


# The same functions in the array API standard (new arrays, no out=), with the NumPy
# versions' order of operations, for networks on other backends.
def _xp_relu(xp, Z):
    return xp.maximum(Z, 0.0)


def _xp_relu_back(xp, dA, Z, A):
    return xp.where(Z > 0, dA, 0.0)


def _xp_leaky(xp, Z):
    return xp.where(Z > 0, Z, Z * LEAKY_SLOPE)


def _xp_leaky_back(xp, dA, Z, A):
    return xp.where(Z > 0, dA, dA * LEAKY_SLOPE)


def _xp_tanh(xp, Z):
    return xp.tanh(Z)


def _xp_tanh_back(xp, dA, Z, A):
    return dA * (1 - A * A)


def _xp_sigmoid(xp, Z):
    e = xp.exp(-xp.abs(Z))  # e^z for z < 0, never overflowing
    return xp.where(Z < 0, e / (1 + e), (xp.tanh(Z * 0.5) + 1) * 0.5)


def _xp_sigmoid_back(xp, dA, Z, A):
    return dA * (A * (1 - A))


def _xp_linear(xp, Z):
    return Z


def _xp_linear_back(xp, dA, Z, A):
    return dA


def _xp_softmax(xp, Z):
    E = xp.exp(Z - xp.max(Z, axis=1, keepdims=True))
    return E / xp.sum(E, axis=1, keepdims=True)


def _xp_softmax_back(xp, dA, Z, A):
    return (dA - xp.sum(dA * A, axis=1, keepdims=True)) * A


ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation("relu", _relu, _relu_back, _xp_relu, _xp_relu_back, 1),
    "leaky_relu": Activation("leaky_relu", _leaky, _leaky_back, _xp_leaky, _xp_leaky_back, 2),
    "tanh": Activation("tanh", _tanh, _tanh_back, _xp_tanh, _xp_tanh_back, 3),
    "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_back, _xp_sigmoid, _xp_sigmoid_back, 4),
    "linear": Activation("linear", _linear, _linear_back, _xp_linear, _xp_linear_back, 0),
    "softmax": Activation("softmax", _softmax, _softmax_back, _xp_softmax, _xp_softmax_back, 5),
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
