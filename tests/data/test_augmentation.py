"""Augmentation: shapes, determinism, exact geometry (flips are flips), labels untouched."""

from __future__ import annotations

import numpy as np
import pytest

from trainwell.data import (
    Compose,
    GaussianJitter,
    HorizontalFlip,
    RandomRotation,
    RandomShift,
    RandomZoom,
    load_digits,
)
from trainwell.exceptions import DataError, InvalidParameterError

IMAGE_TRANSFORMS = [
    HorizontalFlip(),
    RandomRotation(20),
    RandomZoom(0.2),
    RandomShift(2),
]


@pytest.fixture
def images(rng):
    return rng.uniform(size=(6, 5, 7))


@pytest.mark.parametrize("aug", [*IMAGE_TRANSFORMS, GaussianJitter(0.1)], ids=repr)
@pytest.mark.parametrize("shape", [(6, 5, 7), (6, 5, 7, 3)], ids=["gray", "color"])
def test_shapes_dtype_labels_and_input_untouched(aug, shape, rng):
    X, y = rng.uniform(size=shape), np.arange(shape[0])
    copy = X.copy()
    X_aug, y_aug = aug(X, y, 0)
    assert X_aug.shape == X.shape and X_aug.dtype == np.float64
    assert y_aug is y
    np.testing.assert_array_equal(X, copy)
    assert not np.array_equal(X_aug, X)


