"""Loaders for a user's own files: good files load, malformed ones fail with clear errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.io

from trainwell.data import load_csv, load_mat, load_npz
from trainwell.exceptions import DataError


def course_mat(path, rng, *, orientation="course"):
    """A file shaped like the course's data.mat: X (2, 211), y (1, 211), Xval, yval."""
    X, Xval = rng.uniform(-0.7, 0.6, (211, 2)), rng.uniform(-0.7, 0.6, (200, 2))
    y, yval = (X[:, 1] > 0).astype(np.uint8), (Xval[:, 1] > 0).astype(np.uint8)
    if orientation == "course":
        arrays = {"X": X.T, "y": y[None, :], "Xval": Xval.T, "yval": yval[None, :]}
    else:
        arrays = {"X": X, "y": y[:, None], "Xval": Xval, "yval": yval[:, None]}
    scipy.io.savemat(path, arrays)
    return X, y, Xval, yval


@pytest.mark.parametrize("orientation", ["course", "sklearn"])
def test_mat_either_orientation_loads_and_says_which(tmp_path, rng, orientation):
    path = tmp_path / "data.mat"
    X, y, Xval, yval = course_mat(path, rng, orientation=orientation)
    ds = load_mat(path)
    np.testing.assert_array_equal(ds.X_train, X)
    np.testing.assert_array_equal(ds.y_train, y)
    np.testing.assert_array_equal(ds.X_test, Xval)
    np.testing.assert_array_equal(ds.y_test, yval)
    assert ds.X_train.dtype == np.float64 and ds.y_train.dtype == np.int64
    assert ds.X_train.shape == (211, 2) and ds.y_train.shape == (211,)
    if orientation == "course":
        assert "(2, 211) = (features, examples)" in ds.note and "transposed" in ds.note
    else:
        assert "(211, 2) = (examples, features): used as is" in ds.note
    assert ds.name == "data"


def test_mat_square_x_warns_and_assumes_rows_are_examples(tmp_path):
    path = tmp_path / "square.mat"
    scipy.io.savemat(path, {"X": np.arange(4.0).reshape(2, 2), "y": [[0, 1]]})
    with pytest.warns(UserWarning, match="square"):
        ds = load_mat(path, X_test_key=None, y_test_key=None)
    np.testing.assert_array_equal(ds.X_train, [[0.0, 1.0], [2.0, 3.0]])
    assert ds.X_test is None


def test_mat_custom_keys(tmp_path, rng):
    path = tmp_path / "renamed.mat"
    scipy.io.savemat(path, {"features": rng.randn(5, 3), "labels": [0, 1, 0, 1, 1]})
    ds = load_mat(path, X_key="features", y_key="labels", X_test_key=None, y_test_key=None)
    assert ds.X_train.shape == (5, 3) and ds.y_train.tolist() == [0, 1, 0, 1, 1]


def test_mat_missing_keys_are_named_with_what_the_file_holds(tmp_path, rng):
    path = tmp_path / "partial.mat"
    scipy.io.savemat(path, {"X": rng.randn(2, 10), "y": np.zeros((1, 10))})
    with pytest.raises(DataError, match=r"lacks the key\(s\) \['Xval', 'yval'\].*\['X', 'y'\]"):
        load_mat(path)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "could not be read as a MATLAB .mat file"),
        (b"this is plainly a text file, not MATLAB\n" * 4, "could not be read as a MATLAB"),
        (b"\x89HDF\r\n\x1a\n" + bytes(600), "MATLAB|HDF5"),
    ],
    ids=["empty", "text", "hdf5"],
)
def test_mat_foreign_files(tmp_path, content, match):
    path = tmp_path / "foreign.mat"
    path.write_bytes(content)
    with pytest.raises(DataError, match=match):
        load_mat(path)


def test_mat_truncated_file(tmp_path, rng):
    path = tmp_path / "data.mat"
    course_mat(path, rng)
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(DataError, match="could not be read as a MATLAB .mat file"):
        load_mat(path)


@pytest.mark.parametrize(
    ("arrays", "match"),
    [
        ({"X": np.full((2, 3), np.nan), "y": [[0, 1, 0]]}, "'X' .* contains NaN"),
        ({"X": np.ones((2, 3)), "y": [[0, np.nan, 0]]}, "'y' .* contains NaN"),
        ({"X": np.ones((2, 3)), "y": [[0, 1, 0, 1]]}, "neither dimension matches"),
        ({"X": np.ones((2, 3, 2)), "y": [[0, 1, 0]]}, "must be a 2-D array"),
        ({"X": np.ones((2, 3)), "y": np.ones((2, 3))}, "must be a label vector"),
        ({"X": np.array(["ab", "cd"]), "y": [[0, 1]]}, "must be numeric"),
    ],
    ids=["nan-X", "nan-y", "mismatch", "3-D", "y-matrix", "text-X"],
)
def test_mat_bad_arrays(tmp_path, arrays, match):
    path = tmp_path / "bad.mat"
    scipy.io.savemat(path, arrays)
    with pytest.raises(DataError, match=match):
        load_mat(path, X_test_key=None, y_test_key=None)


def test_mat_test_part_must_match_feature_count(tmp_path):
    path = tmp_path / "bad.mat"
    arrays = {"X": np.ones((4, 2)), "y": [0, 1, 0, 1], "Xval": np.ones((4, 3)), "yval": [0] * 4}
    scipy.io.savemat(path, arrays)
    with pytest.raises(DataError, match="'Xval' .* has 3 features but 'X' has 2"):
        load_mat(path)


def test_missing_file_is_file_not_found(tmp_path):
    for loader in (load_mat, load_npz, load_csv):
        with pytest.raises(FileNotFoundError, match="No such data file"):
            loader(tmp_path / "nope")


def test_npz_loads_and_orients(tmp_path, rng):
    X, y = rng.randn(30, 4), rng.randint(0, 3, 30)
    path = tmp_path / "d.npz"
    np.savez(path, X=X.T, y=y, X_test=X[:5], y_test=y[:5])
    ds = load_npz(path, X_test_key="X_test", y_test_key="y_test")
    np.testing.assert_array_equal(ds.X_train, X)
    np.testing.assert_array_equal(ds.y_test, y[:5])
    assert "transposed" in ds.note


@pytest.mark.parametrize(
    ("write", "match"),
    [
        (lambda p: np.savez(p, X=np.ones((3, 2))), r"lacks the key\(s\) \['y'\]"),
        (lambda p: np.savez(p, X=np.ones((3, 2)), y=np.array([0, 1, None])), "NumPy .npz"),
        (
            lambda p: np.savez(p, X=[[1.0, np.inf], [0, 0], [1, 1]], y=[0, 1, 1]),
            "contains NaN or infinity",
        ),
        (lambda p: np.save(p.with_suffix(".npy"), np.ones(3)), None),
        (lambda p: p.write_bytes(b"PK\x03\x04 truncated zip"), "could not be read as a NumPy"),
        (lambda p: p.write_text("a,b\n1,2\n"), "could not be read as a NumPy"),
    ],
    ids=["missing-y", "pickled", "inf", "npy", "truncated", "csv"],
)
def test_npz_malformed(tmp_path, write, match):
    path = tmp_path / "d.npz"
    write(path)
    if match is None:  # a plain .npy renamed .npz
        (tmp_path / "d.npy").rename(path)
        match = "single .npy array"
    with pytest.raises(DataError, match=match):
        load_npz(path)


def test_loaders_do_not_warn_on_good_files(tmp_path, rng):
    path = tmp_path / "data.mat"
    course_mat(path, rng)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_mat(path)
