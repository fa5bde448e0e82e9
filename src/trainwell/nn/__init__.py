"""The network engine: layers, activations, losses, initializers and the Network."""

from ._fast_pass import compiled_path_unavailable
from .activations import ACTIVATIONS, get_activation
from .initializers import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    RandomNormal,
    XavierNormal,
    Zeros,
    get_initializer,
)
from .layers import INFER, TRAIN, BatchNorm, Dense, Dropout, Layer, Mode
from .losses import BinaryCrossEntropy, CategoricalCrossEntropy, Loss, MeanSquaredError
from .network import Network

__all__ = [
    "ACTIVATIONS",
    "INFER",
    "TRAIN",
    "BatchNorm",
    "BinaryCrossEntropy",
    "CategoricalCrossEntropy",
    "Dense",
    "Dropout",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "Layer",
    "Loss",
    "MeanSquaredError",
    "Mode",
    "Network",
    "RandomNormal",
    "XavierNormal",
    "Zeros",
    "compiled_path_unavailable",
    "get_activation",
    "get_initializer",
]
