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
        The epoch this run started at (0, or where a resumed run continued).
    batch_size : int
        The mini-batch size used (resolved from ``"auto"`` when asked).
    stopped_reason : str or None
        None (ran all epochs), "early_stopping", "diverged", "interrupted", "callback".
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

    def _facts(self) -> list[tuple[str, str]]:
        """(name, value) pairs summarizing the run, for the reprs."""
        facts = [("epochs", str(self.epochs)), ("batch_size", str(self.batch_size))]
        for name in ("cost", "val_cost", "train_accuracy", "val_accuracy"):
            values = getattr(self, name)
            if values:
                facts.append((name, f"{values[0]:.4g} -> {values[-1]:.4g}"))
        if self.learning_rate and min(self.learning_rate) != max(self.learning_rate):
            lr = self.learning_rate
            facts.append(("learning_rate", f"{lr[0]:.3g} -> {lr[-1]:.3g}"))
        elif self.learning_rate:
            facts.append(("learning_rate", f"{self.learning_rate[0]:.3g}"))
        if self.stopped_reason is not None:
            facts.append(("stopped_reason", self.stopped_reason))
        if self.best_epoch is not None:
            facts.append(("best_epoch", str(self.best_epoch)))
        return facts

    def __repr__(self) -> str:
        """One line: epochs, first and last costs and accuracies (not every value)."""
        inner = ", ".join(f"{k}={v}" for k, v in self._facts())
        return f"History({inner})"

    def _repr_html_(self) -> str:
        """A summary table for Jupyter (``history.plot()`` draws the curves)."""
        from html import escape

        rows = "".join(
            f"<tr><th style='text-align:left'>{k}</th><td>{escape(v)}</td></tr>"
            for k, v in self._facts()
        )
        notes = "".join(f"<li>{escape(n)}</li>" for n in self.notes)
        return (
            f"<div><b>History</b><table>{rows}</table>"
            + (f"<ul>{notes}</ul>" if notes else "")
            + "</div>"
        )

    def plot(self) -> Any:
        """Cost per epoch (training, and validation when recorded); accuracy and the
        learning rate beside it when they were recorded or changed.

        Returns
        -------
        matplotlib.figure.Figure
            It displays inline in Jupyter (once); ``trainwell.plots.save_png`` writes it.

        Examples
        --------
        >>> h = History(cost=[0.7, 0.5, 0.4], learning_rate=[0.1, 0.1, 0.05], epochs=3)
        >>> [ax.get_title() for ax in h.plot().axes]
        ['Cost J', 'Learning rate']
        """
        from .._figures import new_figure

        panels = [("Cost J", {"train": self.cost, "validation": self.val_cost})]
        accuracy = {"train": self.train_accuracy, "validation": self.val_accuracy}
        if any(accuracy.values()):
            panels.append(("Accuracy", accuracy))
        if self.learning_rate and min(self.learning_rate) != max(self.learning_rate):
            panels.append(("Learning rate", {"alpha": self.learning_rate}))
        fig = new_figure(4.2 * len(panels), 3.4)
        axes = fig.subplots(1, len(panels), squeeze=False)[0]
        for ax, (title, curves) in zip(axes, panels):
            for label, values in curves.items():
                if values:
                    x = range(self.initial_epoch, self.initial_epoch + len(values))
                    ax.plot(list(x), values, label=label, linewidth=1.6)
            ax.set(title=title, xlabel="epoch")
            ax.grid(alpha=0.3)
            if sum(bool(v) for v in curves.values()) > 1:
                ax.legend(frameon=False)
        return fig