@pytest.mark.parametrize("aug", [*IMAGE_TRANSFORMS, GaussianJitter(0.1)], ids=repr)
def test_deterministic_per_seed(aug, images):
    a, _ = aug(images, None, 3)
    b, _ = aug(images, None, np.random.RandomState(3))
    c, _ = aug(images, None, 4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    g1, _ = aug(images, None, np.random.default_rng(0))
    g2, _ = aug(images, None, np.random.default_rng(0))
    np.testing.assert_array_equal(g1, g2)


def test_flips_are_flips(images):
    flipped, _ = HorizontalFlip(p=1.0)(images, None, 0)
    np.testing.assert_array_equal(flipped, images[:, :, ::-1])
    kept, _ = HorizontalFlip(p=0.0)(images, None, 0)
    np.testing.assert_array_equal(kept, images)
    many = np.random.RandomState(0).uniform(size=(400, 3, 4))
    half, _ = HorizontalFlip(p=0.5)(many, None, 1)
    is_flipped = np.all(half == many[:, :, ::-1], axis=(1, 2))
    is_kept = np.all(half == many, axis=(1, 2))
    assert np.all(is_flipped ^ is_kept)  # each example is exactly one of the two
    assert 0.4 < is_flipped.mean() < 0.6
    twice, _ = HorizontalFlip(p=1.0)(flipped, None, 0)
    np.testing.assert_array_equal(twice, images)


def test_flat_rows_are_augmented_as_images():
    ds = load_digits()
    X = ds.X_train[:10]
    flipped, y = HorizontalFlip(p=1.0, image_shape=(8, 8))(X, ds.y_train[:10], 0)
    assert flipped.shape == (10, 64)
    np.testing.assert_array_equal(flipped.reshape(10, 8, 8), X.reshape(10, 8, 8)[:, :, ::-1])
    np.testing.assert_array_equal(y, ds.y_train[:10])


def test_channels_move_together(rng):
    X = rng.uniform(size=(3, 4, 4, 2))
    X[..., 1] = X[..., 0]  # two identical channels must stay identical under any transform
    for aug in IMAGE_TRANSFORMS:
        out, _ = aug(X, None, 5)
        np.testing.assert_allclose(out[..., 0], out[..., 1])


def test_rotation_by_90_is_rot90_and_by_0_is_identity(rng):
    X = rng.uniform(size=(4, 6, 6))
    quarter, _ = RandomRotation(degrees=(90, 90))(X, None, 0)
    np.testing.assert_allclose(quarter, np.rot90(X, axes=(1, 2)), atol=1e-12)
    back, _ = RandomRotation(degrees=(-90, -90))(quarter, None, 0)
    np.testing.assert_allclose(back, X, atol=1e-12)
    same, _ = RandomRotation(0)(X, None, 0)
    np.testing.assert_array_equal(same, X)


def test_small_rotation_keeps_a_centred_disc_and_fills_corners():
    r = np.hypot(*np.meshgrid(np.arange(9) - 4.0, np.arange(9) - 4.0))
    disc = (r <= 2).astype(float)[None]
    turned, _ = RandomRotation(15)(disc, None, 0)
    np.testing.assert_allclose(turned[0][r <= 1], 1.0)  # the centre stays
    ones, _ = RandomRotation(degrees=(30, 30), fill=-1.0)(np.ones((1, 9, 9)), None, 0)
    assert ones[0, 0, 0] == -1.0 and ones[0, 4, 4] == 1.0


def test_zoom_in_crops_and_enlarges_zoom_out_borders():
    X = np.zeros((1, 9, 9))
    X[0, 3:6, 3:6] = 1.0  # a 3x3 square in the middle
    identity, _ = RandomZoom(0)(X, None, 0)
    np.testing.assert_array_equal(identity, X)
    bigger, _ = RandomZoom(zoom=(2.0, 2.0))(X, None, 0)
    assert bigger.sum() > 2.5 * X.sum()  # the square covers about 4 times the area
    np.testing.assert_allclose(bigger[0, 2:7, 2:7], 1.0)
    smaller, _ = RandomZoom(zoom=(0.5, 0.5), fill=7.0)(np.ones((1, 9, 9)), None, 0)
    assert smaller[0, 0, 0] == 7.0 and smaller[0, 4, 4] == 1.0


def test_shift_moves_whole_pixels_exactly(rng):
    X = rng.uniform(size=(50, 6, 6)) + 1.0  # no zeros, so filled pixels are recognisable
    shifted, _ = RandomShift(2)(X, None, 0)
    seen = set()
    for original, moved in zip(X, shifted):
        matches = [
            (dr, dc)
            for dr in range(-2, 3)
            for dc in range(-2, 3)
            if np.array_equal(moved, _shift(original, dr, dc))
        ]
        assert len(matches) == 1
        seen.add(matches[0])
    assert len(seen) > 10  # many of the 25 shifts occur


def _shift(img, dr, dc):
    out = np.zeros_like(img)
    H, W = img.shape
    out[max(dr, 0) : H + min(dr, 0), max(dc, 0) : W + min(dc, 0)] = img[
        max(-dr, 0) : H + min(-dr, 0), max(-dc, 0) : W + min(-dc, 0)
    ]
    return out


def test_gaussian_jitter_statistics_and_tabular_data():
    X = np.zeros((20_000, 2))
    noisy, _ = GaussianJitter(sigma=0.3)(X, None, 0)
    assert abs(noisy.mean()) < 0.01 and abs(noisy.std() - 0.3) < 0.005
    unchanged, _ = GaussianJitter(0.0)(np.ones((3, 2)), None, 0)
    np.testing.assert_array_equal(unchanged, 1.0)
    ints, _ = GaussianJitter(0.1)(np.ones((3, 2), dtype=int), None, 0)
    assert ints.dtype == np.float64


def test_compose_applies_in_order_with_one_generator(images):
    aug = Compose([HorizontalFlip(p=1.0), RandomShift(1)])
    out, _ = aug(images, None, 0)
    rng = np.random.RandomState(0)
    step, _ = HorizontalFlip(p=1.0)(images, None, rng)
    step, _ = RandomShift(1)(step, None, rng)
    np.testing.assert_array_equal(out, step)
    assert len(aug.transforms) == 2 and "HorizontalFlip" in repr(aug)


def test_fit_applies_augmentation_once_per_epoch():
    from trainwell.nn import Dense, Network
    from trainwell.training import fit

    ds = load_digits()
    X, y = ds.X_train[:200] / 16.0, ds.y_train[:200]
    seen = []

    def spy(Xb, yb, rng):
        seen.append(Xb.shape)
        return RandomShift(1, image_shape=(8, 8))(Xb, yb, rng)

    net = Network([Dense(10, "softmax")], loss="categorical_crossentropy", random_state=0)
    history = fit(
        net,
        X,
        y,
        optimizer="adam",
        learning_rate=0.01,
        epochs=3,
        batch_size=50,
        augment=spy,
        progress=False,
        random_state=0,
    )
    assert len(seen) == 3 and seen[0][0] == 200
    assert history.cost[-1] < history.cost[0]


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: HorizontalFlip(p=1.5), "'p' parameter of HorizontalFlip"),
        (lambda: HorizontalFlip(image_shape=[8, 8]), "'image_shape' parameter"),
        (lambda: RandomRotation(200), "'degrees' parameter of RandomRotation"),
        (lambda: RandomRotation((10, -10)), "lo <= hi"),
        (lambda: RandomZoom(0.95), "'zoom' parameter of RandomZoom"),
        (lambda: RandomShift(1.5), "'max_shift' parameter of RandomShift"),
        (lambda: GaussianJitter(-0.1), "'sigma' parameter of GaussianJitter"),
        (lambda: Compose([]), "'transforms' parameter of Compose"),
        (lambda: Compose([HorizontalFlip(), "flip"]), "'transforms' parameter of Compose"),
        (lambda: RandomShift(1, fill="0"), "'fill' parameter of RandomShift.*Got '0'"),
        (lambda: RandomRotation(fill=None), "'fill' parameter of RandomRotation"),
        (lambda: RandomZoom(fill=True), "'fill' parameter of RandomZoom"),
    ],
)
def test_bad_parameters(make, match):
    with pytest.raises(InvalidParameterError, match=match):
        make()


