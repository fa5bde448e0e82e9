"""The search loop: trials dispatched as workers free up, rounds, retries, timeouts.

One loop drives every pool (:mod:`trainwell.tuning.executors`): it keeps each worker
busy with the next trial in index order, writes each finished trial to the journal at
once, and starts the next coarse-to-fine round as soon as ``quorum`` of the current one
is in, while the rest of the current round still runs.

What is deterministic (same seed, same trial budget):

- every trial's config and seed, in a search with ``quorum=1`` (the default): all
  configs of a round are drawn from the seed before any runs, and each round's box is
  computed from the whole previous round, sorted by index;
- every score too, with a deterministic objective and no pruner, whatever ``n_jobs`` or
  cluster; and everything, pruned trials included, in a serial search.

What depends on timing: with ``quorum < 1`` the next box is computed from the trials
that happened to finish first (their indices are recorded in the journal as
``zoom_from``, so a resumed search draws the same configs); with a pruner and parallel
workers, a trial is compared with the trials that had finished when it started.
A trial that raises, whose worker dies, or that runs past ``timeout`` is run again up
to ``retries`` times, then recorded ``failed`` with the reason; the search goes on.
"""

from __future__ import annotations

import inspect
import math
import sys
import time
from collections import deque
from typing import Any

import numpy as np

from .._random import check_random_state
from ..exceptions import InvalidParameterError
from .results import Round, Trial
from .space import SearchSpace
from .trial import WorkerLost

__all__ = ["drive", "reports_progress", "trial_seed"]

#: A local or Dask trial that ignores its ``timeout`` is cancelled after this much more.
HARD_TIMEOUT_GRACE = 0.5
#: How often a progress line is printed when stdout is not a terminal (seconds).
LOG_EVERY = 30.0


def reports_progress(objective: Any) -> bool:
    """Whether ``objective`` accepts ``report=`` (needed for pruning)."""
    try:
        params = inspect.signature(objective).parameters
    except (TypeError, ValueError):
        return False
    return "report" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


