"""Bias and variance verdicts: a diagnosis from train and dev errors, and the remedies.

The mathematics behind :mod:`trainwell.diagnosis` (which re-exports every name here, with
the learning curves of :mod:`trainwell.learning_curves`):

.. math::

    \\text{avoidable bias} = E_{train} - E_{bayes}, \\qquad
    \\text{variance} = E_{dev} - E_{train}.
"""

from __future__ import annotations

import numbers
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ._validation import check_X_y
from .exceptions import DataError, InvalidParameterError

__all__ = ["REMEDIES", "VERDICTS", "Diagnosis", "classification_error", "diagnose"]

#: The course's basic recipe: what to try, in order, for each problem.
REMEDIES: dict[str, tuple[str, ...]] = {
    "bias": (
        "Bigger network (more hidden units or layers)",
        "Train longer (or use a better optimizer: momentum, RMSprop, Adam)",
        "Try another architecture (neural network architecture search)",
    ),
    "variance": (
        "More training data (or data augmentation)",
        "Regularization (L2, dropout, early stopping)",
        "Try another architecture (neural network architecture search)",
    ),
}

VERDICTS = ("high bias", "high variance", "both", "neither")


@dataclass(frozen=True)
class Diagnosis:
    """The outcome of :func:`diagnose`.

    Attributes
    ----------
    train_error, dev_error, bayes_error : float
        The inputs, as fractions.
    avoidable_bias : float
        ``train_error - bayes_error``.
    variance : float
        ``dev_error - train_error``.
    high_bias, high_variance : bool
        Whether each gap reaches ``threshold``.
    verdict : {"high bias", "high variance", "both", "neither"}
    focus : {"bias", "variance", None}
        The larger gap, the one the course says to work on first (None for "neither").
    remedies : tuple of str
        The course's remedies for the problems found, bias first.
    threshold : float
        The gap counted as high.
    notes : tuple of str
        Warnings about the inputs (a dev error below the train error, ...).
    """

    train_error: float
    dev_error: float
    bayes_error: float
    avoidable_bias: float
    variance: float
    high_bias: bool
    high_variance: bool
    verdict: str
    focus: str | None
    remedies: tuple[str, ...]
    threshold: float
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-able contents."""
        out = asdict(self)
        out["remedies"], out["notes"] = list(self.remedies), list(self.notes)
        return out

    def __repr__(self) -> str:
        return (
            f"Diagnosis(verdict={self.verdict!r}, avoidable_bias={_pct(self.avoidable_bias)}, "
            f"variance={_pct(self.variance)}, focus={self.focus!r})"
        )

    def _repr_html_(self) -> str:
        """A small table for Jupyter: the errors, both gaps, the verdict and remedies."""
        from html import escape

        high = lambda flag: " <b>(high)</b>" if flag else ""  # noqa: E731
        rows = [
            ("Bayes error", _pct(self.bayes_error), ""),
            (
                "train error",
                _pct(self.train_error),
                f"avoidable bias {_pct(self.avoidable_bias)}{high(self.high_bias)}",
            ),
            (
                "dev error",
                _pct(self.dev_error),
                f"variance {_pct(self.variance)}{high(self.high_variance)}",
            ),
        ]
        body = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in rows)
        extra = [f"Work on {self.focus} first." if self.focus else "No remedy needed."]
        for problem, flag in (("bias", self.high_bias), ("variance", self.high_variance)):
            if flag:
                extra += [f"{problem}: {r}" for r in REMEDIES[problem]]
        extra += [f"Note: {n}" for n in self.notes]
        items = "".join(f"<li>{escape(e)}</li>" for e in extra)
        return (
            f"<div><b>Verdict: {escape(self.verdict)}</b><table>{body}</table>"
            f"<ul>{items}</ul></div>"
        )

    def __str__(self) -> str:
        pct = _pct
        high = lambda flag: "  (high)" if flag else ""  # noqa: E731
        lines = [
            f"Verdict: {self.verdict}",
            f"  Bayes error     {pct(self.bayes_error):>8}",
            f"  train error     {pct(self.train_error):>8}   "
            f"avoidable bias {pct(self.avoidable_bias)}{high(self.high_bias)}",
            f"  dev error       {pct(self.dev_error):>8}   "
            f"variance       {pct(self.variance)}{high(self.high_variance)}",
            f"  (a gap of {pct(self.threshold)} or more counts as high)",
        ]
        if self.focus is not None:
            why = (
                "the recipe fixes bias before variance"
                if abs(self.avoidable_bias - self.variance) < 1e-12
                else "the larger gap"
            )
            lines.append(f"Work on {self.focus} first ({why}).")
            for problem, high in (("bias", self.high_bias), ("variance", self.high_variance)):
                if high:
                    lines.append(f"Remedies for high {problem}:")
                    lines += [f"  - {r}" for r in REMEDIES[problem]]
        else:
            lines.append("No remedy needed: both gaps are small.")
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)


def _pct(x: float) -> str:
    """``x`` as a percentage with two decimals, never "-0.00%"."""
    return f"{round(100 * x, 2) + 0.0:.2f}%"


def _fraction(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise InvalidParameterError(
            f"The {name!r} parameter of diagnose must be a float in [0, 1]. Got {value!r} instead."
        )
    v = float(value)
    if not 0.0 <= v <= 1.0:
        hint = f" (an error of {v:g}%? pass {v / 100:g})" if 1 < v <= 100 else ""
        raise InvalidParameterError(
            f"The {name!r} parameter of diagnose must be a fraction in "
            f"[0, 1]{hint}. Got {value!r} instead."
        )
    return v


def diagnose(
    train_error: float, dev_error: float, bayes_error: float = 0.0, *, threshold: float = 0.02
) -> Diagnosis:
    """Bias/variance verdict from the training and dev errors.

    Parameters
    ----------
    train_error, dev_error : float
        Error rates (fractions in [0, 1]) on the training set and on the dev set.
    bayes_error : float, default=0.0
        The lowest achievable error (human-level error is a proxy). With noisy or ambiguous
        data it is well above 0, and then a train error of 15% may be no bias at all.
    threshold : float, default=0.02
        A gap of at least this much (2 percentage points) counts as high. The course judges
        by eye; 2 points separates its examples (1 point is small, 10 is large).

    Returns
    -------
    Diagnosis
        Verdict, both gaps, the gap to work on first, and the course's remedies.

    Notes
    -----
    The rule, with :math:`b = E_{train} - E_{bayes}` and :math:`v = E_{dev} - E_{train}`:
    high bias if :math:`b \\ge` threshold, high variance if :math:`v \\ge` threshold, "both"
    if both, "neither" if none. ``focus`` is the larger of the two gaps (course 3,
    "Avoidable bias": with human error 7.5%, train 8% and dev 10%, work on variance).

    References
    ----------
    Course 2, week 1, "Bias / Variance" and "Basic Recipe for Machine Learning";
    course 3, week 1, "Avoidable Bias" and "Understanding Human-level Performance".

    Examples
    --------
    >>> diagnose(0.01, 0.11).verdict
    'high variance'
    >>> diagnose(0.15, 0.16).verdict
    'high bias'
    >>> diagnose(0.15, 0.30).verdict
    'both'
    >>> diagnose(0.005, 0.01).verdict
    'neither'
    >>> d = diagnose(0.08, 0.10, bayes_error=0.075)
    >>> d.verdict, round(d.avoidable_bias, 3), d.focus
    ('high variance', 0.005, 'variance')
    """
    train = _fraction("train_error", train_error)
    dev = _fraction("dev_error", dev_error)
    bayes = _fraction("bayes_error", bayes_error)
    if (
        isinstance(threshold, (bool, np.bool_))
        or not isinstance(threshold, numbers.Real)
        or not (0 < threshold < 1)
    ):
        raise InvalidParameterError(
            "The 'threshold' parameter of diagnose must be a float in "
            f"(0, 1). Got {threshold!r} instead."
        )
    bias, variance = train - bayes, dev - train
    tol = 1e-12  # so that 0.10 - 0.08 counts as the 2 points it is
    high_bias, high_variance = bias >= threshold - tol, variance >= threshold - tol
    verdict = VERDICTS[
        [
            high_bias and not high_variance,
            high_variance and not high_bias,
            high_bias and high_variance,
            True,
        ].index(True)
    ]
    focus = (
        None
        if verdict == "neither"
        else ("bias" if high_bias and (not high_variance or bias >= variance) else "variance")
    )
    problems = [p for p, high in (("bias", high_bias), ("variance", high_variance)) if high]
    remedies = tuple(dict.fromkeys(r for p in problems for r in REMEDIES[p]))
    notes = []
    if variance < 0:
        notes.append(
            "The dev error is below the training error: the dev set may be easier "
            "than, or drawn differently from, the training set."
        )
    if bias < 0:
        notes.append(
            "The training error is below the Bayes error estimate: the estimate is "
            "too high, or the model memorises the training set."
        )
    return Diagnosis(
        train,
        dev,
        bayes,
        bias,
        variance,
        bool(high_bias),
        bool(high_variance),
        verdict,
        focus,
        remedies,
        float(threshold),
        tuple(notes),
    )


def classification_error(model: Any, X: Any, y: Any) -> float:
    """Fraction of examples whose ``model.predict(X)`` differs from ``y``.

    ``y`` and the predictions may be labels ``(m,)``, a column ``(m, 1)`` or one-hot rows
    ``(m, n_classes)`` (compared by argmax).
    """
    X, y = check_X_y(X, y)
    pred = np.asarray(model.predict(X))

    def labels(a: np.ndarray) -> np.ndarray:
        return a.argmax(axis=1) if a.ndim == 2 and a.shape[1] > 1 else a.reshape(len(a), -1)[:, 0]

    if pred.shape[:1] != y.shape[:1]:
        raise DataError(
            f"model.predict returned {pred.shape[:1] or 'no'} predictions for "
            f"{y.shape[0]} examples."
        )
    return float(np.mean(labels(pred) != labels(y)))
