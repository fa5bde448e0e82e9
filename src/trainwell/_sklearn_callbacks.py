"""scikit-learn's learning-rate rules and stopping on trainwell's estimators, as callbacks."""

from __future__ import annotations

from typing import Any

from .training import Callback

__all__ = ["InvScaling", "SklearnStopping", "ValidationScores"]


class InvScaling:
    """scikit-learn's "invscaling": ``eta_0 / (t + 1) ** power_t`` with t the samples seen
    before the epoch (updated once per epoch, as scikit-learn does)."""

    def __init__(self, initial: float, power_t: float, n_samples: int) -> None:
        self.initial, self.power_t, self.n_samples = initial, power_t, n_samples

    def __call__(self, epoch: int) -> float:
        return self.initial / (epoch * self.n_samples + 1) ** self.power_t


class SklearnStopping(Callback):
    """scikit-learn's stopping rule on the training loss, and its "adaptive" rate.

    After each epoch: if the cost is not below ``best - tol``, count one; otherwise reset.
    When the count exceeds ``n_iter_no_change``, "adaptive" divides the rate by 5 (and
    stops once it is at or below 1e-6); any other schedule stops, as scikit-learn does.
    Call the instance as the fit's schedule.
    """

    def __init__(self, schedule: Any, tol: float, n_iter_no_change: int, adaptive: bool):
        self.schedule, self.tol, self.limit, self.adaptive = (
            schedule,
            tol,
            n_iter_no_change,
            adaptive,
        )
        self.best, self.count, self.factor = float("inf"), 0, 1.0
        self.message: str | None = None

    def __call__(self, epoch: int) -> float:
        return self.schedule(epoch) * self.factor

    def on_epoch_end(self, epoch, logs, ctx):
        cost = logs["cost"]
        self.count = self.count + 1 if cost > self.best - self.tol else 0
        self.best = min(self.best, cost)
        if self.count > self.limit:
            if self.adaptive and logs["learning_rate"] / 5 > 1e-6:
                self.factor /= 5
                self.count = 0
                return
            ctx.stop_training = True
            ctx.stop_reason = "callback"
            self.message = (
                f"Training loss did not improve more than tol={self.tol} for "
                f"{self.limit} consecutive epochs. Stopping."
            )


class ValidationScores(Callback):
    """Append ``score(network)`` on the validation set after every epoch."""

    def __init__(self, score: Any) -> None:
        self.score, self.scores = score, []

    def on_epoch_end(self, epoch, logs, ctx):
        self.scores.append(float(self.score(ctx.network)))
