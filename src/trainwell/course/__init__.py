"""The course's experiments, each built only from trainwell's public API.

One module per experiment, each with ``NAME``, ``TITLE``, ``FINDING`` and
``run(settings) -> ExperimentResult``. :data:`EXPERIMENTS` lists them in the order
``trainwell reproduce`` runs them; modules are imported only when run.

Examples
--------
>>> from trainwell.course import EXPERIMENTS, run_experiment
>>> list(EXPERIMENTS)[:3]
['initialization', 'regularization', 'gradient_checking']
>>> run_experiment("gradient_checking").results["n_dimensional_buggy"]["verdict"]
'wrong'
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ..exceptions import InvalidParameterError
from ._base import DEFAULT, ExperimentResult, Settings, Table, pct

__all__ = [
    "EXPERIMENTS",
    "ExperimentResult",
    "Settings",
    "Table",
    "experiment",
    "pct",
    "run_experiment",
    "select",
]

#: Experiment name -> what it shows (the order of ``trainwell reproduce``).
EXPERIMENTS: dict[str, str] = {
    "initialization": "zeros, large random and He initialization on circles",
    "regularization": "no regularization, L2 and dropout on noisy 2-D data (or --data)",
    "gradient_checking": "1-D and N-D gradient checks, with the course's planted bugs",
    "optimization": "mini-batch GD, momentum and Adam on moons, with and without decay",
    "moving_averages": "exponentially weighted averages with and without bias correction",
    "trajectories": "optimizer paths on an elongated bowl and near a saddle point",
    "batchnorm_softmax": "a softmax network on digits with and without batch norm",
    "normalization": "breast cancer with raw and standardized inputs",
    "tuning": "random vs grid search, log vs linear sampling, coarse to fine, importance",
    "bias_variance": "the course's train/dev error pairs and a learning curve",
    "deep_gradients": "vanishing and exploding gradients in a 50-layer network",
}


def experiment(name: str) -> ModuleType:
    """The module of experiment ``name`` (imported now)."""
    if name not in EXPERIMENTS:
        raise InvalidParameterError(
            f"Unknown experiment {name!r}; the experiments are: {', '.join(EXPERIMENTS)}."
        )
    return importlib.import_module(f"{__name__}.{name}")


def run_experiment(name: str, settings: Settings = DEFAULT) -> ExperimentResult:
    """Run experiment ``name`` with ``settings`` and return its result."""
    return experiment(name).run(settings)


def select(only: str | None) -> list[str]:
    """The experiment names of a ``--only`` value (comma-separated), in run order.

    Examples
    --------
    >>> select("optimization, initialization")
    ['initialization', 'optimization']
    >>> len(select(None)) == len(EXPERIMENTS)
    True
    """
    if only is None:
        return list(EXPERIMENTS)
    wanted = [n.strip() for n in only.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in EXPERIMENTS]
    if unknown or not wanted:
        raise InvalidParameterError(
            f"--only got {', '.join(map(repr, unknown)) or 'no names'}; the experiments "
            f"are: {', '.join(EXPERIMENTS)}."
        )
    return [n for n in EXPERIMENTS if n in wanted]
