"""Random search (the default), grid search, and coarse to fine.

Why random rather than grid (Course 2, week 3, "Tuning process"): in a grid of n values
for each of k hyperparameters, the n**k trials try only n distinct values of each one. If
only one of them matters (the learning rate usually matters far more than Adam's
epsilon), n**k trainings have explored just n learning rates. The same budget spent on
n**k random configs tries n**k distinct learning rates, and every other hyperparameter
gets n**k distinct values too. One rarely knows in advance which hyperparameters matter,
so random sampling is the safe default. :func:`grid_search` is kept for comparison.

Coarse to fine: after a round of random trials, zoom in on the region where the best
ones lie and sample more densely there. ``rounds=k`` repeats this k - 1 times; each
numeric range shrinks to the span of the best ``keep`` fraction of the previous round,
widened by ``margin`` of the old width, measured in the dimension's own scale (log10 for
the learning rate, log10(1 - beta) for betas), and never leaving the old range.

An objective is any callable ``objective(config, *, random_state) -> dict`` returning at
least ``{"dev_score": float, "train_score": float}`` (higher is better unless
``direction="minimize"``), optionally ``"curve"`` (a list of costs) and other scalars.
It trains on the training set and scores on the dev set;
:class:`~trainwell.tuning.objective.NetworkObjective` is a ready one. An objective that
raises, or reports a NaN/inf score, is recorded as a failed (or diverged) trial and the
search goes on. An objective may also have ``check_space(space)`` (raise on names or
ranges it cannot take) and ``describe() -> dict`` (what it measures: data, fixed
settings, metric); a journal records the description, and is resumed only by a search
whose objective describes itself the same way.

References
----------
Course 2 ("Improving Deep Neural Networks"), week 3: "Tuning process" (random rather than
grid, coarse to fine) and "Using an appropriate scale to pick hyperparameters".
J. Bergstra and Y. Bengio, "Random Search for Hyper-Parameter Optimization", JMLR 13,
2012: with few effective dimensions, random trials cover each of them far better than a
grid of the same size.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .._random import RandomLike, check_random_state, rand
from .._validation import Interval, Options, validate_params
from ..exceptions import InvalidParameterError
from .asynchronous import drive, trial_seed
from .executors import make_executor
from .journal import JOURNAL_VERSION, Journal, json_ready
from .pruners import make_pruner
from .results import SearchResult
from .space import SearchSpace

__all__ = ["grid_search", "random_search", "trial_seed"]

Objective = Callable[..., Mapping[str, Any]]


def random_search(
    objective: Objective,
    space: SearchSpace | Mapping[str, Any],
    n_trials: int,
    random_state: RandomLike = None,
    *,
    rounds: int = 1,
    keep: float = 0.25,
    margin: float = 0.1,
    direction: str = "maximize",
    n_jobs: int | None = None,
    scheduler: Any = None,
    journal: str | os.PathLike[str] | None = None,
    progress: bool | str = False,
    pruner: Any = None,
    retries: int = 1,
    timeout: float | None = None,
    quorum: float = 1.0,
    retry_failed: bool = False,
) -> SearchResult:
    """Try ``n_trials`` random configs per round, optionally zooming in coarse to fine.

    Parameters
    ----------
    objective : callable
        ``objective(config, *, random_state) -> {"dev_score", "train_score", ...}``; see
        the module docstring. It must be picklable when ``n_jobs > 1`` or on a cluster.
    space : SearchSpace or dict
        Hyperparameter names to distributions (:mod:`trainwell.tuning.space`).
    n_trials : int
        Trials per round (the search runs ``n_trials * rounds`` in all).
    random_state : None, int, RandomState or Generator
        Seeds the sampling and, through the trial index, each trial's ``random_state``.
        All configs of a round are drawn here, before any is dispatched, so the same
        seed gives the same configs whatever ``n_jobs`` or backend.
    rounds : int, default=1
        Coarse-to-fine rounds; each after the first samples the box around the best
        trials of the one before.
    keep : float in (0, 1], default=0.25
        Fraction of a round's successful trials (at least one) whose span sets the next box.
    margin : float > 0, default=0.1
        How far the box is widened on each side, as a fraction of the old range's width
        in the dimension's scale.
    direction : {"maximize", "minimize"}, default="maximize"
        Whether a higher or lower ``dev_score`` is better.
    n_jobs : int or None, default=None
        Local worker processes (None or 1: run in this process; -1: one per core).
    scheduler : str or distributed.Client, optional
        Run the trials on a Dask cluster instead (``"tcp://host:8786"``); see
        :mod:`trainwell.tuning.dask_pool`. Needs ``pip install trainwell[dask]``.
    journal : str or Path, optional
        A JSON-lines file each finished trial is appended to. If it already holds
        trials of this same search (same settings, and the same ``objective.describe()``
        where the objective has one), those are read back instead of being run again.
        With ``random_state=None`` the journal's seed is reused.
    progress : bool or {"bar", "log"}, default=False
        True or "bar": a progress bar on stderr; "log": a one-line record on stdout at
        least every 30 s (trials done, running, failed, pruned; best so far).
    pruner : {"asha", "median"}, pruner object or None, default=None
        Stop unpromising trials early (:mod:`trainwell.tuning.pruners`); the objective
        must accept ``report=``. Pruned trials have ``status="pruned"``.
    retries : int >= 0, default=1
        How many times a trial that raised, lost its worker or timed out is run again
        before it is recorded ``failed``.
    timeout : float, optional
        Seconds a trial may run: a reporting objective stops at its next report past
        it; a local or Dask trial is cancelled 50% + 5 s later in any case.
    quorum : float in (0, 1], default=1.0
        Fraction of a round that must be in before the next round's box is drawn (the
        rest keeps running). Below 1 the boxes depend on timing (see
        :mod:`trainwell.tuning.asynchronous`).
    retry_failed : bool, default=False
        On resume, run again the trials the journal records as ``failed``.

    Returns
    -------
    SearchResult
        ``trials`` (each with config, dev and train scores, time, status), ``rounds``
        with their boxes, ``best_config``, ``best_score``, ``table()``, ``plot()``,
        ``importance()``.

    Examples
    --------
    >>> from trainwell.tuning import LogUniform, SyntheticObjective
    >>> objective = SyntheticObjective(best={"learning_rate": 0.01}, noise=0.0)
    >>> result = random_search(objective, {"learning_rate": LogUniform(1e-4, 1)},
    ...                        n_trials=10, random_state=0, rounds=2)
    >>> len(result.trials), result.rounds[1].box["learning_rate"]
    (20, [0.00253..., 0.0446...])
    >>> round(result.best_config["learning_rate"], 3)
    0.01
    """
    _validate(n_trials=n_trials, rounds=rounds, keep=keep, margin=margin)
    return _search(
        objective,
        space,
        "random",
        n_trials=n_trials,
        n_points=None,
        rounds=rounds,
        keep=keep,
        margin=margin,
        direction=direction,
        random_state=random_state,
        n_jobs=n_jobs,
        scheduler=scheduler,
        journal=journal,
        progress=progress,
        pruner=pruner,
        retries=retries,
        timeout=timeout,
        quorum=quorum,
        retry_failed=retry_failed,
    )


def grid_search(
    objective: Objective,
    space: SearchSpace | Mapping[str, Any],
    n_points: int | Mapping[str, int] = 5,
    random_state: RandomLike = None,
    *,
    direction: str = "maximize",
    n_jobs: int | None = None,
    scheduler: Any = None,
    journal: str | os.PathLike[str] | None = None,
    progress: bool | str = False,
    pruner: Any = None,
    retries: int = 1,
    timeout: float | None = None,
    retry_failed: bool = False,
) -> SearchResult:
    """Try every combination of ``n_points`` values per hyperparameter (for comparison).

    Values are evenly spaced in each dimension's own scale (``LogUniform(1e-4, 1)`` with
    5 points gives 1e-4, 1e-3, ..., 1); a :class:`~trainwell.tuning.space.Choice` gives
    all its values. Prefer :func:`random_search`: with k hyperparameters a grid of
    ``n**k`` trials explores only ``n`` values of each (see the module docstring).

    Parameters
    ----------
    objective, space, random_state, direction, n_jobs, scheduler, journal, progress, \
