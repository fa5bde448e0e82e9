"""trainwell: the practical craft of training neural networks well.

A small, exact, fast NumPy network lab for the material of the course "Improving Deep
Neural Networks: hyperparameter tuning, regularization and optimization".

Importing ``trainwell`` is light: subpackages and heavy libraries (scikit-learn, scipy,
matplotlib) load on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "Network": "trainwell.nn",
    "Dense": "trainwell.nn",
    "Dropout": "trainwell.nn",
    "BatchNorm": "trainwell.nn",
    "GradientDescent": "trainwell.optim",
    "Momentum": "trainwell.optim",
    "RMSprop": "trainwell.optim",
    "Adam": "trainwell.optim",
    "ExponentialMovingAverage": "trainwell.optim",
    "fit": "trainwell.training",
    "History": "trainwell.training",
    "EarlyStopping": "trainwell.training",
    "Checkpoint": "trainwell.training",
    "Trainer": "trainwell.training",
    "load_checkpoint": "trainwell.training",
    "gradient_check": "trainwell.gradcheck",
    "gradient_check_1d": "trainwell.gradcheck",
    "MLPClassifier": "trainwell.sklearn",
    "MLPRegressor": "trainwell.sklearn",
    "Standardizer": "trainwell.data",
    "train_dev_test_split": "trainwell.data",
    "check_same_distribution": "trainwell.data",
    "diagnose": "trainwell.diagnosis",
    "diagnose_model": "trainwell.diagnosis",
    "gradient_norms": "trainwell.diagnosis",
    "learning_curve": "trainwell.learning_curves",
    "random_search": "trainwell.tuning",
    "grid_search": "trainwell.tuning",
    "SearchSpace": "trainwell.tuning",
    "Uniform": "trainwell.tuning",
    "LogUniform": "trainwell.tuning",
    "OneMinusLogUniform": "trainwell.tuning",
    "IntUniform": "trainwell.tuning",
    "IntLogUniform": "trainwell.tuning",
    "Choice": "trainwell.tuning",
    "NetworkObjective": "trainwell.tuning",
    "hyperparameter_importance": "trainwell.tuning",
    "InvalidParameterError": "trainwell.exceptions",
    "DataError": "trainwell.exceptions",
    "TrainingDiverged": "trainwell.exceptions",
    "ConvergenceWarning": "trainwell.exceptions",
    "CheckpointError": "trainwell.exceptions",
    "NotFittedError": "trainwell.exceptions",
}
_SUBMODULES = {
    "nn",
    "optim",
    "training",
    "data",
    "diagnosis",
    "tuning",
    "sklearn",
    "plots",
    "gradcheck",
    "course",
    "exceptions",
    "backend",
    "cli",
    "report",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"trainwell.{name}")
    raise AttributeError(f"module 'trainwell' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, *_SUBMODULES])
