"""TensorFlow Playground's two remaining planar problems: xor and two gaussians.

Playground's other two, circles and spiral, are :func:`~trainwell.data.load_circles` and
:func:`~trainwell.data.load_spirals`. Both generators here draw in the square
:math:`[-1, 1]^2` (Playground's :math:`[-5, 5]^2` divided by 5) and take ``random_state``
as every trainwell generator does.
"""

from __future__ import annotations

import numpy as np

from .._random import RandomLike, check_random_state, rand, randn
from .._validation import Interval, validate_params
from .dataset import Dataset

__all__ = ["load_gaussians", "load_xor"]

_RULES = {
    "n_train": [Interval("int", 2, None)],
    "n_test": [Interval("int", 2, None)],
    "noise": [Interval("real", 0, None)],
}


def _xor(rng, m: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    X = rand(rng, (m, 2)) * 2 - 1
    X += np.where(X > 0, 0.06, -0.06)  # Playground's padding keeps points off the axes
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    return X + noise * randn(rng, (m, 2)), y


def _gaussians(rng, m: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    y = np.arange(m, dtype=np.int64) % 2
    centre = np.where(y[:, None] == 1, 0.4, -0.4)
    return centre + (0.1 + noise) * randn(rng, (m, 2)), y


def _load(name, draw, n_train, n_test, noise, random_state) -> Dataset:
    validate_params(_RULES, {"n_train": n_train, "n_test": n_test, "noise": noise}, f"load_{name}")
    rng = check_random_state(random_state)
    X, y = draw(rng, n_train, noise)
    Xt, yt = draw(rng, n_test, noise)
    return Dataset(X, y, Xt, yt, name=name, feature_names=("x1", "x2"))


def load_xor(
    *, n_train: int = 300, n_test: int = 100, noise: float = 0.0, random_state: RandomLike = 0
) -> Dataset:
    """Exclusive or: label 1 where :math:`x_1 x_2 > 0`, the four quadrants alternating.

    Points are uniform in :math:`[-1, 1]^2`, pushed 0.06 away from the axes, plus
    :math:`N(0, \\mathrm{noise}^2 I)` noise added after labelling (so noise blurs the
    quadrants' edges). No single linear unit separates them; two hidden units do.

    Parameters
    ----------
    n_train, n_test : int, default=300, 100
    noise : float, default=0.0
        Standard deviation of the Gaussian noise.
    random_state : random_state, default=0
        Train then test are drawn from the same generator.

    Returns
    -------
    Dataset

    Examples
    --------
    >>> d = load_xor(n_train=4, n_test=2, random_state=1)
    >>> d.X_train.shape, sorted(set(d.y_train.tolist())) <= [0, 1]
    ((4, 2), True)
    """
    return _load("xor", _xor, n_train, n_test, noise, random_state)


def load_gaussians(
    *, n_train: int = 300, n_test: int = 100, noise: float = 0.1, random_state: RandomLike = 0
) -> Dataset:
    """Two Gaussian blobs centred at :math:`\\pm(0.4, 0.4)`, linearly separable at low noise.

    Class :math:`k` is :math:`\\pm(0.4, 0.4) + \\varepsilon`,
    :math:`\\varepsilon \\sim N(0, (0.1 + \\mathrm{noise})^2 I)`; classes alternate, so
    they are balanced.

    Parameters
    ----------
    n_train, n_test : int, default=300, 100
    noise : float, default=0.1
        Extra standard deviation of each blob.
    random_state : random_state, default=0

    Returns
    -------
    Dataset

    Examples
    --------
    >>> load_gaussians(n_train=6, n_test=2).y_train.tolist()
    [0, 1, 0, 1, 0, 1]
    """
    return _load("gaussians", _gaussians, n_train, n_test, noise, random_state)
