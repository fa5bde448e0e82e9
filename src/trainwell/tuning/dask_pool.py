"""Trials on a Dask cluster, through ``distributed`` futures directly.

``scheduler="tcp://host:8786"`` (or a ``distributed.Client``): each trial is one
``client.submit``; a free worker thread gets the next trial at once, whatever the round,
and a cluster of one worker with one thread is used like any other (no trial runs in the
client). The objective, with its training data, is scattered to every worker once per
search (``broadcast=True``) and scattered again if the workers holding it are lost.

Faults: a worker that dies (``os._exit``, a segfault, the OOM killer, ``kill -9``)
costs only the trials that were on it: the scheduler reschedules them, or, once its
``distributed.scheduler.allowed-failures`` is exceeded, they come back as
``KilledWorker`` and the search runs them again up to ``retries`` times before recording
them ``failed`` with the reason. A trial past its ``timeout`` is cancelled.

Needs ``pip install trainwell[dask]``. To use a real cluster::

    # on the scheduler machine              # on each worker machine
    dask scheduler --port 8786              dask worker tcp://SCHEDULER:8786 \\
                                                --nworkers 4 --nthreads 1

then ``random_search(..., scheduler="tcp://SCHEDULER:8786")`` or ``trainwell tune
CONFIG.toml --scheduler tcp://SCHEDULER:8786`` (or ``[search] scheduler`` in the TOML, or
the ``DASK_SCHEDULER_ADDRESS`` environment variable). The scheduler, every worker and
the client need the same versions of trainwell, numpy and distributed (the objective is
pickled by reference to ``trainwell``'s modules); no shared files are needed.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterable
from typing import Any

from ..exceptions import InvalidParameterError
from .trial import WorkerLost, run_trial

__all__ = ["DaskPool", "check_address"]

_ADDRESS = re.compile(r"^(?:(tcp|tls|ws|wss|ucx)://)?(\[[0-9a-fA-F:.]+\]|[\w.-]+):(\d{1,5})$")


def check_address(address: str, where: str = "scheduler") -> str:
    """``address`` if it looks like ``tcp://host:port`` (or ``host:port``), else a clear error.

    Examples
    --------
    >>> check_address("tcp://127.0.0.1:8786")
    'tcp://127.0.0.1:8786'
    >>> check_address("garbage")
    Traceback (most recent call last):
    ...
    trainwell.exceptions.InvalidParameterError: The scheduler must be a Dask scheduler ...
    """
    match = _ADDRESS.match(address.strip()) if isinstance(address, str) else None
    if match is None or not 0 < int(match.group(3)) < 65536:
        raise InvalidParameterError(
            f"The {where} must be a Dask scheduler address such as 'tcp://host:8786'. "
            f"Got {address!r} instead."
        )
    return address.strip()


class DaskPool:
    """Runs trials on a Dask cluster (see the module docstring).

    Parameters
    ----------
    scheduler : str or distributed.Client
        A scheduler address, connected to and closed by this pool, or a client, left open.
    timeout : str, default="5s"
        How long to try connecting to an address before giving up with an ``OSError``.
    """

    def __init__(self, scheduler: Any, *, timeout: str = "5s") -> None:
        try:
            import distributed
        except ImportError as exc:
            raise ImportError(
                "Running trials on a Dask cluster (scheduler=...) needs the optional "
                "dependencies dask and distributed: pip install trainwell[dask]"
            ) from exc
        if isinstance(scheduler, str):
            address = check_address(scheduler)
            try:
                self.client = distributed.Client(address, set_as_default=False, timeout=timeout)
            except (OSError, TimeoutError) as exc:
                raise OSError(
                    f"Could not reach a Dask scheduler at {address!r} within {timeout} ({exc}). "
                    f"Start one with `dask scheduler` and workers with `dask worker {address}`."
                ) from None
            self._owns_client = True
        elif isinstance(scheduler, distributed.Client):
            self.client, self._owns_client = scheduler, False
        else:
            raise InvalidParameterError(
                "The 'scheduler' parameter must be a Dask scheduler address such as "
                f"'tcp://host:8786' or a distributed.Client. Got {scheduler!r} instead."
            )
        self.dashboard_link = getattr(self.client, "dashboard_link", None)
        self._objective: Any = None
        self._data: Any = None
        self._threads, self._checked = 0, -1e9

    @property
    def n_workers(self) -> int:
        """Worker threads in the cluster now (checked at most every 2 s; at least 1)."""
        now = time.monotonic()
        if now - self._checked > 2:
            try:
                self._threads = sum(self.client.nthreads().values())
            except Exception:  # the scheduler is busy; keep the last count
                pass
            self._checked = now
        return max(1, self._threads)

    def start(self, objective: Any) -> None:
        """Send the objective (and its data) to every worker, once."""
        self._objective = objective
        self._scatter()

    def _scatter(self) -> None:
        self._data = self.client.scatter(self._objective, broadcast=True, hash=False)

    def _data_lost(self) -> bool:
        return self._data is None or self._data.status != "finished"

    def submit(self, spec: Spec, context: Any = None) -> Any:
        """Submit one trial; the handle is its future."""
        if self._data_lost():
            self._scatter()
        return self.client.submit(
            _remote_trial, self._data, spec, 1, context,
            key=f"trainwell-trial-{spec[0]}-{uuid.uuid4().hex[:8]}", pure=False,
        )  # fmt: skip

    def poll(self, handles: Iterable[Any], timeout: float) -> list[tuple[Any, Any]]:
        """The futures that finished within ``timeout`` seconds, with their outcome."""
        handles = list(handles)
        end = time.monotonic() + timeout
        while True:  # the futures' own client, not a default one: look at their status
            done = [f for f in handles if f.done()]
            if done or time.monotonic() >= end:
                break
            time.sleep(0.02)
        out = []
        for future in done:
            if future.status == "finished":
                try:
                    out.append((future, future.result()))
                    continue
                except Exception as exc:  # lost between the status and the result
                    out.append((future, WorkerLost(f"{type(exc).__name__}: {exc}", True)))
                    continue
            if future.status == "error":
                exc = future.exception()
                out.append((future, WorkerLost(f"{type(exc).__name__}: {exc}", False)))
            else:  # cancelled or lost, e.g. with the data it needed
                if self._data_lost():
                    self._scatter()
                out.append((future, WorkerLost(f"the trial's task was {future.status}", True)))
            future.release()
        return out

    def cancel(self, handle: Any) -> None:
        """Cancel a trial past its timeout (its worker thread ends at its next report)."""
        handle.cancel()

    def close(self) -> None:
        """Release the scattered data; close the client if this pool opened it."""
        try:
            if self._data is not None:
                self._data.release()
        finally:
            if self._owns_client:
                self.client.close()


Spec = tuple


def _remote_trial(objective: Any, spec: Spec, blas_threads: int, context: Any) -> Any:
    import os

    os.environ["TRAINWELL_TUNE_WORKER"] = "dask"
    return run_trial(objective, spec, blas_threads, context)
