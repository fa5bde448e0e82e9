"""Random search from the lab: N trials in local worker processes through trainwell.tuning,
drawn on the page as they finish.

The course's recipe (course 2, week 3, "Using an Appropriate Scale to Pick
Hyperparameters"): the learning rate sampled uniformly in log10 α, β uniformly in
log10(1 − β), so 0.9 → 0.99 gets as many trials as 0.99 → 0.999. The trials run through
:func:`trainwell.tuning.random_search` (``n_jobs`` local processes, a JSON-lines journal in
the server's temp folder); a thread polls the journal with :class:`trainwell.tuning.Journal`
and posts each finished trial. "Zoom" runs a new search in
:meth:`trainwell.tuning.SearchSpace.narrow` around the best quarter: coarse to fine.
"""

from __future__ import annotations

import tempfile
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..exceptions import ConvergenceWarning
from ..tuning import (
    Journal,
    LogUniform,
    NetworkObjective,
    OneMinusLogUniform,
    SearchSpace,
    random_search,
)

__all__ = ["SWEEP_JOBS", "Sweep", "sweep_setup"]

SWEEP_JOBS = 2  # local worker processes
POLL_SECONDS = 0.25
COARSE = {"learning_rate": LogUniform(1e-4, 1.0), "beta": OneMinusLogUniform(0.5, 0.999)}


def sweep_setup(config: dict[str, Any], epochs: int) -> tuple[dict[str, Any], str]:
    """The trials' shared settings from the lab's setup, and the name of their β.

    Gradient descent has no β, so its sweep uses momentum; RMSprop's sweeps run Adam.

    Examples
    --------
    >>> from trainwell.lab.protocol import DEFAULT_CONFIG
    >>> fixed, beta = sweep_setup(DEFAULT_CONFIG, 50)
    >>> fixed["optimizer"], beta, fixed["hidden_units"]
    ('adam', 'beta1', [4, 2])
    """
    optimizer = "adam" if config["optimizer"] in ("adam", "rmsprop") else "momentum"
    batch = config["batch_size"]
    fixed = {
        "optimizer": optimizer,
        "hidden_units": [s["units"] for s in config["layers"]] or [1],
        "activation": config["layers"][0]["activation"] if config["layers"] else "relu",
        "init": config["init"] if config["init"] in ("he", "xavier") else "he",
        "epochs": epochs,
        "batch_size": "full" if batch == "full" else (64 if batch == "auto" else batch),
        "l2": config["l2"],
    }
    return fixed, "beta1" if optimizer == "adam" else "beta"


class Sweep:
    """One search in the background; posts ``sweep_trial`` messages, then ``sweep_done``."""

    def __init__(self, post: Callable[[dict[str, Any]], None]) -> None:
        self.post = post
        self.folder = tempfile.TemporaryDirectory(prefix="trainwell-lab-sweep-")
        self.thread: threading.Thread | None = None
        self.space: SearchSpace | None = None
        self.trials: list[dict[str, Any]] = []
        self.count = 0

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def start(self, data: Any, config: dict[str, Any], n_trials: int, epochs: int, zoom: bool):
        """Start a search (around the best quarter of the last one when ``zoom``)."""
        fixed, beta_key = sweep_setup(config, epochs)
        if zoom and self.space is not None and self.trials:
            ok = [t for t in self.trials if t["dev_score"] is not None]
            ok.sort(key=lambda t: -t["dev_score"])
            best = [{"learning_rate": t["learning_rate"], "beta": t["beta"]} for t in ok]
            space = self.space.narrow(best[: max(1, len(best) // 4)], margin=0.1)
        else:
            space = SearchSpace(COARSE)
        self.space, self.trials, self.count = space, [], self.count + 1
        objective = NetworkObjective(
            data.X_train, data.y_train, data.X_dev, data.y_dev, fixed=fixed,
            random_state=config["seed"],
        )  # fmt: skip
        journal = Path(self.folder.name) / f"sweep-{self.count}.jsonl"
        box = {k: list(v) for k, v in space.box().items()}
        self.post({"type": "sweep_start", "box": box, "zoom": zoom, "n_trials": n_trials,
                   "optimizer": fixed["optimizer"]})  # fmt: skip
        args = (objective, space, n_trials, journal, beta_key)
        self.thread = threading.Thread(target=self._run, args=args, daemon=True)
        self.thread.start()

    def _run(self, objective, space, n_trials, journal, beta_key) -> None:
        done = threading.Event()
        result: dict[str, Any] = {}

        def search() -> None:
            try:
                result["r"] = random_search(
                    _Renamed(objective, beta_key), space, n_trials, random_state=self.count,
                    n_jobs=SWEEP_JOBS, journal=journal,
                )  # fmt: skip
            except Exception as exc:  # reported to the page, never raised in a thread
                result["error"] = f"{type(exc).__name__}: {exc}"
            finally:
                done.set()

        worker = threading.Thread(target=search, daemon=True)
        worker.start()
        seen: set[int] = set()
        while True:
            finished = done.wait(POLL_SECONDS)
            records = Journal(journal).records if journal.exists() else {}
            for index in sorted(set(records) - seen):
                seen.add(index)
                self._post_trial(records[index])
            if finished:
                break
        if "error" in result:
            self.post({"type": "error", "message": f"Sweep failed: {result['error']}"})
        best = max(self.trials, key=lambda t: t["dev_score"] or -1, default=None)
        self.post({"type": "sweep_done", "best": best, "n": len(self.trials)})

    def _post_trial(self, record: dict[str, Any]) -> None:
        config = record.get("config", {})
        trial = {
            "index": record.get("index"),
            "learning_rate": config.get("learning_rate"),
            "beta": config.get("beta"),
            "dev_score": record.get("dev_score"),
            "train_score": record.get("train_score"),
            "status": record.get("status"),
        }
        self.trials.append(trial)
        self.post({"type": "sweep_trial", "trial": trial})

    def close(self) -> None:
        """Wait for a running search (its worker processes end with it); remove the folder."""
        if self.thread is not None:
            self.thread.join()
        self.folder.cleanup()


class _Renamed:
    """The objective with the sweep's ``beta`` passed as the optimizer's own name."""

    def __init__(self, objective: Any, beta_key: str) -> None:
        self.objective, self.beta_key = objective, beta_key

    def __call__(self, config: dict[str, Any], *, random_state: Any = None) -> Any:
        config = dict(config)
        config[self.beta_key] = config.pop("beta")
        with warnings.catch_warnings():  # short trials: "still falling" is expected
            warnings.simplefilter("ignore", ConvergenceWarning)
            return self.objective(config, random_state=random_state)
