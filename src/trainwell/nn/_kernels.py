"""Compiled elementwise kernels for the device engine (:mod:`trainwell.nn._xp`) on CuPy.

On a GPU a training step of a small network is bound by the host issuing kernels, not by
the device running them: on the H100 that checked this, each CuPy operation cost 15-25 us
of host time whatever its size, and the array API expressions of one W3 step issued about
45 of them (these kernels bring it to about 25). Each function here does in one kernel
what the standard's expressions do in several, and returns None where the backend
compiles no kernels (NumPy, PyTorch, ``array_api_strict``), so the caller runs the
standard's expressions instead:

- a Dense layer's bias and activation, ``Z += b; A = g(Z)`` (one kernel instead of two);
- an activation's backward pass ``dZ = dA * g'(Z)`` (one instead of two or three);
- softmax, keeping the row maximum and the row sum of exponentials, from which the
  cross-entropy cost is one kernel, a sum and a division (instead of ten operations);
- the losses' costs and the output gradient ``dZ = (A - Y) / m``.

Each body is C for CuPy's ``ElementwiseKernel`` and has the NumPy code's order of
operations (the tests run the bodies through an emulator against the NumPy results).
"""

from __future__ import annotations

from typing import Any

from .activations import LEAKY_SLOPE

__all__ = [
    "activation_backward",
    "bias_activation",
    "cost",
    "output_gradient",
    "softmax",
]

# a = g(z), as the NumPy functions compute it (ReLU keeps a NaN: NaN < 0 is false)
_FORWARD = {
    "relu": "z < 0 ? (T)0 : z",
    "leaky_relu": f"z > 0 ? z : z * (T){LEAKY_SLOPE!r}",
    "tanh": "tanh(z)",
    "sigmoid": (  # e^z / (1 + e^z) below 0: full relative precision on the lower tail
        "z < 0 ? exp(-fabs(z)) / ((T)1 + exp(-fabs(z))) : (tanh(z * (T)0.5) + (T)1) * (T)0.5"
    ),
}
# dz = da * g'(z), from the pre-activation z or the activation a
_BACKWARD = {
    "relu": "z > 0 ? da : (T)0",
    "leaky_relu": f"z > 0 ? da : da * (T){LEAKY_SLOPE!r}",
    "tanh": "da * ((T)1 - a * a)",
    "sigmoid": "da * (a * ((T)1 - a))",
}
# one output's cost term; J is their sum over the batch divided by m (mse: by 2 m), as in
# NumPy: summed first, so a sum that overflows makes J infinite there too. Cross-entropy's
# term is -y log(yhat) with NumPy's log(yhat) = (z - max) - log(sum).
_COST = {
    "binary_crossentropy": "t = max(z, (T)0) - z * y + log1p(exp(-fabs(z)))",
    "categorical_crossentropy": "t = y * (log(s) - (z - mrow))",
    "mse": "t = (a - y) * (a - y)",
}


def _kernel(bk: Any, name: str, in_params: str, out_params: str, body: str) -> Any:
    return bk.elementwise(f"nn_{name}", in_params, out_params, body)


def _scalar(bk: Any, like: Any, value: float) -> Any:
    """``value`` as a scalar of ``like``'s dtype (a kernel's ``T`` parameter)."""
    kind = getattr(like.dtype, "type", None) or bk.numpy_dtype(like.dtype).type
    return kind(value)


def bias_activation(bk: Any, activation: str, Z: Any, b: Any) -> Any:
    """``Z += b`` in place and ``A = g(Z)`` in one kernel; None without a kernel."""
    expr = _FORWARD.get(activation)
    kernel = expr and _kernel(bk, f"bias_{activation}", "T b", "T z, T a", f"z += b; a = {expr}")
    if not kernel:
        return None
    A = bk.xp.empty_like(Z)
    kernel(b, Z, A)
    return A


def activation_backward(bk: Any, activation: str | None, dA: Any, Z: Any, A: Any) -> Any:
    """``dZ = dA * g'(Z)`` in one kernel; None without a kernel."""
    expr = _BACKWARD.get(activation)
    kernel = expr and _kernel(bk, f"{activation}_back", "T da, T z, T a", "T dz", f"dz = {expr}")
    if not kernel:
        return None
    dZ = bk.xp.empty_like(dA)
    kernel(dA, Z, A, dZ)
    return dZ


def softmax(bk: Any, Z: Any) -> tuple[Any, tuple[Any, Any]] | None:
    """``A = exp(Z - max) / sum(exp(Z - max))`` by rows, with ``(max, sum)`` kept for the
    cross-entropy cost (two reductions and two kernels); None without kernels."""
    exp = _kernel(bk, "softmax_exp", "T z, T mrow", "T e", "e = exp(z - mrow)")
    div = _kernel(bk, "softmax_div", "T s", "T e", "e = e / s")
    if not (exp and div):
        return None
    xp = bk.xp
    mrow = xp.max(Z, axis=1, keepdims=True)
    E = xp.empty_like(Z)
    exp(Z, mrow, E)
    s = xp.sum(E, axis=1, keepdims=True)
    div(s, E)
    return E, (mrow, s)


def cost(bk: Any, loss: str, Z: Any, A: Any, Y: Any, stats: Any = None) -> Any:
    """The loss J as a 0-d device array: one kernel for the terms, a sum and a division;
    None without a kernel. ``stats`` are softmax's ``(max, sum)`` of these ``Z`` (cross-entropy)."""
    body = _COST.get(loss)
    if body is None or Y.dtype != Z.dtype:  # a kernel's T is one dtype
        return None
    m = Y.shape[0]
    if loss == "categorical_crossentropy":
        kernel = _kernel(bk, "cost_" + loss, "T y, T z, T mrow, T s", "T t", body)
        if kernel and stats is None:
            stats = softmax(bk, Z)[1]
        args = (Y, Z, *(stats or ()))
    else:
        kernel = _kernel(bk, "cost_" + loss, "T y, T z, T a", "T t", body)
        args = (Y, Z, A)
    if not kernel:
        return None
    terms = bk.xp.empty_like(Z)
    kernel(*args, terms)
    return bk.xp.sum(terms) / (2 * m if loss == "mse" else m)


def output_gradient(bk: Any, A: Any, Y: Any) -> Any:
    """``(A - Y) / m`` in one kernel (the losses' shared output gradient); None without."""
    if Y.dtype != A.dtype:
        return None
    kernel = _kernel(bk, "output_grad", "T a, T y, T inv_m", "T dz", "dz = (a - y) * inv_m")
    if not kernel:
        return None
    dZ = bk.xp.empty_like(A)
    kernel(A, Y, _scalar(bk, A, 1.0 / Y.shape[0]), dZ)
    return dZ
