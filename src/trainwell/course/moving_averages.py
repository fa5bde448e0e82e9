"""Experiment 5, exponentially weighted averages (course 2, week 2, "Exponentially
Weighted Averages" and "Bias Correction").

A year of synthetic daily temperatures, ``theta_t = 52 + 14 sin(2 pi (t - 105) / 365) +
noise`` in °F (noise: standard normal times 5, from ``RandomState(0)``; January near 40 °F
like the course's London example), averaged with

.. math:: v_0 = 0, \\qquad v_t = \\beta v_{t-1} + (1 - \\beta)\\theta_t, \\qquad
          \\hat v_t = \\frac{v_t}{1 - \\beta^t}

for beta 0.5, 0.9 and 0.98 (about 2, 10 and 50 days). Without bias correction the average
starts near 0 and needs about ``1 / (1 - beta)`` days to catch up: the start-up dip.
"""

from __future__ import annotations

import numpy as np

from ..optim import ExponentialMovingAverage
from ._base import DEFAULT, ExperimentResult, Settings, Table

NAME = "moving_averages"
TITLE = "Exponentially weighted averages and bias correction"
FINDING = (
    "A larger beta averages over about 1/(1 - beta) days: smoother but later; starting "
    "from v0 = 0 the uncorrected average dips far below the data for its first "
    "1/(1 - beta) days, and dividing by 1 - beta^t removes the dip."
)
#: About how long it takes on one core (the parallel runner starts long jobs first).
SECONDS = 0.6
BETAS = (0.5, 0.9, 0.98)


def temperatures(days: int = 365, random_state: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(noisy daily temperatures, the seasonal curve without noise), in °F.

    Examples
    --------
    >>> noisy, clean = temperatures()
    >>> noisy.shape, round(float(clean[0]), 1)
    ((365,), 38.3)
    """
    t = np.arange(1, days + 1)
    clean = 52 + 14 * np.sin(2 * np.pi * (t - 105) / 365)
    return clean + 5 * np.random.RandomState(random_state).randn(days), clean


def run(settings: Settings = DEFAULT) -> ExperimentResult:
    """Average the year with each beta, with and without bias correction.

    Returns
    -------
    ExperimentResult
        ``results[str(beta)]`` holds ``days_averaged`` (1 / (1 - beta)), ``first_value``
        and ``start_up_error`` (mean |average - seasonal curve| over the first
        1 / (1 - beta) days), each for ``uncorrected`` and ``corrected``, and
        ``error_after_start_up`` (the same over days 101-365, corrected: noise for small
        beta, lag for large beta).
    """
    noisy, clean = temperatures()
    averages: dict[str, np.ndarray] = {}
    results = {}
    for beta in BETAS:
        window = 1.0 / (1.0 - beta)
        early = slice(0, int(np.ceil(window)))
        entry: dict[str, dict[str, float]] = {"first_value": {}, "start_up_error": {}}
        for corrected in (False, True):
            avg = ExponentialMovingAverage(beta, bias_correction=corrected).apply(noisy)
            key = "corrected" if corrected else "uncorrected"
            averages[f"{beta} {key}"] = avg
            entry["first_value"][key] = float(avg[0])
            entry["start_up_error"][key] = float(np.mean(np.abs(avg[early] - clean[early])))
        late = averages[f"{beta} corrected"][100:]
        results[str(beta)] = {
            "days_averaged": window,
            **entry,
            "error_after_start_up": float(np.mean(np.abs(late - clean[100:]))),
        }
    table = Table(
        "Mean |average - seasonal curve| (°F) over the first 1/(1 - beta) days, and after day 100.",
        [
            "beta",
            "days averaged",
            "first value (uncorrected)",
            "first value (corrected)",
            "start-up error (uncorrected)",
            "start-up error (corrected)",
            "after day 100",
        ],
        [
            [
                beta,
                f"{r['days_averaged']:.0f}",
                f"{r['first_value']['uncorrected']:.1f}",
                f"{r['first_value']['corrected']:.1f}",
                f"{r['start_up_error']['uncorrected']:.2f}",
                f"{r['start_up_error']['corrected']:.2f}",
                f"{r['error_after_start_up']:.2f}",
            ]
            for beta, r in results.items()
        ],
    )
    result = ExperimentResult(
        NAME,
        TITLE,
        FINDING,
        results={"first_day": float(noisy[0]), **results},
        tables=[table],
        notes=[
            f"Day 1 reads {noisy[0]:.1f} °F; the uncorrected average starts at "
            "(1 - beta) times that, the corrected one at the reading itself."
        ],
        summary=[
            {
                "variant": f"beta {b}: start-up error "
                f"{r['start_up_error']['uncorrected']:.1f} -> "
                f"{r['start_up_error']['corrected']:.1f} °F corrected"
            }
            for b, r in results.items()
        ],
    )
    if settings.figures:
        from ..plots import moving_averages

        result.figures[f"{NAME}_temperatures"] = moving_averages(
            np.arange(1, noisy.size + 1), noisy, averages
        )
    return result
