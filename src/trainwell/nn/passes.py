"""The passes of a Network: forward, cost, backward into the flat gradient buffer.

:class:`NetworkPasses` is the part of :class:`~trainwell.nn.Network` that computes, for
validated and encoded arrays, ``A[L]`` (:meth:`~NetworkPasses.forward_pass`), the cost

.. math::

    J = \\frac{1}{m} \\sum_i \\mathcal{L}(a^{[L](i)}, y^{(i)})
        + \\frac{\\lambda_2}{2m} \\sum_l \\lVert W^{[l]} \\rVert_F^2
        + \\frac{\\lambda_1}{m} \\sum_l \\lvert W^{[l]} \\rvert

and its gradient into ``grad`` (:meth:`~NetworkPasses.loss_and_gradient`). Each method
hands its work to the network's engine object, ``self.passes`` (:mod:`trainwell.nn.engines`:
the NumPy layers, or the array-API passes of another backend), or for
``loss_and_gradient(..., engine="numba")`` to the compiled kernel's engine.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import InvalidParameterError
from .engines import make_engine
from .layers import INFER, TRAIN, Mode

__all__ = ["NetworkPasses"]


class NetworkPasses:
    """Forward, cost, backward and evaluation of a built :class:`~trainwell.nn.Network`
    (a base class of it; not used alone). ``passes`` is the network's engine object."""

    passes: Any = None

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
        return self.passes.forward(X, mode)

    _forward = forward_pass  # the name the training loop has always called

    def regularization_cost(self, m: int) -> float:
        """The penalty term of J for a batch of ``m`` examples.

        ``lambda2/(2m) sum_l ||W[l]||_F^2 + lambda1/m sum_l |W[l]|``, over the weight block
        ``theta[:n_weights]`` (biases and batch-norm parameters exempt); 0.0 without L2/L1.
        """
        return self.passes.regularization_cost(m)

    _regularization_cost = regularization_cost

    def _backward(self, Y: Any) -> None:
        """Backpropagate from the output of the last forward pass into ``grad``."""
        self.passes.backward(Y)

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
        if engine is None or engine == self.passes.name:
            return self.passes.loss_and_gradient(X, Y, mode)
        if engine not in ("numpy", "numba"):
            raise InvalidParameterError(
                "The 'engine' parameter of Network.loss_and_gradient must be None, "
                f"'numpy' or 'numba'. Got {engine!r} instead."
            )
        return make_engine(self, engine).loss_and_gradient(X, Y, mode)

    def evaluate(self, X: Any, Y: Any, mode: Mode = INFER) -> tuple[float, float | None]:
        """J and the accuracy of validated, encoded ``(X, Y)``; the training loop's check.

        ``J`` as :meth:`loss_and_gradient` computes it (data loss plus
        :meth:`regularization_cost`), without a backward pass; the accuracy is the
        fraction of examples whose :func:`~trainwell.nn.decision.decide` label equals the
        target's (unit by unit for sigmoid outputs), None for mse. On a backend other than
        NumPy the pass runs on the device.
        """
        return self.passes.evaluate(X, Y, mode)
