"""The engine protocol: what computes a network's passes, and its three implementations.

A built :class:`~trainwell.nn.Network` holds one engine object, ``network.passes``, and its
public passes (:meth:`~trainwell.nn.Network.forward_pass`,
:meth:`~trainwell.nn.Network.loss_and_gradient`, :meth:`~trainwell.nn.Network.evaluate`,
...) hand their work to it without asking which one it is. Every engine computes, for
validated and encoded arrays, the same mathematics over the network's one flat pair of
buffers ``theta`` (parameters) and ``grad`` (their gradient):

.. math::

    J = \\frac{1}{m} \\sum_i \\mathcal{L}(a^{[L](i)}, y^{(i)})
        + \\frac{\\lambda_2}{2m} \\sum_l \\lVert W^{[l]} \\rVert_F^2
        + \\frac{\\lambda_1}{m} \\sum_l \\lvert W^{[l]} \\rvert,
    \\qquad \\texttt{grad} = \\partial J / \\partial \\theta

=====================  =====================================================================
engine                 what runs
=====================  =====================================================================
:class:`NumpyEngine`   each layer's NumPy ``forward``/``backward`` (``out=`` into buffers)
``ArrayAPIEngine``     the same layers' math in the array API standard (CuPy, PyTorch,
                       ``array_api_strict``; :mod:`trainwell.nn._xp`), chosen by the
                       network's backend
:class:`CompiledEngine`  the numba kernel fit's ``engine="numba"`` trains with (float64,
                       Dense/Dropout, the fused output/loss pairs); inference runs on the
                       NumPy layers
=====================  =====================================================================

The optimizer step stays in :mod:`trainwell.optim`; :meth:`Engine.optimizer_step` is the one
path that applies it to the engine's buffers.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..exceptions import InvalidParameterError
from .decision import decide
from .layers import Mode

__all__ = ["CompiledEngine", "Engine", "NumpyEngine", "make_engine"]


@runtime_checkable
class Engine(Protocol):
    """What computes a network's passes (see the module's table for the implementations).

    Attributes
    ----------
    name : str
        ``"numpy"``, ``"numba"`` or ``"array_api"``.
    net : Network
        The network whose layers, ``theta`` and ``grad`` the engine works on.
    """

    name: str
    net: Any

    def forward(self, X: Any, mode: Mode) -> Any:
        """``A[L]`` of validated ``X`` (m, n[0]); layers keep what backward needs."""

    def backward(self, Y: Any) -> None:
        """Backpropagate from the last forward pass into ``grad`` (L2/L1 terms included)."""

    def data_cost(self, A: Any, Y: Any) -> float:
        """``(1/m) sum_i L(a[L](i), y(i))`` of the last forward pass's ``A``."""

    def regularization_cost(self, m: int) -> float:
        """``lambda2/(2m) sum ||W||^2 + lambda1/m sum |W|`` (0.0 without L2/L1)."""

    def loss_and_gradient(self, X: Any, Y: Any, mode: Mode) -> float:
        """One forward and one backward pass: fills ``grad``, returns J."""

    def evaluate(self, X: Any, Y: Any, mode: Mode) -> tuple[float, float | None]:
        """J and the accuracy (None for mse) of encoded ``(X, Y)``, without backward."""

    def optimizer_step(self, optimizer: Any, state: dict[str, Any], learning_rate: float) -> None:
        """One in-place update of ``theta`` from ``grad`` by ``optimizer``."""


def accuracy(loss_name: str, A: Any, Y: Any) -> float | None:
    """The fraction of rows of ``A`` whose decided label equals ``Y``'s; None for mse."""
    if loss_name == "mse":
        return None
    multiclass = loss_name == "categorical_crossentropy"
    return float(np.mean(decide(A, multiclass) == decide(Y, multiclass)))


