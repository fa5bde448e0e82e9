"""Hyperparameter importance: variance explained per hyperparameter, beside the course."""

from __future__ import annotations

import json

import numpy as np
import pytest

from trainwell.exceptions import DataError, InvalidParameterError
from trainwell.tuning import (
    COURSE_PRIORITY,
    Choice,
    IntLogUniform,
    LogUniform,
    OneMinusLogUniform,
    SearchResult,
    SearchSpace,
    SyntheticObjective,
    Trial,
    hyperparameter_importance,
    random_search,
)
from trainwell.tuning.results import Round

SPACE = {
    "learning_rate": LogUniform(1e-4, 1.0),
    "beta": OneMinusLogUniform(0.9, 0.999),
    "hidden_units": IntLogUniform(2, 200),
    "batch_size": Choice([64, 128, 256, 512]),
}
# The course's ordering, built into the problem: lr matters most, beta some, units a
# little, the mini-batch size not at all.
OBJECTIVE = SyntheticObjective(
    {"learning_rate": 0.01, "beta": 0.99, "hidden_units": 20},
    scales={"beta": "one_minus_log"},
    weights={"learning_rate": 1.0, "beta": 0.5, "hidden_units": 0.1},
    noise=0.02,
)


@pytest.fixture(scope="module")
def result():
    return random_search(OBJECTIVE, SPACE, 60, random_state=0)


@pytest.mark.parametrize("method", ["variance", "forest"])
def test_importance_recovers_the_built_in_ordering(result, method):
    report = hyperparameter_importance(result, method=method)
    assert [row["name"] for row in report.rows] == [
        "learning_rate",
        "beta",
        "hidden_units",
        "batch_size",
    ]
    values = report.importances
    assert values["learning_rate"] > 0.6
    assert values["batch_size"] < 0.05
    assert all(0.0 <= v <= 1.0 for v in values.values())
    assert [row["rank"] for row in report.rows] == [1, 2, 3, 4]
    assert report.n_trials == 60 and report.method == method


def test_variance_explained_is_one_for_an_exact_function_of_one_hyperparameter():
    objective = SyntheticObjective({"learning_rate": 0.01})
    space = {"learning_rate": LogUniform(1e-4, 1), "batch_size": Choice([64, 128])}
    report = random_search(objective, space, 20, random_state=1).importance()
    assert report.importances["learning_rate"] == pytest.approx(1.0)
    assert report.importances["batch_size"] < 0.1  # chance correlation only


def test_pure_noise_explains_about_nothing():
    objective = SyntheticObjective({}, noise=1.0)
    report = random_search(objective, SPACE, 60, random_state=2).importance()
    assert max(report.importances.values()) < 0.1


def test_a_choice_that_matters_is_measured_by_its_group_means():
    def objective(config, *, random_state):
        rng = np.random.RandomState(random_state)
        base = {"adam": 0.9, "momentum": 0.8, "gd": 0.6}[config["optimizer"]]
        return {"dev_score": base + 0.01 * rng.randn(), "train_score": base}

    space = {"optimizer": Choice(["adam", "momentum", "gd"]), "learning_rate": LogUniform(1e-4, 1)}
    report = random_search(objective, space, 30, random_state=0).importance()
    assert report.rows[0]["name"] == "optimizer" and report.rows[0]["importance"] > 0.95
    assert report.importances["learning_rate"] < 0.05


def test_rows_carry_the_courses_tiers_and_the_text_shows_them(result):
    report = result.importance()
    tiers = {row["name"]: row["course_tier"] for row in report.rows}
    assert tiers == {"learning_rate": 1, "beta": 2, "hidden_units": 2, "batch_size": 2}
    assert COURSE_PRIORITY["beta1"] == COURSE_PRIORITY["epsilon"] == 4
    assert COURSE_PRIORITY["layers"] == COURSE_PRIORITY["decay_rate"] == 3
    text = report.format()
    assert "1: learning rate" in text and "explains" in text and "course's tier" in text
    assert json.loads(json.dumps(report.to_dict()))["rows"][0]["name"] == "learning_rate"


def test_untiered_names_show_a_dash():
    objective = SyntheticObjective({"l2": 0.01})
    report = random_search(objective, {"l2": LogUniform(1e-4, 1)}, 8, random_state=0).importance()
    assert report.rows[0]["course_tier"] is None
    assert report.format().splitlines()[-1].rstrip().endswith("-")


def test_first_round_only_unless_asked():
    result = random_search(OBJECTIVE, SPACE, 12, random_state=0, rounds=3)
    first = result.importance()
    assert first.n_trials == 12 and "first round only" in first.format()
    every = result.importance(all_rounds=True)
    assert every.n_trials == 36


def test_failed_trials_are_left_out_and_too_few_is_an_error():
    trials = [
        Trial(index=i, round=0, config={"x": float(i + 1)}, seed=i, dev_score=float(i))
        for i in range(3)
    ]
    trials.append(Trial(index=3, round=0, config={"x": 4.0}, seed=3, status="failed"))
    space = SearchSpace({"x": LogUniform(1, 10)})
    result = SearchResult(trials, [Round(0, space, [0, 1, 2, 3])], space)
    with pytest.raises(DataError, match="at least 4 successful trials; this search has 3"):
        hyperparameter_importance(result)


def test_unknown_method_is_rejected(result):
    with pytest.raises(InvalidParameterError, match="'variance' or 'forest'"):
        hyperparameter_importance(result, method="shap")


def test_four_trials_do_not_make_every_hyperparameter_explain_everything():
    from trainwell.tuning import Uniform

    space = {"learning_rate": LogUniform(1e-4, 1), "irrelevant": Uniform(0, 1)}
    objective = SyntheticObjective({"learning_rate": 0.01}, noise=0.05)
    reports = [
        random_search(objective, space, 4, random_state=seed).importance().importances
        for seed in range(40)
    ]
    assert not all(r == {"learning_rate": 1.0, "irrelevant": 1.0} for r in reports)
    mean = {name: np.mean([r[name] for r in reports]) for name in space}
    assert mean["learning_rate"] > 0.8 and mean["irrelevant"] < 0.5
    assert sum(r["learning_rate"] > r["irrelevant"] for r in reports) >= 30


def test_a_choice_with_one_trial_per_value_is_unestimable():
    trials = [
        Trial(index=i, round=0, config={"opt": o}, seed=i, dev_score=s)
        for i, (o, s) in enumerate(zip("abcd", [0.1, 0.5, 0.2, 0.9]))
    ]
    space = SearchSpace({"opt": Choice(list("abcd"))})
    result = SearchResult(trials, [Round(0, space, [0, 1, 2, 3])], space)
    assert hyperparameter_importance(result).importances == {"opt": 0.0}
