"""Which hyperparameters mattered: variance of the dev score explained, beside the course.

The course (Course 2, week 3, "Tuning process") ranks hyperparameters by how much they
usually matter: the learning rate first; then the momentum β, the number of hidden units
and the mini-batch size; then the number of layers and the learning-rate decay; Adam's
β1, β2 and ε last (almost never tuned). A finished search can check that ordering on its
own problem: each hyperparameter's share of the variation in the dev score across the
successful trials, measured in the scale it was sampled in (log10 for the learning rate).

Two measures:

``"variance"`` (default)
    A variance decomposition by main effects: for each hyperparameter alone, the share
    of the dev score's variance that a one-variable model explains, as an adjusted R²
    (corrected for the model's size, so a hyperparameter that does nothing scores about
    0). The model is a cubic in the hyperparameter's scale (log10 for the learning rate,
    log10(1 - beta) for betas), of lower degree when there are too few trials for one
    (at most n - 2 for n trials), or the mean per value of a choice (0 when the choice
    has as many values as there are trials: nothing is left to estimate the noise).
    Interactions show up in no single hyperparameter, so the shares may sum to less than
    1. With few trials the estimates are rough: a hyperparameter that does nothing can
    correlate with the score by chance.
``"forest"``
    A random forest fitted to the trial table (sklearn's ``RandomForestRegressor``); its
    impurity importances, which sum to 1, are scaled by its out-of-bag R², so they too
    read as fractions of the dev score's variance. Sees interactions; needs more trials.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..exceptions import DataError, InvalidParameterError

__all__ = ["COURSE_PRIORITY", "COURSE_TIERS", "ImportanceReport", "hyperparameter_importance"]

#: The course's ordering: tier 1 matters most (names as in NetworkObjective).
COURSE_PRIORITY: dict[str, int] = {
    "learning_rate": 1,
    "beta": 2, "hidden_units": 2, "batch_size": 2,
    "layers": 3, "decay_rate": 3,
    "beta1": 4, "beta2": 4, "epsilon": 4,
}  # fmt: skip

COURSE_TIERS: dict[int, str] = {
    1: "learning rate",
    2: "momentum beta, hidden units, mini-batch size",
    3: "layers, learning-rate decay",
    4: "Adam's beta1, beta2, epsilon",
}

MIN_TRIALS = 4


@dataclass
class ImportanceReport:
    """Each hyperparameter's share of the dev score's variance, with the course's tier.

    Attributes
    ----------
    rows : list of dict
        Most important first: ``name``, ``importance`` (fraction of variance in [0, 1]),
        ``rank`` (1 = most important here), ``course_tier`` (1..4, or None when the
        course does not rank it).
    method : {"variance", "forest"}
    n_trials : int
        Successful trials the measure used.
    """

    rows: list[dict[str, Any]]
    method: str
    n_trials: int
    notes: list[str] = field(default_factory=list)

    @property
    def importances(self) -> dict[str, float]:
        """``{name: importance}``, most important first."""
        return {r["name"]: r["importance"] for r in self.rows}

    def format(self) -> str:
        """A text table: measured importance beside the course's ordering."""
        head = f"Hyperparameter importance ({self.method}, {self.n_trials} trials)"
        width = max(len("hyperparameter"), *(len(r["name"]) for r in self.rows))
        lines = [head, f"{'hyperparameter':<{width}}  explains  rank  course's tier"]
        for r in self.rows:
            tier = r["course_tier"]
            course = "-" if tier is None else f"{tier}: {COURSE_TIERS[tier]}"
            lines.append(f"{r['name']:<{width}}  {r['importance']:>7.1%}  {r['rank']:>4}  {course}")
        return "\n".join(lines + self.notes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "method": self.method,
            "n_trials": self.n_trials,
            "rows": self.rows,
            "notes": list(self.notes),
        }


def _features(
    result: Any, all_rounds: bool
) -> tuple[list[str], np.ndarray, list[bool], np.ndarray]:
    ok = [t for t in result.trials if t.ok and (all_rounds or t.round == 0)]
    if len(ok) < MIN_TRIALS:
        raise DataError(
            f"Hyperparameter importance needs at least {MIN_TRIALS} successful trials; "
            f"this search has {len(ok)}."
        )
    names = list(result.space)
    columns, categorical = [], []
    for name in names:
        dist = result.space[name]
        if dist.numeric:
            columns.append([dist.to_scale(t.config[name]) for t in ok])
        else:
            columns.append([dist.index(t.config[name]) for t in ok])
        categorical.append(not dist.numeric)
    y = np.array([t.dev_score for t in ok], dtype=float)
    return names, np.array(columns, dtype=float).T, categorical, y


