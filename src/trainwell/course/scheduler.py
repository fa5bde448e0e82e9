"""The experiments of ``trainwell reproduce`` on a pool of worker processes.

An experiment module that defines ``jobs(settings) -> {name: Job}`` and
``assemble(settings, jobs, outputs) -> ExperimentResult`` is split into its independent
jobs (one training per variant); the others run whole, as one job that takes about
``SECONDS`` (the module's constant). The jobs of all
experiments share one pool and start longest first (:meth:`~trainwell.course._base.Job.seconds`,
a rough estimate), so both cores stay busy to the end; an experiment's assembly (its
tables, and its figures drawn to PNG bytes) runs in a worker as soon as its last job is
done. Each job owns its seeds, so the results are a serial run's, bit for bit, whatever
the order the jobs ran in.

A job that raises stops the run with :class:`ExperimentError`, which names the
experiment and the job and carries the worker's traceback.
"""

from __future__ import annotations

import heapq
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ._base import ExperimentResult, Job, Settings

__all__ = ["ExperimentError", "rendered", "run_parallel", "workers_for"]

#: What an assembly (tables, two or three figures to PNG) takes, for the scheduling.
ASSEMBLY_SECONDS = 0.8


class ExperimentError(RuntimeError):
    """An experiment's job failed (or its worker process died) during a parallel run.

    Attributes
    ----------
    experiment, job : str
        Where it failed (``job`` is ``"assemble"`` for the tables and figures, ``""`` for
        an experiment run whole).
    details : str
        The worker's traceback (empty when the process died).
    """

    def __init__(self, message: str, experiment: str, job: str, details: str = "") -> None:
        super().__init__(message)
        self.experiment, self.job, self.details = experiment, job, details


def workers_for(settings: Settings) -> int:
    """How many worker processes the run uses: ``settings.n_jobs``, at most the cores.

    Examples
    --------
    >>> workers_for(Settings(n_jobs=1))
    1
    """
    return max(1, min(settings.n_jobs, os.cpu_count() or 1))


def rendered(result: ExperimentResult) -> ExperimentResult:
    """``result`` with its figures drawn to PNG bytes (what a worker sends back)."""
    from ..plots import to_png

    figures = {
        stem: fig if isinstance(fig, bytes) else to_png(fig) for stem, fig in result.figures.items()
    }
    return replace(result, figures=figures)


def _work(kind: str, name: str, settings: Settings, payload: Any) -> tuple[Any, float]:
    """In a worker: one task, and the seconds it took."""
    from . import experiment, run_experiment

    start = time.perf_counter()
    if kind == "job":
        value = payload.call()
    elif kind == "assemble":
        module = experiment(name)
        value = rendered(module.assemble(settings, module.jobs(settings), payload))
    else:  # "whole"
        value = rendered(run_experiment(name, settings))
    return value, time.perf_counter() - start


def _limit_threads(n: int) -> None:
    """In a worker: BLAS and OpenMP on ``n`` threads (the workers share the cores)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(n)


@dataclass(order=True)
class _Task:
    priority: tuple[float, int]  # (-seconds, order of submission): longest first
    kind: str = field(compare=False)
    name: str = field(compare=False)
    key: str = field(compare=False)
    payload: Any = field(compare=False)


def run_parallel(
    names: list[str],
    settings: Settings,
    done: Callable[[ExperimentResult], None] | None = None,
    started: Callable[[], None] | None = None,
) -> list[ExperimentResult]:
    """Run experiments ``names`` on :func:`workers_for` processes; results in ``names``' order.

    Parameters
    ----------
    names : list of str
    settings : Settings
        Passed to every job (with ``n_jobs=1`` and no progress bars inside the workers).
    done : callable, optional
        ``done(result)`` as each experiment finishes (in the order they finish), with
        ``result.seconds`` the time its jobs took, added over the processes.
    started : callable, optional
        ``started()`` once the worker processes exist (a progress bar may start a thread
        only after the fork).

    Raises
    ------
    ExperimentError
        When a job raises or a worker process dies; the remaining jobs are cancelled.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    from . import experiment

    n = workers_for(settings)
    inner = replace(settings, n_jobs=1, progress=False)
    heap: list[_Task] = []
    pending: dict[str, dict[str, Job]] = {}  # experiment -> its jobs not yet finished
    outputs: dict[str, dict[str, Any]] = {}  # in the order the jobs finish
    order_of: dict[str, list[str]] = {}
    seconds = dict.fromkeys(names, 0.0)
    results: dict[str, ExperimentResult] = {}

    order = iter(range(sys.maxsize))

    def push(kind: str, name: str, key: str, payload: Any, cost: float) -> None:
        heapq.heappush(heap, _Task((-cost, next(order)), kind, name, key, payload))

    for name in names:
        module = experiment(name)
        if hasattr(module, "jobs"):
            jobs = {key: job.on(inner) for key, job in module.jobs(inner).items()}
            pending[name], outputs[name], order_of[name] = dict(jobs), {}, list(jobs)
            for key, job in jobs.items():
                push("job", name, key, job, job.seconds())
        else:
            push("whole", name, "", None, getattr(module, "SECONDS", 1.0))

    start_method = "fork" if sys.platform == "linux" else None  # workers start in ms
    pool = ProcessPoolExecutor(
        n,
        mp_context=multiprocessing.get_context(start_method),
        initializer=_limit_threads,
        initargs=(max(1, (os.cpu_count() or 1) // n),),
    )
    running: dict[Any, _Task] = {}
    try:
        while heap or running:
            while heap and len(running) < n:
                task = heapq.heappop(heap)
                future = pool.submit(_work, task.kind, task.name, inner, task.payload)
                running[future] = task
            if started is not None:  # the first submit forked every worker
                started()
                started = None
            # woken now and then: a Ctrl-C that the OS hands to another thread (tqdm's,
            # the pool's) is only seen when this thread runs
            finished, _ = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in finished:
                task = running.pop(future)
                try:
                    value, took = future.result()
                except BrokenProcessPool as exc:  # which of the running tasks, nobody knows
                    was = ", ".join(sorted(_where(t) for t in [task, *running.values()]))
                    what = f"a worker process died (killed? out of memory?) while running {was}"
                    raise _failure(task, exc, what) from exc
                except Exception as exc:
                    raise _failure(task, exc, f"{type(exc).__name__}: {exc}") from exc
                seconds[task.name] += took
                if task.kind == "job":
                    outputs[task.name][task.key] = value
                    del pending[task.name][task.key]
                    if not pending[task.name]:  # the outputs in the jobs' order
                        out = outputs.pop(task.name)
                        out = {key: out[key] for key in order_of[task.name]}
                        push("assemble", task.name, "assemble", out, ASSEMBLY_SECONDS)
                    continue
                value.seconds = seconds[task.name]
                results[task.name] = value
                if done is not None:
                    done(value)
    except BaseException:
        # A failure (or Ctrl-C) ends the run now, not after the jobs still running:
        # Python 3.14's terminate_workers(), or the same by hand before it.
        if hasattr(pool, "terminate_workers"):
            pool.terminate_workers()
        else:
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [results[name] for name in names]


def _where(task: _Task) -> str:
    job = "" if task.kind == "whole" else task.key
    return f"experiment {task.name!r}" + (f" (job {job!r})" if job else "")


def _failure(task: _Task, exc: BaseException, what: str) -> ExperimentError:
    job = "" if task.kind == "whole" else task.key
    details = str(getattr(exc.__cause__, "tb", "") or "")  # the worker's traceback
    message = f"{_where(task)} failed in a worker process: {what}"
    return ExperimentError(message, task.name, job, details)
