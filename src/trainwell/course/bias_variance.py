"""Experiment 10, bias and variance (course 2, week 1, "Bias / Variance" and "Basic
Recipe for Machine Learning").

With Bayes error (about human-level error) near 0, the training error measures the
avoidable bias and the gap between dev and training error measures the variance. The
course's four examples: train 1% / dev 11% (high variance), 15% / 16% (high bias),
15% / 30% (both), 0.5% / 1% (neither). Then a learning curve on digits: training and dev
error of the same network trained on growing subsets of the training set.
"""

from __future__ import annotations

import warnings
from functools import partial

from ..data import load_digits
from ..diagnosis import diagnose, learning_curve
from ..exceptions import ConvergenceWarning
from ..sklearn import MLPClassifier
from ._base import DEFAULT, ExperimentResult, Settings, Table, pct

NAME = "bias_variance"
TITLE = "Bias and variance: the course's four cases and a learning curve"
FINDING = (
    "Training error far above Bayes error means high bias (a bigger network, longer "
    "training); a dev error far above the training error means high variance (more data, "
    "regularization); more data shrinks the dev error of a high-variance network."
)
#: About how long it takes on one core (the parallel runner starts long jobs first).
SECONDS = 0.7
COURSE_CASES = (  # (train error, dev error, the course's verdict)
    (0.01, 0.11, "high variance"),
    (0.15, 0.16, "high bias"),
    (0.15, 0.30, "high bias and high variance"),
    (0.005, 0.01, "low bias and low variance"),
)
SIZES = (50, 100, 200, 400, 800, 1347)
EPOCHS = 40


def run(settings: Settings = DEFAULT) -> ExperimentResult:
    """Diagnose the course's cases, then draw a learning curve on digits (seconds).

    Returns
    -------
    ExperimentResult
        ``results["course_cases"]`` (each pair with its verdict),
        ``results["learning_curve"]`` (sizes, train and dev errors) and
        ``results["diagnosis"]`` at the largest training set.
    """
    cases = [diagnose(t, d) for t, d, _ in COURSE_CASES]
    X, y, Xd, yd = load_digits()
    model = partial(
        MLPClassifier, (32,), learning_rate=0.003, batch_size=32, epochs=EPOCHS, random_state=0
    )
    with warnings.catch_warnings():  # the course's budget of 40 epochs, converged or not
        warnings.simplefilter("ignore", ConvergenceWarning)
        curve = learning_curve(model, X, y, Xd, yd, sizes=SIZES, random_state=0)
    first, last = (
        diagnose(float(curve.train_error[i]), float(curve.dev_error[i])) for i in (0, -1)
    )
    keys = ("train_error", "dev_error", "avoidable_bias", "variance", "verdict")
    result = ExperimentResult(
        NAME,
        TITLE,
        FINDING,
        results={
            "course_cases": [{k: getattr(c, k) for k in keys} for c in cases],
            "learning_curve": {
                "sizes": curve.x.tolist(),
                "train_error": curve.train_error.tolist(),
                "dev_error": curve.dev_error.tolist(),
            },
            "diagnosis": {k: getattr(last, k) for k in keys},
        },
        tables=[
            Table(
                "The course's examples (Bayes error about 0): trainwell.diagnosis.diagnose.",
                ["train error", "dev error", "verdict", "the course says", "work on first"],
                [
                    [pct(c.train_error), pct(c.dev_error), c.verdict, expected, c.focus or ""]
                    for c, (_, _, expected) in zip(cases, COURSE_CASES)
                ],
            ),
            Table(
                f"Learning curve on digits: MLPClassifier((32,)), Adam, {EPOCHS} epochs.",
                ["training examples", "train error", "dev error"],
                [
                    [m, pct(t), pct(d)]
                    for m, t, d in zip(curve.x.tolist(), curve.train_error, curve.dev_error)
                ],
            ),
        ],
        notes=[
            f"With {SIZES[0]} examples: {first.verdict} (dev - train = "
            f"{pct(first.variance)}); with all {SIZES[-1]}: {last.verdict} "
            f"(dev - train = {pct(last.variance)}).",
            "Remedies the course gives for the last point: "
            + ("; ".join(last.remedies) or "none needed")
            + ".",
        ],
        summary=[
            {"variant": f"{pct(c.train_error)} / {pct(c.dev_error)}: {c.verdict}"} for c in cases
        ],
    )
    if settings.figures:
        from ..diagnosis import plot_learning_curve

        result.figures[f"{NAME}_learning_curve"] = plot_learning_curve(
            curve, bayes_error=0.0, title="Learning curve on digits"
        )
    return result
