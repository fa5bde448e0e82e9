"""Data augmentation: label-preserving random transforms, applied afresh every epoch.

Course 2, week 1, "Other regularization methods": flipping, slightly rotating, zooming or
shifting an image (or jittering a tabular example) gives new examples that cost nothing to
label and tell the network which changes do not matter, reducing variance.

Every transform is a small frozen object called as ``X_aug, y_aug = aug(X, y, rng)``,
which is how ``trainwell.training.fit(..., augment=aug)`` applies it to the training data
once per epoch (``rng`` is the generator ``fit`` owns, so runs are reproducible). Images
come as ``(n, H, W)`` or ``(n, H, W, C)``; flat rows (digits' 64 pixels) are augmented as
images when ``image_shape`` is given and returned flat. Labels are returned untouched and
the input is never modified.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._random import RandomLike, check_random_state, rand, randn
from ..exceptions import DataError, InvalidParameterError

__all__ = [
    "Compose",
    "GaussianJitter",
    "HorizontalFlip",
    "RandomRotation",
    "RandomShift",
    "RandomZoom",
]


def _fail(owner: str, name: str, rule: str, value: Any) -> None:
    raise InvalidParameterError(
        f"The {name!r} parameter of {owner} must be {rule}. Got {value!r} instead."
    )


def _check_p(owner: str, p: Any) -> None:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
        _fail(owner, "p", "a float in [0, 1]", p)


def _check_fill(owner: str, fill: Any) -> None:
    if isinstance(fill, bool) or not isinstance(fill, numbers.Real):
        _fail(owner, "fill", "a real number (NaN allowed)", fill)


def _check_shape(owner: str, image_shape: Any) -> None:
    ok = (
        image_shape is None
        or isinstance(image_shape, tuple)
        and len(image_shape) in (2, 3)
        and all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in image_shape)
    )
    if not ok:
        _fail(
            owner,
            "image_shape",
            "None or a tuple (H, W) or (H, W, C) of positive ints",
            image_shape,
        )


def _range(
    owner: str, name: str, value: Any, centre: float, low: float, high: float
) -> tuple[float, float]:
    """A symmetric half-width ``d`` -> (centre - d, centre + d), or an explicit (lo, hi)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        lo, hi = centre - value, centre + value
        ok = value >= 0
    elif (
        isinstance(value, tuple)
        and len(value) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    ):
        lo, hi = value
        ok = lo <= hi
    else:
        lo = hi = math.nan
        ok = False
    if not (ok and low <= lo and hi <= high):
        _fail(
            owner,
            name,
            f"a half-width >= 0 or a pair (lo, hi) with {low} <= lo <= hi <= {high}",
            value,
        )
    return float(lo), float(hi)


class _Transform:
    """Shared call protocol: validate, pick examples with probability p, transform them."""

    p: float

    def __call__(self, X: Any, y: Any = None, rng: RandomLike = None) -> tuple[np.ndarray, Any]:
        owner = type(self).__name__
        X = np.asarray(X)
        if X.dtype.kind not in "biuf" or X.ndim < 2 or X.shape[0] == 0:
            raise DataError(
                f"{owner} needs a non-empty numeric batch (n, ...); got an array "
                f"of shape {X.shape} and dtype {X.dtype}."
            )
        if y is not None and np.shape(y)[:1] != X.shape[:1]:
            raise DataError(
                f"{owner}: X has {X.shape[0]} examples but y has {np.shape(y)[:1] or 'no'} entries."
            )
        self._check(X)  # before the draw, so that bad input fails whatever p and rng
        rng = check_random_state(rng)
        out = X.astype(np.result_type(X.dtype, np.float64) if X.dtype.kind != "f" else X.dtype)
        chosen = rand(rng, (X.shape[0],)) < self.p
        if chosen.any():
            out[chosen] = self._apply(out[chosen], rng)
        return out, y

    def _check(self, X: np.ndarray) -> None:
        """Validate the shape of a batch; the base class accepts any (n, ...)."""

    def _apply(self, X: np.ndarray, rng: Any) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError


class _ImageTransform(_Transform):
    image_shape: tuple[int, ...] | None

    def _check(self, X: np.ndarray) -> None:
        self._shape(X)

    def _shape(self, X: np.ndarray) -> tuple[int, ...]:
        """The shape of one image in batch ``X``, checked against ``image_shape``."""
        owner = type(self).__name__
        shape = self.image_shape
        if shape is None:
            if X.ndim not in (3, 4):
                raise DataError(
                    f"{owner} needs images (n, H, W) or (n, H, W, C); got shape "
                    f"{X.shape}. For flat rows pass image_shape=(H, W)."
                )
            return X.shape[1:]
        if math.prod(X.shape[1:]) != math.prod(shape):
            raise DataError(
                f"{owner}: image_shape {shape} has {math.prod(shape)} values but "
                f"each example has {math.prod(X.shape[1:])}."
            )
        return shape

    def _apply(self, X: np.ndarray, rng: Any) -> np.ndarray:
        shape = self._shape(X)
        images = X.reshape(X.shape[0], *shape[:2], -1)  # (n, H, W, C)
        return self._images(images, rng).reshape(X.shape)

    def _images(self, images: np.ndarray, rng: Any) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError


