"""One trial: call the objective, turn whatever happens into a :class:`Trial` record.

Every pool (:mod:`trainwell.tuning.executors`, :mod:`trainwell.tuning.dask_pool`) runs
:func:`run_trial` where the trial runs; :class:`WorkerLost` is what a pool reports when
the process running a trial died or was cut off before it answered.
"""

from __future__ import annotations

import math
import numbers
import os
import socket
import sys
import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..exceptions import TrainingDiverged
from .pruners import Reporter, TrialPruned
from .results import Trial

__all__ = ["WorkerLost", "run_trial"]

Spec = tuple  # (index, round, config, seed)


def run_trial(
    objective: Any,
    spec: Spec,
    blas_threads: int | None = None,
    context: Mapping[str, Any] | None = None,
) -> Trial:
    """Call ``objective(config, random_state=seed)`` and record the outcome as a Trial.

    Exceptions become ``status="failed"`` (``TrainingDiverged`` and non-finite scores
    ``"diverged"``) with the error text; nothing but ``BaseException`` (Ctrl-C) escapes.
    NumPy's floating-point warnings (overflow, invalid value) are silenced during the
    call: a diverging trial would print dozens, and its status already says it diverged.

    ``context`` (from the search) holds ``pruner``, ``snapshot``, ``direction`` and
    ``timeout``: the objective then also gets ``report=`` (a
    :class:`~trainwell.tuning.pruners.Reporter`), whose :class:`TrialPruned` makes the
    trial ``"pruned"`` and whose :class:`TrialTimeout` makes it ``"failed"``.
    """
    index, round_, config, seed = spec
    trial = Trial(index=index, round=round_, config=dict(config), seed=seed)
    trial.host, trial.worker = socket.gethostname(), _worker_name()
    start = time.perf_counter()
    kwargs: dict[str, Any] = {"random_state": seed}
    reporter = None
    if context is not None:
        timeout = context.get("timeout")
        deadline = None if timeout is None else time.monotonic() + timeout
        reporter = Reporter(
            context.get("pruner"), context.get("snapshot") or {}, context["direction"],
            deadline, timeout,
        )  # fmt: skip
        kwargs["report"] = reporter
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            if blas_threads is None:
                out = objective(dict(config), **kwargs)
            else:
                from threadpoolctl import threadpool_limits

                with threadpool_limits(limits=blas_threads):
                    out = objective(dict(config), **kwargs)
        _read_output(trial, out)
    except TrialPruned as exc:
        trial.status, trial.error = "pruned", str(exc)
        trial.metrics["epochs"] = exc.epoch
    except TrainingDiverged as exc:
        trial.status, trial.error = "diverged", f"{type(exc).__name__}: {exc}"
    except Exception as exc:
        trial.status, trial.error = "failed", f"{type(exc).__name__}: {exc}"
    trial.time_s = time.perf_counter() - start
    if reporter is not None:
        trial.intermediate = reporter.values
    if not trial.ok:
        trial.dev_score = trial.train_score = None
    return trial


def _worker_name() -> str:
    """``"main"`` in the search's own process, else the Dask worker address or the pid."""
    if os.environ.get("TRAINWELL_TUNE_WORKER") is None:
        return "main"
    if "distributed" in sys.modules:
        try:
            from distributed import get_worker

            return str(get_worker().address)
        except ValueError:  # not in a Dask worker
            pass
    return f"pid {os.getpid()}"


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


class WorkerLost:
    """The outcome of a trial whose worker died or was cut off before it reported.

    ``innocent`` is True when the trial itself is not to blame (its data was lost, or
    the pool was restarted to stop another trial), so the retry is not counted.
    ``suspect`` is True when the pool cannot tell which of its running trials killed it
    (a loky pool breaks as a whole): the search then runs the trial again alone, not
    counting an attempt, and blames it only if it kills its worker there too.
    """

    def __init__(self, reason: str, innocent: bool = False, suspect: bool = False) -> None:
        self.reason, self.innocent, self.suspect = reason, innocent, suspect

    def __repr__(self) -> str:
        return f"WorkerLost({self.reason!r}, innocent={self.innocent})"
