"""random_search / grid_search: determinism, failures, coarse to fine, results, validation."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from trainwell.exceptions import InvalidParameterError, TrainingDiverged
from trainwell.tuning import (
    Choice,
    IntUniform,
    LogUniform,
    OneMinusLogUniform,
    SearchResult,
    SearchSpace,
    SyntheticObjective,
    grid_search,
    random_search,
)
from trainwell.tuning.search import trial_seed

SPACE = {
    "learning_rate": LogUniform(1e-4, 1.0),
    "beta": OneMinusLogUniform(0.9, 0.999),
    "batch_size": Choice([64, 128, 256]),
}
BOWL = SyntheticObjective(
    {"learning_rate": 0.01, "beta": 0.99},
    scales={"beta": "one_minus_log"},
    weights={"beta": 0.2},
    noise=0.01,
)


def records(result):
    """Everything about the trials except the wall-clock time."""
    return [{**t.to_dict(), "time_s": None, "worker": None} for t in result.trials]


def test_same_seed_same_configs_and_scores_different_seed_different():
    a = random_search(BOWL, SPACE, 12, random_state=5, rounds=2)
    b = random_search(BOWL, SPACE, 12, random_state=5, rounds=2)
    c = random_search(BOWL, SPACE, 12, random_state=6, rounds=2)
    assert records(a) == records(b)
    assert [t.config for t in a.trials] != [t.config for t in c.trials]


def test_configs_are_the_spaces_draws_and_seeds_depend_on_index_only():
    result = random_search(BOWL, SPACE, 6, random_state=11)
    expected = SearchSpace(SPACE).sample(np.random.RandomState(11), 6)
    assert [t.config for t in result.trials] == expected
    assert [t.seed for t in result.trials] == [trial_seed(11, i) for i in range(6)]
    assert len({t.seed for t in result.trials}) == 6


def test_objective_receives_config_and_its_trial_seed():
    calls = []

    def objective(config, *, random_state):
        calls.append((dict(config), random_state))
        return {"dev_score": 0.0, "train_score": 0.0}

    result = random_search(objective, {"x": IntUniform(0, 9)}, 4, random_state=2)
    assert calls == [(t.config, t.seed) for t in result.trials]


def test_generator_random_state_is_turned_into_a_recorded_seed():
    result = random_search(BOWL, SPACE, 3, random_state=np.random.default_rng(0))
    again = random_search(BOWL, SPACE, 3, random_state=result.seed)
    assert records(result) == records(again)


def test_parallel_local_processes_give_the_serial_results():
    serial = random_search(BOWL, SPACE, 8, random_state=3, rounds=2)
    parallel = random_search(BOWL, SPACE, 8, random_state=3, rounds=2, n_jobs=2)
    assert records(parallel) == records(serial)
    assert [r.box for r in parallel.rounds] == [r.box for r in serial.rounds]


def test_failed_and_diverged_trials_are_recorded_and_the_search_goes_on():
    def objective(config, *, random_state):
        x = config["x"]
        if x == 0:
            raise ValueError("x must not be zero")
        if x == 1:
            raise TrainingDiverged("cost became nan at epoch 3", epoch=3)
        if x == 2:
            return {"dev_score": math.nan, "train_score": 0.5}
        if x == 3:
            return {"dev": 1.0}
        return {"dev_score": float(x), "train_score": float(x) + 1, "curve": [1.0, math.inf]}

    result = grid_search(objective, {"x": IntUniform(0, 5)}, n_points=6)
    by_x = {t.config["x"]: t for t in result.trials}
    assert by_x[0].status == "failed" and by_x[0].error == "ValueError: x must not be zero"
    assert by_x[1].status == "diverged" and "TrainingDiverged: cost became nan" in by_x[1].error
    assert by_x[2].status == "diverged" and "non-finite" in by_x[2].error
    assert by_x[3].status == "failed" and "must return a dict" in by_x[3].error
    assert all(by_x[x].dev_score is None and by_x[x].train_score is None for x in range(4))
    assert by_x[5].status == "ok" and by_x[5].curve == [1.0, None]
    assert result.best_config == {"x": 5} and result.best_score == 5.0
    assert result.n_failed == 4
    json.dumps(result.to_dict(), allow_nan=False)  # failures stay valid JSON
    assert "#0 failed: ValueError: x must not be zero" in result.format_table()


def test_every_trial_failing_gives_no_best():
    def objective(config, *, random_state):
        raise RuntimeError("boom")

    result = random_search(objective, {"x": IntUniform(0, 3)}, 3, random_state=0, rounds=2)
    assert result.best_trial is None and result.best_config is None
    assert math.isnan(result.best_score)
    assert result.rounds[1].box == result.rounds[0].box  # nothing to zoom on
    assert len(result.trials) == 6


def test_keyboard_interrupt_is_not_swallowed():
    def objective(config, *, random_state):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        random_search(objective, {"x": IntUniform(0, 3)}, 2, random_state=0)


def test_coarse_to_fine_boxes_shrink_around_the_best_in_log_scale():
    objective = SyntheticObjective({"learning_rate": 0.003})
    result = random_search(objective, {"learning_rate": LogUniform(1e-5, 1.0)}, 10, 0, rounds=3)
    assert [r.index for r in result.rounds] == [0, 1, 2]
    assert [len(r.trials) for r in result.rounds] == [10, 10, 10]
    widths = [
        math.log10(r.box["learning_rate"][1] / r.box["learning_rate"][0]) for r in result.rounds
    ]
    assert widths[0] == pytest.approx(5.0) and widths[0] > widths[1] > widths[2]
    for prev, rnd in zip(result.rounds, result.rounds[1:]):
        lo, hi = rnd.box["learning_rate"]
        plo, phi = prev.box["learning_rate"]
        assert plo <= lo < hi <= phi
        trials = [result.trials_by_index[i] for i in rnd.trials]
        assert all(lo <= t.config["learning_rate"] <= hi for t in trials)
    assert 0.002 < result.best_config["learning_rate"] < 0.0045


def test_box_is_the_span_of_the_kept_trials_plus_margin():
    objective = SyntheticObjective({"learning_rate": 0.01})
    result = random_search(
        objective, {"learning_rate": LogUniform(1e-4, 1.0)}, 8, 1, rounds=2, keep=0.25, margin=0.05
    )
    first = sorted((t for t in result.trials if t.round == 0), key=lambda t: -t.dev_score)[
        :2
    ]  # ceil(0.25 * 8) = 2 kept
    s = [math.log10(t.config["learning_rate"]) for t in first]
    lo, hi = result.rounds[1].box["learning_rate"]
    assert math.log10(lo) == pytest.approx(max(-4, min(s) - 0.2), abs=1e-12)
    assert math.log10(hi) == pytest.approx(min(0, max(s) + 0.2), abs=1e-12)


def test_minimize_direction_picks_the_lowest_score():
    def objective(config, *, random_state):
        return {"dev_score": (config["x"] - 3) ** 2, "train_score": 0.0}

    result = grid_search(objective, {"x": IntUniform(0, 6)}, 7, direction="minimize")
    assert result.best_config == {"x": 3} and result.best_score == 0
    assert [t.config["x"] for t in result.ranked()][:1] == [3]


def test_grid_search_tries_every_combination_and_is_what_random_beats():
    objective = SyntheticObjective({"learning_rate": 0.005})
    space = {"learning_rate": LogUniform(1e-4, 1.0), "epsilon": LogUniform(1e-8, 1e-4)}
    grid = grid_search(objective, space, n_points=3)
    assert len(grid.trials) == 9
    # 9 grid trials try 3 learning rates; 9 random trials try 9
    assert len({t.config["learning_rate"] for t in grid.trials}) == 3
    rand = random_search(objective, space, 9, random_state=0)
    assert len({t.config["learning_rate"] for t in rand.trials}) == 9
    assert rand.best_score > grid.best_score


def test_table_and_json_round_trip(tmp_path):
    result = random_search(BOWL, SPACE, 5, random_state=0, rounds=2)
    rows = result.table()
    assert len(rows) == 10
    assert set(rows[0]) >= {
        "index",
        "round",
        "status",
        "dev_score",
        "train_score",
        "time_s",
        "learning_rate",
        "beta",
        "batch_size",
    }
    result.to_json(tmp_path / "r.json")
    back = SearchResult.from_dict(json.loads((tmp_path / "r.json").read_text()))
    assert records(back) == records(result)
    assert back.best_config == result.best_config
    assert [r.box for r in back.rounds] == [r.box for r in result.rounds]
    text = result.format_table(top=3)
    assert len(text.splitlines()) == 4 and "learning_rate" in text.splitlines()[0]
    assert "best_score=" in repr(result)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_trials": 0}, "'n_trials' parameter"),
        ({"rounds": 0}, "'rounds' parameter"),
        ({"keep": 0.0}, "'keep' parameter"),
        ({"keep": 1.5}, "'keep' parameter"),
        ({"margin": 0.0}, "'margin' parameter"),
        ({"direction": "max"}, "'direction' parameter"),
        ({"n_jobs": 0}, "'n_jobs' parameter"),
        ({"n_jobs": 2.0}, "'n_jobs' parameter"),
        ({"random_state": -1}, "random_state"),
        ({"random_state": "0"}, "random_state"),
        ({"n_jobs": 2, "scheduler": "tcp://127.0.0.1:1"}, "either 'n_jobs'"),
    ],
)
def test_invalid_arguments_are_rejected_before_any_trial(kwargs, match):
    calls = []

    def objective(config, *, random_state):
        calls.append(config)
        return {"dev_score": 0.0, "train_score": 0.0}

    args = {"n_trials": 3, "random_state": 0, **kwargs}
    with pytest.raises(InvalidParameterError, match=match):
        random_search(objective, SPACE, **args)
    assert calls == []


def test_objective_must_be_callable_and_may_check_the_space():
    with pytest.raises(InvalidParameterError, match="must be callable"):
        random_search("not a function", SPACE, 3)

    class Picky:
        def check_space(self, space):
            raise InvalidParameterError(f"unknown {sorted(space)}")

        def __call__(self, config, *, random_state):  # pragma: no cover - never reached
            raise AssertionError

    with pytest.raises(InvalidParameterError, match="unknown"):
        random_search(Picky(), SPACE, 3)


def test_grid_n_points_validation():
    with pytest.raises(InvalidParameterError, match="n_points"):
        grid_search(BOWL, SPACE, n_points=0)
    with pytest.raises(InvalidParameterError, match=r"n_points\['beta'\]"):
        grid_search(BOWL, SPACE, n_points={"beta": 0})


def test_progress_bar_writes_to_stderr(capsys):
    random_search(BOWL, SPACE, 4, random_state=0, progress=True)
    err = capsys.readouterr().err
    assert "4/4" in err and "best=" in err


def test_grid_n_points_naming_an_unknown_hyperparameter_is_refused():
    calls = []

    def objective(config, *, random_state):
        calls.append(config)
        return BOWL(config, random_state=random_state)

    with pytest.raises(InvalidParameterError, match=r"\['lerning_rate'\].*'learning_rate'"):
        grid_search(objective, SPACE, n_points={"lerning_rate": 3})
    assert calls == []


def test_coarse_to_fine_stops_narrowing_when_the_box_cannot_shrink_further():
    objective = SyntheticObjective({"learning_rate": 0.01})
    result = random_search(
        objective,
        {"learning_rate": LogUniform(1e-4, 1), "beta": OneMinusLogUniform(0.9, 0.9999)},
        4,
        random_state=0,
        rounds=20,
        keep=0.1,
        margin=0.05,
    )
    assert len(result.trials) == 80 and result.n_failed == 0
    for rnd in result.rounds:
        for lo, hi in rnd.box.values():
            assert lo < hi
    last, before = result.rounds[-1].box, result.rounds[-2].box
    assert last == before  # the box stays at its narrowest
    assert 0.005 < result.best_config["learning_rate"] < 0.02
