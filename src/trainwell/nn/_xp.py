"""The engine's passes for networks on backends other than NumPy.

A NumPy network runs its layers' own methods: ``out=`` calls into preallocated buffers.
A network on any other backend (CuPy, PyTorch, ``array_api_strict``; see
:mod:`trainwell.backend`) runs these functions instead, chosen once when it is built. They
compute the same mathematics in the array API standard, in the NumPy code's order of
operations, over the same layer objects and the same flat ``theta``/``grad`` buffers:

- each operation returns a new array (the standard has no ``out=``), except the parameter
  gradients, which the backend writes into their views of ``grad``
  (:meth:`~trainwell.backend.Backend.matmul`, :meth:`~trainwell.backend.Backend.sum0`);
- dropout masks come from the backend's device generator, seeded once from the network's
  NumPy generator (``array_api_strict`` draws from that generator itself, so its masks
  equal NumPy's);
- layers keep what backward needs as attributes (``Z``, ``A``, ``mask``, ``Z_norm``, ...),
  as the NumPy methods do.
"""

from __future__ import annotations

import math
from typing import Any

from ..exceptions import DataError, InvalidParameterError
from . import _kernels
from .activations import ACTIVATIONS
from .decision import decide
from .layers import BatchNorm, Dense, Dropout
from .losses import LOSSES

__all__ = ["ArrayAPIEngine", "check_device_X"]


def _act(layer: Any) -> tuple[Any, Any]:
    pair = layer.activation.array_api_pair()
    if pair is None:
        raise InvalidParameterError(
            f"The activation {layer.activation.name!r} has no array API version (the "
            "array-API engine needs namespace=True or xp_forward/xp_backward); use "
            "backend='numpy' for it."
        )
    return pair


def _compiled(layer: Any) -> str | None:
    """The name of ``layer``'s activation when :mod:`._kernels` may stand in for it (a
    registered activation, not a user's own of the same name)."""
    name = layer.activation.name
    # equal, not identical: a copied or unpickled layer holds an equal copy of the
    # registered activation (the dataclass compares its functions, which copy as themselves)
    return name if ACTIVATIONS.get(name) == layer.activation else None


def _builtin_loss(loss: Any) -> bool:
    """Whether :mod:`._kernels` may compute ``loss`` (a registered class, not a subclass)."""
    return type(loss) is LOSSES.get(loss.name)


def _activation_backward(eng, layer, dA, Z):
    name = getattr(layer, "_compiled", None)  # None in a pickle from before the kernels
    dZ = _kernels.activation_backward(eng.bk, name, dA, Z, layer.A)
    return layer._xp_bwd(eng.xp, dA, Z, layer.A) if dZ is None else dZ


# ---------------------------------------------------------------------- Dense
def _dense_forward(eng, layer, A_prev, mode):
    Z = A_prev @ layer.W.T
    name, A, layer._softmax_stats = getattr(layer, "_compiled", None), None, None
    if layer.b is not None and name not in (None, "linear", "softmax"):
        A = _kernels.bias_activation(eng.bk, name, Z, layer.b)  # Z += b, too
    if A is None:
        if layer.b is not None:
            Z += layer.b
        if layer.activation.name == "linear":
            A = Z
        elif name == "softmax" and (out := _kernels.softmax(eng.bk, Z)) is not None:
            A, layer._softmax_stats = out
        else:
            A = layer._xp_fwd(eng.xp, Z)
    layer.A_prev, layer.Z, layer.A = A_prev, Z, A
    return A


def _dense_backward(eng, layer, dA, need_input_grad):
    dZ = _activation_backward(eng, layer, dA, layer.Z)
    return _dense_backward_dZ(eng, layer, dZ, need_input_grad)


def _dense_backward_dZ(eng, layer, dZ, need_input_grad):
    eng.bk.matmul(dZ.T, layer.A_prev, layer.dW)
    if layer.db is not None:
        eng.bk.sum0(dZ, layer.db)
    return dZ @ layer.W if need_input_grad else None


# ---------------------------------------------------------------------- Dropout
def _dropout_forward(eng, layer, A_prev, mode):
    layer._active = mode.dropout and layer.keep_prob < 1.0
    if not layer._active:
        return A_prev
    mask, shape = getattr(layer, "mask", None), tuple(A_prev.shape)  # none after unpickling
    if not (mode.freeze_masks and mask is not None and tuple(mask.shape) == shape):
        if getattr(layer, "mask_layout", "examples") == "course":  # (units, examples)
            U = eng.xp.permute_dims(
                eng.bk.rand(eng.device_rng(), shape[::-1], A_prev.dtype), (1, 0)
            )
        else:
            U = eng.bk.rand(eng.device_rng(), shape, A_prev.dtype)
        mask = eng.xp.astype(U < layer.keep_prob, A_prev.dtype) * (1.0 / layer.keep_prob)
        layer.mask = mask
    return A_prev * mask