def _warp(images: np.ndarray, A: np.ndarray, t: np.ndarray, fill: float) -> np.ndarray:
    """Bilinear affine resampling of (n, H, W, C) images about their centres.

    Output pixel ``(r, c)`` reads input position ``A_i @ ((r, c) - centre) + centre + t_i``;
    positions outside the image read ``fill``, and only pixels that read some of it get any
    (so a NaN ``fill`` marks just the uncovered border). Integer positions (within rounding
    error, as after a 90-degree turn) are copied exactly.
    """
    n, H, W, _ = images.shape
    centre = np.array([(H - 1) / 2, (W - 1) / 2])
    grid = np.stack(np.meshgrid(np.arange(H), np.arange(W), indexing="ij"), -1) - centre
    src = np.einsum("nij,hwj->nhwi", A, grid) + centre + t[:, None, None, :]  # (n, H, W, 2)
    src = np.where(np.abs(src - np.round(src)) < 1e-9, np.round(src), src)
    base = np.floor(src).astype(np.intp)
    frac = src - base
    out = np.zeros(images.shape)
    outside = np.zeros(images.shape[:3])  # weight each output pixel gives to ``fill``
    batch = np.arange(n)[:, None, None]
    for dr in (0, 1):
        for dc in (0, 1):
            r, c = base[..., 0] + dr, base[..., 1] + dc
            weight = (frac[..., 0] if dr else 1 - frac[..., 0]) * (
                frac[..., 1] if dc else 1 - frac[..., 1]
            )
            inside = (r >= 0) & (r < H) & (c >= 0) & (c < W)
            values = images[batch, np.clip(r, 0, H - 1), np.clip(c, 0, W - 1)]
            out += (weight * inside)[..., None] * values
            outside += weight * ~inside
    border = outside > 0
    out[border] += outside[border][:, None] * fill
    return out


@dataclass(frozen=True)
class HorizontalFlip(_ImageTransform):
    """Mirror each image left-right with probability ``p``.

    Only for data whose mirror image keeps its label (a cat is still a cat; a mirrored
    digit 3 is no longer a 3).

    Parameters
    ----------
    p : float, default=0.5
    image_shape : tuple (H, W) or (H, W, C), optional
        Shape of one image, for flat rows.

    Examples
    --------
    >>> X = np.arange(8.0).reshape(2, 2, 2)
    >>> X_aug, _ = HorizontalFlip(p=1.0)(X, None, 0)
    >>> X_aug[0]
    array([[1., 0.],
           [3., 2.]])
    """

    p: float = 0.5
    image_shape: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        _check_p("HorizontalFlip", self.p)
        _check_shape("HorizontalFlip", self.image_shape)

    def _images(self, images: np.ndarray, rng: Any) -> np.ndarray:
        return images[:, :, ::-1]


@dataclass(frozen=True)
class RandomRotation(_ImageTransform):
    """Rotate each image by a random angle about its centre (bilinear, ``fill`` outside).

    Parameters
    ----------
    degrees : float or (float, float), default=15
        Angles are uniform in ``[-degrees, degrees]`` (or in ``(lo, hi)``), within
        [-180, 180]; positive is counter-clockwise as displayed (90 gives ``np.rot90``).
    p : float, default=1.0
        Probability that an image is rotated.
    fill : float, default=0.0
        Value of pixels that come from outside the image (NaN marks them).
    image_shape : tuple, optional
        Shape of one image, for flat rows.
    """

    degrees: float | tuple[float, float] = 15.0
    p: float = 1.0
    fill: float = 0.0
    image_shape: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        _range("RandomRotation", "degrees", self.degrees, 0.0, -180.0, 180.0)
        _check_p("RandomRotation", self.p)
        _check_fill("RandomRotation", self.fill)
        _check_shape("RandomRotation", self.image_shape)

    def _images(self, images: np.ndarray, rng: Any) -> np.ndarray:
        lo, hi = _range("RandomRotation", "degrees", self.degrees, 0.0, -180.0, 180.0)
        theta = np.deg2rad(lo + (hi - lo) * rand(rng, (images.shape[0],)))
        cos, sin = np.cos(theta), np.sin(theta)
        A = np.stack([np.stack([cos, sin], -1), np.stack([-sin, cos], -1)], 1)
        return _warp(images, A, np.zeros((images.shape[0], 2)), self.fill)


