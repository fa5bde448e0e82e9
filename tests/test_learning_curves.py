"""Learning curves against training-set size (any fit/predict model) and against epochs."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from trainwell.data import load_digits, load_noisy_2d
from trainwell.exceptions import DataError, InvalidParameterError
from trainwell.learning_curves import (
    LearningCurve,
    epoch_curve,
    learning_curve,
    plot_learning_curve,
)


class Recorder:
    """Remembers what it was trained on; predicts the majority training label."""

    fitted: list = []

    def fit(self, X, y):
        Recorder.fitted.append((X.copy(), y.copy()))
        self.label = np.bincount(y).argmax()
        return self

    def predict(self, X):
        return np.full(len(X), self.label)


def test_subsets_are_nested_stratified_and_fresh_models(rng):
    Recorder.fitted = []
    X = np.arange(200.0)[:, None]
    y = np.repeat([0, 1], [150, 50])
    made = []

    def make():
        made.append(Recorder())
        return made[-1]

    curve = learning_curve(make, X, y, X, y, sizes=[0.1, 0.5, 1.0], random_state=0)
    assert curve.x.tolist() == [20, 100, 200] and curve.kind == "size"
    assert len(made) == 3 and len({id(m) for m in made}) == 3
    subsets = [set(Xs[:, 0]) for Xs, _ in Recorder.fitted]
    assert subsets[0] < subsets[1] < subsets[2]  # nested
    for _, ys in Recorder.fitted:
        assert abs(ys.mean() - 0.25) <= 0.05  # each class in its share
    # train error on the subset used; dev error on the whole dev set
    np.testing.assert_allclose(curve.train_error, [np.mean(ys != 0) for _, ys in Recorder.fitted])
    np.testing.assert_allclose(curve.dev_error, 0.25)


def test_same_seed_same_curve_and_integer_sizes():
    ds = load_noisy_2d()
    from sklearn.tree import DecisionTreeClassifier

    def make():
        return DecisionTreeClassifier(max_depth=4, random_state=0)

    a = learning_curve(make, *ds, sizes=[20, 60, 211], random_state=1)
    b = learning_curve(make, *ds, sizes=np.array([211, 60, 20]), random_state=1)
    assert a.x.tolist() == [20, 60, 211]
    np.testing.assert_array_equal(a.train_error, b.train_error)
    np.testing.assert_array_equal(a.dev_error, b.dev_error)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_variance_shrinks_with_more_data():
    """A flexible model's dev-train gap narrows as the training set grows (sklearn MLP)."""
    from sklearn.neural_network import MLPClassifier

    ds = load_digits()
    X, Xd = ds.X_train / 16, ds.X_test / 16

    def make():
        return MLPClassifier((32,), max_iter=300, random_state=0)

    curve = learning_curve(make, X, ds.y_train, Xd, ds.y_test, sizes=[60, 1347], random_state=0)
    gap = curve.dev_error - curve.train_error
    assert gap[0] > 0.1 and gap[-1] < gap[0] / 2
    assert curve.dev_error[-1] < curve.dev_error[0]
    d = curve.diagnose(bayes_error=0.0)
    assert d.train_error == curve.train_error[-1] and d.dev_error == curve.dev_error[-1]


def test_logistic_regression_curve_as_data_and_text():
    from sklearn.linear_model import LogisticRegression

    ds = load_noisy_2d()
    curve = learning_curve(LogisticRegression, *ds, random_state=0)
    assert curve.x.tolist() == [21, 53, 106, 158, 211]
    assert ((0 <= curve.train_error) & (curve.train_error <= 1)).all()
    payload = json.loads(json.dumps(curve.to_dict()))
    assert payload["kind"] == "size" and payload["x"][-1] == 211
    assert "training examples  train error  dev error" in str(curve)