def _dropout_backward(eng, layer, dA, need_input_grad):
    return dA * layer.mask if layer._active else dA


# ---------------------------------------------------------------------- BatchNorm
def _bn_forward(eng, layer, Z, mode):
    Z_tilde = layer.normalize(eng.xp, Z, mode)
    linear = layer.activation.name == "linear"
    layer.A = Z_tilde if linear else layer._xp_fwd(eng.xp, Z_tilde)
    return layer.A


def _bn_backward(eng, layer, dA, need_input_grad):
    dZ_tilde = _activation_backward(eng, layer, dA, layer.Z_tilde)
    return _bn_backward_dZ(eng, layer, dZ_tilde, need_input_grad)


def _bn_backward_dZ(eng, layer, dZ_tilde, need_input_grad):
    xp = eng.xp
    eng.bk.sum0(dZ_tilde * layer.Z_norm, layer.dgamma)
    eng.bk.sum0(dZ_tilde, layer.dbeta)
    dZ_norm = dZ_tilde * layer.gamma
    if not layer.training:
        return dZ_norm * layer.inv_std
    m = dZ_tilde.shape[0]
    return (layer.inv_std / m) * (
        m * dZ_norm
        - xp.sum(dZ_norm, axis=0)
        - layer.Z_norm * xp.sum(dZ_norm * layer.Z_norm, axis=0)
    )


# (forward, backward, backward from dZ) per layer class; subclasses use their base's.
_PASSES = {
    Dense: (_dense_forward, _dense_backward, _dense_backward_dZ),
    Dropout: (_dropout_forward, _dropout_backward, None),
    BatchNorm: (_bn_forward, _bn_backward, _bn_backward_dZ),
}


def _passes(layer: Any) -> tuple:
    for cls, fns in _PASSES.items():
        if isinstance(layer, cls):
            if cls is not Dropout:
                layer._xp_fwd, layer._xp_bwd = _act(layer)
                layer._compiled = _compiled(layer)
            return fns
    raise InvalidParameterError(
        f"{type(layer).__name__} has no array API version; use backend='numpy' for it."
    )


