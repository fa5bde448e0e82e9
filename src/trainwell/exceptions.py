"""Exception classes of trainwell.

Each subclasses a builtin so ``except ValueError`` keeps working, and every message
names the argument, the rule and the received value.
"""

from __future__ import annotations

__all__ = [
    "BackendUnavailableError",
    "CheckpointError",
    "ConvergenceWarning",
    "DataError",
    "InvalidParameterError",
    "NotFittedError",
    "TrainingDiverged",
]


class InvalidParameterError(ValueError, TypeError):
    """A hyperparameter or option has a value outside its documented set."""


class DataError(ValueError):
    """Input data (X, y, a file) is malformed: shape, dtype, NaN, label set, keys."""


class NotFittedError(ValueError, AttributeError):
    """A model was used before it was built or fitted."""


class CheckpointError(ValueError):
    """A saved network or checkpoint file is truncated, corrupted or foreign."""


class ConvergenceWarning(UserWarning):
    """A run ended far from converged (e.g. the cost still falling fast); the message
    names the arguments to raise. Silence it with
    ``warnings.filterwarnings("ignore", category=ConvergenceWarning)``."""


class BackendUnavailableError(ImportError):
    """An array backend's library (or, for CuPy, a GPU) is missing; the message says what
    to install, or to use ``engine="numpy"``."""


class TrainingDiverged(RuntimeError):
    """The cost became NaN or infinite during training.

    Attributes
    ----------
    epoch : int
        Epoch (0-based) in which the non-finite cost appeared.
    learning_rate : float
        Learning rate in force at that step.
    history : History or None
        The training history up to the divergence.
    """

    def __init__(
        self,
        message: str,
        *,
        epoch: int = -1,
        learning_rate: float = float("nan"),
        history: object = None,
    ) -> None:
        super().__init__(message)
        self.epoch = epoch
        self.learning_rate = learning_rate
        self.history = history
