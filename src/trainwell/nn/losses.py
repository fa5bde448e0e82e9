"""Losses J(A, Y) averaged over the m examples of a batch, with fused output gradients.

Each loss pairs with an output activation: binary cross-entropy with sigmoid, categorical
cross-entropy with softmax, mean squared error with any (linear by default). For the
natural pairs the gradient with respect to the output layer's Z is the fused, exact and
cheap ``dZ = (A - Y) / m``. The cost is computed from the logits Z, never from log(A), so
it stays finite for extreme logits.

Each loss's mathematics is written once, against an array namespace ``xp``
(:meth:`Loss.total`, :meth:`Loss.gradient`): the NumPy engine runs it with
:data:`~trainwell.backend.NUMPY_OPS` (``numpy``, ``out=`` into the network's buffer) through
:meth:`Loss.cost` and :meth:`Loss.output_gradient`; the array-API engine with the
backend's :attr:`~trainwell.backend.Backend.ops` through :meth:`Loss.xp_cost` and
:meth:`Loss.xp_output_gradient`.

Extension point: a new loss subclasses :class:`Loss`, sets ``name`` and
``natural_activation``, implements ``total`` (and ``output_gradient`` when it is
not ``(A - Y) / m``), and registers itself in ``LOSSES``; ``kernel_code`` stays None unless
the compiled kernels get a branch for it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..backend import NUMPY_OPS, as_ops
from ..exceptions import InvalidParameterError

__all__ = [
    "LOSSES",
    "BinaryCrossEntropy",
    "CategoricalCrossEntropy",
    "Loss",
    "MeanSquaredError",
    "get_loss",
]


class Loss:
    """Base class of losses.

    Attributes
    ----------
    name : str
    natural_activation : str
        The output activation whose gradient fuses with this loss into ``(A - Y) / m``.
    allowed_activations : tuple of str
        Output activations this loss accepts.
    kernel_code : int or None
        The compiled (numba) engine's branch for this loss fused with its natural
        activation (``_output`` in :mod:`trainwell.nn._fast_kernels`); None (a new loss's
        default): the compiled engine refuses it, naming it.
    """

    name = "loss"
    natural_activation = "linear"
    allowed_activations: tuple[str, ...] = ()
    kernel_code: int | None = None

    #: J = total / (per_example * m): 1, or 2 for the half mean squared error
    per_example = 1

    def total(self, xp: Any, Z: Any, A: Any, Y: Any) -> Any:  # pragma: no cover
        """The batch's summed loss, ``J * per_example * m``, as a 0-d array: the one
        definition (``xp`` a namespace as :func:`~trainwell.backend.as_ops` gives)."""
        raise NotImplementedError(
            f"{type(self).__name__} defines no total(xp, Z, A, Y); implement it (or cost "
            "for NumPy only)."
        )

    def cost(self, Z: np.ndarray, A: np.ndarray, Y: np.ndarray) -> float:
        """J of the batch on NumPy, as a float."""
        return float(self.total(NUMPY_OPS, Z, A, Y)) / (self.per_example * Y.shape[0])

    def output_gradient(self, Z: Any, A: Any, Y: Any, out: Any = None, xp: Any = NUMPY_OPS) -> Any:
        """``dZ = (A - Y) / m`` for the natural activation, else ``dA``: the one
        definition, written into ``out`` on NumPy (a new array with another ``xp``)."""
        m = Y.shape[0]
        d = xp.subtract(A, Y, out=out)
        d *= 1.0 / m
        return d

    def xp_cost(self, xp: Any, Z: Any, A: Any, Y: Any) -> Any:
        """:meth:`cost` on another array library (networks on other backends), as a 0-d
        array on the device: the training loop reads it back once per epoch, not per step."""
        return self.total(as_ops(xp), Z, A, Y) / (self.per_example * Y.shape[0])

    def xp_output_gradient(self, xp: Any, Z: Any, A: Any, Y: Any) -> Any:
        """:meth:`output_gradient` on another array library, as a new array."""
        return self.output_gradient(Z, A, Y, None, as_ops(xp))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class BinaryCrossEntropy(Loss):
    r"""Binary cross-entropy from a sigmoid output.

    .. math:: J = -\frac{1}{m} \sum_i \left[ y^{(i)} \log a^{(i)}
              + (1 - y^{(i)}) \log (1 - a^{(i)}) \right]

    evaluated stably from the logits as ``max(z, 0) - z y + log(1 + exp(-|z|))``; summed
    over output units when there are several (multi-label). Fused gradient
    ``dZ = (A - Y) / m``.
    """

    name = "binary_crossentropy"
    natural_activation = "sigmoid"
    kernel_code = 0
    allowed_activations = ("sigmoid",)

    def total(self, xp, Z, A, Y):
        losses = xp.maximum(Z, 0) - Z * Y + xp.log1p(xp.exp(-xp.abs(Z)))
        return xp.sum(losses)


class CategoricalCrossEntropy(Loss):
    r"""Categorical cross-entropy from a softmax output.

    .. math:: J = -\frac{1}{m} \sum_i \sum_j y_j^{(i)} \log \hat y_j^{(i)}

    with ``log yhat = Z - logsumexp(Z)`` (shifted, so logits of 1e4 stay finite). Fused
    gradient ``dZ = (A - Y) / m``.
    """

    name = "categorical_crossentropy"
    natural_activation = "softmax"
    kernel_code = 1
    allowed_activations = ("softmax",)

    def total(self, xp, Z, A, Y):
        shifted = Z - xp.max(Z, axis=1, keepdims=True)
        log_yhat = shifted - xp.log(xp.sum(xp.exp(shifted), axis=1, keepdims=True))
        return -xp.sum(Y * log_yhat)


class MeanSquaredError(Loss):
    r"""Half mean squared error, ``J = 1/(2m) sum_i ||a^(i) - y^(i)||^2``.

    The 1/2 (scikit-learn's convention) makes the gradient ``dA = (A - Y) / m``; with a
    linear output this is also ``dZ``.
    """

    name = "mse"
    natural_activation = "linear"
    kernel_code = 2
    allowed_activations = ("linear", "relu", "leaky_relu", "tanh", "sigmoid")

    def total(self, xp, Z, A, Y):
        diff = A - Y
        return xp.vdot(diff, diff)

    per_example = 2  # J = total / (2 m)


LOSSES: dict[str, type[Loss]] = {
    "binary_crossentropy": BinaryCrossEntropy,
    "categorical_crossentropy": CategoricalCrossEntropy,
    "mse": MeanSquaredError,
}


def get_loss(spec: str | Loss) -> Loss:
    """Resolve a loss by name or instance; unknown names list the valid ones."""
    if isinstance(spec, Loss):
        return spec
    if not isinstance(spec, str) or spec not in LOSSES:
        raise InvalidParameterError(
            f"The 'loss' parameter must be one of {', '.join(repr(k) for k in LOSSES)}. "
            f"Got {spec!r} instead."
        )
    return LOSSES[spec]()


_NATURAL_LOSS = {
    "sigmoid": "binary_crossentropy",
    "softmax": "categorical_crossentropy",
    "linear": "mse",
}


def natural_loss(activation: str | None) -> str:
    """The loss a ``Network`` without ``loss=`` gets for the output activation g[L].

    sigmoid -> binary cross-entropy, softmax -> categorical cross-entropy, linear -> mse
    (the course's pairs); any other g[L] raises an error that says the exact fix.

    Examples
    --------
    >>> natural_loss("softmax")
    'categorical_crossentropy'
    """
    if activation in _NATURAL_LOSS:
        return _NATURAL_LOSS[activation]
    raise InvalidParameterError(
        f"Network cannot infer the loss from a {activation!r} output layer. Fix: pass "
        "loss='mse' for real-valued targets, or end with Dense(1, 'sigmoid') for binary "
        "labels (loss='binary_crossentropy') or Dense(n_classes, 'softmax') for classes "
        "(loss='categorical_crossentropy')."
    )


def loss_fix(activation: str) -> str:
    """The fix named by the error for a loss that does not fit the output ``activation``."""
    fix = (
        f"pass loss={_NATURAL_LOSS[activation]!r}"
        if activation in _NATURAL_LOSS
        else "use a sigmoid, softmax or linear output layer"
    )
    return fix + " (or leave loss= out: it is inferred from the output activation)."