def test_progress_bar(capsys):
    from sklearn.linear_model import LogisticRegression

    ds = load_noisy_2d()
    learning_curve(LogisticRegression, *ds, sizes=[0.5, 1.0], random_state=0, progress=True)
    assert "learning curve" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"sizes": [0.0, 0.5]}, InvalidParameterError, "'sizes' parameter of learning_curve"),
        ({"sizes": [1.5]}, InvalidParameterError, "fractions in \\(0, 1\\]"),
        ({"sizes": [0, 10]}, InvalidParameterError, "counts in \\[1, 211\\]"),
        ({"sizes": [300]}, InvalidParameterError, "counts in \\[1, 211\\]"),
        ({"sizes": []}, InvalidParameterError, "'sizes'"),
        ({"sizes": ["a"]}, InvalidParameterError, "'sizes'"),
        ({"make_model": "LogisticRegression"}, InvalidParameterError, "'make_model'"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    from sklearn.linear_model import LogisticRegression

    ds = load_noisy_2d()
    make = kwargs.pop("make_model", LogisticRegression)
    with pytest.raises(error, match=match):
        learning_curve(make, *ds, **kwargs)


def test_dev_set_must_match(rng):
    from sklearn.linear_model import LogisticRegression

    with pytest.raises(DataError, match="X_dev has 3 features but X_train has 2"):
        learning_curve(
            LogisticRegression,
            rng.randn(10, 2),
            np.arange(10) % 2,
            rng.randn(5, 3),
            np.arange(5) % 2,
        )


def test_epoch_curve_from_a_history():
    history = SimpleNamespace(train_accuracy=[0.6, 0.8, 0.99], val_accuracy=[0.55, 0.7, 0.72])
    curve = epoch_curve(history)
    assert curve.kind == "epoch" and curve.x.tolist() == [1, 2, 3]
    np.testing.assert_allclose(curve.train_error, [0.4, 0.2, 0.01])
    np.testing.assert_allclose(curve.dev_error, [0.45, 0.3, 0.28])
    assert curve.diagnose().verdict == "high variance"
    with pytest.raises(DataError, match="validation_data"):
        epoch_curve(SimpleNamespace(train_accuracy=[], val_accuracy=[]))
    with pytest.raises(DataError, match="no per-epoch train accuracy; .*track_accuracy=True"):
        epoch_curve(SimpleNamespace(train_accuracy=[], val_accuracy=[0.5]))
    with pytest.raises(DataError, match="one per epoch"):
        epoch_curve(SimpleNamespace(train_accuracy=[0.5, 0.6], val_accuracy=[0.5]))


def test_epoch_curve_from_the_engine():
    from trainwell.nn import Dense, Network
    from trainwell.training import fit

    ds = load_noisy_2d()
    net = Network([Dense(8, "relu"), Dense(1, "sigmoid")], random_state=0, input_dim=2)
    history = fit(
        net,
        ds.X_train,
        ds.y_train,
        optimizer="adam",
        learning_rate=0.01,
        epochs=5,
        validation_data=(ds.X_test, ds.y_test),
        track_accuracy=True,
        progress=False,
        random_state=0,
    )
    curve = epoch_curve(history)
    assert curve.x.tolist() == [1, 2, 3, 4, 5]
    assert curve.dev_error[-1] == pytest.approx(1 - net.score(ds.X_test, ds.y_test))


def test_plot_returns_figure_and_saves(tmp_path):
    curve = LearningCurve(np.array([10, 20]), np.array([0.0, 0.05]), np.array([0.3, 0.2]))
    path = tmp_path / "curve.png"
    fig = plot_learning_curve(curve, path, bayes_error=0.01, title="digits")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ax = fig.axes[0]
    assert ax.get_title() == "digits" and ax.get_xlabel() == "training examples"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "train error",
        "dev error",
        "Bayes error",
    ]
    epochs = LearningCurve(np.arange(1, 4), np.zeros(3), np.ones(3), "epoch")
    assert plot_learning_curve(epochs, ax=ax) is fig
    with pytest.raises(InvalidParameterError, match="must be a LearningCurve"):
        plot_learning_curve({"x": [1]})
