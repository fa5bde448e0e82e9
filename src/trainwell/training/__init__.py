"""The training loop, mini-batches, callbacks and History."""

from .batches import auto_batch_size, iterate_minibatches, minibatch_slices
from .build import build_network, build_training, fit_arguments
from .callbacks import (
    Callback,
    Checkpoint,
    CheckpointData,
    EarlyStopping,
    ProgressBar,
    TrainingContext,
    load_checkpoint,
)
from .history import History
from .loop import evaluate, fit
from .trainer import Trainer

__all__ = [
    "Callback",
    "Checkpoint",
    "CheckpointData",
    "EarlyStopping",
    "History",
    "ProgressBar",
    "Trainer",
    "TrainingContext",
    "auto_batch_size",
    "build_network",
    "build_training",
    "evaluate",
    "fit",
    "fit_arguments",
    "iterate_minibatches",
    "load_checkpoint",
    "minibatch_slices",
]
