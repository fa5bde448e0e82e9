"""Per-layer norms of activations and gradients: vanishing and exploding gradients, seen.

The course's example (week 1, "Vanishing / exploding gradients"): a deep network whose
weight matrices are all ``1.1 I`` computes roughly ``y = 1.1^L x``, so activations grow
exponentially with depth, and the gradients flowing back through the same matrices grow
with it; with ``0.9 I`` both shrink exponentially. Scaling random weights by
``sqrt(2 / n[l-1])`` (He, for ReLU) or ``sqrt(1 / n[l-1])`` (Xavier, for tanh) keeps the
variance of each layer's output close to that of its input, so the norms stay level.

Re-exported as ``trainwell.diagnosis.gradient_norms``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["GradientNorms", "gradient_norms"]


@dataclass(frozen=True)
class GradientNorms:
    """Frobenius norms, one per Dense layer l = 1 .. L.

    Attributes
    ----------
    layer : ndarray of int, shape (L,)
        The course's layer numbers 1 .. L.
    units : ndarray of int, shape (L,)
        n[l], the width of each layer.
    activation : ndarray of shape (L,)
        ``||A[l]||_F``, the layer's output over the batch (after its activation, or after
        batch norm and the activation when a BatchNorm follows).
    gradient : ndarray of shape (L,)
        ``||dA[l]||_F``, the gradient of the cost with respect to that output, as it
        arrives during backpropagation. For the output layer (whose dZ the loss computes
        directly) this is ``||dZ[L]||_F``.
    weight_gradient : ndarray of shape (L,)
        ``||dW[l]||_F``, the gradient the optimizer receives.
    """

    layer: np.ndarray
    units: np.ndarray
    activation: np.ndarray
    gradient: np.ndarray
    weight_gradient: np.ndarray

    def growth(self, which: str = "activation", hidden_only: bool = True) -> float:
        """How much a norm grows across the network, in the direction the signal travels.

        Parameters
        ----------
        which : {"activation", "gradient", "weight_gradient"}, default="activation"
            Activations travel forward: ``||A[last]|| / ||A[1]||``. Gradients travel
            backward: ``||dA[1]|| / ||dA[last]||``; weight gradients are compared the same
            way, first over last.
        hidden_only : bool, default=True
            Leave the output layer out (its width, often 1, makes its norm incomparable).

        Returns
        -------
        float
            Above 1: the norm grows (explodes, if exponentially); below 1: it shrinks.
        """
        values = getattr(self, which)
        if hidden_only and values.size > 1:
            values = values[:-1]
        first, last = float(values[0]), float(values[-1])
        ratio = last / first if which == "activation" else first / last
        return ratio if np.isfinite(ratio) else float("inf")

    def to_dict(self) -> dict[str, list[float]]:
        """Plain lists, for JSON."""
        return {
            "layer": self.layer.tolist(),
            "activation": self.activation.tolist(),
            "gradient": self.gradient.tolist(),
            "weight_gradient": self.weight_gradient.tolist(),
        }


def gradient_norms(network: Any, X: Any, y: Any) -> GradientNorms:
    """Norms of every Dense layer's activations and gradients on a batch (X, y).

    One forward and one backward pass in training mode with dropout off and batch-norm
    running averages untouched, so the call has no side effect on the network (its
    gradient buffer is restored afterwards) and draws nothing from its generator. The
    passes are the network's own: its layers' NumPy methods, or on another backend
    (CuPy, PyTorch, ``array_api_strict``) the array-API passes that train it, in its
    dtype. (The compiled numba kernel keeps dA inside one call; a NumPy network is
    measured on its NumPy layers, which that kernel matches to about 1e-12.)

    Parameters
    ----------
    network : Network
        Built, or built here from X.
    X : array of shape (m, n[0])
    y : array of shape (m,) or (m, n[L])

    Returns
    -------
    GradientNorms

    Notes
    -----
    For a chain of L layers with weights ``W[l] = s I`` and identity-like activations,
    ``A[l] = s^l x`` and ``dA[l] = s^(L-l) dA[L]``: with s = 1.1 and L = 50 the first layer
    sees gradients about 1.1^49 ~ 100 times those of the last; with s = 0.9, about 0.006
    times. Training then either diverges or barely moves the early layers.

    Examples
    --------
    >>> from trainwell.nn import Network, Dense
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.randn(32, 8), rng.randint(0, 2, 32)
    >>> net = Network([Dense(8, "relu") for _ in range(10)] + [Dense(1, "sigmoid")],
    ...               random_state=0, input_dim=8)
    >>> net.set_parameters({f"W{l}": 1.5 * np.eye(8) for l in range(1, 11)})
    >>> norms = gradient_norms(net, X, y)
    >>> norms.layer.tolist()[:3], round(norms.growth("activation"), 2)
    ([1, 2, 3], 38.44)
    """
    from .nn import BatchNorm, Dense, Mode
    from .nn.probes import backward_arrivals

    Xc = network.check_input(X)
    Y = network.encode_targets(y, Xc.shape[0])
    bk = network.backend
    dense = [layer for layer in network.layers if isinstance(layer, Dense)]
    # Where each Dense layer's output finally comes out (after a BatchNorm that follows it).
    outputs = []
    for layer in network.layers:
        if isinstance(layer, Dense):
            outputs.append(layer)
        elif isinstance(layer, BatchNorm):
            outputs[-1] = layer
    saved_grad = bk.copy(network.grad)
    try:
        mode = Mode(training=True, dropout=False, update_stats=False)
        _, arriving = backward_arrivals(network, Xc, Y, outputs, mode)
        activation = np.array([_norm(bk, layer.A) for layer in outputs])
        grads = network.gradients()
        weight_gradient = np.array([_norm(bk, grads[f"dW{d.index}"]) for d in dense])
    finally:
        network.grad[...] = saved_grad
    return GradientNorms(
        layer=np.array([d.index for d in dense]),
        units=np.array([d.units for d in dense]),
        activation=activation,
        gradient=np.array(arriving),
        weight_gradient=weight_gradient,
    )


def _norm(bk: Any, a: Any) -> float:
    """``||a||_F`` as NumPy computes it, for an array on any backend."""
    return float(np.linalg.norm(a if bk.is_numpy else bk.to_numpy(a)))
