"""Hyperparameter tuning: search spaces, random and grid search, coarse to fine.

The course's recipe (Course 2, week 3): sample at random rather than on a grid, in the
scale where equal steps matter equally (log10 for the learning rate, log10(1 - beta) for
betas), then zoom in coarse to fine on the region of the best trials. Trials run in this
process, in local worker processes (``n_jobs``) or on a Dask cluster (``scheduler``),
as workers free up (:mod:`~trainwell.tuning.asynchronous`); unpromising trials can be
pruned (``pruner="asha"``); a locked JSON-lines ``journal`` lets an interrupted search
resume. docs/tuning.md describes it all, the ``trainwell tune`` TOML keys included.

>>> from trainwell.tuning import random_search, LogUniform, SyntheticObjective
>>> result = random_search(SyntheticObjective({"learning_rate": 0.003}),
...                        {"learning_rate": LogUniform(1e-4, 1)}, n_trials=20, random_state=0)
>>> 0.001 < result.best_config["learning_rate"] < 0.01
True
"""

from .distributions import (
    Choice,
    Distribution,
    IntLogUniform,
    IntUniform,
    LogUniform,
    OneMinusLogUniform,
    Uniform,
)
from .importance import COURSE_PRIORITY, ImportanceReport, hyperparameter_importance
from .journal import Journal, JournalLockedError
from .objective import NetworkObjective
from .pruners import ASHAPruner, MedianPruner, TrialPruned
from .results import Round, SearchResult, Trial
from .search import grid_search, random_search
from .space import DISTRIBUTIONS, SearchSpace, distribution_from_dict
from .synthetic import SyntheticObjective

__all__ = [
    "COURSE_PRIORITY",
    "DISTRIBUTIONS",
    "ASHAPruner",
    "Choice",
    "Distribution",
    "ImportanceReport",
    "IntLogUniform",
    "IntUniform",
    "Journal",
    "JournalLockedError",
    "LogUniform",
    "MedianPruner",
    "NetworkObjective",
    "OneMinusLogUniform",
    "Round",
    "SearchResult",
    "SearchSpace",
    "SyntheticObjective",
    "Trial",
    "TrialPruned",
    "Uniform",
    "distribution_from_dict",
    "grid_search",
    "hyperparameter_importance",
    "random_search",
]
