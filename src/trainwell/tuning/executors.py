"""Where trials run: in this process, in local worker processes, or on a Dask cluster.

All three run the same function, :func:`run_trial`, on the same ``(index, round, config,
seed)`` specs that the parent drew, so a search gives the same configs, and (with a
deterministic objective) the same scores, whatever ``n_jobs`` or backend.

Local processes (``n_jobs > 1``)
    joblib's loky backend: worker processes started once and reused by later searches
    (and rounds), with the BLAS thread pools of each worker limited to
    ``cpu_count // n_jobs`` threads so that n workers don't each start one thread per
    core and oversubscribe the machine.

A Dask cluster (``scheduler="tcp://host:8786"`` or a ``distributed.Client``)
    joblib's dask backend. The objective (with its training data) is scattered to the
    workers once, not sent with every trial, and each trial's BLAS pool is limited to one
    thread, since a Dask worker usually runs one task per core. Needs the optional extra
    ``pip install trainwell[dask]``. To use a real cluster::

        # on the scheduler machine              # on each worker machine
        dask scheduler --port 8786              dask worker tcp://SCHEDULER:8786 \\
                                                    --nworkers 4 --nthreads 1

    then ``random_search(..., scheduler="tcp://SCHEDULER:8786")`` or ``trainwell tune
    CONFIG.toml --scheduler tcp://SCHEDULER:8786``. The scheduler, every worker and the
    client need the same versions of trainwell, numpy and joblib installed (the
    objective is pickled by reference to ``trainwell``'s modules), and the workers must
    reach the client's data only through the scattered objective (no shared files
    needed).
"""

from __future__ import annotations

import math
import numbers
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from ..exceptions import InvalidParameterError, TrainingDiverged
from .results import Trial

__all__ = ["DaskExecutor", "LocalExecutor", "SerialExecutor", "make_executor", "run_trial"]

Spec = tuple  # (index, round, config, seed)


def run_trial(objective: Any, spec: Spec, blas_threads: int | None = None) -> Trial:
    """Call ``objective(config, random_state=seed)`` and record the outcome as a Trial.

    Exceptions become ``status="failed"`` (``TrainingDiverged`` and non-finite scores
    ``"diverged"``) with the error text; nothing but ``BaseException`` (Ctrl-C) escapes.
    NumPy's floating-point warnings (overflow, invalid value) are silenced during the
    call: a diverging trial would print dozens, and its status already says it diverged.
    """
    index, round_, config, seed = spec
    trial = Trial(index=index, round=round_, config=dict(config), seed=seed)
    start = time.perf_counter()
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            if blas_threads is None:
                out = objective(dict(config), random_state=seed)
            else:
                from threadpoolctl import threadpool_limits

                with threadpool_limits(limits=blas_threads):
                    out = objective(dict(config), random_state=seed)
        _read_output(trial, out)
    except TrainingDiverged as exc:
        trial.status, trial.error = "diverged", f"{type(exc).__name__}: {exc}"
    except Exception as exc:
        trial.status, trial.error = "failed", f"{type(exc).__name__}: {exc}"
    trial.time_s = time.perf_counter() - start
    if not trial.ok:
        trial.dev_score = trial.train_score = None
    return trial


def _read_output(trial: Trial, out: Any) -> None:
    if not isinstance(out, Mapping) or not all(
        isinstance(out.get(k), numbers.Real) and not isinstance(out.get(k), bool)
        for k in ("dev_score", "train_score")
    ):
        raise TypeError(
            "the objective must return a dict with float 'dev_score' and 'train_score'; "
            f"got {out!r:.200}"
        )
    trial.curve = [float(c) if math.isfinite(c) else None for c in out.get("curve") or ()]
    for key, value in out.items():
        if key not in ("dev_score", "train_score", "curve"):
            value = _json_scalar(value)
            if value is not _SKIP:
                trial.metrics[key] = value
    dev, train = float(out["dev_score"]), float(out["train_score"])
    if not (math.isfinite(dev) and math.isfinite(train)):
        trial.status = "diverged"
        trial.error = f"non-finite score: dev_score={dev}, train_score={train}"
    else:
        trial.dev_score, trial.train_score = dev, train


_SKIP = object()


