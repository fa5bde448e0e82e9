"""Optimizers, learning-rate schedules and exponentially weighted averages."""

from .averages import ExponentialMovingAverage, bias_correct, ewa_step
from .optimizers import (
    OPTIMIZERS,
    Adam,
    GradientDescent,
    Momentum,
    Optimizer,
    RMSprop,
    get_optimizer,
)
from .schedules import (
    Constant,
    ExponentialDecay,
    FixedIntervalDecay,
    InverseSqrtDecay,
    InverseTimeDecay,
    Schedule,
    StaircaseDecay,
    get_schedule,
)

__all__ = [
    "OPTIMIZERS",
    "Adam",
    "Constant",
    "ExponentialDecay",
    "ExponentialMovingAverage",
    "FixedIntervalDecay",
    "GradientDescent",
    "InverseSqrtDecay",
    "InverseTimeDecay",
    "Momentum",
    "Optimizer",
    "RMSprop",
    "Schedule",
    "StaircaseDecay",
    "bias_correct",
    "ewa_step",
    "get_optimizer",
    "get_schedule",
]
