"""Bias/variance verdicts: the course's examples, the rule's edges, the model path, the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

from trainwell.cli import main
from trainwell.diagnosis import REMEDIES, classification_error, diagnose, diagnose_model
from trainwell.exceptions import InvalidParameterError


@pytest.mark.parametrize(
    ("train", "dev", "verdict", "bias", "variance"),
    [
        (0.01, 0.11, "high variance", 0.01, 0.10),
        (0.15, 0.16, "high bias", 0.15, 0.01),
        (0.15, 0.30, "both", 0.15, 0.15),
        (0.005, 0.01, "neither", 0.005, 0.005),
    ],
)
def test_course_examples(train, dev, verdict, bias, variance):
    d = diagnose(train, dev)
    assert d.verdict == verdict
    assert d.avoidable_bias == pytest.approx(bias, abs=1e-12)
    assert d.variance == pytest.approx(variance, abs=1e-12)
    assert d.high_bias == (verdict in ("high bias", "both"))
    assert d.high_variance == (verdict in ("high variance", "both"))


def test_remedies_follow_the_basic_recipe():
    bias = diagnose(0.15, 0.16)
    assert bias.remedies == REMEDIES["bias"]
    assert any("Bigger network" in r for r in bias.remedies)
    assert any("Train longer" in r for r in bias.remedies)
    variance = diagnose(0.01, 0.11)
    assert variance.remedies == REMEDIES["variance"]
    assert any("More training data" in r for r in variance.remedies)
    assert any("Regularization" in r for r in variance.remedies)
    both = diagnose(0.15, 0.30)
    assert set(both.remedies) == set(REMEDIES["bias"]) | set(REMEDIES["variance"])
    assert both.remedies[0] == REMEDIES["bias"][0]  # bias first
    assert diagnose(0.005, 0.01).remedies == ()
    assert all("architecture" in REMEDIES[p][-1] for p in ("bias", "variance"))


def test_bayes_error_changes_the_verdict():
    # 15% / 16% is high bias against 0% but fine when even humans err 14.5% of the time
    assert diagnose(0.15, 0.16, bayes_error=0.145).verdict == "neither"
    # course 3: human 1%, train 8%, dev 10% -> both high, work on bias (7 > 2)
    d = diagnose(0.08, 0.10, bayes_error=0.01)
    assert d.verdict == "both" and d.focus == "bias"
    # human 7.5%, train 8%, dev 10% -> variance
    d = diagnose(0.08, 0.10, bayes_error=0.075)
    assert d.verdict == "high variance" and d.focus == "variance"


def test_threshold_is_inclusive_and_configurable():
    assert diagnose(0.0, 0.02).verdict == "high variance"  # exactly 2 points counts
    assert diagnose(0.0, 0.0199).verdict == "neither"
    assert diagnose(0.01, 0.11, threshold=0.2).verdict == "neither"
    assert diagnose(0.005, 0.01, threshold=0.005).verdict == "both"
    assert diagnose(0.01, 0.11, threshold=np.float32(0.2)).verdict == "neither"  # NumPy too


def test_notes_on_odd_inputs():
    d = diagnose(0.10, 0.05)
    assert d.variance < 0 and "dev error is below the training error" in d.notes[0]
    d = diagnose(0.01, 0.02, bayes_error=0.05)
    assert "below the Bayes error" in d.notes[0]
    assert diagnose(0.01, 0.11).notes == ()


def test_text_and_json_views():
    d = diagnose(0.15, 0.30)
    text = str(d)
    assert text.startswith("Verdict: both")
    assert "avoidable bias 15.00%  (high)" in text and "variance       15.00%  (high)" in text
    assert "Remedies for high bias:" in text and "Remedies for high variance:" in text
    payload = json.loads(json.dumps(d.to_dict()))
    assert payload["verdict"] == "both" and payload["remedies"] == list(d.remedies)
    assert "No remedy needed" in str(diagnose(0.005, 0.01))


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((15, 0.3), r"'train_error' .* \[0, 1\] \(an error of 15%\? pass 0.15\)"),
        ((0.1, -0.1), "'dev_error' parameter of diagnose"),
        ((0.1, 0.2, 2.0), "'bayes_error' parameter of diagnose"),
        ((0.1, "0.2"), "'dev_error' parameter of diagnose must be a float"),
        ((True, 0.2), "'train_error'"),
        ((float("nan"), 0.2), "'train_error'"),
    ],
)
def test_bad_errors_are_named(args, match):
    with pytest.raises(InvalidParameterError, match=match):
        diagnose(*args)
    with pytest.raises(InvalidParameterError, match="'threshold'"):
        diagnose(0.1, 0.2, threshold=0)


class Constant:
    """A 'model' predicting a fixed label vector per input size."""

    def __init__(self, predictions):
        self.predictions = predictions

    def predict(self, X):
        return self.predictions[len(X)]


def test_diagnose_model_uses_predict():
    X_train, y_train = np.zeros((100, 2)), np.zeros(100, dtype=int)
    X_dev, y_dev = np.zeros((50, 2)), np.zeros(50, dtype=int)
    pred_train = np.r_[np.ones(1), np.zeros(99)].astype(int)  # 1% wrong
    pred_dev = np.r_[np.ones(6), np.zeros(44)].astype(int)  # 12% wrong
    model = Constant({100: pred_train, 50: pred_dev})
    d = diagnose_model(model, X_train, y_train, X_dev, y_dev)
    assert d.train_error == pytest.approx(0.01) and d.dev_error == pytest.approx(0.12)
    assert d.verdict == "high variance"


def test_classification_error_handles_columns_and_one_hot():
    y = np.array([0, 1, 2, 1])
    assert classification_error(Constant({4: np.eye(3)[y]}), np.zeros((4, 1)), y) == 0.0
    assert classification_error(Constant({4: y[:, None]}), np.zeros((4, 1)), np.eye(3)[y]) == 0
    assert classification_error(Constant({4: np.array([0, 1, 2, 2])}), np.zeros((4, 1)), y) == 0.25
    with pytest.raises(ValueError, match="returned \\(3,\\) predictions for 4"):
        classification_error(Constant({4: np.zeros(3)}), np.zeros((4, 1)), y)
    with pytest.raises(InvalidParameterError, match="predict\\(X\\) method"):
        diagnose_model(object(), np.zeros((4, 1)), y, np.zeros((4, 1)), y)


def test_diagnose_a_fitted_sklearn_model():
    from sklearn.linear_model import LogisticRegression
    from sklearn.tree import DecisionTreeClassifier

    from trainwell.data import load_noisy_2d, load_spirals

    noisy = load_noisy_2d()
    deep = DecisionTreeClassifier(random_state=0).fit(noisy.X_train, noisy.y_train)
    d = diagnose_model(deep, *noisy, bayes_error=0.08)
    assert d.train_error == 0.0 and d.verdict == "high variance"  # memorises the noise
    spirals = load_spirals()
    line = LogisticRegression().fit(spirals.X_train, spirals.y_train)
    d = diagnose_model(line, *spirals)
    assert d.train_error > 0.25 and d.verdict == "high bias"  # a line cannot follow a spiral


def test_cli_prints_verdict_and_remedies(capsys):
    assert main(["diagnose", "--train-error", "0.15", "--dev-error", "0.30"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Verdict: both")
    assert "Bigger network" in out and "Regularization" in out


def test_cli_json_and_bayes_error(capsys):
    argv = ["diagnose", "--train-error", "0.08", "--dev-error", "0.10", "--bayes-error", "0.075"]
    assert main([*argv, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["verdict"] == "high variance" and payload["bayes_error"] == 0.075
    assert payload["avoidable_bias"] == pytest.approx(0.005)


def test_cli_reports_bad_input(capsys):
    assert main(["diagnose", "--train-error", "15", "--dev-error", "30"]) == 2
    err = capsys.readouterr().err
    assert "trainwell diagnose: error:" in err and "pass 0.15" in err


def test_learning_curve_names_are_reachable_from_diagnosis():
    import trainwell.diagnosis as diagnosis
    import trainwell.learning_curves as lc

    assert diagnosis.learning_curve is lc.learning_curve
    assert diagnosis.plot_learning_curve is lc.plot_learning_curve
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        diagnosis.nope


def test_notebook_views_are_short_and_never_minus_zero():
    d = diagnose(0.08, 0.0799999)
    assert repr(d) == (
        "Diagnosis(verdict='high bias', avoidable_bias=8.00%, variance=0.00%, focus='bias')"
    )
    html = d._repr_html_()
    assert "-0.00%" not in html and "Verdict: high bias" in html and "<table>" in html
