"""The passes of a Network: forward, cost, backward into the flat gradient buffer.

:class:`NetworkPasses` is the part of :class:`~trainwell.nn.Network` that computes, for
validated and encoded arrays, ``A[L]`` (:meth:`~NetworkPasses.forward_pass`), the cost

.. math::

    J = \\frac{1}{m} \\sum_i \\mathcal{L}(a^{[L](i)}, y^{(i)})
        + \\frac{\\lambda_2}{2m} \\sum_l \\lVert W^{[l]} \\rVert_F^2
        + \\frac{\\lambda_1}{m} \\sum_l \\lvert W^{[l]} \\rvert

and its gradient into ``grad`` (:meth:`~NetworkPasses.loss_and_gradient`), on whichever
passes run the network: its layers' NumPy methods, the array-API passes of another backend
(:mod:`trainwell.nn._xp`), or the compiled kernel (``engine="numba"``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..exceptions import InvalidParameterError
from .decision import decide
from .layers import INFER, TRAIN, Mode

__all__ = ["NetworkPasses"]


class NetworkPasses:
    """Forward, cost, backward and evaluation of a built :class:`~trainwell.nn.Network`
    (a base class of it; not used alone)."""

    # ------------------------------------------------------------------ passes
    def forward_pass(self, X: Any, mode: Mode = INFER) -> Any:
        """One forward pass of validated ``X`` in ``mode``; returns A[L] itself.

        The engine's own call, for callers that validated X with :meth:`check_input`:
        no copy, and on a backend other than NumPy the result stays on the device. Layers
        keep what backward needs (``Z``, ``A``, dropout masks), so a
        ``Mode(training=True, dropout=True, update_stats=False)`` pass draws the masks that
        a later pass with ``freeze_masks=True`` reuses. See :meth:`forward` for the
        validating, copying form.
        """
        if self._engine is not None:
            return self._engine.forward(X, mode)
        A = X
        for layer in self.layers:
            A = layer.forward(A, mode, self.rng)
        return A

    _forward = forward_pass  # the name the training loop has always called

    def regularization_cost(self, m: int) -> float:
        """The penalty term of J for a batch of ``m`` examples.

        ``lambda2/(2m) sum_l ||W[l]||_F^2 + lambda1/m sum_l |W[l]|``, over the weight block
        ``theta[:n_weights]`` (biases and batch-norm parameters exempt); 0.0 without L2/L1.
        """
        if self._engine is not None:
            return self._engine.regularization_cost(m)
        w = self.theta[: self.n_weights]
        cost = 0.0
        if self.l2:
            cost += self.l2 / (2 * m) * float(np.dot(w, w))
        if self.l1:
            cost += self.l1 / m * float(np.abs(w).sum())
        return cost

    _regularization_cost = regularization_cost

    def _backward(self, Y: np.ndarray) -> None:
        """Backpropagate from the output of the last forward pass into ``grad``."""
        if self._engine is not None:
            return self._engine.backward(Y)
        out = self.layers[-1]
        m = Y.shape[0]
        buf = self._out_grad
        if buf is None or buf.shape != out.A.shape:
            buf = self._out_grad = np.empty_like(out.A)
        d = self.loss.output_gradient(out.Z, out.A, Y, out=buf)
        last = len(self.layers) - 1
        d = (
            out.backward_dZ(d, self._need_input_grad[last])
            if self._fused
            else out.backward(d, self._need_input_grad[last])
        )
        for i in range(last - 1, self._backward_stop - 1, -1):
            d = self.layers[i].backward(d, self._need_input_grad[i])
        gw, w = self.grad[: self.n_weights], self.theta[: self.n_weights]
        if self.l2:
            np.multiply(w, self.l2 / m, out=self._reg_scratch)
            gw += self._reg_scratch
        if self.l1:
            np.sign(w, out=self._reg_scratch)
            self._reg_scratch *= self.l1 / m
            gw += self._reg_scratch

    def loss_and_gradient(
        self, X: Any, Y: Any, mode: Mode = TRAIN, engine: str | None = None
    ) -> float:
        """One forward pass in ``mode`` and one backward pass; fills ``grad``, returns J.

        ``J = (1/m) sum_i L(a[L](i), y(i)) + regularization_cost(m)`` and
        ``grad = dJ/dtheta`` (dW[l], db[l], dgamma[l], dbeta[l] in their views).

        ``X`` (m, n[0]) and ``Y`` (m, n[L]) must already be validated and encoded (see
        :meth:`check_input` and :meth:`encode_targets`); this is the training loop's
        inner call.

        Parameters
        ----------
        X, Y : arrays on the network's backend
        mode : Mode, default=TRAIN
        engine : {None, "numpy", "numba"}, default=None
            Which passes compute it: None, the network's own (its layers' NumPy methods,
            or the array-API passes on another backend; "numpy" says the same for a NumPy
            network); "numba", the compiled kernel fit's ``engine="numba"`` trains with,
            with a learning rate of 0 (``theta`` is left as it was). The compiled kernel
            takes float64 networks of Dense and Dropout layers with the fused output/loss
            pairs; anything else raises InvalidParameterError saying why.
        """
        if engine is not None and engine != "numpy":
            if engine != "numba":
                raise InvalidParameterError(
                    "The 'engine' parameter of Network.loss_and_gradient must be None, "
                    f"'numpy' or 'numba'. Got {engine!r} instead."
                )
            from ._fast_pass import compiled_loss_and_gradient

            return compiled_loss_and_gradient(self, X, Y, mode)
        if self._engine is not None:
            if engine == "numpy":
                raise InvalidParameterError(
                    f"engine='numpy' cannot run a network on the {self.backend.name!r} "
                    "backend; pass engine=None for its own passes."
                )
            return self._engine.loss_and_gradient(X, Y, mode)
        A = self.forward_pass(X, mode)
        cost = self.loss.cost(self.layers[-1].Z, A, Y) + self.regularization_cost(Y.shape[0])
        self._backward(Y)
        return cost

    def evaluate(self, X: Any, Y: Any, mode: Mode = INFER) -> tuple[float, float | None]:
        """J and the accuracy of validated, encoded ``(X, Y)``; the training loop's check.

        ``J`` as :meth:`loss_and_gradient` computes it (data loss plus
        :meth:`regularization_cost`), without a backward pass; the accuracy is the
        fraction of examples whose :func:`~trainwell.nn.decision.decide` label equals the
        target's (unit by unit for sigmoid outputs), None for mse. On a backend other than
        NumPy the pass runs on the device.
        """
        if self._engine is not None:
            return self._engine.evaluate(X, Y, mode)
        A = self.forward_pass(X, mode)
        cost = self.loss.cost(self.layers[-1].Z, A, Y) + self.regularization_cost(X.shape[0])
        if self.loss.name == "mse":
            return cost, None
        multiclass = self.loss.name == "categorical_crossentropy"
        return cost, float(np.mean(decide(A, multiclass) == decide(Y, multiclass)))
