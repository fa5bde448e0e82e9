"""Results of a search: one record per trial, the rounds' zoom boxes, the best config."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from .space import SearchSpace

__all__ = ["Round", "SearchResult", "Trial"]

STATUSES = ("ok", "failed", "diverged", "pruned")


@dataclass
class Trial:
    """One trained and scored configuration.

    Attributes
    ----------
    index : int
        Position in the search (0-based, over all rounds); fixes the trial's seed.
    round : int
        Coarse-to-fine round (0 for the first, or only, round).
    config : dict
        The hyperparameters tried.
    seed : int
        The ``random_state`` the objective received.
    status : {"ok", "failed", "diverged", "pruned"}
        "failed": the objective raised, its worker died, or it ran past its timeout,
        after its retries (see ``error``); "diverged": it raised
        :class:`~trainwell.exceptions.TrainingDiverged` or returned a NaN/inf score;
        "pruned": the pruner stopped it after ``metrics["epochs"]`` epochs.
    dev_score, train_score : float or None
        None unless ``status == "ok"``.
    time_s : float
        Wall-clock seconds the objective ran.
    error : str or None
        ``"ExceptionType: message"`` for failed and diverged trials.
    curve : list of float
        The learning curve the objective returned (cost per epoch), possibly empty.
    metrics : dict
        Any other scalar results the objective returned (``dev_cost``, ...).
    worker, host : str or None
        Where it ran: ``"main"`` (the search's process), ``"pid N"`` (a local worker)
        or the Dask worker's address; the machine's host name.
    attempts : int
        How many times it was started (more than 1 after a retry).
    intermediate : list of [epoch, value]
        The dev scores it reported while training (with a pruner or a timeout).
    """

    index: int
    round: int
    config: dict[str, Any]
    seed: int
    status: str = "ok"
    dev_score: float | None = None
    train_score: float | None = None
    time_s: float = 0.0
    error: str | None = None
    curve: list[float | None] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    worker: str | None = None
    host: str | None = None
    attempts: int = 1
    intermediate: list[list[float | None]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the trial finished with finite scores."""
        return self.status == "ok"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the journal's trial record, less its ``type``)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Trial:
        """Read :meth:`to_dict` output (extra keys such as ``type`` are ignored)."""
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Round:
    """One coarse-to-fine round: the space it sampled and the box that space spans."""

    index: int
    space: SearchSpace
    trials: list[int]
    zoom_from: list[int] | None = None

    @property
    def box(self) -> dict[str, list[Any]]:
        """``{name: [low, high]}`` of each numeric hyperparameter in this round."""
        return self.space.box()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: index, space, box, trial indices."""
        return {
            "index": self.index,
            "space": self.space.to_dict(),
            "box": self.box,
            "trials": list(self.trials),
            **({} if self.zoom_from is None else {"zoom_from": list(self.zoom_from)}),
        }


class SearchResult:
    """Every trial of a search, its rounds, and the best configuration found.

    Attributes
    ----------
    trials : list of Trial
        In index order, failed ones included.
    rounds : list of Round
    space : SearchSpace
        The first round's (full) space.
    direction : {"maximize", "minimize"}
        Which way ``dev_score`` improves.
    seed : int
        The integer the search's sampling was seeded with; pass it as ``random_state`` to
        draw the same configs again.
    method : {"random", "grid"}
    reused : int
        How many trials were read back from a journal rather than run.
    dashboard_link : str or None
        The Dask dashboard of the cluster the trials ran on.
    """

    def __init__(
        self,
        trials: Sequence[Trial],
        rounds: Sequence[Round],
        space: SearchSpace,
        *,
        direction: str = "maximize",
        seed: int = 0,
        method: str = "random",
    ) -> None:
        self.trials = sorted(trials, key=lambda t: t.index)
        self.rounds = list(rounds)
        self.space = space
        self.direction = direction
        self.seed = seed
        self.method = method
        self.reused = 0
        self.dashboard_link: str | None = None

    @property
    def trials_by_index(self) -> dict[int, Trial]:
        """``{trial.index: trial}``."""
        return {t.index: t for t in self.trials}

    def ranked(self) -> list[Trial]:
        """The successful trials, best first (ties keep index order)."""
        sign = -1.0 if self.direction == "maximize" else 1.0
        return sorted((t for t in self.trials if t.ok), key=lambda t: sign * t.dev_score)

    @property
    def best_trial(self) -> Trial | None:
        """The successful trial with the best dev score, or None if every trial failed."""
        ranked = self.ranked()
        return ranked[0] if ranked else None

    @property
    def best_config(self) -> dict[str, Any] | None:
        """The best trial's config, or None if every trial failed."""
        best = self.best_trial
        return None if best is None else dict(best.config)

    @property
    def best_score(self) -> float:
        """The best dev score, or NaN if every trial failed."""
        best = self.best_trial
        return math.nan if best is None else float(best.dev_score)

    @property
    def n_failed(self) -> int:
        """How many trials did not finish ``"ok"`` (failed, diverged or pruned)."""
        return sum(not t.ok for t in self.trials)

    def table(self) -> list[dict[str, Any]]:
        """One flat row per trial: index, round, status, scores, time, error, then config."""
        return [
            {
                "index": t.index,
                "round": t.round,
                "status": t.status,
                "dev_score": t.dev_score,
                "train_score": t.train_score,
                "time_s": round(t.time_s, 4),
                "error": t.error,
                **t.config,
            }
            for t in self.trials
        ]

    def _rows(self, top: int | None) -> tuple[list[str], list[list[str]], list[Trial]]:
        ranked = self.ranked()
        rows = ranked + [t for t in self.trials if not t.ok]
        if top is not None:
            rows = rows[:top]
        names = list(self.space)
        header = ["#", "round", "status", "dev", "train", "time_s", *names]
        body = [
            [
                str(t.index),
                str(t.round + 1),  # rounds are numbered from 1 for people
                t.status,
                _fmt(t.dev_score),
                _fmt(t.train_score),
                f"{t.time_s:.2f}",
                *(_fmt(t.config.get(n)) for n in names),
            ]
            for t in rows
        ]
        return header, body, rows

    def _repr_html_(self) -> str:
        """A notebook table: a summary line, then the best 10 trials."""
        from html import escape

        header, body, _ = self._rows(10)
        head = "".join(f"<th>{escape(h)}</th>" for h in header)
        rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in body)
        more = len(self.trials) - len(body)
        tail = f"<p>... {more} more trials</p>" if more > 0 else ""
        return (
            f"<p><b>{escape(repr(self))}</b></p><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table>{tail}"
        )

    def format_table(self, top: int | None = None) -> str:
        """The trials as aligned text, best first, failed last (``top`` limits rows)."""
        header, body, rows = self._rows(top)
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
        lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in [header, *body]]
        errors = [f"  #{t.index} {t.status}: {t.error}" for t in rows if not t.ok]
        return "\n".join(lines + errors)

    def __repr__(self) -> str:
        pruned = sum(t.status == "pruned" for t in self.trials)
        return (
            f"SearchResult({len(self.trials)} trials, {len(self.rounds)} rounds, "
            f"{self.n_failed - pruned} failed, {pruned} pruned, best_score={self.best_score:.4g})"
        )

    def to_dict(self) -> dict[str, Any]:
        """Everything, JSON-ready: trials, rounds with their boxes, best config."""
        return {
            "method": self.method,
            "direction": self.direction,
            "seed": self.seed,
            "space": self.space.to_dict(),
            "best_config": self.best_config,
            "best_score": None if self.best_trial is None else self.best_score,
            "trials": [t.to_dict() for t in self.trials],
            "rounds": [r.to_dict() for r in self.rounds],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SearchResult:
        """Read what :meth:`to_dict` wrote."""
        rounds = [
            Round(r["index"], SearchSpace(r["space"]), list(r["trials"]), r.get("zoom_from"))
            for r in data["rounds"]
        ]
        return cls(
            [Trial.from_dict(t) for t in data["trials"]],
            rounds,
            SearchSpace(data["space"]),
            direction=data["direction"],
            seed=data["seed"],
            method=data["method"],
        )

    def to_json(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`to_dict` to ``path`` (atomically: a crash never leaves half a file)."""
        from .._files import write_atomic

        write_atomic(path, json.dumps(self.to_dict(), indent=1, allow_nan=False))

    def importance(
        self, method: str = "variance", *, all_rounds: bool = False, random_state: int = 0
    ) -> Any:
        """How much of the dev score's variation each hyperparameter explains.

        See :func:`trainwell.tuning.importance.hyperparameter_importance`.
        """
        from .importance import hyperparameter_importance

        return hyperparameter_importance(
            self, method=method, all_rounds=all_rounds, random_state=random_state
        )

    def plot(self, path: str | os.PathLike[str] | None = None) -> Any:
        """Dev score against each hyperparameter, rounds coloured, zoom boxes shaded.

        See :func:`trainwell.tuning.plots.plot_search`.
        """
        from .plots import plot_search

        return plot_search(self, path)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