pruner, retries, timeout, retry_failed
        As in :func:`random_search` (``random_state`` only seeds the trials).
    n_points : int or dict of str to int, default=5
        Grid points per numeric dimension, or per name.

    Examples
    --------
    >>> from trainwell.tuning import LogUniform, SyntheticObjective
    >>> objective = SyntheticObjective(best={"learning_rate": 0.01}, noise=0.0)
    >>> result = grid_search(objective, {"learning_rate": LogUniform(1e-4, 1)}, n_points=5)
    >>> [t.config["learning_rate"] for t in result.trials], result.best_config
    ([0.0001, 0.001, 0.01, 0.1, 1.0], {'learning_rate': 0.01})
    """
    if isinstance(n_points, Mapping):
        for name, n in n_points.items():
            _validate("grid_search", **{f"n_points[{name!r}]": n})
    else:
        _validate("grid_search", n_points=n_points)
    return _search(
        objective,
        space,
        "grid",
        n_trials=None,
        n_points=n_points,
        rounds=1,
        keep=1.0,
        margin=0.1,
        direction=direction,
        random_state=random_state,
        n_jobs=n_jobs,
        scheduler=scheduler,
        journal=journal,
        progress=progress,
        pruner=pruner,
        retries=retries,
        timeout=timeout,
        retry_failed=retry_failed,
    )


def _validate(caller: str = "random_search", **params: Any) -> None:
    constraints = {name: [Interval("int", 1, None)] for name in params}
    constraints.update(
        keep=[Interval("real", 0, 1, closed="right")],
        margin=[Interval("real", 0, None, closed="neither")],
    )
    validate_params(constraints, params, caller)


def _search(
    objective: Objective,
    space: Any,
    method: str,
    *,
    n_trials: int | None,
    n_points: Any,
    rounds: int,
    keep: float,
    margin: float,
    direction: str,
    random_state: RandomLike,
    n_jobs: int | None,
    scheduler: Any,
    journal: Any,
    progress: Any,
    pruner: Any = None,
    retries: int = 1,
    timeout: float | None = None,
    quorum: float = 1.0,
    retry_failed: bool = False,
) -> SearchResult:
    validate_params(
        {
            "direction": [Options({"maximize", "minimize"})],
            "retries": [Interval("int", 0, None)],
            "timeout": [None, Interval("real", 0, None, closed="neither")],
            "quorum": [Interval("real", 0, 1, closed="right")],
            "progress": [Options({True, False, "bar", "log"})],
        },
        {
            "direction": direction,
            "retries": retries,
            "timeout": timeout,
            "quorum": quorum,
            "progress": progress,
        },
        f"{method}_search",
    )
    if not callable(objective):
        raise InvalidParameterError(
            f"The 'objective' parameter of {method}_search must be callable as "
            f"objective(config, *, random_state). Got {objective!r} instead."
        )
    pruner = make_pruner(pruner)
    space = SearchSpace(space)
    check_space = getattr(objective, "check_space", None)
    if callable(check_space):  # let the objective reject unknown names before any work
        check_space(space)
    log = Journal(journal).lock() if journal is not None else None
    executor = None
    try:
        seed = _root_seed(random_state, log)
        header = {
            "type": "header",
            "version": JOURNAL_VERSION,
            "method": method,
            "seed": seed,
            "space": space.to_dict(),
            "n_trials": n_trials,
            "n_points": n_points,
            "rounds": rounds,
            "keep": keep,
            "margin": margin,
            "direction": direction,
        }
        if quorum < 1:  # it changes which configs the later rounds draw
            header["quorum"] = quorum
        if pruner is not None:  # it changes which trials run to the end
            header["pruner"] = json_ready(pruner.to_dict())
        describe = getattr(objective, "describe", None)
        if log is not None and callable(describe):  # what the trials measure
            header["objective"] = json_ready(describe())
        if log is not None:
            log.check_header(header)
        executor = make_executor(n_jobs, scheduler)
        mode = "bar" if progress is True else (progress or False)
        trials, round_log, reused = drive(
            objective, space, executor=executor, log=log, header=header, seed=seed,
            n_trials=n_trials, n_points=n_points, rounds=rounds, keep=keep, margin=margin,
            direction=direction, pruner=pruner, retries=retries, timeout=timeout,
            quorum=quorum, retry_failed=retry_failed, progress=mode,
        )  # fmt: skip
    finally:
        if executor is not None:
            executor.close()
        if log is not None:
            log.close()
    result = SearchResult(trials, round_log, space, direction=direction, seed=seed, method=method)
    result.reused, result.dashboard_link = reused, executor.dashboard_link
    return result


def _root_seed(random_state: RandomLike, log: Journal | None) -> int:
    if random_state is None:
        if log is not None and log.header is not None:
            return int(log.header["seed"])
        return int(np.random.SeedSequence().entropy % 2**32)
    rng = check_random_state(random_state)  # validates ints and types
    if isinstance(random_state, (numbers.Integral, np.integer)):
        return int(random_state)
    return int(rand(rng, (1,))[0] * 2**32)