class _Progress:
    """A tqdm bar (``"bar"``), a line every ``LOG_EVERY`` seconds (``"log"``), or nothing."""

    def __init__(self, mode: Any, total: int, initial: int) -> None:
        self.mode, self.total = mode, total
        self.start = self.last = time.monotonic()
        self.bar = None
        if mode == "bar":
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, initial=initial, desc="tune", unit="trial",
                            file=sys.stderr, dynamic_ncols=True)  # fmt: skip

    def update(self, counts: dict[str, int], best: Trial | None, running: int, force: bool) -> None:
        if self.bar is not None:
            if force is True:  # a trial finished
                self.bar.update(1)
                if best is not None:
                    self.bar.set_postfix(best=f"{best.dev_score:.4g}", refresh=False)
            return
        now = time.monotonic()
        if self.mode != "log" or (now - self.last < LOG_EVERY and force != "final"):
            return
        self.last = now
        best_text = "-" if best is None else f"{best.dev_score:.4g}"
        print(
            f"tune: {counts['done']}/{self.total} trials done, {running} running, "
            f"{counts['failed']} failed, {counts['pruned']} pruned; best dev score "
            f"{best_text}; {now - self.start:.0f} s",
            flush=True,
        )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def drive(
    objective: Any,
    space: Any,
    *,
    executor: Any,
    log: Any,
    header: dict[str, Any] | None,
    seed: int,
    n_trials: int | None,
    n_points: Any,
    rounds: int,
    keep: float,
    margin: float,
    direction: str,
    pruner: Any = None,
    retries: int = 1,
    timeout: float | None = None,
    quorum: float = 1.0,
    retry_failed: bool = False,
    progress: Any = False,
) -> tuple[list[Trial], list[Round], int]:
    """Run the search; returns its trials (index order), rounds, and how many trials
    were read back from the journal rather than run."""
    rng = check_random_state(seed)
    reports = reports_progress(objective)
    if pruner is not None and not reports:
        raise InvalidParameterError(
            "A pruner needs an objective that reports its dev score while it trains "
            "(objective(config, *, random_state, report)); this one takes no 'report'."
        )
    use_context = pruner is not None or (timeout is not None and reports)
    grid = None if n_trials else space.grid(n_points)
    total = n_trials * rounds if n_trials else len(grid)
    state: list[dict[str, Any]] = []  # per round: space, specs, results, zoom_from
    queue: deque = deque()
    finished: list[Trial] = []
    counts = {"done": 0, "failed": 0, "pruned": 0, "reused": 0}
    attempts: dict[int, int] = {}
    innocent: dict[int, int] = {}  # requeues that were not the trial's fault
    free_retry: set[int] = set()  # indices whose next submit is not a new attempt
    suspects: set[int] = set()  # were running when a whole pool broke: rerun each alone
    isolated: list[int] = []  # the suspect running alone now, if any
    in_flight: dict[int, tuple] = {}  # id(handle) -> (handle, spec, submitted at)
    best: Trial | None = None

    def record(trial: Trial, r: int, fresh: bool) -> None:
        nonlocal best
        st = state[r]
        st["results"][trial.index] = trial
        finished.append(trial)
        counts["done"] += 1
        counts["failed"] += trial.status == "failed"
        counts["pruned"] += trial.status == "pruned"
        counts["reused"] += not fresh
        best = _best([t for t in (best, trial) if t is not None], direction)
        if fresh and log is not None:
            extra = {} if st["zoom_from"] is None else {"zoom_from": st["zoom_from"]}
            log.write({"type": "trial", **trial.to_dict(), **extra})

    def start_round(r: int, space_r: Any, zoom_from: list[int] | None) -> None:
        configs = space_r.sample(rng, n_trials) if n_trials else grid
        base = r * n_trials if n_trials else 0
        specs = [(base + i, r, c, trial_seed(seed, base + i)) for i, c in enumerate(configs)]
        state.append({"space": space_r, "specs": specs, "results": {}, "zoom_from": zoom_from})
        for spec in specs:
            done = _from_journal(log, spec) if log is not None else None
            if done is not None and not (retry_failed and done.status == "failed"):
                record(done, r, fresh=False)
            else:
                queue.append(spec)

    def ready(r: int) -> bool:
        n = len(state[r]["specs"])
        return len(state[r]["results"]) >= (n if quorum >= 1 else max(1, math.ceil(quorum * n)))

    def next_round() -> None:
        r = len(state)
        previous = state[r - 1]
        zoom_from = _journal_zoom_from(log, r) if quorum < 1 else None
        if zoom_from is None:
            zoom_from = sorted(previous["results"])
        from_trials = [previous["results"][i] for i in zoom_from if i in previous["results"]]
        if len(from_trials) != len(zoom_from):  # the journal names trials not yet run
            raise InvalidParameterError(
                f"Journal {log.path} zoomed round {r} on trials {zoom_from}, not all of which "
                "it holds. Use a new journal."
            )
        current = _zoom(previous["space"], from_trials, keep, margin, direction)
        start_round(r, current, zoom_from if quorum < 1 else None)

    def context() -> Any:
        if not use_context:
            return None
        snapshot = None
        if pruner is not None:
            snapshot = pruner.snapshot([t.intermediate for t in finished], 10**9)
        return {"pruner": pruner, "snapshot": snapshot, "direction": direction,
                "timeout": timeout}  # fmt: skip

    def failed_attempt(spec: tuple, reason: str) -> Trial | None:
        """Requeue ``spec`` if it has retries left, else its failed Trial."""
        index = spec[0]
        if attempts[index] <= retries:
            queue.appendleft(spec)
            return None
        trial = Trial(index=index, round=spec[1], config=dict(spec[2]), seed=spec[3],
                      status="failed", error=reason, attempts=attempts[index])  # fmt: skip
        return trial

    bar = _Progress(progress, total, initial=0)
    if progress and executor.dashboard_link:
        print(f"Dask dashboard: {executor.dashboard_link}", flush=True)
    executor.start(objective)
    try:
        if log is not None and log.header is None:
            log.write(header)
        start_round(0, space, None)
        while True:
            while len(state) < rounds and ready(len(state) - 1):
                next_round()
            while queue and len(in_flight) < executor.n_workers and not isolated:
                if queue[0][0] in suspects:
                    if in_flight:  # a suspect runs alone: let the others finish first
                        break
                    isolated.append(queue[0][0])
                spec = queue.popleft()
                if spec[0] in free_retry:
                    free_retry.discard(spec[0])
                else:
                    attempts[spec[0]] = attempts.get(spec[0], 0) + 1
                handle = executor.submit(spec, context())
                in_flight[id(handle)] = (handle, spec, time.monotonic())
            if not in_flight:
                if queue or len(state) < rounds:
                    continue
                break
            handles = [entry[0] for entry in in_flight.values()]
            for handle, outcome in executor.poll(handles, 1.0):
                _, spec, _ = in_flight.pop(id(handle))
                alone = spec[0] in isolated
                if alone:
                    isolated.clear()
                trial: Trial | None
                if isinstance(outcome, WorkerLost):
                    if outcome.suspect and not alone and not outcome.innocent:
                        suspects.add(spec[0])  # not blamed until it breaks a pool alone
                        free_retry.add(spec[0])
                        queue.appendleft(spec)
                        continue
                    if outcome.innocent and innocent.get(spec[0], 0) < 5:
                        innocent[spec[0]] = innocent.get(spec[0], 0) + 1
                        free_retry.add(spec[0])
                        queue.appendleft(spec)
                        continue
                    trial = failed_attempt(
                        spec, f"WorkerLost: its worker died or was lost ({outcome.reason})"
                    )
                elif outcome.status == "failed":
                    trial = failed_attempt(spec, outcome.error)
                    if trial is not None:
                        trial = outcome
                else:
                    trial = outcome
                if trial is not None:
                    suspects.discard(spec[0])
                    trial.attempts = attempts[spec[0]]
                    record(trial, spec[1], fresh=True)
                    bar.update(counts, best, len(in_flight), force=True)
            if timeout is not None:
                limit = timeout * (1 + HARD_TIMEOUT_GRACE) + 5
                now = time.monotonic()
                for key, (handle, spec, since) in list(in_flight.items()):
                    if now - since > limit:
                        in_flight.pop(key)
                        if spec[0] in isolated:
                            isolated.clear()
                        executor.cancel(handle)
                        trial = failed_attempt(
                            spec, f"TrialTimeout: cancelled after {now - since:.0f} s "
                            f"(timeout {timeout:g} s)",
                        )  # fmt: skip
                        if trial is not None:
                            record(trial, spec[1], fresh=True)
            bar.update(counts, best, len(in_flight), force=False)
        bar.update(counts, best, 0, force="final")
    finally:
        bar.close()
        for handle, _, _ in in_flight.values():
            try:
                executor.cancel(handle)
            except Exception:
                pass
    trials = sorted(finished, key=lambda t: t.index)
    round_log = [
        Round(r, st["space"], sorted(st["results"]), zoom_from=st["zoom_from"])
        for r, st in enumerate(state)
    ]
    return trials, round_log, counts["reused"]