def test_bad_batches(rng):
    with pytest.raises(DataError, match="For flat rows pass image_shape"):
        HorizontalFlip(p=1.0)(rng.uniform(size=(4, 64)), None, 0)
    with pytest.raises(DataError, match="image_shape \\(8, 7\\) has 56 values"):
        HorizontalFlip(p=1.0, image_shape=(8, 7))(rng.uniform(size=(4, 64)), None, 0)
    with pytest.raises(DataError, match="X has 4 examples but y has"):
        GaussianJitter()(rng.uniform(size=(4, 2)), np.zeros(3), 0)
    with pytest.raises(DataError, match="non-empty numeric batch"):
        GaussianJitter()(np.array(["a", "b"]), None, 0)


@pytest.mark.parametrize(
    "aug",
    [
        RandomShift(1, fill=np.nan),
        RandomRotation((30, 30), fill=np.nan),
        RandomZoom((0.5, 0.5), fill=np.nan),
    ],
    ids=repr,
)
def test_nan_fill_marks_only_the_uncovered_pixels(aug):
    out, _ = aug(np.ones((5, 7, 7)), None, 0)
    finite = np.isfinite(out)
    assert finite.any(axis=(1, 2)).all() and not finite.all()
    np.testing.assert_allclose(out[finite], 1.0)  # covered pixels keep their value
    assert np.isfinite(out[:, 3, 3]).all()  # the centre is never uncovered


def test_nan_fill_with_exact_geometry_leaves_no_nan(rng):
    X = rng.uniform(size=(3, 6, 6))
    quarter, _ = RandomRotation(degrees=(90, 90), fill=np.nan)(X, None, 0)
    np.testing.assert_array_equal(quarter, np.rot90(X, axes=(1, 2)))
    still, _ = RandomShift(0, fill=np.nan)(X, None, 0)
    np.testing.assert_array_equal(still, X)
    shifted, _ = RandomShift(1, fill=np.nan)(X, None, 0)  # whole pixels: a NaN or a copy
    moved = np.isfinite(shifted)
    assert np.isin(shifted[moved], X).all() and (~moved).any()


@pytest.mark.parametrize("p", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("aug", IMAGE_TRANSFORMS, ids=repr)
def test_bad_shapes_fail_whatever_p_and_draw(aug, p):
    aug = type(aug)(**{**aug.__dict__, "p": p})
    for seed in range(3):
        with pytest.raises(DataError, match="For flat rows pass image_shape"):
            aug(np.ones((3, 4)), None, seed)
    flat = type(aug)(**{**aug.__dict__, "image_shape": (8, 7)})
    with pytest.raises(DataError, match="image_shape \\(8, 7\\) has 56 values"):
        flat(np.ones((2, 64)), None, 0)