class ArrayAPIEngine:
    """The array-API engine (:class:`~trainwell.nn.engines.Engine`): forward, cost and
    backward of ``network`` on its (non-NumPy) backend.

    Made by :meth:`Network.build` (:func:`~trainwell.nn.engines.make_engine`) for a network
    on any backend but NumPy; the network's passes hand their work to it.
    """

    name = "array_api"

    def __init__(self, network: Any) -> None:
        self.net, self.bk = network, network.backend
        self.xp = self.bk.xp
        self._plan = [(layer, *_passes(layer)) for layer in network.layers]
        self._builtin_loss = _builtin_loss(network.loss)
        self._host_rng: Any = None
        self._device_rng: Any = None

    def __getstate__(self) -> dict[str, Any]:
        # Modules and device generators do not pickle: rebuilt from the backend's name and,
        # at the next dropout draw, reseeded from the network's (pickled) NumPy generator.
        keep = ("net", "bk", "_plan", "_builtin_loss")
        return {k: self.__dict__[k] for k in keep}

    def __setstate__(self, state: dict[str, Any]) -> None:
        # a pickle from before the kernels has no _builtin_loss (nor layers' _compiled):
        # it runs the array API expressions
        state = {"_builtin_loss": False, **state}
        self.__dict__.update(state, xp=state["bk"].xp, _host_rng=None, _device_rng=None)

    def device_rng(self) -> Any:
        """The device generator, (re)seeded from the network's ``rng`` when that changes."""
        if self.net.rng is not self._host_rng:
            self._host_rng = self.net.rng
            self._device_rng = self.bk.make_rng(self._host_rng)
        return self._device_rng

    def reseed(self) -> None:
        """Seed the device generator afresh from the network's ``rng`` (one draw from it).

        ``fit`` calls this at the start of every epoch of a network with dropout, so each
        epoch's masks depend only on the host generator's state then, which a checkpoint
        saves: a run resumed from a checkpoint draws the same masks as the run that wrote
        it, though the device generator's own state is never saved."""
        if any(isinstance(layer, Dropout) and layer.keep_prob < 1 for layer in self.net.layers):
            self._host_rng = self.net.rng
            self._device_rng = self.bk.make_rng(self._host_rng)

    def forward(self, X: Any, mode: Any) -> Any:
        A = X
        for layer, forward, _, _ in self._plan:
            A = forward(self, layer, A, mode)
        return A

    def data_cost(self, A: Any, Y: Any) -> float:
        return float(self._data_cost(A, Y))

    def _data_cost(self, A: Any, Y: Any) -> Any:
        """The loss of the last forward pass as a 0-d device array (compiled where the
        backend compiles kernels)."""
        loss, out = self.net.loss, self.net.layers[-1]
        J = None
        if self._builtin_loss:
            stats = getattr(out, "_softmax_stats", None)
            J = _kernels.cost(self.bk, loss.name, out.Z, A, Y, stats)
        return loss.xp_cost(self.bk.ops, out.Z, A, Y) if J is None else J

    def regularization_cost(self, m: int) -> float:
        cost = self._device_regularization_cost(m)
        return 0.0 if cost is None else float(cost)

    def _device_regularization_cost(self, m: int) -> Any:
        """The L2/L1 terms as a 0-d device array (None without regularization)."""
        net, xp = self.net, self.xp
        if not (net.l2 or net.l1):
            return None
        w = net.theta[: net.n_weights]
        cost = 0.0
        if net.l2:
            cost = cost + xp.sum(w * w) * (net.l2 / (2 * m))
        if net.l1:
            cost = cost + xp.sum(xp.abs(w)) * (net.l1 / m)
        return cost

    def backward(self, Y: Any) -> None:
        net, xp = self.net, self.xp
        out = net.layers[-1]
        d = _kernels.output_gradient(self.bk, out.A, Y) if self._builtin_loss else None
        if d is None:
            d = net.loss.xp_output_gradient(self.bk.ops, out.Z, out.A, Y)
        last = len(self._plan) - 1
        need = net._need_input_grad
        layer, _, backward, backward_dZ = self._plan[last]
        d = (backward_dZ if net._fused else backward)(self, layer, d, need[last])
        for i in range(last - 1, net._backward_stop - 1, -1):
            layer, _, backward, _ = self._plan[i]
            d = backward(self, layer, d, need[i])
        if net.l2 or net.l1:
            m = Y.shape[0]
            gw, w = net.grad[: net.n_weights], net.theta[: net.n_weights]
            if net.l2:
                gw += w * (net.l2 / m)
            if net.l1:
                gw += xp.sign(w) * (net.l1 / m)

    def loss_and_gradient(self, X: Any, Y: Any, mode: Any) -> float:
        return float(self.device_loss_and_gradient(X, Y, mode))

    def device_loss_and_gradient(self, X: Any, Y: Any, mode: Any) -> Any:
        """One forward and backward pass; the cost J stays on the device as a 0-d array
        (reading it as a float would wait for the device every step)."""
        A = self.forward(X, mode)
        cost = self._data_cost(A, Y)
        reg = self._device_regularization_cost(Y.shape[0])
        self.backward(Y)
        return cost if reg is None else cost + reg

    def optimizer_step(self, optimizer: Any, state: dict[str, Any], learning_rate: float) -> None:
        """One in-place update of ``theta`` (a fused kernel where the backend compiles one)."""
        optimizer.update(self.net.theta, self.net.grad, state, learning_rate)

    def evaluate(self, X: Any, Y: Any, mode: Any) -> tuple[float, float | None]:
        """Cost and accuracy (None for mse) of encoded (X, Y), as the training loop's
        ``evaluate`` computes them on NumPy."""
        xp, loss = self.xp, self.net.loss.name
        A = self.forward(X, mode)
        cost = self.data_cost(A, Y) + self.regularization_cost(X.shape[0])
        if loss == "mse":
            return cost, None
        multiclass = loss == "categorical_crossentropy"
        hits = decide(A, multiclass, xp) == decide(Y, multiclass, xp)
        # a count, divided on the host: NumPy's float64 mean of the hits, in any dtype
        return cost, int(xp.sum(xp.astype(hits, xp.int64))) / math.prod(hits.shape)


def check_device_X(bk: Any, X: Any, name: str, n_features: int | None, dtype: Any) -> Any:
    """Check an array already on the backend's device (2-D, numeric, finite, right width)
    without copying it to the host; return it in the network's dtype."""
    xp = bk.xp
    if X.ndim != 2:
        hint = (
            f" Reshape a single feature with {name}.reshape(-1, 1), a single sample with "
            f"{name}.reshape(1, -1)."
            if X.ndim == 1
            else ""
        )
        raise DataError(
            f"{name} must be 2-D (n_samples, n_features); got shape {tuple(X.shape)}.{hint}"
        )
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise DataError(f"{name} has shape {tuple(X.shape)}; it needs samples and features.")
    if not xp.isdtype(X.dtype, ("real floating", "integral", "bool")):
        raise DataError(f"{name} must be real-valued; got dtype {X.dtype}.")
    if n_features is not None and X.shape[1] != n_features:
        raise DataError(
            f"{name} has {X.shape[1]} features (columns) but the network was built "
            f"for {n_features}."
        )
    if getattr(X, "requires_grad", False):  # a PyTorch tensor in an autograd graph: the
        X = X.detach()  # engine computes its own gradients, and its out= writes refuse one
    target = bk.dtype(dtype)
    if X.dtype != target:
        X = xp.astype(X, target)
    if not bk.all_finite(X):  # only now is the position worth one more transfer
        row, col = (int(i[0]) for i in xp.nonzero(~xp.isfinite(X)))
        raise DataError(
            f"{name} contains NaN or infinity (first at row {row}, column {col}); impute "
            "or drop those values first."
        )
    return X
