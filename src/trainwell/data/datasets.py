"""The course's datasets and scikit-learn's bundled real ones, as named train/test arrays.

Every loader returns a :class:`Dataset` in scikit-learn's layout: ``X`` is
``(m, n_features)`` float64 and ``y`` is ``(m,)`` int64. Every generator takes
``random_state`` (None, int, ``RandomState`` or ``Generator``); an int seeds a
``RandomState``, so ``random_state=1`` draws exactly what the course's
``np.random.seed(1)`` draws. scikit-learn is imported inside the functions that need it,
so ``import trainwell.data`` stays light.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._random import RandomLike, check_random_state, rand, randn
from .._validation import Interval, validate_params
from ..exceptions import InvalidParameterError
from .dataset import Dataset

__all__ = [
    "Dataset",
    "load_breast_cancer",
    "load_circles",
    "load_digits",
    "load_flower",
    "load_iris",
    "load_moons",
    "load_noisy_2d",
    "load_spirals",
    "load_wine",
]


def _make(
    name: str, X_train: Any, y_train: Any, X_test: Any = None, y_test: Any = None, **kw: Any
) -> Dataset:
    """Build a Dataset with the layout contract enforced (float64 X, int64 y)."""
    as_X = lambda X: None if X is None else np.ascontiguousarray(X, dtype=np.float64)  # noqa: E731
    as_y = lambda y: None if y is None else np.asarray(y).ravel().astype(np.int64)  # noqa: E731
    return Dataset(as_X(X_train), as_y(y_train), as_X(X_test), as_y(y_test), name=name, **kw)


def _sklearn_seed(random_state: RandomLike) -> Any:
    """What scikit-learn's generators accept: None, an int or a RandomState."""
    rng = check_random_state(random_state)  # validates, and keeps a RandomState as is
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(2**32))
    return rng


TestSize = float | int | None

_RULES = {  # one constraint table for every generator's parameters
    "n_samples": [Interval("int", 2, None)],
    "n_train": [Interval("int", 2, None)],
    "n_test": [Interval("int", 2, None)],
    "noise": [Interval("real", 0, None)],
    "turns": [Interval("real", 0, None, closed="neither")],
    "label_noise": [Interval("real", 0, 0.5, closed="left")],
    "boundary_noise": [Interval("real", 0, 0.5, closed="left")],
    "test_size": [None, Interval("real", 0, 1, closed="neither"), Interval("int", 1, None)],
}


def _check(caller: str, **values: Any) -> None:
    validate_params({name: _RULES[name] for name in values}, values, caller)


def _split_off_test(
    name: str,
    X: np.ndarray,
    y: np.ndarray,
    test_size: TestSize,
    random_state: RandomLike,
    **kw: Any,
) -> Dataset:
    """A seeded stratified test split (scikit-learn's ``train_test_split``), or none."""
    if test_size is None:
        return _make(name, X, y, **kw)
    from sklearn.model_selection import train_test_split

    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=test_size, stratify=y, random_state=_sklearn_seed(random_state)
    )
    return _make(name, X_tr, y_tr, X_te, y_te, **kw)


def load_circles(
    *, noise: float = 0.05, random_state: tuple[RandomLike, RandomLike] = (1, 2)
) -> Dataset:
    """The course's two concentric circles (Initialization assignment).

    Exactly the course's recipe: train is ``make_circles(n_samples=300, noise=0.05)`` after
    ``np.random.seed(1)``, test is ``make_circles(n_samples=100, noise=0.05)`` after
    ``np.random.seed(2)``.

    Parameters
    ----------
    noise : float, default=0.05
        Standard deviation of the Gaussian noise added to each coordinate.
    random_state : pair of random_state, default=(1, 2)
        Seeds (or generators) of the train and test draws.

    Returns
    -------
    Dataset
        300 training and 100 test points, 2 features, labels {0 (outer), 1 (inner)}.
    """
    _check("load_circles", noise=noise)
    if not isinstance(random_state, tuple) or len(random_state) != 2:
        raise InvalidParameterError(
            "The 'random_state' parameter of load_circles must be a pair (train, test) of "
            f"random states, e.g. (1, 2). Got {random_state!r} instead."
        )
    from sklearn.datasets import make_circles

    X, y = make_circles(n_samples=300, noise=noise, random_state=_sklearn_seed(random_state[0]))
    Xt, yt = make_circles(n_samples=100, noise=noise, random_state=_sklearn_seed(random_state[1]))
    return _make("circles", X, y, Xt, yt, feature_names=("x1", "x2"))


