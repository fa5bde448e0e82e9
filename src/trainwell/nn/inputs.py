"""Preprocessing that travels inside a model file: a network of raw inputs.

A network saved with ``Network.save(path, standardizer=scaler)`` stores the scaler's
:math:`\\mu` and :math:`\\sigma` as plain arrays with a kind name (``"standardize"``,
from the allow-list :data:`KINDS`, never a class or module name). The network loaded
from that file applies them first, everywhere it takes X (``predict``,
``predict_proba``, ``score``, ``cost``, ``forward``, ``fit``):
``loaded.predict(X) == net.predict(scaler.transform(X))``, so a loaded model predicts
what the saved model with its scaler predicted, and the scaler cannot be forgotten.

``nn`` does not import ``data``: the scaler is read by its fitted attributes
(``mean_``, ``scale_``), as scikit-learn's ``StandardScaler`` has them too.

Examples
--------
>>> t = InputTransform("standardize", np.array([1.0, 10.0]), np.array([2.0, 5.0]))
>>> t.apply(np.array([[3.0, 0.0]]))
array([[ 1., -2.]])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..exceptions import CheckpointError, DataError, InvalidParameterError

__all__ = ["KINDS", "InputTransform"]

#: The preprocessing kinds a model file may name.
KINDS = ("standardize",)


class InputTransform:
    r"""``x := (x - \mu) / \sigma`` per feature, as :class:`trainwell.data.Standardizer`.

    Parameters
    ----------
    kind : {"standardize"}
    mean, scale : ndarray of shape (n_features,)
        :math:`\mu` and :math:`\sigma` (finite; scales positive).
    """

    def __init__(self, kind: str, mean: Any, scale: Any) -> None:
        if kind not in KINDS:
            raise InvalidParameterError(
                f"The preprocessing kind must be one of {', '.join(map(repr, KINDS))}; "
                f"got {kind!r:.80}."
            )
        mean, scale = np.asarray(mean), np.asarray(scale)
        if (
            mean.ndim != 1
            or mean.shape != scale.shape
            or mean.dtype.kind not in "iuf"
            or scale.dtype.kind not in "iuf"
            or not np.isfinite(mean).all()
            or not np.isfinite(scale).all()
            or not (scale > 0).all()
        ):
            raise DataError(
                "A standardization needs equal-length 1-D float arrays mean and scale, "
                f"finite, with positive scales; got mean {mean.dtype} {mean.shape} and "
                f"scale {scale.dtype} {scale.shape}."
            )
        self.kind = kind
        self.mean = mean.astype(np.float64)
        self.scale = scale.astype(np.float64)

    @property
    def n_features(self) -> int:
        return int(self.mean.shape[0])

    @classmethod
    def from_scaler(cls, scaler: Any) -> InputTransform:
        """From a fitted standardizer (``mean_`` and ``scale_``; trainwell's or
        scikit-learn's ``StandardScaler``)."""
        mean, scale = getattr(scaler, "mean_", None), getattr(scaler, "scale_", None)
        if mean is None or scale is None:
            raise InvalidParameterError(
                "The 'standardizer' to save with the network must be a fitted Standardizer "
                f"(with mean_ and scale_); got {type(scaler).__name__}."
            )
        return cls("standardize", mean, scale)

    def apply(self, X: np.ndarray) -> np.ndarray:
        """``(X - mean) / scale`` on a validated float64 X, as ``Standardizer.transform``
        computes it (the same bits; ``X / scale - mean / scale`` where the difference
        would overflow)."""
        with np.errstate(over="ignore", invalid="ignore"):
            out = (X - self.mean) / self.scale
            if not np.isfinite(out).all():  # |x - mu| overflows: divide first
                out = np.where(np.isfinite(out), out, X / self.scale - self.mean / self.scale)
        if not np.isfinite(out).all():
            raise DataError(
                "X overflows when standardized with the model's stored mean and scale "
                "(values far outside the training data's range)."
            )
        return out

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The arrays a model file stores (plain strings and floats, no pickle)."""
        return {
            "preprocessing:kind": np.array(self.kind),
            "preprocessing:mean": self.mean,
            "preprocessing:scale": self.scale,
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], source: str) -> InputTransform | None:
        """The transform stored in a model file's arrays (None if it has none)."""
        if "preprocessing:kind" not in arrays:
            return None
        try:
            kind = arrays["preprocessing:kind"]
            if kind.dtype.kind != "U" or kind.shape != ():
                raise DataError(f"its kind must be a string; got {kind.dtype} {kind.shape}")
            return cls(str(kind), arrays["preprocessing:mean"], arrays["preprocessing:scale"])
        except (KeyError, ValueError) as exc:
            raise CheckpointError(f"{source!r} has an invalid stored preprocessing: {exc}") from exc

    def __repr__(self) -> str:
        return f"InputTransform({self.kind!r}, n_features={self.n_features})"