def _adjusted_r2(y: np.ndarray, fitted: np.ndarray, n_params: int) -> float:
    """1 - (residual variance / total variance), each with its degrees of freedom, in [0, 1]."""
    n = len(y)
    ss_total = float(((y - y.mean()) ** 2).sum())
    if ss_total == 0.0 or n_params < 1:
        return 0.0
    ss_resid = float(((y - fitted) ** 2).sum())
    if n - n_params - 1 <= 0:  # as many parameters as points: a perfect fit, unestimable
        return 0.0
    r2 = 1.0 - (ss_resid / (n - n_params - 1)) / (ss_total / (n - 1))
    return float(min(1.0, max(0.0, r2)))


def _explained(x: np.ndarray, y: np.ndarray, categorical: bool) -> float:
    """Adjusted R² of y on x alone: group means of a choice, else a cubic in x's scale."""
    uniq = np.unique(x)
    if categorical:
        groups = np.searchsorted(uniq, x)
        means = np.array([y[groups == g].mean() for g in range(len(uniq))])
        return _adjusted_r2(y, means[groups], len(uniq) - 1)
    degree = min(3, len(uniq) - 1, len(y) - 2)  # leave a degree of freedom for the noise
    if degree < 1:
        return 0.0
    z = (x - x.mean()) / x.std()
    V = np.vander(z, degree + 1)
    coef, *_ = np.linalg.lstsq(V, y, rcond=None)
    return _adjusted_r2(y, V @ coef, degree)


def _forest(X: np.ndarray, y: np.ndarray, random_state: int) -> tuple[np.ndarray, float]:
    from sklearn.ensemble import RandomForestRegressor

    forest = RandomForestRegressor(
        n_estimators=200, min_samples_leaf=2, oob_score=True, random_state=random_state
    )
    forest.fit(X, y)
    r2 = float(min(1.0, max(0.0, forest.oob_score_)))
    return forest.feature_importances_ * r2, r2


def hyperparameter_importance(
    result: Any, *, method: str = "variance", all_rounds: bool = False, random_state: int = 0
) -> ImportanceReport:
    """How much of the dev score's variation each searched hyperparameter explains.

    Parameters
    ----------
    result : SearchResult
        A finished search; failed and diverged trials are left out.
    method : {"variance", "forest"}, default="variance"
        See the module docstring.
    all_rounds : bool, default=False
        Use the trials of every coarse-to-fine round. By default only the first round's
        are used: they are a uniform sample of the whole space, whereas later rounds
        crowd around the best trials, which ties the hyperparameters to each other (and
        to the score) and inflates every main effect.
    random_state : int, default=0
        Seeds the forest (``method="forest"``).

    Returns
    -------
    ImportanceReport
        Rows most important first, each beside the course's tier (:data:`COURSE_PRIORITY`).

    Raises
    ------
    DataError
        With fewer than 4 successful trials.

    Examples
    --------
    >>> from trainwell.tuning import random_search, SyntheticObjective, LogUniform, Choice
    >>> objective = SyntheticObjective({"learning_rate": 0.01}, noise=0.02)
    >>> space = {"learning_rate": LogUniform(1e-4, 1), "batch_size": Choice([64, 128, 256])}
    >>> report = random_search(objective, space, n_trials=30, random_state=0).importance()
    >>> [row["name"] for row in report.rows], report.rows[0]["importance"] > 0.8
    (['learning_rate', 'batch_size'], True)
    """
    if method not in ("variance", "forest"):
        raise InvalidParameterError(
            f"The 'method' parameter of hyperparameter_importance must be 'variance' or "
            f"'forest'. Got {method!r} instead."
        )
    names, X, categorical, y = _features(result, all_rounds)
    notes = []
    if method == "variance":
        values = np.array([_explained(X[:, j], y, categorical[j]) for j in range(len(names))])
    else:
        values, r2 = _forest(X, y, random_state)
        notes.append(f"The forest's out-of-bag R² is {r2:.2f}: the importances sum to it.")
    if not all_rounds and len(result.rounds) > 1:
        notes.append("Measured on the first round only (a uniform sample of the space).")
    order = sorted(range(len(names)), key=lambda j: (-values[j], j))
    rows = [
        {
            "name": names[j],
            "importance": float(values[j]),
            "rank": rank,
            "course_tier": COURSE_PRIORITY.get(names[j]),
        }
        for rank, j in enumerate(order, start=1)
    ]
    return ImportanceReport(rows, method, len(y), notes)
