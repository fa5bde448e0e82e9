"""The lab's data: every named set, the split, standardization fitted on train only."""

from __future__ import annotations

import numpy as np
import pytest

from trainwell.data import Dataset
from trainwell.exceptions import DataError
from trainwell.lab.datasets import load_upload, make_data
from trainwell.lab.protocol import DATASETS, check_config


@pytest.mark.parametrize("name", [d for d in DATASETS if d != "upload"])
def test_every_named_dataset_builds_two_planar_classes(name):
    d = make_data(check_config({"dataset": name}))
    assert d.planar and d.n_classes == 2
    assert d.X_train.dtype == np.float64 and set(np.unique(d.y_train)) <= {0, 1}
    x0, x1, y0, y1 = d.extent
    assert (d.X_train[:, 0] >= x0).all() and (d.X_train[:, 0] <= x1).all()
    assert (d.X_dev[:, 1] >= y0).all() and (d.X_dev[:, 1] <= y1).all()


def test_ratio_seed_and_noise_are_honoured():
    a = make_data(check_config({"dataset": "spiral", "train_ratio": 0.8, "seed": 3}))
    b = make_data(check_config({"dataset": "spiral", "train_ratio": 0.8, "seed": 3}))
    c = make_data(check_config({"dataset": "spiral", "train_ratio": 0.8, "seed": 4}))
    assert len(a.y_train) == 320 and len(a.y_dev) == 80
    assert np.array_equal(a.X_train, b.X_train) and not np.array_equal(a.X_train, c.X_train)
    quiet = make_data(check_config({"dataset": "xor", "noise": 0.0}))
    assert (np.abs(quiet.X_train) >= 0.06 - 1e-12).all()  # no noise: off the axes


def test_course_sets_keep_their_own_split():
    d = make_data(check_config({"dataset": "football", "train_ratio": 0.9}))
    assert (len(d.y_train), len(d.y_dev)) == (211, 200)
    assert "own" in d.note


def test_standardization_is_fitted_on_train_only():
    d = make_data(check_config({"dataset": "gauss", "standardize": True}))
    np.testing.assert_allclose(d.X_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(d.X_train.std(axis=0), 1, atol=1e-12)
    assert not np.allclose(d.X_dev.mean(axis=0), 0, atol=1e-12)


def test_uploaded_data_with_more_features_and_odd_labels():
    rng = np.random.RandomState(0)
    X = rng.randn(50, 4)
    up = Dataset(X, np.where(X[:, 0] > 0, 2, 1), name="mine.csv")
    d = make_data(check_config({"dataset": "upload"}), up)
    assert d.n_features == 4 and not d.planar and d.name == "mine.csv"
    assert set(np.unique(np.concatenate([d.y_train, d.y_dev]))) == {0, 1}  # {1, 2} re-coded
    assert "first two" in d.note
    with pytest.raises(DataError, match="no file uploaded"):
        make_data(check_config({"dataset": "upload"}), None)
    with pytest.raises(DataError, match="single class"):
        make_data(check_config({"dataset": "upload"}), Dataset(X, np.zeros(50, int)))


def test_load_upload_reads_by_suffix(tmp_path):
    p = tmp_path / "d.npz"
    np.savez(p, X=np.arange(20.0).reshape(10, 2), y=np.arange(10) % 2)
    assert load_upload(p).X_train.shape == (10, 2)
    q = tmp_path / "d.csv"
    q.write_text("y,a,b\n" + "".join(f"{i % 2},{i},{i * i}\n" for i in range(8)))
    d = load_upload(q, label_column=0)
    assert d.X_train.shape == (8, 2) and d.y_train.tolist() == [0, 1] * 4
    tiny = tmp_path / "t.csv"
    tiny.write_text("1,2,0\n3,4,1\n")
    with pytest.raises(DataError, match="4 or more"):
        load_upload(tiny)
    bad = tmp_path / "b.mat"
    bad.write_bytes(b"not a mat file at all")
    with pytest.raises(DataError):
        load_upload(bad)


def test_a_course_style_mat_file_keeps_its_dev_part(tmp_path):
    from scipy.io import savemat

    rng = np.random.RandomState(1)
    X, Xval = rng.randn(30, 2), rng.randn(20, 2)
    p = tmp_path / "data.mat"
    savemat(p, {"X": X, "y": (X[:, :1] > 0).astype(float),
                "Xval": Xval, "yval": (Xval[:, :1] > 0).astype(float)})  # fmt: skip
    d = make_data(check_config({"dataset": "upload", "train_ratio": 0.9}), load_upload(p))
    assert (len(d.y_train), len(d.y_dev)) == (30, 20)
    np.testing.assert_array_equal(d.X_dev, Xval)
