"""Bias and variance: a verdict from train and dev errors, with the course's remedies.

Course 2, week 1, "Bias / Variance" and "Basic Recipe for Machine Learning" (and course 3,
week 1, "Avoidable bias"). With :math:`E_{bayes}` the Bayes (optimal) error, often
approximated by human-level error:

.. math::

    \\text{avoidable bias} = E_{train} - E_{bayes}, \\qquad
    \\text{variance} = E_{dev} - E_{train}.

A large avoidable bias means the model underfits even the data it saw; a large variance
means it does not generalise from the training set to the dev set. The course's four
examples (Bayes error near 0):

===========  =========  ======================
train error  dev error  verdict
===========  =========  ======================
1%           11%        high variance
15%          16%        high bias
15%          30%        both
0.5%         1%         neither
===========  =========  ======================

Learning curves (:func:`learning_curve`, :func:`epoch_curve`, :func:`plot_learning_curve`)
live in :mod:`trainwell.learning_curves` and are reachable from here too; the per-layer
norms of vanishing and exploding gradients are :func:`gradient_norms`.
"""

from __future__ import annotations

import json
from typing import Any

from ._gradient_norms import GradientNorms, gradient_norms
from .exceptions import InvalidParameterError
from .learning_curves import LearningCurve, epoch_curve, learning_curve, plot_learning_curve
from .verdicts import REMEDIES, VERDICTS, Diagnosis, classification_error, diagnose

__all__ = [
    "REMEDIES",
    "VERDICTS",
    "Diagnosis",
    "GradientNorms",
    "LearningCurve",
    "classification_error",
    "cli_diagnose",
    "diagnose",
    "diagnose_model",
    "epoch_curve",
    "gradient_norms",
    "learning_curve",
    "plot_learning_curve",
]


def diagnose_model(
    model: Any,
    X_train: Any,
    y_train: Any,
    X_dev: Any,
    y_dev: Any,
    bayes_error: float = 0.0,
    *,
    threshold: float = 0.02,
) -> Diagnosis:
    """:func:`diagnose` a fitted classifier from its errors on the training and dev sets.

    Parameters
    ----------
    model : object with ``predict(X)``
        A fitted classifier (a trainwell network or estimator, any scikit-learn classifier).
    X_train, y_train, X_dev, y_dev : array-like
        The data it was trained on, and the dev set.
    bayes_error, threshold : float
        As in :func:`diagnose`.

    Returns
    -------
    Diagnosis
    """
    if not callable(getattr(model, "predict", None)):
        raise InvalidParameterError(
            "The 'model' parameter of diagnose_model must have a "
            f"predict(X) method. Got {type(model).__name__} instead."
        )
    return diagnose(
        classification_error(model, X_train, y_train),
        classification_error(model, X_dev, y_dev),
        bayes_error,
        threshold=threshold,
    )


def cli_diagnose(args: Any) -> int:
    """Body of ``trainwell diagnose``: print the verdict and remedies (or JSON); return 0.

    ``args`` has ``train_error``, ``dev_error``, ``bayes_error``, ``json`` (print JSON
    instead of text) and ``json_out`` (also write the JSON to this path).
    """
    from ._files import check_output, write_atomic

    json_out = getattr(args, "json_out", None)
    check_output(json_out, "--json-out", folder=False)
    result = diagnose(args.train_error, args.dev_error, args.bayes_error)
    text = json.dumps(result.to_dict(), indent=2, allow_nan=False)
    print(text if getattr(args, "json", False) else result)
    if json_out is not None:
        write_atomic(json_out, text + "\n")
    return 0
