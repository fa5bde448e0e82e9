"""Whether a finished fit looks far from converged (the ``fit(net, X, y)`` trap).

A run that ends all its epochs is judged on its own epoch costs ``J``:

- one epoch started from scratch (``initial_epoch=0``, no optimizer state): a single
  epoch cannot show convergence (the default ``fit(net, X, y)`` is one step of plain
  gradient descent on up to 2000 examples);
- two or more: with ``k = min(n // 2, max(10, n // 10))`` (at least 1), the mean cost
  ``J_last`` of the last ``k`` epochs against the mean ``J_before`` of the ``k`` before:
  the cost falls by ``r = (J_before - J_last) / k`` per epoch. The run is still falling
  fast when as many epochs again would, at that rate, lower the cost by more than
  ``FALLING_FAST = 10%`` of the run's first epoch cost ``J_0``: ``r n > 0.1 J_0``.
  Windows of a tenth of the run keep mini-batch noise and the oscillation of a large
  learning rate out; measuring against ``J_0`` (not against ``J_last``) keeps quiet a
  cross-entropy that creeps towards 0 on separable data long after the predictions
  settled.

Runs stopped early (a callback, a divergence, an interrupt) are not judged.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["FALLING_FAST", "convergence_warning"]

FALLING_FAST = 0.1
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
    'fit ended with the cost still falling: b'
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
    k = max(1, min(n_run // 2, max(10, n_run // 10)))
    before = math.fsum(costs[-2 * k : -k]) / k
    last = math.fsum(costs[-k:]) / k
    scale = costs[0]
    if not all(math.isfinite(c) for c in (before, last, scale)) or scale <= 0:
        return None
    rate = (before - last) / k
    if rate * n_run <= FALLING_FAST * scale:
        return None
    return (
        f"fit ended with the cost still falling: by {rate:.3g} per epoch over the last "
        f"{k} of {n_run} epochs (as many epochs again would lower it by about "
        f"{100 * rate * n_run / scale:.2g}% of its first value {scale:.4g}), so training "
        f"looks far from converged: {_RAISE}."
    )