def trial_seed(seed: int, index: int) -> int:
    """The ``random_state`` of trial ``index`` in a search seeded with ``seed``.

    Derived from both through :class:`numpy.random.SeedSequence`, so it depends on
    nothing else (not on ``n_jobs``, the backend, or which trials a journal skipped).

    Examples
    --------
    >>> trial_seed(0, 3) == trial_seed(0, 3) != trial_seed(0, 4)
    True
    """
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0] >> 1)


def _journal_zoom_from(log: Any, r: int) -> list[int] | None:
    """The ``zoom_from`` a journal recorded for round ``r``, if it ran any of it."""
    if log is None:
        return None
    for record in log.records.values():
        if record.get("round") == r and isinstance(record.get("zoom_from"), list):
            return [int(i) for i in record["zoom_from"]]
    return None


def _from_journal(log: Any, spec: tuple) -> Trial | None:
    index, _, config, seed = spec
    record = log.records.get(index)
    if record is None:
        return None
    if record.get("config") != config or record.get("seed") != seed:
        raise InvalidParameterError(
            f"Journal {log.path} holds a different trial {index}: {record.get('config')!r} "
            f"(seed {record.get('seed')}) instead of {config!r} (seed {seed}). Was the "
            "objective non-deterministic across a coarse-to-fine round? Use a new journal."
        )
    return Trial.from_dict(record)


def _best(trials: list[Trial], direction: str) -> Trial | None:
    ok = [t for t in trials if t.ok]
    if not ok:
        return None
    pick = max if direction == "maximize" else min
    return pick(ok, key=lambda t: t.dev_score)


def _zoom(
    space: SearchSpace, trials: list[Trial], keep: float, margin: float, direction: str
) -> SearchSpace:
    """The next round's space: the box around the best ``keep`` of ``trials``."""
    ok = [t for t in trials if t.ok]
    if not ok:  # nothing to zoom on: sample the same box again
        return space
    sign = -1.0 if direction == "maximize" else 1.0
    ok.sort(key=lambda t: (sign * t.dev_score, t.index))
    kept = ok[: max(1, math.ceil(keep * len(ok)))]
    return space.narrow([t.config for t in kept], margin)
