"""Where trials run: in this process, in local worker processes, or on a Dask cluster.

Every pool runs the same function, :func:`run_trial`, on the same ``(index, round, config,
seed)`` specs that the search drew, and is driven the same way by
:mod:`trainwell.tuning.asynchronous`: ``submit`` one trial, ``poll`` for whichever
finished, ``cancel`` one that ran past its timeout. A free worker gets the next trial at
once; no round waits for its slowest trial unless asked to (``quorum=1``).

In this process (``n_jobs`` None or 1)
    Trials run one after the other, in index order, when submitted.

Local processes (``n_jobs > 1``)
    loky worker processes (joblib's), started once and reused by later searches, with
    the BLAS thread pool of each limited to ``cpu_count // n_jobs`` threads so that n
    workers don't oversubscribe the machine. Each worker watches its parent and exits
    when the parent dies (even by SIGKILL), so no worker outlives a killed search. A
    worker that dies (``os._exit``, a segfault, the OOM killer) breaks the whole pool:
    the trials that were running are run again on a fresh pool, each alone, so that only
    the one that kills its worker again is blamed (and counts an attempt).

A Dask cluster (``scheduler="tcp://host:8786"`` or a ``distributed.Client``)
    See :mod:`trainwell.tuning.dask_pool`.
"""

from __future__ import annotations

import numbers
import os
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED
from concurrent.futures import wait as wait_futures
from typing import Any

from ..exceptions import InvalidParameterError
from .results import Trial
from .trial import WorkerLost, run_trial

__all__ = [
    "DaskExecutor",
    "LocalExecutor",
    "SerialExecutor",
    "WorkerLost",
    "make_executor",
    "run_trial",
]

Spec = tuple  # (index, round, config, seed)


class SerialExecutor:
    """Runs each trial in this process when it is submitted."""

    n_workers = 1
    dashboard_link = None

    def start(self, objective: Any) -> None:
        """Remember the objective."""
        self._objective = objective

    def submit(self, spec: Spec, context: Any = None) -> Any:
        """Run the trial now; the handle is its Trial."""
        return run_trial(self._objective, spec, None, context)

    def poll(self, handles: Iterable[Any], timeout: float) -> list[tuple[Any, Any]]:
        """Every handle is already done."""
        return [(h, h) for h in handles]

    def cancel(self, handle: Any) -> None:
        """Nothing runs in the background."""

    def map(self, objective: Any, specs: Iterable[Spec]) -> Iterator[Trial]:
        """Yield each spec's Trial as it finishes."""
        for spec in specs:
            yield run_trial(objective, spec)

    def close(self) -> None:
        """Nothing to release."""


def _watch_parent(parent: int, blas_threads: int) -> None:
    """In a loky worker: exit as soon as the search process is gone (even by SIGKILL)."""
    os.environ["TRAINWELL_TUNE_WORKER"] = "loky"

    def watch() -> None:
        while os.getppid() == parent:  # an orphan is adopted by init (or a subreaper)
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="trainwell-parent-watch", daemon=True).start()


class LocalExecutor:
    """Runs trials in ``n_jobs`` local processes (loky), BLAS threads limited.

    Parameters
    ----------
    n_jobs : int
        Worker processes; -1 means one per core, -2 all but one, as in joblib.
    """

    dashboard_link = None

    def __init__(self, n_jobs: int) -> None:
        from joblib import cpu_count, effective_n_jobs

        self.n_workers = effective_n_jobs(n_jobs)
        self.blas_threads = max(1, cpu_count() // self.n_workers)
        self._killed_before = -1  # handles numbered below this were killed on purpose
        self._count = 0

    def _pool(self) -> Any:
        from joblib.externals.loky import get_reusable_executor

        # Reused between searches with the same settings, so workers keep their imports.
        return get_reusable_executor(
            max_workers=self.n_workers,
            timeout=300,
            initializer=_watch_parent,
            initargs=(os.getpid(), self.blas_threads),
        )

    def start(self, objective: Any) -> None:
        """Remember the objective (sent with each trial: loky caches nothing)."""
        self._objective = objective

    def submit(self, spec: Spec, context: Any = None) -> Any:
        """Send one trial to the pool; the handle is ``(number, future)``."""
        self._count += 1
        future = self._pool().submit(run_trial, self._objective, spec, self.blas_threads, context)
        return (self._count, future)

    def poll(self, handles: Iterable[Any], timeout: float) -> list[tuple[Any, Any]]:
        """The handles that finished within ``timeout`` seconds, with their outcome."""
        handles = list(handles)
        by_future = {h[1]: h for h in handles}
        done, _ = wait_futures(list(by_future), timeout=timeout, return_when=FIRST_COMPLETED)
        out = []
        for future in done:
            handle = by_future[future]
            try:
                out.append((handle, future.result()))
            except Exception as exc:  # the worker died: TerminatedWorkerError, BrokenProcessPool
                innocent = handle[0] <= self._killed_before
                reason = f"{type(exc).__name__}: {exc}"
                out.append((handle, WorkerLost(reason, innocent, suspect=True)))
        return out

    def cancel(self, handle: Any) -> None:
        """Stop a trial past its timeout: loky can only kill the whole pool."""
        self._killed_before = self._count
        self._pool().shutdown(wait=False, kill_workers=True)

    def map(self, objective: Any, specs: Iterable[Spec]) -> Iterator[Trial]:
        """Yield each spec's Trial as soon as any worker finishes it."""
        self.start(objective)
        pending = [self.submit(spec) for spec in specs]
        while pending:
            for handle, outcome in self.poll(pending, 1.0):
                pending.remove(handle)
                if isinstance(outcome, WorkerLost):
                    raise RuntimeError(outcome.reason)
                yield outcome

    def close(self) -> None:
        """Workers stay up for reuse; they exit when idle, at exit, or when we die."""


def DaskExecutor(scheduler: Any, *, timeout: str = "5s") -> Any:
    """A :class:`~trainwell.tuning.dask_pool.DaskPool` (kept under its old name)."""
    from .dask_pool import DaskPool

    return DaskPool(scheduler, timeout=timeout)


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