@dataclass(frozen=True)
class RandomZoom(_ImageTransform):
    """Zoom each image about its centre by a random factor (zoom in = crop and enlarge).

    Parameters
    ----------
    zoom : float or (float, float), default=0.1
        Factors are uniform in ``[1 - zoom, 1 + zoom]`` (or in ``(lo, hi)``), within
        [0.1, 10]; above 1 crops the centre and enlarges it, below 1 shrinks the image
        inside a ``fill`` border.
    p : float, default=1.0
    fill : float, default=0.0
    image_shape : tuple, optional
    """

    zoom: float | tuple[float, float] = 0.1
    p: float = 1.0
    fill: float = 0.0
    image_shape: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        _range("RandomZoom", "zoom", self.zoom, 1.0, 0.1, 10.0)
        _check_p("RandomZoom", self.p)
        _check_fill("RandomZoom", self.fill)
        _check_shape("RandomZoom", self.image_shape)

    def _images(self, images: np.ndarray, rng: Any) -> np.ndarray:
        lo, hi = _range("RandomZoom", "zoom", self.zoom, 1.0, 0.1, 10.0)
        scale = lo + (hi - lo) * rand(rng, (images.shape[0],))
        A = np.eye(2) / scale[:, None, None]
        return _warp(images, A, np.zeros((images.shape[0], 2)), self.fill)


@dataclass(frozen=True)
class RandomShift(_ImageTransform):
    """Shift each image by a random whole number of pixels along each axis.

    Parameters
    ----------
    max_shift : int, default=2
        Row and column shifts are uniform integers in ``[-max_shift, max_shift]``.
    p : float, default=1.0
    fill : float, default=0.0
        Value of the pixels uncovered by the shift (NaN marks them).
    image_shape : tuple, optional
    """

    max_shift: int = 2
    p: float = 1.0
    fill: float = 0.0
    image_shape: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if (
            isinstance(self.max_shift, bool)
            or not isinstance(self.max_shift, int)
            or self.max_shift < 0
        ):
            _fail("RandomShift", "max_shift", "an int >= 0", self.max_shift)
        _check_p("RandomShift", self.p)
        _check_fill("RandomShift", self.fill)
        _check_shape("RandomShift", self.image_shape)

    def _images(self, images: np.ndarray, rng: Any) -> np.ndarray:
        k = self.max_shift
        shifts = np.floor(rand(rng, (images.shape[0], 2)) * (2 * k + 1)) - k
        A = np.broadcast_to(np.eye(2), (images.shape[0], 2, 2))
        return _warp(images, A, -shifts, self.fill)


@dataclass(frozen=True)
class GaussianJitter(_Transform):
    """Add independent Gaussian noise :math:`N(0, \\sigma^2)` to every value of an example.

    For tabular and 2-D data (use it after standardization, so that one ``sigma`` means
    the same on every feature).

    Parameters
    ----------
    sigma : float, default=0.05
        Standard deviation of the noise, >= 0.
    p : float, default=1.0
        Probability that an example is jittered.
    """

    sigma: float = 0.05
    p: float = 1.0

    def __post_init__(self) -> None:
        if (
            isinstance(self.sigma, bool)
            or not isinstance(self.sigma, (int, float))
            or not 0 <= self.sigma < math.inf
        ):
            _fail("GaussianJitter", "sigma", "a finite float >= 0", self.sigma)
        _check_p("GaussianJitter", self.p)

    def _apply(self, X: np.ndarray, rng: Any) -> np.ndarray:
        return X + self.sigma * randn(rng, X.shape)


@dataclass(frozen=True)
class Compose:
    """Apply transforms one after the other, each with the same generator.

    Parameters
    ----------
    transforms : sequence of callables ``(X, y, rng) -> (X, y)``

    Examples
    --------
    >>> aug = Compose([HorizontalFlip(image_shape=(8, 8)), RandomShift(1, image_shape=(8, 8))])
    >>> X = np.ones((4, 64))
    >>> X_aug, y_aug = aug(X, np.arange(4), 0)
    >>> X_aug.shape, y_aug.tolist()
    ((4, 64), [0, 1, 2, 3])
    """

    transforms: Sequence[Callable[..., tuple[np.ndarray, Any]]]

    def __post_init__(self) -> None:
        bad = [t for t in self.transforms if not callable(t)]
        if isinstance(self.transforms, (str, bytes)) or bad or not self.transforms:
            _fail(
                "Compose",
                "transforms",
                "a non-empty sequence of callables (X, y, rng)",
                self.transforms,
            )
        object.__setattr__(self, "transforms", tuple(self.transforms))

    def __call__(self, X: Any, y: Any = None, rng: RandomLike = None) -> tuple[np.ndarray, Any]:
        rng = check_random_state(rng)
        for transform in self.transforms:
            X, y = transform(X, y, rng)
        return X, y
