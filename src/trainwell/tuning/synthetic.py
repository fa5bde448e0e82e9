"""A stand-in objective that costs nothing, for tests, examples and demos of the search."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import Any

from .._random import RandomLike, check_random_state, randn
from ..exceptions import InvalidParameterError

__all__ = ["SyntheticObjective"]


class SyntheticObjective:
    """A stand-in for training that costs nothing: a bowl around ``best``, plus noise.

    ``dev_score = 1 - sum_k weights[k] * (s_k(config[k]) - s_k(best[k]))**2 + noise``
    where ``s_k`` is log10 (the default), log10(1 - x) or x, as ``scales`` says. Names not
    in ``best`` have no effect. For tests, examples and demos of the search machinery.

    Parameters
    ----------
    best : dict of str to float
        The optimum of each hyperparameter that matters.
    scales : dict of str to {"log", "one_minus_log", "linear"}, optional
    weights : dict of str to float, optional
        How much each one matters (default 1).
    noise : float, default=0.0
        Standard deviation of Gaussian noise drawn from ``random_state``.
    sleep : float, default=0.0
        Seconds each call waits, as if it trained.
    diverge_above : dict of str to float, optional
        Return NaN scores (a diverged run) when ``config[k]`` exceeds the value.
    fail_above : dict of str to float, optional
        Raise ``RuntimeError`` when ``config[k]`` exceeds the value.
    epochs : int, default=0
        With ``epochs > 0`` and a ``report`` callable (a search with a pruner), the
        score is approached along a learning curve
        ``score_e = score - 0.5 * exp(-e / curve_scale)`` reported after each epoch
        ``e = 1 .. epochs``, ``sleep / epochs`` seconds each; the result holds
        ``"epochs"``, the number trained.
    curve_scale : float, default=3.0
        How fast the curve reaches its score, in epochs.

    Examples
    --------
    >>> objective = SyntheticObjective({"learning_rate": 0.01})
    >>> objective({"learning_rate": 0.1}, random_state=0)["dev_score"]
    0.0
    """

    def __init__(
        self,
        best: Mapping[str, float],
        *,
        scales: Mapping[str, str] | None = None,
        weights: Mapping[str, float] | None = None,
        noise: float = 0.0,
        sleep: float = 0.0,
        diverge_above: Mapping[str, float] | None = None,
        fail_above: Mapping[str, float] | None = None,
        epochs: int = 0,
        curve_scale: float = 3.0,
    ) -> None:
        self.best = dict(best)
        self.scales = {k: "log" for k in self.best} | dict(scales or {})
        for name, scale in self.scales.items():
            if scale not in ("log", "one_minus_log", "linear"):
                raise InvalidParameterError(
                    f"scales[{name!r}] must be 'log', 'one_minus_log' or 'linear'. "
                    f"Got {scale!r} instead."
                )
        self.weights = {k: 1.0 for k in self.best} | dict(weights or {})
        self.noise, self.sleep = float(noise), float(sleep)
        self.diverge_above = dict(diverge_above or {})
        self.fail_above = dict(fail_above or {})
        self.epochs, self.curve_scale = int(epochs), float(curve_scale)

    def _s(self, name: str, x: float) -> float:
        scale = self.scales[name]
        return (
            math.log10(x)
            if scale == "log"
            else (math.log10(1 - x) if scale == "one_minus_log" else float(x))
        )

    def __call__(
        self, config: Mapping[str, Any], *, random_state: RandomLike, report: Any = None
    ) -> dict[str, Any]:
        """Score ``config``; the noise is drawn from ``random_state``."""
        if self.sleep and not (self.epochs and report is not None):
            time.sleep(self.sleep)
        for name, limit in self.fail_above.items():
            if config.get(name, -math.inf) > limit:
                raise RuntimeError(f"{name}={config[name]} is above {limit}")
        score = 1.0 - sum(
            self.weights[k] * (self._s(k, config[k]) - self._s(k, v)) ** 2
            for k, v in self.best.items()
        )
        if self.noise:
            score += self.noise * float(randn(check_random_state(random_state), (1,))[0])
        if any(config.get(k, -math.inf) > v for k, v in self.diverge_above.items()):
            score = math.nan
        extra: dict[str, Any] = {}
        if self.epochs and report is not None:
            for e in range(1, self.epochs + 1):
                time.sleep(self.sleep / self.epochs)
                report(e, score - 0.5 * math.exp(-e / self.curve_scale))
            extra["epochs"] = self.epochs
        return {
            **extra,
            "dev_score": score,
            "train_score": score + 0.05,
            "curve": [1.0 / (1 + e) for e in range(5)],
        }
