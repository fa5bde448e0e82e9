"""Exponentially weighted averages, the one idea behind momentum, RMSprop, Adam and batch
norm's running statistics.

.. math:: v_t = \\beta v_{t-1} + (1 - \\beta) \\theta_t, \\qquad
          \\hat v_t = \\frac{v_t}{1 - \\beta^t}

``v_t`` averages roughly the last ``1 / (1 - beta)`` values. Starting from ``v_0 = 0`` it
is biased towards zero early on; dividing by ``1 - beta**t`` removes that start-up bias.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._validation import Interval, validate_params

__all__ = ["ExponentialMovingAverage", "bias_correct", "ewa_step"]


def ewa_step(
    v: np.ndarray, theta: np.ndarray | float, beta: float, scratch: np.ndarray | None = None
) -> np.ndarray:
    """One in-place step ``v = beta * v + (1 - beta) * theta``; returns ``v``.

    Parameters
    ----------
    v : ndarray
        The running average, updated in place.
    theta : ndarray or float
        The new value(s).
    beta : float
        The averaging weight.
    scratch : ndarray, optional
        A work array shaped like ``v``, to avoid a temporary.

    Examples
    --------
    >>> v = np.zeros(1)
    >>> ewa_step(v, np.array([10.0]), 0.9)
    array([1.])
    """
    if scratch is None:
        v *= beta
        v += (1.0 - beta) * theta
    else:
        np.multiply(theta, 1.0 - beta, out=scratch)
        v *= beta
        v += scratch
    return v


def bias_correct(v: np.ndarray | float, beta: float, t: int) -> np.ndarray | float:
    """Bias-corrected average ``v / (1 - beta**t)`` (t counts steps from 1).

    Examples
    --------
    >>> float(bias_correct(1.0, 0.9, 1))
    10.000000000000002
    """
    return v / (1.0 - beta**t)


class ExponentialMovingAverage:
    """The exponentially weighted average of a whole series, as in the course's temperature
    example.

    Parameters
    ----------
    beta : float, default=0.9
        Weight of the past; the average spans about ``1 / (1 - beta)`` values.
    bias_correction : bool, default=False
        Divide by ``1 - beta**t`` so the first values are not pulled towards 0.

    Examples
    --------
    >>> ExponentialMovingAverage(0.5).apply([4.0, 4.0, 4.0])
    array([2. , 3. , 3.5])
    >>> ExponentialMovingAverage(0.5, bias_correction=True).apply([4.0, 4.0, 4.0])
    array([4., 4., 4.])
    """

    def __init__(self, beta: float = 0.9, bias_correction: bool = False) -> None:
        validate_params(
            {"beta": [Interval("real", 0, 1, "left")]}, {"beta": beta}, "ExponentialMovingAverage"
        )
        self.beta = float(beta)
        self.bias_correction = bool(bias_correction)

    def apply(self, series: Sequence[float] | np.ndarray) -> np.ndarray:
        """The averages v_1 .. v_T of ``series`` (theta_1 .. theta_T), v_0 = 0."""
        x = np.asarray(series, dtype=np.float64)
        out = np.empty_like(x)
        v = np.zeros(x.shape[1:])
        for t, theta in enumerate(x, start=1):
            ewa_step(v, theta, self.beta)
            out[t - 1] = bias_correct(v, self.beta, t) if self.bias_correction else v
        return out

    def __repr__(self) -> str:
        return (
            f"ExponentialMovingAverage(beta={self.beta!r}, "
            f"bias_correction={self.bias_correction!r})"
        )
