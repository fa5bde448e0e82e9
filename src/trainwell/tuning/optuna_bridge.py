"""Run trainwell objectives inside Optuna studies (``pip install trainwell[optuna]``).

:func:`to_optuna_distributions` converts a trainwell search space into Optuna
distributions, each in the scale trainwell samples it in: ``LogUniform`` and
``IntLogUniform`` become log-scale distributions; ``OneMinusLogUniform(low, high)``
(β sampled so that log10(1 − β) is uniform, as the course recommends for momentum and
Adam's betas) becomes a log-scale ``FloatDistribution(1 - high, 1 - low)`` over
``1 - β``, under the name ``"one_minus_<name>"``, which :func:`suggest` maps back.

:func:`optuna_objective` wraps a trainwell objective (such as
:class:`~trainwell.tuning.objective.NetworkObjective`) as an Optuna objective: it samples
a config with :func:`suggest`, passes ``trial.number`` as the trial's seed, reports the
dev score after every epoch (``trial.report``) and stops the trial with
``optuna.TrialPruned`` when ``trial.should_prune()`` says so.

Examples
--------
>>> import optuna
>>> from trainwell.tuning import LogUniform, OneMinusLogUniform
>>> dists = to_optuna_distributions({"learning_rate": LogUniform(1e-4, 1),
...                                  "beta2": OneMinusLogUniform(0.9, 0.999)})
>>> dists["learning_rate"].log, dists["one_minus_beta2"].low, dists["one_minus_beta2"].high
(True, 0.001..., 0.1...)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..exceptions import InvalidParameterError
from .distributions import (
    Choice,
    IntLogUniform,
    IntUniform,
    LogUniform,
    OneMinusLogUniform,
    Uniform,
)
from .space import SearchSpace

__all__ = ["optuna_objective", "suggest", "to_optuna_distributions"]

ONE_MINUS = "one_minus_"


def _optuna() -> Any:
    try:
        import optuna
    except ImportError as exc:
        raise ImportError("The Optuna bridge needs optuna: pip install trainwell[optuna]") from exc
    return optuna


def to_optuna_distributions(space: Mapping[str, Any]) -> dict[str, Any]:
    """Optuna distributions for a trainwell space (1 − β dimensions as ``one_minus_NAME``)."""
    optuna = _optuna()
    d = optuna.distributions
    out: dict[str, Any] = {}
    for name, dist in SearchSpace(space).items():
        if isinstance(dist, OneMinusLogUniform):
            out[ONE_MINUS + name] = d.FloatDistribution(1.0 - dist.high, 1.0 - dist.low, log=True)
        elif isinstance(dist, LogUniform):
            out[name] = d.FloatDistribution(dist.low, dist.high, log=True)
        elif isinstance(dist, Uniform):
            out[name] = d.FloatDistribution(dist.low, dist.high)
        elif isinstance(dist, IntLogUniform):
            out[name] = d.IntDistribution(int(dist.low), int(dist.high), log=True)
        elif isinstance(dist, IntUniform):
            out[name] = d.IntDistribution(int(dist.low), int(dist.high))
        elif isinstance(dist, Choice):
            out[name] = d.CategoricalDistribution(list(dist.values))
        else:
            raise InvalidParameterError(f"No Optuna distribution for {name} = {dist!r}.")
    return out


def suggest(trial: Any, space: Mapping[str, Any]) -> dict[str, Any]:
    """Sample a trainwell config from an Optuna ``trial`` (β = 1 − the sampled 1 − β)."""
    config: dict[str, Any] = {}
    for name, dist in to_optuna_distributions(space).items():
        value = _suggest(trial, name, dist)
        if name.startswith(ONE_MINUS):
            config[name[len(ONE_MINUS) :]] = 1.0 - value
        else:
            config[name] = value
    return config


def _suggest(trial: Any, name: str, dist: Any) -> Any:
    d = _optuna().distributions
    if isinstance(dist, d.FloatDistribution):
        return trial.suggest_float(name, dist.low, dist.high, log=dist.log)
    if isinstance(dist, d.IntDistribution):
        return trial.suggest_int(name, dist.low, dist.high, log=dist.log)
    return trial.suggest_categorical(name, list(dist.choices))


def optuna_objective(
    objective: Callable[..., Mapping[str, Any]], space: Mapping[str, Any]
) -> Callable[[Any], float]:
    """An Optuna objective ``f(trial) -> dev_score`` that trains ``objective``'s configs.

    Parameters
    ----------
    objective : callable
        ``objective(config, *, random_state[, report])``, e.g. a ``NetworkObjective``.
        When it accepts ``report``, each epoch's dev score goes to ``trial.report`` and
        the trial stops (``optuna.TrialPruned``) when ``trial.should_prune()``.
    space : dict or SearchSpace
        Names to trainwell distributions (see :func:`to_optuna_distributions`).

    Returns
    -------
    callable
        For ``study.optimize``; the study's direction should match the objective's
        (``"maximize"`` for scores, as trainwell's are).
    """
    from .asynchronous import reports_progress

    optuna = _optuna()
    reports = reports_progress(objective)
    space = SearchSpace(space)

    def run(trial: Any) -> float:
        config = suggest(trial, space)
        kwargs: dict[str, Any] = {"random_state": int(trial.number)}
        if reports:

            def report(epoch: int, value: float) -> None:
                trial.report(float(value), int(epoch))
                if trial.should_prune():
                    raise optuna.TrialPruned(f"pruned by Optuna after epoch {epoch}")

            kwargs["report"] = report
        out = objective(config, **kwargs)
        trial.set_user_attr("train_score", float(out["train_score"]))
        return float(out["dev_score"])

    return run
