"""Layers: Dense, Dropout and BatchNorm.

Every layer has the same small life: ``build(n_in) -> n_out`` (shapes known),
``param_shapes()`` (what it needs in the flat buffer), ``bind(params, grads)`` (views into
the network's two flat arrays), ``forward(A_prev, mode, rng) -> A`` (caching what backward
needs) and ``backward(dA, need_input_grad) -> dA_prev`` (writing its gradients into the
bound views). Layers keep preallocated work arrays per batch size, never own an optimizer
and never draw from a global generator.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._random import rand
from .._validation import Interval, check_option, validate_params
from ..backend import backend_of
from ..exceptions import InvalidParameterError
from ..optim.averages import ewa_step
from .activations import Activation, get_activation
from .initializers import Initializer, get_initializer

__all__ = ["INFER", "TRAIN", "BatchNorm", "Dense", "Dropout", "Layer", "Mode"]


class Mode(NamedTuple):
    """How a forward pass runs.

    training : BatchNorm normalizes with batch statistics (else running averages).
    dropout : Dropout draws and applies masks (else identity).
    update_stats : BatchNorm updates its running averages.
    freeze_masks : Dropout reuses its last mask (gradient checks with dropout on).
    """

    training: bool
    dropout: bool
    update_stats: bool
    freeze_masks: bool = False


TRAIN = Mode(True, True, True)
INFER = Mode(False, False, False)


class Layer:
    """Base class. Subclasses set ``n_in``/``n_out`` in :meth:`build`."""

    n_in: int = 0
    n_out: int = 0
    index: int = 0  # the course's layer number l (set by the network for Dense/BatchNorm)

    def build(self, n_in: int) -> int:
        self.n_in = self.n_out = int(n_in)
        return self.n_out

    def param_shapes(self) -> list[tuple[str, tuple[int, ...]]]:
        return []

    def bind(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        self.params, self.grads = params, grads

    def initialize(self, rng: Any) -> None:
        """Draw initial parameters (Dense draws W; others start at fixed values)."""

    def buffers(self) -> dict[str, np.ndarray]:
        """Non-learned state saved with the network (BatchNorm's running averages)."""
        return {}

    def get_config(self) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    # Caches of the last pass and work arrays: not part of a saved or copied layer.
    _TRANSIENT = frozenset(
        "A_prev Z A _work Z_norm Z_tilde inv_std mask params grads W dW b db gamma beta "
        "dgamma dbeta _network _softmax_stats".split()
    )

    def __getstate__(self) -> dict[str, Any]:
        # Views are re-bound by the network after unpickling; caches are rebuilt by the
        # next forward pass. Dropping them keeps a pickled network as small as its theta.
        state = {k: v for k, v in self.__dict__.items() if k not in self._TRANSIENT}
        if "_work" in self.__dict__:
            state["_work"] = {}
        return state


def _buffer(store: dict, key: str, shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """A reusable work array of ``shape``; reallocated only when the batch size changes."""
    arr = store.get(key)
    if arr is None or arr.shape != shape or arr.dtype != dtype:
        arr = store[key] = np.empty(shape, dtype=dtype)
    return arr


class Dense(Layer):
    """Fully connected layer ``Z[l] = A[l-1] @ W[l].T + b[l]``, ``A[l] = g[l](Z[l])``.

    Parameters
    ----------
    units : int
        n[l], the number of units.
    activation : {"relu", "leaky_relu", "tanh", "sigmoid", "linear", "softmax"}, default="relu"
        g[l].
    init : str, dict or Initializer, default="he"
        How W[l] is drawn (see :mod:`trainwell.nn.initializers`); b[l] starts at 0.
    use_bias : bool, default=True
        Dropped automatically when a :class:`BatchNorm` follows (its beta takes b's role).

    Notes
    -----
    Shapes: ``A[l-1]`` is (m, n[l-1]), ``W[l]`` is (n[l], n[l-1]) as in the course, ``b[l]``
    is (n[l],). Backward, with ``dZ = dA * g'(Z)``:
    ``dW = dZ.T @ A[l-1]``, ``db = sum_i dZ``, ``dA[l-1] = dZ @ W``. The 1/m of the
    course's ``dW = (1/m) dZ A^T`` is applied once, in the loss's output gradient.
    """

    def __init__(
        self, units: int, activation: str = "relu", init: Any = "he", use_bias: bool = True
    ) -> None:
        validate_params({"units": [Interval("int", 1, None)]}, {"units": units}, "Dense")
        self.units = int(units)
        self.activation: Activation = get_activation(activation)
        self.init: Initializer = get_initializer(init)
        self.use_bias = bool(use_bias)
        # What the user asked for; a following BatchNorm takes the activation and the bias.
        self.declared_activation, self.declared_use_bias = self.activation.name, self.use_bias
        self._work: dict[str, np.ndarray] = {}

    def build(self, n_in: int) -> int:
        self.n_in, self.n_out = int(n_in), self.units
        return self.n_out

    def param_shapes(self):
        shapes = [("W", (self.n_out, self.n_in))]
        if self.use_bias:
            shapes.append(("b", (self.n_out,)))
        return shapes

    def bind(self, params, grads):
        super().bind(params, grads)
        self.W, self.dW = params["W"], grads["W"]
        self.b = params.get("b")
        self.db = grads.get("b")

    def initialize(self, rng):
        if isinstance(self.W, np.ndarray):
            self.W[...] = self.init(rng, self.W.shape)
        else:  # drawn on the host exactly as for NumPy, then copied to the device once
            bk = backend_of(self.W)
            W = np.asarray(self.init(rng, tuple(self.W.shape)), bk.numpy_dtype(self.W.dtype))
            self.W[...] = bk.asarray(W)
        if self.b is not None:
            self.b[...] = 0

    def forward(self, A_prev, mode, rng=None):
        m, dt = A_prev.shape[0], self.W.dtype
        Z = _buffer(self._work, "Z", (m, self.n_out), dt)
        np.matmul(A_prev, self.W.T, out=Z)
        if self.b is not None:
            Z += self.b
        if self.activation.name == "linear":
            A = Z
        else:
            A = self.activation.forward(Z, _buffer(self._work, "A", (m, self.n_out), dt))
        self.A_prev, self.Z, self.A = A_prev, Z, A
        return A

    def backward(self, dA, need_input_grad=True):
        return self.backward_dZ(self.activation.backward(dA, self.Z, self.A), need_input_grad)

    def backward_dZ(self, dZ, need_input_grad=True):
        """Backward from dZ directly (the output layer, whose dZ the loss fuses)."""
        np.matmul(dZ.T, self.A_prev, out=self.dW)
        if self.db is not None:
            dZ.sum(axis=0, out=self.db)  # np.add.reduce, without np.sum's Python wrapper
        if not need_input_grad:
            return None
        out = _buffer(self._work, "dA_prev", (dZ.shape[0], self.n_in), self.W.dtype)
        return np.matmul(dZ, self.W, out=out)

    def get_config(self):
        return {
            "type": "Dense",
            "units": self.units,
            "activation": self.declared_activation,
            "init": self.init.get_config(),
            "use_bias": self.declared_use_bias,
        }

    def __repr__(self) -> str:
        return f"Dense({self.units}, activation={self.activation.name!r}, init={self.init!r})"


class Dropout(Layer):
    """Inverted dropout: ``D = (U < keep_prob)``, ``A = A_prev * D / keep_prob``.

    Parameters
    ----------
    keep_prob : float, default=0.5
        Probability of keeping a unit, in (0, 1]; 1 makes the layer the identity.
    mask_layout : {"examples", "course"}, default="examples"
        U is ``rand(m, n)`` (the layout of A), or with "course" the transpose of the
        course's ``np.random.rand(n, m)``: the course's own masks from its generator.
        Both are correct dropout; "course" trains on the NumPy (not compiled) engine.

    Notes
    -----
    A new mask is drawn from the network's generator at each training forward pass and the
    same mask multiplies the gradient in backward: ``dA_prev = dA * D / keep_prob``. At
    inference the layer is the identity; dividing by keep_prob during training keeps the
    expected activation unchanged, so no rescaling is needed at test time.
    """

    def __init__(self, keep_prob: float = 0.5, mask_layout: str = "examples") -> None:
        validate_params(
            {"keep_prob": [Interval("real", 0, 1, "right")]}, {"keep_prob": keep_prob}, "Dropout"
        )
        check_option("mask_layout", mask_layout, ("examples", "course"), "Dropout")
        self.keep_prob = float(keep_prob)
        self.mask_layout = mask_layout
        self.mask: np.ndarray | None = None
        self._active = False

    def forward(self, A_prev, mode, rng=None):
        self._active = mode.dropout and self.keep_prob < 1.0
        if not self._active:
            return A_prev
        if not (mode.freeze_masks and self.mask is not None and self.mask.shape == A_prev.shape):
            course = self.mask_layout == "course"  # np.random.rand(n, m), then (m, n)
            U = (
                rand(rng, A_prev.shape[::-1], A_prev.dtype).T
                if course
                else rand(rng, A_prev.shape, A_prev.dtype)
            )
            self.mask = (U < self.keep_prob).astype(A_prev.dtype, order="C")
            self.mask *= 1.0 / self.keep_prob
        return A_prev * self.mask

    def backward(self, dA, need_input_grad=True):
        if not self._active:
            return dA
        return np.multiply(dA, self.mask, out=dA)

    def get_config(self):
        course = {"mask_layout": "course"} if self.mask_layout == "course" else {}
        return {"type": "Dropout", "keep_prob": self.keep_prob, **course}

    def __repr__(self) -> str:
        layout = "" if self.mask_layout == "examples" else f", mask_layout={self.mask_layout!r}"
        return f"Dropout(keep_prob={self.keep_prob!r}{layout})"


class BatchNorm(Layer):
    r"""Batch normalization of Z, placed between a Dense layer's linear part and its
    activation (write it after the Dense layer; the network moves the activation here).

    .. math::
        \mu = \frac{1}{m}\sum_i z^{(i)}, \quad
        \sigma^2 = \frac{1}{m}\sum_i (z^{(i)} - \mu)^2, \quad
        z_{norm} = \frac{z - \mu}{\sqrt{\sigma^2 + \varepsilon}}, \quad
        \tilde z = \gamma z_{norm} + \beta

    Parameters
    ----------
    momentum : float, default=0.9
        The course's beta for the running averages used at inference:
        ``running = momentum * running + (1 - momentum) * batch_statistic``. PyTorch's
        ``momentum=0.1`` is ``momentum=0.9`` here; Keras's ``momentum=0.99`` is 0.99 here.
    epsilon : float, default=1e-5
        Added to the variance (PyTorch's default).

    Notes
    -----
    **Correction to the course notes**: the variance is of ``Z - mu``; the notes write
    ``sum (z_i)^2``, omitting the ``- mu``.

    The running variance stores the *unbiased* batch variance, ``sigma^2 * m / (m - 1)``
    (as PyTorch does; the biased one is used to normalize during training). It estimates
    the population variance without the 1/m bias, and it makes eval mode agree with
    ``torch.nn.BatchNorm1d``. Keras stores the biased one. A batch of one updates the
    running variance with the biased value (0) instead of dividing by zero.

    The Dense layer before batch norm has no bias: beta takes its role. gamma starts at 1,
    beta at 0, the running mean at 0 and the running variance at 1.

    Backward (training mode), with ``dZ_norm = dZ_tilde * gamma``:
    ``dgamma = sum dZ_tilde * Z_norm``, ``dbeta = sum dZ_tilde``,
    ``dZ = (1/m) / sqrt(sigma^2 + eps) * (m dZ_norm - sum dZ_norm - Z_norm sum(dZ_norm Z_norm))``.
    """

    def __init__(self, momentum: float = 0.9, epsilon: float = 1e-5) -> None:
        validate_params(
            {
                "momentum": [Interval("real", 0, 1, "left")],
                "epsilon": [Interval("real", 0, None, "neither")],
            },
            {"momentum": momentum, "epsilon": epsilon},
            "BatchNorm",
        )
        self.momentum, self.epsilon = float(momentum), float(epsilon)
        self.activation: Activation = get_activation("linear")
        self.running_mean = self.running_var = None

    def build(self, n_in):
        self.n_in = self.n_out = int(n_in)
        return self.n_out

    def param_shapes(self):
        return [("gamma", (self.n_out,)), ("beta", (self.n_out,))]

    def bind(self, params, grads):
        super().bind(params, grads)
        self.gamma, self.beta = params["gamma"], params["beta"]
        self.dgamma, self.dbeta = grads["gamma"], grads["beta"]
        rm = self.running_mean
        if rm is None or type(rm) is not type(self.gamma) or rm.dtype != self.gamma.dtype:
            xp = backend_of(self.gamma).xp  # the running statistics live with the parameters
            self.running_mean = xp.zeros_like(self.gamma)
            self.running_var = xp.ones_like(self.gamma)

    def initialize(self, rng):
        self.gamma[...] = 1
        self.beta[...] = 0
        self.running_mean[...] = 0
        self.running_var[...] = 1

    def buffers(self):
        return {"running_mean": self.running_mean, "running_var": self.running_var}

    def normalize(self, xp, Z, mode):
        """Z_tilde = gamma Z_norm + beta (batch or running statistics, as ``mode`` says),
        with ``xp`` the array namespace (``numpy``, or another backend's)."""
        m = Z.shape[0]
        self.training = mode.training
        if mode.training:
            mu = xp.mean(Z, axis=0)
            Zc = Z - mu
            var = xp.mean(Zc * Zc, axis=0)
            if mode.update_stats:
                ewa_step(self.running_mean, mu, self.momentum)
                ewa_step(self.running_var, var * (m / (m - 1) if m > 1 else 1.0), self.momentum)
        else:
            Zc = Z - self.running_mean
            var = self.running_var
        self.inv_std = 1.0 / xp.sqrt(var + self.epsilon)
        self.Z_norm = Zc * self.inv_std
        self.Z_tilde = self.Z_norm * self.gamma + self.beta
        self.Z = self.Z_tilde
        return self.Z_tilde

    def forward(self, Z, mode, rng=None):
        self.normalize(np, Z, mode)
        self.A = (
            self.activation.forward(self.Z_tilde, np.empty_like(self.Z_tilde))
            if self.activation.name != "linear"
            else self.Z_tilde
        )
        return self.A

    def backward(self, dA, need_input_grad=True):
        return self.backward_dZ(self.activation.backward(dA, self.Z_tilde, self.A), need_input_grad)

    def backward_dZ(self, dZ_tilde, need_input_grad=True):
        np.sum(dZ_tilde * self.Z_norm, axis=0, out=self.dgamma)
        np.sum(dZ_tilde, axis=0, out=self.dbeta)
        dZ_norm = dZ_tilde * self.gamma
        if not self.training:
            return dZ_norm * self.inv_std
        m = dZ_tilde.shape[0]
        return (self.inv_std / m) * (
            m * dZ_norm - dZ_norm.sum(axis=0) - self.Z_norm * (dZ_norm * self.Z_norm).sum(axis=0)
        )

    def get_config(self):
        return {"type": "BatchNorm", "momentum": self.momentum, "epsilon": self.epsilon}

    def __repr__(self) -> str:
        return f"BatchNorm(momentum={self.momentum!r}, epsilon={self.epsilon!r})"


LAYERS = {"Dense": Dense, "Dropout": Dropout, "BatchNorm": BatchNorm}


def layer_from_config(config: dict[str, Any]) -> Layer:
    """Rebuild a layer from :meth:`Layer.get_config` output."""
    kind = (config := dict(config)).pop("type", None)
    if not isinstance(kind, str) or kind not in LAYERS:
        raise InvalidParameterError(f"Unknown layer type {kind!r}; valid: {sorted(LAYERS)}.")
    return LAYERS[kind](**config)
