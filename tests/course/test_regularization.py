"""Experiment 2, shortened to a third of the iterations (the overfit already shows)."""

import numpy as np
import pytest
from scipy.io import savemat

from trainwell.course import regularization
from trainwell.course._base import Settings


def gap(entry):
    return entry["train_accuracy"] - entry["test_accuracy"]


@pytest.fixture(scope="module")
def results():
    return regularization.run(Settings(scale=1 / 3, figures=False)).results


def test_l2_and_dropout_shrink_the_gap(results):
    assert gap(results["none"]) > 0.02  # the plain network overfits the noise
    assert gap(results["l2"]) < gap(results["none"]) - 0.02
    assert gap(results["dropout"]) < gap(results["none"]) - 0.02
    assert results["l2"]["test_accuracy"] > results["none"]["test_accuracy"]


def test_dropout_layers_are_distinct():
    layers = regularization._layers("dropout")
    drops = [layer for layer in layers if type(layer).__name__ == "Dropout"]
    assert len(drops) == 2 and drops[0] is not drops[1]


def test_data_option_reads_a_course_style_mat(tmp_path):
    rng = np.random.RandomState(0)
    X, Xval = rng.randn(40, 2), rng.randn(30, 2)
    y, yval = (X[:, 0] > 0).astype(float), (Xval[:, 0] > 0).astype(float)
    path = tmp_path / "data.mat"
    # the course's file: examples in rows of X, labels as column vectors
    savemat(path, {"X": X, "y": y[:, None], "Xval": Xval, "yval": yval[:, None]})
    result = regularization.run(Settings(scale=0.01, figures=False, data=str(path)))
    assert set(result.results) == {"none", "l2", "dropout"}
    assert "data.mat" in result.notes[0] and "40 training and 30 test" in result.notes[0]
    # not the course's data.mat: its printed numbers are not set beside these
    assert "course train" not in result.tables[0].columns
    assert any("differ from the course's on its data.mat" in n for n in result.notes)
    for entry in result.results.values():
        assert 0.0 <= entry["test_accuracy"] <= 1.0


def test_the_course_columns_appear_only_when_the_results_are_the_courses():
    course = regularization.COURSE_MAT["l2"]
    same = {"costs": {"0": course["cost0"] * (1 + 1e-15)}, **course}
    same = {**same, "train_accuracy": course["train"], "test_accuracy": course["test"]}
    assert regularization._matches_course(same, "l2")
    assert not regularization._matches_course({**same, "test_accuracy": 0.92}, "l2")
    other = {**same, "costs": {"0": course["cost0"] * 1.01}}
    assert not regularization._matches_course(other, "l2")