class NumpyEngine:
    """The NumPy passes: each layer's ``forward``/``backward`` methods, ``out=`` into the
    network's preallocated buffers (the reference every other engine is tested against).

    Parameters
    ----------
    network : Network
        On the NumPy backend; read at each call (``l2``, ``l1`` may change between steps).

    Examples
    --------
    >>> from trainwell.nn import Dense, Network, TRAIN
    >>> net = Network([Dense(2, "tanh"), Dense(1, "sigmoid")], input_dim=2, random_state=0)
    >>> type(net.passes).__name__
    'NumpyEngine'
    >>> J = net.passes.loss_and_gradient(np.ones((3, 2)), np.ones((3, 1)), TRAIN)
    >>> bool(J > 0)
    True
    """

    name = "numpy"

    def __init__(self, network: Any) -> None:
        self.net = network

    def forward(self, X: Any, mode: Mode) -> Any:
        net = self.net
        A, rng = X, net.rng
        for layer in net.layers:
            A = layer.forward(A, mode, rng)
        return A

    def data_cost(self, A: Any, Y: Any) -> float:
        net = self.net
        return net.loss.cost(net.layers[-1].Z, A, Y)

    def regularization_cost(self, m: int) -> float:
        net = self.net
        cost = 0.0
        if net.l2 or net.l1:
            w = net.theta[: net.n_weights]
            if net.l2:
                cost += net.l2 / (2 * m) * float(np.dot(w, w))
            if net.l1:
                cost += net.l1 / m * float(np.abs(w).sum())
        return cost

    def backward(self, Y: Any) -> None:
        net = self.net
        layers, need = net.layers, net._need_input_grad
        out = layers[-1]
        m = Y.shape[0]
        buf = net._out_grad
        if buf is None or buf.shape != out.A.shape:
            buf = net._out_grad = np.empty_like(out.A)
        d = net.loss.output_gradient(out.Z, out.A, Y, out=buf)
        last = len(layers) - 1
        d = out.backward_dZ(d, need[last]) if net._fused else out.backward(d, need[last])
        for i in range(last - 1, net._backward_stop - 1, -1):
            d = layers[i].backward(d, need[i])
        if net.l2 or net.l1:
            gw, w, scratch = net.grad[: net.n_weights], net.theta[: net.n_weights], net._reg_scratch
            if net.l2:
                np.multiply(w, net.l2 / m, out=scratch)
                gw += scratch
            if net.l1:
                np.sign(w, out=scratch)
                scratch *= net.l1 / m
                gw += scratch

    def loss_and_gradient(self, X: Any, Y: Any, mode: Mode) -> float:
        A = self.forward(X, mode)
        net = self.net
        cost = net.loss.cost(net.layers[-1].Z, A, Y) + self.regularization_cost(Y.shape[0])
        self.backward(Y)
        return cost

    def evaluate(self, X: Any, Y: Any, mode: Mode) -> tuple[float, float | None]:
        A = self.forward(X, mode)
        cost = self.data_cost(A, Y) + self.regularization_cost(X.shape[0])
        return cost, accuracy(self.net.loss.name, A, Y)

    def optimizer_step(self, optimizer: Any, state: dict[str, Any], learning_rate: float) -> None:
        optimizer.update(self.net.theta, self.net.grad, state, learning_rate)


class CompiledEngine(NumpyEngine):
    """The compiled (numba) kernel's passes: :meth:`loss_and_gradient` runs fit's
    ``engine="numba"`` kernel over one batch with a learning rate of 0 (the same forward,
    cost and backward that train, ``theta`` left as it was); the inference passes
    (:meth:`forward`, :meth:`evaluate`) run on the NumPy layers, as compiled fits predict.

    :meth:`backward` recomputes the gradient at the last forward pass's input through the
    kernel, with that pass's dropout masks. Networks the kernel cannot run (BatchNorm,
    float32, custom activations, losses or layers, ...) are refused with the reason
    (:func:`~trainwell.nn.compiled_path_unavailable`).
    """

    name = "numba"

    def __init__(self, network: Any) -> None:
        from ._fast_pass import compiled_path_unavailable

        super().__init__(network)
        reason = compiled_path_unavailable(network)
        if reason is not None:
            raise InvalidParameterError(f"engine='numba' cannot compile {reason}.")
        self._last: tuple[Any, Mode] | None = None

    def forward(self, X: Any, mode: Mode) -> Any:
        self._last = (X, mode)
        return super().forward(X, mode)

    def backward(self, Y: Any) -> None:
        if self._last is None:
            raise InvalidParameterError("CompiledEngine.backward needs a forward pass first.")
        X, mode = self._last
        self.loss_and_gradient(X, Y, mode._replace(freeze_masks=True))

    def loss_and_gradient(self, X: Any, Y: Any, mode: Mode) -> float:
        from ._fast_pass import compiled_loss_and_gradient

        return compiled_loss_and_gradient(self.net, X, Y, mode)

    def optimizer_step(self, optimizer: Any, state: dict[str, Any], learning_rate: float) -> None:
        from ._fast_update import update_function

        update = update_function(optimizer, self.net.theta, "numba")
        update(self.net.theta, self.net.grad, state, learning_rate)


ENGINE_NAMES = ("numpy", "numba", "array_api")


def make_engine(network: Any, name: str | None = None) -> Any:
    """The engine object that computes ``network``'s passes.

    Parameters
    ----------
    network : Network
        Built (or being built).
    name : {None, "numpy", "numba", "array_api"}, default=None
        None: the network's own engine for its backend (NumPy's layers on NumPy, the
        array-API passes on any other backend). ``"numba"`` needs a NumPy float64 network
        the compiled kernel supports, else InvalidParameterError saying why.

    Returns
    -------
    Engine

    Examples
    --------
    >>> from trainwell.nn import Dense, Network
    >>> net = Network([Dense(2, "relu"), Dense(1, "sigmoid")], input_dim=2)
    >>> make_engine(net).name
    'numpy'
    """
    if name is None:
        name = "numpy" if network.backend.is_numpy else "array_api"
    if name not in ENGINE_NAMES:
        raise InvalidParameterError(
            f"The 'engine' parameter must be None or one of {', '.join(map(repr, ENGINE_NAMES))}."
            f" Got {name!r} instead."
        )
    if name == "numba":
        return CompiledEngine(network)
    if network.backend.is_numpy != (name == "numpy"):
        raise InvalidParameterError(
            f"engine={name!r} cannot run a network on the {network.backend.name!r} backend; "
            "pass engine=None for its own passes."
        )
    if name == "numpy":
        return NumpyEngine(network)
    from ._xp import ArrayAPIEngine

    return ArrayAPIEngine(network)
