"""Data for training well: datasets, loaders, splits, normalization and augmentation.

Only NumPy is imported here; scikit-learn and SciPy load inside the functions that use
them, so ``import trainwell.data`` stays light.
"""

from .augmentation import (
    Compose,
    GaussianJitter,
    HorizontalFlip,
    RandomRotation,
    RandomShift,
    RandomZoom,
)
from .datasets import (
    Dataset,
    load_breast_cancer,
    load_circles,
    load_digits,
    load_flower,
    load_iris,
    load_moons,
    load_noisy_2d,
    load_spirals,
    load_wine,
)
from .io import load_csv, load_mat, load_npz
from .playground import load_gaussians, load_xor
from .preprocessing import Standardizer
from .split import (
    DistributionReport,
    DistributionShiftWarning,
    FeatureTest,
    Split,
    auto_split_sizes,
    check_same_distribution,
    train_dev_test_split,
)

__all__ = [
    "Compose",
    "Dataset",
    "DistributionReport",
    "DistributionShiftWarning",
    "FeatureTest",
    "GaussianJitter",
    "HorizontalFlip",
    "RandomRotation",
    "RandomShift",
    "RandomZoom",
    "Split",
    "Standardizer",
    "auto_split_sizes",
    "check_same_distribution",
    "load_breast_cancer",
    "load_circles",
    "load_csv",
    "load_digits",
    "load_flower",
    "load_gaussians",
    "load_iris",
    "load_mat",
    "load_moons",
    "load_noisy_2d",
    "load_npz",
    "load_spirals",
    "load_wine",
    "load_xor",
    "train_dev_test_split",
]
