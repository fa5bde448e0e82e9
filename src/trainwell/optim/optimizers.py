"""Optimizers in the course's form, over the whole flat parameter buffer at once.

Each optimizer is a small immutable object holding only hyperparameters. Its state is
explicit: ``state = opt.init(theta)``, then ``theta, state = opt.update(theta, grad, state,
learning_rate)``, which updates ``theta`` (and the state arrays) in place with a few
whole-array operations, whatever the depth, and returns them so the data flow is visible.
State holds ``t`` (steps taken) and the arrays ``v`` (EWA of gradients) and ``s`` (EWA of
squared gradients); keys starting with ``_`` are scratch space, not saved in checkpoints.
Works on float32 and float64 buffers alike.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .._validation import Interval, validate_params
from ..exceptions import InvalidParameterError
from .averages import ewa_step

__all__ = [
    "OPTIMIZERS",
    "Adam",
    "GradientDescent",
    "Momentum",
    "Optimizer",
    "RMSprop",
    "get_optimizer",
]

_BETA = [Interval("real", 0, 1, "left")]
_EPS = [Interval("real", 0, None, "neither")]


class Optimizer:
    """Base class: ``init(theta) -> state`` and ``update(theta, grad, state, lr)``."""

    name = "optimizer"

    def init(self, theta: np.ndarray) -> dict[str, Any]:
        return {"t": 0}

    def update(
        self, theta: np.ndarray, grad: np.ndarray, state: dict[str, Any], learning_rate: float
    ) -> tuple[np.ndarray, dict[str, Any]]:  # pragma: no cover
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        """``{"name": ..., **hyperparameters}``; :func:`get_optimizer` inverts it."""
        return {"name": self.name, **asdict(self)}  # type: ignore[call-overload]

    @staticmethod
    def _scratch(state: dict[str, Any], theta: np.ndarray) -> np.ndarray:
        tmp = state.get("_tmp")
        if tmp is None or tmp.shape != theta.shape or tmp.dtype != theta.dtype:
            tmp = state["_tmp"] = np.empty_like(theta)
        return tmp


@dataclass(frozen=True)
class GradientDescent(Optimizer):
    """Plain (batch, mini-batch or stochastic) gradient descent: ``W -= alpha dW``.

    Examples
    --------
    >>> theta, g = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    >>> opt = GradientDescent()
    >>> opt.update(theta, g, opt.init(theta), 0.1)[0]
    array([0.95, 2.1 ])
    """

    name = "gd"

    def update(self, theta, grad, state, learning_rate):
        tmp = self._scratch(state, theta)
        np.multiply(grad, learning_rate, out=tmp)
        theta -= tmp
        state["t"] += 1
        return theta, state


@dataclass(frozen=True)
class Momentum(Optimizer):
    """Gradient descent with momentum, as the course writes it.

    .. math:: v = \\beta v + (1 - \\beta) dW, \\qquad W = W - \\alpha v

    Parameters
    ----------
    beta : float, default=0.9
        Averages about ``1 / (1 - beta)`` = 10 gradients.
    bias_correction : bool, default=False
        Use ``v / (1 - beta**t)`` in the step (the course notes that few people bother).

    Notes
    -----
    PyTorch's SGD (``v = mu v + (1 - dampening) g``, ``W -= lr v``) with the default
    ``dampening=0``, Keras and optax omit the ``(1 - beta)`` factor, so the same beta with
    the same learning rate takes steps up to ``1 / (1 - beta)`` times larger there. Course
    ``(alpha, beta)`` equals PyTorch ``SGD(lr=alpha, momentum=beta, dampening=beta)``
    except for PyTorch's first step, which sets ``v = g`` undamped (equivalently:
    PyTorch's undamped momentum with ``lr = alpha (1 - beta)``). scikit-learn folds ``-lr`` into its
    velocity (``v = mu v - lr g``), the same as PyTorch for a constant rate.
    """

    beta: float = 0.9
    bias_correction: bool = False
    name = "momentum"

    def __post_init__(self):
        validate_params({"beta": _BETA}, {"beta": self.beta}, "Momentum")

    def init(self, theta):
        return {"t": 0, "v": np.zeros_like(theta)}

    def update(self, theta, grad, state, learning_rate):
        tmp = self._scratch(state, theta)
        state["t"] += 1
        v = ewa_step(state["v"], grad, self.beta, tmp)
        scale = (
            learning_rate / (1.0 - self.beta ** state["t"])
            if self.bias_correction
            else learning_rate
        )
        np.multiply(v, scale, out=tmp)
        theta -= tmp
        return theta, state


@dataclass(frozen=True)
class RMSprop(Optimizer):
    """RMSprop, as the course writes it.

    .. math:: s = \\beta_2 s + (1 - \\beta_2) dW^2, \\qquad
              W = W - \\alpha \\frac{dW}{\\sqrt{s} + \\varepsilon}

    Parameters
    ----------
    beta2 : float, default=0.999
    epsilon : float, default=1e-8
        Added to ``sqrt(s)``, outside the root.

    Notes
    -----
    **Correction to the course notes**: the lecture suggests epsilon = 1e-8 be added
    "in practice"; trainwell always adds it, outside the root, as the course's formula does.
    PyTorch's ``RMSprop(alpha=beta2, eps=epsilon)`` is the same mathematics (eps outside
    the root). Keras adds epsilon *inside* the root (``sqrt(s + eps)``) and defaults
    ``rho = 0.9``, ``epsilon = 1e-7``; scikit-learn has no RMSprop.
    """

    beta2: float = 0.999
    epsilon: float = 1e-8
    name = "rmsprop"

    def __post_init__(self):
        validate_params(
            {"beta2": _BETA, "epsilon": _EPS},
            {"beta2": self.beta2, "epsilon": self.epsilon},
            "RMSprop",
        )

    def init(self, theta):
        return {"t": 0, "s": np.zeros_like(theta)}

    def update(self, theta, grad, state, learning_rate):
        tmp = self._scratch(state, theta)
        state["t"] += 1
        np.multiply(grad, grad, out=tmp)
        s = ewa_step(state["s"], tmp, self.beta2, tmp)
        np.sqrt(s, out=tmp)
        tmp += self.epsilon
        np.divide(grad, tmp, out=tmp)
        tmp *= learning_rate
        theta -= tmp
        return theta, state


@dataclass(frozen=True)
class Adam(Optimizer):
    """Adam: momentum and RMSprop together, with bias correction, as the course writes it.

    .. math::
        v = \\beta_1 v + (1 - \\beta_1) dW, \\quad s = \\beta_2 s + (1 - \\beta_2) dW^2,

        \\hat v = \\frac{v}{1 - \\beta_1^t}, \\quad \\hat s = \\frac{s}{1 - \\beta_2^t}, \\quad
        W = W - \\alpha \\frac{\\hat v}{\\sqrt{\\hat s} + \\varepsilon}

    Parameters
    ----------
    beta1 : float, default=0.9
    beta2 : float, default=0.999
    epsilon : float, default=1e-8
        Added to sqrt of the *corrected* s (the course's and PyTorch's Algorithm-1 form).

    Notes
    -----
    Keras and scikit-learn use the "epsilon hat" form of Kingma and Ba: they fold the
    bias corrections into the step size and add epsilon to the uncorrected ``sqrt(s)``
    (Keras also defaults epsilon to 1e-7), so epsilon weighs ``sqrt(1 - beta2**t)`` times
    more early on. PyTorch's ``Adam(betas=(beta1, beta2), eps=epsilon)`` is identical to
    this. Adam's first step moves each weight by about ``alpha * sign(dW)``.

    Examples
    --------
    >>> theta, g = np.zeros(2), np.array([3.0, -0.01])
    >>> opt = Adam()
    >>> opt.update(theta, g, opt.init(theta), 0.1)[0].round(6)  # about -alpha * sign(g)
    array([-0.1,  0.1])
    """

    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8
    name = "adam"

    def __post_init__(self):
        validate_params(
            {"beta1": _BETA, "beta2": _BETA, "epsilon": _EPS},
            {"beta1": self.beta1, "beta2": self.beta2, "epsilon": self.epsilon},
            "Adam",
        )

    def init(self, theta):
        return {"t": 0, "v": np.zeros_like(theta), "s": np.zeros_like(theta)}

    def update(self, theta, grad, state, learning_rate):
        tmp = self._scratch(state, theta)
        t = state["t"] = state["t"] + 1
        v = ewa_step(state["v"], grad, self.beta1, tmp)
        np.multiply(grad, grad, out=tmp)
        s = ewa_step(state["s"], tmp, self.beta2, tmp)
        # sqrt(s_hat) + eps, then v_hat / that, scaled by alpha
        np.multiply(s, 1.0 / (1.0 - self.beta2**t), out=tmp)
        np.sqrt(tmp, out=tmp)
        tmp += self.epsilon
        np.divide(v, tmp, out=tmp)
        tmp *= learning_rate / (1.0 - self.beta1**t)
        theta -= tmp
        return theta, state


OPTIMIZERS: dict[str, type[Optimizer]] = {
    "gd": GradientDescent,
    "momentum": Momentum,
    "rmsprop": RMSprop,
    "adam": Adam,
}


def get_optimizer(spec: str | dict[str, Any] | Optimizer, **kwargs: Any) -> Optimizer:
    """Resolve a name (with keyword hyperparameters), a config dict or an instance.

    Examples
    --------
    >>> get_optimizer("adam", beta1=0.8)
    Adam(beta1=0.8, beta2=0.999, epsilon=1e-08)
    """
    if isinstance(spec, Optimizer):
        return spec
    if isinstance(spec, dict):
        kwargs = {**spec, **kwargs}
        spec = kwargs.pop("name", None)
    if spec not in OPTIMIZERS:
        raise InvalidParameterError(
            f"The 'optimizer' parameter must be one of {', '.join(repr(k) for k in OPTIMIZERS)}"
            f" or an Optimizer. Got {spec!r} instead."
        )
    return OPTIMIZERS[spec](**kwargs)
