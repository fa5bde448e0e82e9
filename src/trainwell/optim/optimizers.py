"""Optimizers in the course's form, over the whole flat parameter buffer at once.

Each optimizer is a small immutable object holding only hyperparameters. Its state is
explicit: ``state = opt.init(theta)``, then ``theta, state = opt.update(theta, grad, state,
learning_rate)``, which updates ``theta`` (and the state arrays) in place with a few
whole-array operations, whatever the depth, and returns them so the data flow is visible.
State holds ``t`` (steps taken) and the arrays ``v`` (EWA of gradients) and ``s`` (EWA of
squared gradients); keys starting with ``_`` are scratch space, not saved in checkpoints.
Works on float32 and float64 buffers alike, and on the arrays of other backends (see
:mod:`trainwell.backend`): there the step is one fused elementwise kernel where the backend
compiles one (CuPy), else the same arithmetic in array API expressions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .._validation import InstanceOf, Interval, validate_params
from ..backend import backend_of
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
    """Base class: ``init(theta) -> state`` and ``update(theta, grad, state, lr)``.

    ``kernel_code`` is the compiled (numba) engine's branch for the rule (``update`` in
    :mod:`trainwell.nn._fast_kernels`); None (a new optimizer's default): the compiled
    engine leaves its step to :meth:`update`, and refuses it in a compiled epoch.
    """

    name = "optimizer"
    kernel_code: int | None = None

    def init(self, theta: np.ndarray) -> dict[str, Any]:
        return {"t": 0}

    def update(
        self, theta: np.ndarray, grad: np.ndarray, state: dict[str, Any], learning_rate: float
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """One in-place step of ``theta`` (and the state arrays) from ``grad``.

        The rule (:meth:`rule`) is written once: on NumPy it runs with ``numpy`` and a
        scratch buffer (``out=``, no temporaries); on another backend with that backend's
        :attr:`~trainwell.backend.Backend.ops`, or as one fused elementwise kernel where
        the backend compiles one (CuPy).
        """
        if isinstance(theta, np.ndarray):
            self.rule(np, theta, grad, state, learning_rate, self._scratch(state, theta))
            return theta, state
        return self._xp_update(theta, grad, state, learning_rate)

    def rule(
        self, xp: Any, theta: Any, grad: Any, state: dict[str, Any], lr: float, buf: Any
    ) -> None:  # pragma: no cover
        """The update rule, once, against the namespace ``xp`` (``numpy`` with ``buf`` a
        scratch array, or :class:`~trainwell.backend.OutFreeNamespace` with ``buf`` None);
        increments ``state["t"]`` and updates ``theta`` and the state in place."""
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

    # The step for arrays of other backends. ``_kernel`` is the whole update as one CuPy
    # ElementwiseKernel (inputs: g and the scalars of ``_kernel_scalars``; outputs: theta
    # and the state arrays named in ``_state_keys``), a compiled accelerator of ``rule``;
    # backends that compile no kernels run ``rule`` itself.
    _kernel: tuple[str, str, str] | None = None
    _state_keys: tuple[str, ...] = ()

    def _kernel_scalars(self, state: dict[str, Any], learning_rate: float) -> tuple:
        return (learning_rate,)

    def _xp_update(
        self, theta: Any, grad: Any, state: dict[str, Any], learning_rate: float
    ) -> tuple[Any, dict[str, Any]]:
        kernel, bk = None, backend_of(theta)
        if self._kernel is not None:
            kernel = bk.elementwise(self.name, *self._kernel)
        if kernel is None:
            self.rule(bk.ops, theta, grad, state, learning_rate, None)
        else:
            state["t"] += 1
            kind = getattr(theta.dtype, "type", None) or bk.numpy_dtype(theta.dtype).type
            scalars = [kind(c) for c in self._kernel_scalars(state, learning_rate)]
            kernel(grad, *scalars, theta, *(state[k] for k in self._state_keys))
        return theta, state


def _zeros_like(theta: Any) -> Any:
    if isinstance(theta, np.ndarray):
        return np.zeros_like(theta)
    return backend_of(theta).xp.zeros_like(theta)


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
    kernel_code = 0
    _kernel = ("T g, T lr", "T theta", "theta -= lr * g")

    def rule(self, xp, theta, grad, state, lr, buf):
        tmp = xp.multiply(grad, lr, out=buf)
        theta -= tmp
        state["t"] += 1


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
    kernel_code = 1

    def __post_init__(self):
        validate_params(
            {"beta": _BETA, "bias_correction": [InstanceOf((bool, np.bool_), "a bool")]},
            {"beta": self.beta, "bias_correction": self.bias_correction},
            "Momentum",
        )

    def init(self, theta):
        return {"t": 0, "v": _zeros_like(theta)}

    _kernel = (
        "T g, T beta, T omb, T scale",
        "T theta, T v",
        "v = beta * v + omb * g; theta -= scale * v",
    )
    _state_keys = ("v",)

    def _scale(self, t, learning_rate):
        return learning_rate / (1.0 - self.beta**t) if self.bias_correction else learning_rate

    def _kernel_scalars(self, state, learning_rate):
        return (self.beta, 1.0 - self.beta, self._scale(state["t"], learning_rate))

    def rule(self, xp, theta, grad, state, lr, buf):
        state["t"] += 1
        v = ewa_step(state["v"], grad, self.beta, buf)
        scale = self._scale(state["t"], lr)
        tmp = xp.multiply(v, scale, out=buf)
        theta -= tmp


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
    kernel_code = 2

    def __post_init__(self):
        validate_params(
            {"beta2": _BETA, "epsilon": _EPS},
            {"beta2": self.beta2, "epsilon": self.epsilon},
            "RMSprop",
        )

    def init(self, theta):
        return {"t": 0, "s": _zeros_like(theta)}

    _kernel = (
        "T g, T beta2, T omb2, T eps, T lr",
        "T theta, T s",
        "s = beta2 * s + omb2 * (g * g); theta -= lr * (g / (sqrt(s) + eps))",
    )
    _state_keys = ("s",)

    def _kernel_scalars(self, state, learning_rate):
        return (self.beta2, 1.0 - self.beta2, self.epsilon, learning_rate)

    def rule(self, xp, theta, grad, state, lr, buf):
        state["t"] += 1
        tmp = xp.multiply(grad, grad, out=buf)
        s = ewa_step(state["s"], tmp, self.beta2, buf)
        tmp = xp.sqrt(s, out=buf)
        tmp += self.epsilon
        tmp = xp.divide(grad, tmp, out=buf)
        tmp *= lr
        theta -= tmp


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
    (Keras also defaults epsilon to 1e-7). That equals this form with an effective epsilon
    of ``epsilon / sqrt(1 - beta2**t)``: epsilon weighs ``1 / sqrt(1 - beta2**t)`` times
    more early on (about 31.6 at t = 1 with beta2 = 0.999). PyTorch's
    ``Adam(betas=(beta1, beta2), eps=epsilon)`` is identical to this. Adam's first step
    moves each weight by about ``alpha * sign(dW)``.

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
    kernel_code = 3

    def __post_init__(self):
        validate_params(
            {"beta1": _BETA, "beta2": _BETA, "epsilon": _EPS},
            {"beta1": self.beta1, "beta2": self.beta2, "epsilon": self.epsilon},
            "Adam",
        )

    def init(self, theta):
        return {"t": 0, "v": _zeros_like(theta), "s": _zeros_like(theta)}

    _kernel = (
        "T g, T beta1, T omb1, T beta2, T omb2, T c2, T eps, T step",
        "T theta, T v, T s",
        "v = beta1 * v + omb1 * g; s = beta2 * s + omb2 * (g * g); "
        "theta -= step * (v / (sqrt(s * c2) + eps))",
    )
    _state_keys = ("v", "s")

    def _kernel_scalars(self, state, learning_rate):
        t, b1, b2 = state["t"], self.beta1, self.beta2
        c2, step = 1.0 / (1.0 - b2**t), learning_rate / (1.0 - b1**t)
        return (b1, 1.0 - b1, b2, 1.0 - b2, c2, self.epsilon, step)

    def rule(self, xp, theta, grad, state, lr, buf):
        t = state["t"] = state["t"] + 1
        v = ewa_step(state["v"], grad, self.beta1, buf)
        tmp = xp.multiply(grad, grad, out=buf)
        s = ewa_step(state["s"], tmp, self.beta2, buf)
        # sqrt(s_hat) + eps, then v_hat / that, scaled by alpha
        tmp = xp.multiply(s, 1.0 / (1.0 - self.beta2**t), out=buf)
        tmp = xp.sqrt(tmp, out=buf)
        tmp += self.epsilon
        tmp = xp.divide(v, tmp, out=buf)
        tmp *= lr / (1.0 - self.beta1**t)
        theta -= tmp


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
    if not isinstance(spec, str) or spec not in OPTIMIZERS:
        raise InvalidParameterError(
            f"The 'optimizer' parameter must be one of {', '.join(repr(k) for k in OPTIMIZERS)}"
            f" or an Optimizer. Got {spec!r} instead."
        )
    try:
        return OPTIMIZERS[spec](**kwargs)
    except InvalidParameterError:
        raise
    except TypeError as exc:  # an unknown hyperparameter name
        raise InvalidParameterError(f"optimizer {spec!r}: {exc}") from None
