"""The public boundary of a Network: validation, targets, predictions and scores.

:class:`NetworkPredictions` is the part of :class:`~trainwell.nn.Network` that takes
user arrays: it validates X (and builds the network on first use), encodes y for the loss,
and turns the output A[L] into probabilities, labels (by the one decision rule of
:mod:`trainwell.nn.decision`) and scores.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_X
from ..exceptions import DataError, InvalidParameterError, NotFittedError
from .decision import decide
from .layers import INFER, TRAIN, BatchNorm
from .targets import encode_targets, score_labels

__all__ = ["NetworkPredictions"]


class NetworkPredictions:
    """Validation, predictions and scores of a :class:`~trainwell.nn.Network` (a base
    class of it; not used alone)."""

    # ------------------------------------------------------------------ public boundary
    def check_input(self, X: Any, name: str = "X") -> np.ndarray:
        """Validate X (2-D, finite, numeric) and build the network on first use.

        On a backend other than NumPy the result is on the device: a host array is checked
        on the host and copied once, a device array is checked where it lies. A network
        loaded with stored preprocessing (:attr:`preprocessing`) applies it here, so it
        takes raw inputs everywhere."""
        bk = self.backend
        pre = getattr(self, "preprocessing", None)  # a pickle from before it has none
        if pre is not None:
            X = bk.to_numpy(X) if not bk.is_numpy and bk.is_array(X) else X
            X = pre.apply(check_X(X, name=name, n_features=self.input_dim))
            X = np.ascontiguousarray(X, dtype=self.dtype)
            X = X if bk.is_numpy else bk.asarray(X)
        elif not bk.is_numpy and bk.is_array(X):
            from ._xp import check_device_X

            X = check_device_X(bk, X, name, self.input_dim, self.dtype)
        else:
            X = check_X(X, name=name, n_features=self.input_dim, dtype=self.dtype)
            X = X if bk.is_numpy else bk.asarray(X)
        if self.input_dim is None:
            self.build(X.shape[1])
        return X

    @property
    def is_classifier(self) -> bool:
        return self.loss.name != "mse"

    def encode_targets(self, y: Any, m: int | None = None) -> np.ndarray:
        """Validate labels/targets for this loss and return Y of shape (m, n[L]).

        binary_crossentropy: labels in {0, 1}; categorical_crossentropy: integer classes in
        [0, n[L]) or one-hot rows; mse: real targets. On a backend other than NumPy the
        labels are checked on the host and Y is returned on the device.
        """
        bk = self.backend
        if bk.is_numpy:
            return self._encode_targets(y, m)
        return bk.asarray(self._encode_targets(bk.to_numpy(y) if bk.is_array(y) else y, m))

    def _encode_targets(self, y: Any, m: int | None) -> np.ndarray:
        self._check_built()
        return encode_targets(y, m, self.n_outputs, self.loss.name, self.dtype)

    def _check_trained(self, method: str) -> None:
        """Predictions need weights: an unbuilt network has none yet (building it now would
        draw random ones and return numbers that mean nothing)."""
        if self.input_dim is None:
            raise NotFittedError(
                f"Network.{method} needs a trained network, and this one is not even built: "
                "train it with fit(network, X, y) first (or build(n_features) for its "
                "initial weights)."
            )

    def forward(self, X: Any, training: bool = False) -> np.ndarray:
        """The output A[L] for X (a copy); ``training=True`` uses dropout and batch stats."""
        X = self.check_input(X)
        A = self._forward(X, TRAIN if training else INFER)
        return A.copy() if self.backend.is_numpy else self.backend.to_numpy(A)

    def cost(self, X: Any, y: Any) -> float:
        """J = data loss + regularization on (X, y), in inference mode."""
        X = self.check_input(X)
        Y = self.encode_targets(y, X.shape[0])
        A = self._forward(X, INFER)
        data = self.passes.data_cost(A, Y)
        return data + self._regularization_cost(X.shape[0])

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities (m, n_classes): a softmax output's rows sum to 1, a single
        sigmoid unit gives ``[1 - p, p]``, and several sigmoid units (multi-label) give one
        independent probability per label."""
        if not self.is_classifier:
            raise InvalidParameterError("predict_proba needs a classification loss, not mse.")
        self._check_trained("predict_proba")
        A = self.forward(X)
        if self.loss.name == "binary_crossentropy" and A.shape[1] == 1:
            out = self.layers[-1]  # 1 - p is 0 above z = 37; sigma(-z) keeps its digits
            Z = getattr(out, "Z_tilde" if isinstance(out, BatchNorm) else "Z", None)
            if self.backend.is_numpy and Z is not None and Z.shape == A.shape:
                return np.hstack([out.activation.forward(-Z, np.empty_like(A)), A])
            return np.hstack([1 - A, A])
        return A

    def predict(self, X: Any) -> np.ndarray:
        """Labels (argmax for softmax, ``p > 0.5`` for sigmoid) or regression values."""
        self._check_trained("predict")
        A = self.forward(X)
        if self.loss.name == "mse":
            return A[:, 0] if A.shape[1] == 1 else A
        if self.loss.name == "categorical_crossentropy":
            return decide(A, multiclass=True)
        labels = decide(A, multiclass=False).astype(np.int64)
        return labels[:, 0] if labels.shape[1] == 1 else labels

    def score(self, X: Any, y: Any) -> float:
        """Accuracy for classifiers; for mse the coefficient of determination
        ``R^2 = 1 - SS_res / SS_tot``, averaged over the outputs as scikit-learn's
        ``r2_score`` does by default (an output whose target is constant scores 1 when
        predicted exactly, else 0)."""
        self._check_trained("score")
        y = score_labels(y)
        pred = self.predict(X)
        if self.loss.name == "categorical_crossentropy" and y.ndim == 2 and y.shape[1] > 1:
            y = y.argmax(axis=1)
        if y.size != pred.size:
            raise DataError(
                f"y has {y.size} values but the network predicts {pred.size} for X "
                f"(shape {pred.shape})."
            )
        y = y.reshape(pred.shape)
        if self.loss.name != "mse":
            return float(np.mean(pred == y))
        y2, p2 = y.astype(np.float64).reshape(len(y), -1), pred.reshape(len(pred), -1)
        ss_res = ((y2 - p2) ** 2).sum(axis=0)
        ss_tot = ((y2 - y2.mean(axis=0)) ** 2).sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            r2 = np.where(ss_tot > 0, 1.0 - ss_res / ss_tot, np.where(ss_res == 0, 1.0, 0.0))
        return float(r2.mean())