def _json_scalar(value: Any) -> Any:
    """``value`` as a JSON scalar (str, bool, int, finite float), or ``_SKIP``."""
    if isinstance(value, (str, bool)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and math.isfinite(value):
        return float(value)
    return _SKIP


class SerialExecutor:
    """Runs trials one after the other in this process."""

    n_workers = 1

    def map(self, objective: Any, specs: Iterable[Spec]) -> Iterator[Trial]:
        """Yield each spec's Trial as it finishes."""
        for spec in specs:
            yield run_trial(objective, spec)

    def close(self) -> None:
        """Nothing to release."""


class LocalExecutor:
    """Runs trials in ``n_jobs`` local processes (joblib loky), BLAS threads limited.

    Parameters
    ----------
    n_jobs : int
        Worker processes; -1 means one per core, -2 all but one, as in joblib.
    """

    def __init__(self, n_jobs: int) -> None:
        from joblib import cpu_count, effective_n_jobs

        self.n_workers = effective_n_jobs(n_jobs)
        self.blas_threads = max(1, cpu_count() // self.n_workers)

    def map(self, objective: Any, specs: Iterable[Spec]) -> Iterator[Trial]:
        """Yield each spec's Trial as soon as any worker finishes it."""
        from joblib import Parallel, delayed, parallel_config

        specs = list(specs)
        if len(specs) <= 1:  # not worth a round trip to the workers
            yield from SerialExecutor().map(objective, specs)
            return
        # The loky executor is reused between calls with the same settings, so workers
        # keep their imports (numpy, trainwell) from one round or search to the next.
        with parallel_config(backend="loky", inner_max_num_threads=self.blas_threads):
            parallel = Parallel(n_jobs=self.n_workers, return_as="generator_unordered")
            yield from parallel(delayed(run_trial)(objective, spec) for spec in specs)

    def close(self) -> None:
        """Workers stay up for reuse; loky shuts them down when idle or at exit."""


class DaskExecutor:
    """Runs trials on a Dask cluster through joblib's dask backend.

    Parameters
    ----------
    scheduler : str or distributed.Client
        A scheduler address (``"tcp://host:8786"``), connected to and closed by this
        executor, or an existing client, left open.
    timeout : str, default="30s"
        How long to try connecting to an address before giving up with an ``OSError``.
    """

    def __init__(self, scheduler: Any, *, timeout: str = "30s") -> None:
        try:
            import distributed
        except ImportError as exc:
            raise ImportError(
                "Running trials on a Dask cluster (scheduler=...) needs the optional "
                "dependencies dask and distributed: pip install trainwell[dask]"
            ) from exc
        if isinstance(scheduler, str):
            try:
                self.client = distributed.Client(scheduler, set_as_default=False, timeout=timeout)
            except OSError as exc:
                raise OSError(
                    f"Could not reach a Dask scheduler at {scheduler!r} ({exc}). Start one "
                    f"with `dask scheduler` and workers with `dask worker {scheduler}`."
                ) from exc
            self._owns_client = True
        elif isinstance(scheduler, distributed.Client):
            self.client, self._owns_client = scheduler, False
        else:
            raise InvalidParameterError(
                "The 'scheduler' parameter must be a Dask scheduler address such as "
                f"'tcp://host:8786' or a distributed.Client. Got {scheduler!r} instead."
            )
        self.n_workers = max(1, sum(self.client.nthreads().values()))

    def map(self, objective: Any, specs: Iterable[Spec]) -> Iterator[Trial]:
        """Yield each spec's Trial as soon as any Dask worker finishes it."""
        from joblib import Parallel, delayed, parallel_config

        with parallel_config(backend="dask", client=self.client, scatter=[objective]):
            parallel = Parallel(return_as="generator_unordered")
            yield from parallel(delayed(run_trial)(objective, spec, 1) for spec in specs)

    def close(self) -> None:
        """Close the client if this executor opened it."""
        if self._owns_client:
            self.client.close()


def make_executor(n_jobs: int | None, scheduler: Any) -> Any:
    """The executor for ``n_jobs`` local processes or a Dask ``scheduler``.

    ``n_jobs=None`` means 1 locally and every worker thread of the cluster with a
    scheduler; a scheduler with an explicit ``n_jobs`` is an error (the cluster decides).
    """
    if n_jobs is not None and (
        not isinstance(n_jobs, numbers.Integral) or isinstance(n_jobs, bool) or n_jobs == 0
    ):
        raise InvalidParameterError(
            "The 'n_jobs' parameter must be None or a non-zero int (-1: one worker per "
            f"core). Got {n_jobs!r} instead."
        )
    if scheduler is not None:
        if n_jobs is not None:
            raise InvalidParameterError(
                "Give either 'n_jobs' (local processes) or 'scheduler' (a Dask cluster, whose "
                f"workers set the parallelism), not both. Got n_jobs={n_jobs!r}."
            )
        return DaskExecutor(scheduler)
    if n_jobs is None or n_jobs == 1 or (n_jobs < 0 and (os.cpu_count() or 1) == 1):
        return SerialExecutor()
    return LocalExecutor(int(n_jobs))