def load_moons(
    *,
    n_samples: int = 300,
    noise: float = 0.2,
    random_state: RandomLike = 3,
    test_size: TestSize = None,
) -> Dataset:
    """The course's two interleaved moons (Optimization assignment).

    ``make_moons(n_samples=300, noise=0.2)`` after ``np.random.seed(3)``.

    Parameters
    ----------
    n_samples : int, default=300
        Number of points drawn.
    noise : float, default=0.2
        Standard deviation of the Gaussian noise.
    random_state : random_state, default=3
        Seed of the draw (and of the test split).
    test_size : float, int or None, default=None
        None keeps every point for training (the course); a fraction or a count splits off a
        stratified test set.

    Returns
    -------
    Dataset
    """
    _check("load_moons", n_samples=n_samples, noise=noise, test_size=test_size)
    from sklearn.datasets import make_moons

    rng = check_random_state(random_state)
    X, y = make_moons(n_samples=n_samples, noise=noise, random_state=_sklearn_seed(rng))
    return _split_off_test("moons", X, y, test_size, rng, feature_names=("x1", "x2"))


def load_flower(*, random_state: RandomLike = 1, test_size: TestSize = None) -> Dataset:
    """The course's planar "flower" (``load_planar_dataset``, week 3 of course 1).

    Two classes of 200 points each on the petals of :math:`r = 4 \\sin(4t)`, with Gaussian
    noise of 0.2 on the angle :math:`t` and the radius :math:`r`; ``random_state=1`` draws
    the course's exact points.

    Parameters
    ----------
    random_state : random_state, default=1
        Seed of the draw (and of the test split).
    test_size : float, int or None, default=None
        None keeps all 400 points for training (the course).

    Returns
    -------
    Dataset
    """
    _check("load_flower", test_size=test_size)
    rng = check_random_state(random_state)
    m, a = 400, 4  # number of examples; maximum ray of the flower
    N = m // 2
    X = np.zeros((m, 2))
    y = np.zeros(m, dtype=np.int64)
    for j in range(2):  # the course's loop, draw for draw
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + randn(rng, (N,)) * 0.2
        r = a * np.sin(4 * t) + randn(rng, (N,)) * 0.2
        X[N * j : N * (j + 1)] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[N * j : N * (j + 1)] = j
    return _split_off_test("flower", X, y, test_size, rng, feature_names=("x1", "x2"))


def _spiral_arms(rng: Any, m: int, turns: float, noise: float) -> tuple[np.ndarray, np.ndarray]:
    y = np.arange(m) % 2
    t = np.sqrt(rand(rng, (m,)))  # sqrt: points evenly spread along the arm's length
    theta = 2 * np.pi * turns * t + np.pi * y
    X = np.c_[t * np.cos(theta), t * np.sin(theta)] + noise * randn(rng, (m, 2))
    return X, y


def load_spirals(
    *,
    n_train: int = 300,
    n_test: int = 100,
    turns: float = 1.5,
    noise: float = 0.05,
    random_state: RandomLike = 0,
) -> Dataset:
    """Two interleaved spirals in the unit disc, a problem a linear model cannot touch.

    Arm ``k`` (the label) is :math:`t\\,(\\cos\\theta, \\sin\\theta) + \\varepsilon` with
    :math:`\\theta = 2\\pi \\cdot \\mathrm{turns} \\cdot t + k\\pi`, :math:`t = \\sqrt{u}`,
    :math:`u \\sim U[0, 1)` and :math:`\\varepsilon \\sim N(0, \\mathrm{noise}^2 I)`.
    Train then test are drawn from the same generator.

    Parameters
    ----------
    n_train, n_test : int, default=300, 100
        Number of points in each part (classes alternate, so they are balanced).
    turns : float, default=1.5
        Turns of each arm.
    noise : float, default=0.05
        Standard deviation of the Gaussian noise.
    random_state : random_state, default=0

    Returns
    -------
    Dataset
    """
    _check("load_spirals", n_train=n_train, n_test=n_test, turns=turns, noise=noise)
    rng = check_random_state(random_state)
    X, y = _spiral_arms(rng, n_train, turns, noise)
    Xt, yt = _spiral_arms(rng, n_test, turns, noise)
    return _make("spirals", X, y, Xt, yt, feature_names=("x1", "x2"))


def _noisy_2d_draw(
    rng: Any, m: int, label_noise: float, boundary_noise: float
) -> tuple[np.ndarray, np.ndarray]:
    X = np.clip(0.35 * randn(rng, (m, 2)), -0.75, 0.75)
    d = X[:, 1] - (0.25 * np.sin(4.0 * X[:, 0]) - 0.35 * X[:, 0])  # signed gap to the line
    y = (d > 0).astype(np.int64)
    p_flip = label_noise + boundary_noise * np.exp(-0.5 * (d / 0.1) ** 2)
    return X, np.where(rand(rng, (m,)) < p_flip, 1 - y, y)


