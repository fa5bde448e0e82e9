"""History: what a training run recorded, epoch by epoch."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["History"]


@dataclass
class History:
    """Per-epoch record of a :func:`~trainwell.training.fit` run.

    Attributes
    ----------
    cost : list of float
        Per epoch, the example-weighted mean of the mini-batch costs,
        ``sum_b m_b J_b / m``, each ``J_b`` (data loss plus regularization) computed in the
        forward pass *before* that batch's update, as the course and scikit-learn account
        it. Each ``J_b`` carries the L2 term ``lambda / (2 m_b) ||W||^2``, so with several
        batches the regularization counts about once per batch and the figure is not
        ``net.cost(X, y)``. For full-batch descent, ``cost[i]`` is the course's "Cost
        after iteration i".
    learning_rate : list of float
        Learning rate used in each epoch.
    val_cost, val_accuracy, train_accuracy : list of float
        Filled when validation data is given / accuracy tracking is asked for.
    iteration_cost : list of float
        Cost of every optimizer step, when ``record_iterations=True``.
    epochs : int
        Epochs completed (counting from 0, so a run continued from ``initial_epoch`` k
        counts the first k too).
    initial_epoch : int
        The epoch the lists start at: 0, or where a run continued with ``initial_epoch``
        and ``optimizer_state``. A run resumed with ``resume_from`` holds the whole
        history (the checkpoint's epochs, then its own), from the checkpoint's start.
    batch_size : int
        The mini-batch size used (resolved from ``"auto"`` when asked).
    stopped_reason : str or None
        None (ran all epochs), "early_stopping", "diverged" (a non-finite or exploded
        cost), "interrupted", "callback".
    best_epoch : int or None
        Epoch whose parameters were restored by early stopping.
    optimizer_state : dict or None
        The optimizer's final state, for continuing training.
    notes : list of str
        Human-readable remarks (e.g. which batch size "auto" chose).
    """

    cost: list[float] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)
    val_cost: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    iteration_cost: list[float] = field(default_factory=list)
    epochs: int = 0
    initial_epoch: int = 0
    batch_size: int = 0
    stopped_reason: str | None = None
    best_epoch: int | None = None
    optimizer_state: dict[str, Any] | None = field(default=None, repr=False)
    notes: list[str] = field(default_factory=list)

    def costs_every(self, every: int = 1000) -> dict[str, float]:
        """``{"0": J_0, "1000": J_1000, ...}``, the course's printout as a dict (keys are
        absolute epochs: a run resumed at epoch 10 starts at "10")."""
        start = self.initial_epoch
        return {str(i): float(c) for i, c in enumerate(self.cost, start) if i % every == 0}

    def to_dict(self) -> dict[str, Any]:
        """JSON-able record (without the optimizer state)."""
        d = asdict(self)
        d.pop("optimizer_state")
        return d
