"""Whether a finished fit looks far from converged (the ``fit(net, X, y)`` trap).

A run that ends all its epochs is judged on its own epoch costs ``J``:

- one epoch started from scratch (``initial_epoch=0``, no optimizer state): a single
  epoch cannot show convergence (the default ``fit(net, X, y)`` is one step of plain
  gradient descent on up to 2000 examples);
- two or more: with ``k = min(10, n // 2)``, the mean cost of the last ``k`` epochs against
  the mean of the ``k`` before. The run is still falling fast when it fell by more than
  ``FALLING_FAST = 0.1%`` of the cost per epoch: doubling the run would lower it by
  about ``n * 0.1%`` or more. Averages of ``k`` epochs keep mini-batch noise out.

Runs stopped early (a callback, a divergence, an interrupt) are not judged.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["FALLING_FAST", "convergence_warning"]

FALLING_FAST = 1e-3
_RAISE = "raise epochs, the learning_rate, or use a faster optimizer (e.g. optimizer='adam')"


def convergence_warning(history: Any, n_run: int, fresh: bool) -> str | None:
    """The warning's text for a finished run of ``n_run`` epochs, or None.

    Parameters
    ----------
    history : History
    n_run : int
        Epochs this run trained (the last ``n_run`` entries of ``history.cost``).
    fresh : bool
        The run started from scratch (not continued from a state or a checkpoint).

    Examples
    --------
    >>> from trainwell.training import History
    >>> convergence_warning(History(cost=[1.0, 0.9, 0.8, 0.7]), 4, True)[:40]
    'fit ended with the cost still falling: 1'
    >>> convergence_warning(History(cost=[1.0, 0.5, 0.5, 0.5, 0.5]), 5, True) is None
    True
    """
    if history.stopped_reason is not None or n_run < 1:
        return None
    costs = history.cost[-n_run:]
    if n_run == 1:
        if not fresh:
            return None
        return (
            "fit trained a single epoch, which cannot show convergence (the defaults, "
            "epochs=1 with plain gradient descent, take one small step): " + _RAISE + "."
        )
    k = min(10, n_run // 2)
    before = math.fsum(costs[-2 * k : -k]) / k
    last = math.fsum(costs[-k:]) / k
    if not (math.isfinite(before) and math.isfinite(last)) or last == 0:
        return None
    rate = (before - last) / (k * abs(last))
    if rate <= FALLING_FAST:
        return None
    return (
        f"fit ended with the cost still falling: {100 * rate:.2g}% per epoch over the last "
        f"{k} epochs (of {n_run}), so training looks far from converged: {_RAISE}."
    )