def load_noisy_2d(
    *,
    n_train: int = 211,
    n_test: int = 200,
    label_noise: float = 0.03,
    boundary_noise: float = 0.2,
    random_state: RandomLike = 0,
) -> Dataset:
    r"""A noisy 2-D problem on which an unregularized network visibly overfits.

    The default of the regularization experiment, made to resemble the course's football
    data ("where should the goalkeeper kick?"): 211 training and 200 test positions
    :math:`x \sim N(0, 0.35^2 I)` clipped to :math:`[-0.75, 0.75]^2`, two teams separated
    by the wavy line :math:`x_2 = 0.25 \sin(4 x_1) - 0.35 x_1`, and labels flipped with
    probability :math:`\mathrm{label\_noise} + \mathrm{boundary\_noise}\,
    e^{-d^2 / (2 \cdot 0.1^2)}`, :math:`d` the vertical gap to the line (so, as on a
    pitch, most mix-ups happen where the teams meet). The Bayes error is about 8% with
    the defaults.

    With the defaults, the course's unregularized [2, 20, 3, 1] network (30,000 gradient
    descent steps at learning rate 0.3) bends around the flipped points: about 91% train
    and 86% test accuracy, while L2 with :math:`\lambda = 0.7` gives about 86% and 91%.

    Parameters
    ----------
    n_train, n_test : int, default=211, 200
        Sizes of the two parts (the course's X and Xval).
    label_noise : float, default=0.03
        Probability that any label is flipped, in [0, 0.5).
    boundary_noise : float, default=0.2
        Extra flip probability at the boundary, fading with distance; in [0, 0.5).
    random_state : random_state, default=0
        Seed; train then test are drawn from the same generator.

    Returns
    -------
    Dataset

    Notes
    -----
    The course's own data.mat is loaded with :func:`trainwell.data.load_mat`.
    """
    _check(
        "load_noisy_2d",
        n_train=n_train,
        n_test=n_test,
        label_noise=label_noise,
        boundary_noise=boundary_noise,
    )
    rng = check_random_state(random_state)
    X, y = _noisy_2d_draw(rng, n_train, label_noise, boundary_noise)
    Xt, yt = _noisy_2d_draw(rng, n_test, label_noise, boundary_noise)
    return _make("noisy_2d", X, y, Xt, yt, feature_names=("x1", "x2"))


def _bundled(name: str, loader: str, test_size: TestSize, random_state: RandomLike) -> Dataset:
    _check(f"load_{name}", test_size=test_size)
    import sklearn.datasets

    bunch = getattr(sklearn.datasets, loader)()
    names = tuple(str(f) for f in getattr(bunch, "feature_names", ()))
    targets = tuple(str(t) for t in getattr(bunch, "target_names", ()))
    meta = {"feature_names": names, "target_names": targets}
    return _split_off_test(name, bunch.data, bunch.target, test_size, random_state, **meta)


_BUNDLED_DOC = """scikit-learn's bundled {what}, with a seeded stratified test split.

    Parameters
    ----------
    test_size : float, int or None, default=0.25
        Fraction (or number) of examples held out, stratified by class; None keeps all of
        them for training.
    random_state : random_state, default=0
        Seed of the split.

    Returns
    -------
    Dataset
        {shape}
    """


def load_digits(*, test_size: TestSize = 0.25, random_state: RandomLike = 0) -> Dataset:
    return _bundled("digits", "load_digits", test_size, random_state)


def load_breast_cancer(*, test_size: TestSize = 0.25, random_state: RandomLike = 0) -> Dataset:
    return _bundled("breast_cancer", "load_breast_cancer", test_size, random_state)


def load_iris(*, test_size: TestSize = 0.25, random_state: RandomLike = 0) -> Dataset:
    return _bundled("iris", "load_iris", test_size, random_state)


def load_wine(*, test_size: TestSize = 0.25, random_state: RandomLike = 0) -> Dataset:
    return _bundled("wine", "load_wine", test_size, random_state)


load_digits.__doc__ = _BUNDLED_DOC.format(
    what="8x8 handwritten digits",
    shape="1797 images of 64 pixels (0-16, rows of the 8x8 image), 10 classes.",
)
load_breast_cancer.__doc__ = _BUNDLED_DOC.format(
    what="Wisconsin breast cancer data",
    shape="569 examples, 30 features on very different scales, 2 classes (0 malignant, 1 benign).",
)
load_iris.__doc__ = _BUNDLED_DOC.format(
    what="iris flowers", shape="150 examples, 4 features, 3 classes."
)
load_wine.__doc__ = _BUNDLED_DOC.format(
    what="wine recognition data", shape="178 examples, 13 features, 3 classes."
)
