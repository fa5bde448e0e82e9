"""What every experiment shares: its result, its settings, training one variant, running
variants in parallel, and the course's two loop conventions (per-epoch reseeded shuffles,
decay applied from the next epoch)."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..exceptions import ConvergenceWarning

__all__ = [
    "DEFAULT",
    "ENGINE",
    "CourseDecay",
    "ExperimentResult",
    "Job",
    "Run",
    "Settings",
    "Table",
    "course_shuffle",
    "entry",
    "map_variants",
    "pct",
    "run_cost",
    "run_jobs",
    "steps",
    "summary_rows",
    "train",
]


@dataclass
class Table:
    """A small table for the report: a caption, column names and rows of cells."""

    caption: str
    columns: list[str]
    rows: list[list[Any]]


@dataclass
class ExperimentResult:
    """Everything an experiment hands to the report.

    Attributes
    ----------
    name, title : str
        Registry name (``"initialization"``) and heading.
    finding : str
        The course's finding, in one sentence.
    results : dict
        This experiment's entry in results.json (plain JSON data, deterministic).
    tables : list of Table
    figures : dict of str to matplotlib Figure (or its PNG bytes)
        File stem (``"initialization_costs"``) to figure; empty when figures are off. A
        parallel run's workers send the figures back drawn, as PNG bytes.
    notes : list of str
        Where trainwell and the course differ, and why.
    summary : list of dict
        Rows of the printed summary: ``variant``, ``train``, ``test``, ``cost``.
    seconds : float
        The time it took, filled in by the runner: wall time in a serial run, its jobs'
        times added over the worker processes in a parallel one (never written to
        results.json).
    """

    name: str
    title: str
    finding: str
    results: dict[str, Any]
    tables: list[Table] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    summary: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class Settings:
    """How to run an experiment.

    Attributes
    ----------
    scale : float, default=1.0
        Multiplies every iteration/epoch count (tests use a fraction; 1 is the recipe).
    n_jobs : int, default=1
        Worker processes: for an experiment's independent variants, and for ``trainwell
        reproduce``'s pool shared by all experiments (results do not depend on it).
    progress : bool, default=False
        tqdm bars (shown only on a terminal).
    figures : bool, default=True
        Draw the figures.
    data : str, optional
        A .mat file for the regularization experiment.
    backend : str, default="numpy"
        The engine (:mod:`trainwell.engine_choice`; ``trainwell reproduce --engine``) that
        trains the experiments' networks: every :class:`Run` given to
        :func:`map_variants`, and the batch-norm learning-rate sweep. NumPy repeats the
        course's float64 training bit for bit (its weights, steps and accuracies; a cost
        is computed stably from the logits, so it can differ from the course's formula in
        the last bit). Another backend agrees to
        rounding (float64 there too), except that dropout masks come from the device's
        own generator and that a chaotic run (the large "random" initialization, whose
        cost jumps tenfold between steps) amplifies another library's rounding until it
        leaves NumPy's trajectory. The analyses that train no network of their own
        (gradient checking, moving averages, optimizer paths on 2-D functions,
        gradient norms at initialization, bias/variance, tuning) stay on NumPy.
    """

    scale: float = 1.0
    n_jobs: int = 1
    progress: bool = False
    figures: bool = True
    data: str | None = None
    backend: str = "numpy"


DEFAULT = Settings()


def steps(n: int, settings: Settings) -> int:
    """``n`` iterations scaled by ``settings.scale`` (at least 1).

    Examples
    --------
    >>> steps(15000, Settings()), steps(15000, Settings(scale=0.1))
    (15000, 1500)
    """
    return max(1, round(n * settings.scale))


def course_shuffle(epoch: int, m: int) -> np.ndarray:
    """The course's mini-batch order: ``seed = 10; each epoch: seed += 1;
    np.random.seed(seed); permutation(m)``, so epoch e uses seed 11 + e.

    Examples
    --------
    >>> course_shuffle(0, 5).tolist() == np.random.RandomState(11).permutation(5).tolist()
    True
    """
    # Reseeding one generator per thread draws the same permutation as a new
    # RandomState(11 + epoch) in a twentieth of the time (the recipes shuffle 60,000 times).
    rs = getattr(_SHUFFLER, "rs", None)
    if rs is None:
        rs = _SHUFFLER.rs = np.random.RandomState()
    rs.seed(11 + epoch)
    return rs.permutation(m)


_SHUFFLER = threading.local()


@dataclass(frozen=True)
class CourseDecay:
    """A schedule applied the way the course's loop applies it.

    The course updates ``learning_rate = decay(learning_rate0, i, ...)`` at the *end* of
    epoch i, so epoch e trains with ``schedule(e - 1)`` and epoch 0 with the initial rate.

    Examples
    --------
    >>> from trainwell.optim import FixedIntervalDecay
    >>> d = CourseDecay(FixedIntervalDecay(0.1, decay_rate=1.0, time_interval=1000))
    >>> d(0), d(1000), d(1001)
    (0.1, 0.1, 0.05)
    """

    schedule: Callable[[int], float]

    def __call__(self, epoch: int) -> float:
        return self.schedule(max(epoch - 1, 0))


#: The course's recipes train on fit's NumPy path: the course's own float64 NumPy
#: arithmetic, and the same bits on every machine. (The compiled path that
#: ``engine="auto"`` may pick agrees with it to about 1e-12, not bit for bit.)
ENGINE = "numpy"


@dataclass
class Run:
    """One trained variant: a network recipe, its data and its :func:`trainwell.fit` options.

    Attributes
    ----------
    layers : list of Layer
        Fresh (unbuilt) layers.
    data : tuple
        ``(X_train, y_train, X_test, y_test)``.
    fit : dict
        Keyword arguments of :func:`trainwell.training.fit` (``engine`` is set by
        :func:`train`).
    l2 : float
    random_state : int, default=3
        The course's ``np.random.seed(3)`` weights.
    loss : str, default="binary_crossentropy"
    every : int, default=1000
        Record the cost every ``every`` iterations (epochs).
    grid : bool, default=False
        Also return the decision regions over the training data (2-D inputs).
    backend : str, default=ENGINE
        The engine the network trains on (set from :attr:`Settings.backend` by
        :func:`map_variants`).
    """

    layers: list[Any]
    data: tuple[Any, Any, Any, Any]
    fit: dict[str, Any]
    l2: float = 0.0
    random_state: int = 3
    loss: str = "binary_crossentropy"
    every: int = 1000
    grid: bool = False
    backend: str = ENGINE


def train(run: Run) -> dict[str, Any]:
    """Train one variant; return its results.json entry plus what the figures need.

    Returns
    -------
    dict
        ``train_accuracy``, ``test_accuracy``, ``costs`` ({iteration: J}, J before that
        iteration's update), and, outside results.json, ``curve`` (every cost) and
        ``grid`` (from :func:`trainwell.plots.decision_grid`, or None).
    """
    from ..nn import Network
    from ..plots import decision_grid
    from ..training import fit

    X, y, Xt, yt = run.data
    net = Network(
        run.layers,
        loss=run.loss,
        l2=run.l2,
        random_state=run.random_state,
        input_dim=X.shape[1],
        engine=run.backend,  # ENGINE unless reproduce was given --engine
    )
    with warnings.catch_warnings():  # the course's budgets are the course's, converged or not
        warnings.simplefilter("ignore", ConvergenceWarning)
        history = fit(net, X, y, progress=False, **run.fit)
    return {
        "train_accuracy": net.score(X, y),
        "test_accuracy": net.score(Xt, yt),
        "costs": history.costs_every(run.every),
        "curve": [float(c) for c in history.cost],
        "grid": decision_grid(net.predict, X) if run.grid else None,
    }


def entry(result: Mapping[str, Any]) -> dict[str, Any]:
    """The results.json part of :func:`train`'s output."""
    return {k: result[k] for k in ("train_accuracy", "test_accuracy", "costs")}


def summary_rows(results: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Summary-table rows for trained variants (train/test accuracy, last recorded cost)."""
    return [
        {
            "variant": name,
            "train": r["train_accuracy"],
            "test": r["test_accuracy"],
            "cost": r["curve"][-1],
        }
        for name, r in results.items()
    ]


@dataclass(frozen=True)
class Job:
    """One independent piece of an experiment: ``fn(arg)``, run in any process.

    Attributes
    ----------
    fn : callable
        A module-level function (it travels to worker processes by name).
    arg : Any
        Its one argument; a :class:`Run` trains on :attr:`Settings.backend`.
    cost : float, optional
        About how many seconds it takes at ``scale=1`` on one idle core: the parallel
        runner starts the longest jobs first. None: estimated from a :class:`Run`
        (:func:`run_cost`), else 1.
    """

    fn: Callable[[Any], Any]
    arg: Any
    cost: float | None = None

    def call(self) -> Any:
        """``fn(arg)``."""
        return self.fn(self.arg)

    def on(self, settings: Settings) -> Job:
        """This job with a :class:`Run` argument moved to ``settings.backend``."""
        if isinstance(self.arg, Run) and self.arg.backend != settings.backend:
            return replace(self, arg=replace(self.arg, backend=settings.backend))
        return self

    def seconds(self) -> float:
        """:attr:`cost`, or its estimate."""
        if self.cost is not None:
            return self.cost
        return run_cost(self.arg) if isinstance(self.arg, Run) else 1.0


def run_cost(run: Run) -> float:
    """A rough estimate of the seconds :func:`train` takes on ``run`` on one idle core.

    Mini-batch steps times a per-step cost of about 115 microseconds of NumPy calls plus
    the work, which grows with the batch's rows times the network's units (measured on
    the course's networks; an estimate for scheduling, it changes no number).

    Examples
    --------
    >>> from trainwell.nn import Dense
    >>> X = np.zeros((300, 2))
    >>> run = Run([Dense(5), Dense(1, "sigmoid")], (X, X[:, 0], X, X[:, 0]),
    ...           {"epochs": 1000, "batch_size": 64})
    >>> 0.3 < run_cost(run) < 1.0
    True
    """
    m, n = run.data[0].shape
    batch = run.fit.get("batch_size") or m
    batch = m if not isinstance(batch, int) else min(batch, m)
    steps = run.fit.get("epochs", 1) * -(-m // batch)
    units = n + sum(getattr(layer, "units", 0) for layer in run.layers)
    return steps * (115e-6 + 7e-9 * batch * units)


def run_jobs(jobs: Mapping[str, Job], settings: Settings, desc: str) -> dict[str, Any]:
    """``{name: job.call()}`` over independent jobs, in parallel when ``n_jobs > 1``.

    Each job owns its seeds, so the results are the same in either mode. A tqdm bar
    counts finished jobs. Each :class:`Run` trains on ``settings.backend``.
    """
    from .._progress import progress_bar

    todo = {name: job.on(settings) for name, job in jobs.items()}
    names = list(todo)
    bar = progress_bar(
        total=len(names),
        desc=desc,
        unit="run",
        leave=False,
        show=None if settings.progress else False,
    )
    out: dict[str, Any] = {}
    try:
        if settings.n_jobs <= 1 or len(names) <= 1:
            for name in names:
                bar.set_postfix_str(str(name))
                out[name] = todo[name].call()
                bar.update()
        else:
            from joblib import Parallel, delayed

            runs = Parallel(n_jobs=min(settings.n_jobs, len(names)), return_as="generator")
            for name, res in zip(names, runs(delayed(todo[n].fn)(todo[n].arg) for n in names)):
                out[name] = res
                bar.set_postfix_str(str(name))
                bar.update()
    finally:
        bar.close()
    return out


def map_variants(
    fn: Callable[[Any], Any], specs: Mapping[str, Any], settings: Settings, desc: str
) -> dict[str, Any]:
    """``{name: fn(spec)}`` over independent variants: :func:`run_jobs` of one function."""
    return run_jobs({name: Job(fn, spec) for name, spec in specs.items()}, settings, desc)


def pct(x: float | None) -> str:
    """An accuracy as a percentage with one decimal ('' for None).

    Examples
    --------
    >>> pct(0.99333), pct(None)
    ('99.3%', '')
    """
    return "" if x is None else f"{100 * x:.1f}%"
