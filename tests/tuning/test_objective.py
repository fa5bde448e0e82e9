"""NetworkObjective (a config dict -> a trained network's dev scores) and SyntheticObjective."""

from __future__ import annotations

import math

import numpy as np
import pytest

from trainwell.exceptions import InvalidParameterError
from trainwell.tuning import (
    Choice,
    LogUniform,
    NetworkObjective,
    SyntheticObjective,
    random_search,
)


@pytest.fixture(scope="module")
def moons():
    from sklearn.datasets import make_moons

    X, y = make_moons(240, noise=0.2, random_state=0)
    return X[:180], y[:180], X[180:], y[180:]


def test_returns_dev_and_train_scores_curve_and_dev_cost(moons):
    objective = NetworkObjective(*moons, fixed={"epochs": 30, "batch_size": 32})
    out = objective({"learning_rate": 0.01}, random_state=0)
    assert 0.5 < out["dev_score"] <= 1 and 0.5 < out["train_score"] <= 1
    assert len(out["curve"]) == 30 and out["curve"][-1] < out["curve"][0]
    assert out["dev_cost"] > 0 and out["epochs"] == 30


def test_same_seed_same_result_different_seed_different(moons):
    objective = NetworkObjective(*moons, fixed={"epochs": 10}, metric="neg_cost")
    a = objective({"learning_rate": 0.01}, random_state=1)
    b = objective({"learning_rate": 0.01}, random_state=1)
    c = objective({"learning_rate": 0.01}, random_state=2)
    assert a == b and a["dev_score"] != c["dev_score"]
    assert a["dev_score"] == -a["dev_cost"]


def test_fixed_random_state_gives_every_trial_the_same_start(moons):
    objective = NetworkObjective(*moons, fixed={"epochs": 10}, random_state=5)
    assert objective({}, random_state=1) == objective({}, random_state=2)


def test_builds_the_architecture_the_config_asks_for(moons):
    objective = NetworkObjective(*moons, fixed={"epochs": 5})
    net, fit_kwargs, config = objective.build(
        {
            "hidden_units": 7,
            "layers": 2,
            "keep_prob": 0.8,
            "l2": 0.1,
            "optimizer": "momentum",
            "beta": 0.95,
            "decay_rate": 1.0,
            "learning_rate": 0.2,
            "batch_size": "full",
        },
        random_state=0,
    )
    kinds = [type(layer).__name__ for layer in net.layers]
    assert kinds == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]
    assert [layer.units for layer in net.layers if kinds[net.layers.index(layer)] == "Dense"] == [
        7,
        7,
        1,
    ]
    assert net.l2 == 0.1
    assert type(fit_kwargs["optimizer"]).__name__ == "Momentum"
    assert fit_kwargs["optimizer"].beta == 0.95
    assert fit_kwargs["schedule"](1) == pytest.approx(0.1)  # 0.2 / (1 + 1.0 * 1)
    assert fit_kwargs["batch_size"] == "full" and fit_kwargs["epochs"] == 5


def test_adam_gets_its_betas_and_a_list_of_widths_works(moons):
    objective = NetworkObjective(*moons, fixed={"hidden_units": [5, 3]})
    net, fit_kwargs, _ = objective.build({"beta1": 0.8, "beta2": 0.99}, random_state=0)
    assert [layer.units for layer in net.layers] == [5, 3, 1]
    assert (fit_kwargs["optimizer"].beta1, fit_kwargs["optimizer"].beta2) == (0.8, 0.99)
    with pytest.raises(InvalidParameterError, match="not both"):
        objective.build({"layers": 2}, random_state=0)


def test_multiclass_labels_get_softmax_and_regression_gets_mse():
    rng = np.random.RandomState(0)
    X = rng.randn(60, 3)
    y3 = rng.randint(0, 3, 60)
    multi = NetworkObjective(X[:40], y3[:40], X[40:], y3[40:], fixed={"epochs": 3})
    net, _, _ = multi.build({}, random_state=0)
    assert multi.loss == "categorical_crossentropy" and net.layers[-1].units == 3
    reg = NetworkObjective(X[:40], X[:40, 0] * 2.5, X[40:], X[40:, 0] * 2.5, fixed={"epochs": 3})
    assert reg.loss == "mse"
    out = reg({"learning_rate": 0.01}, random_state=0)
    assert math.isfinite(out["dev_score"])  # R²


def test_unknown_or_double_keys_are_named(moons):
    with pytest.raises(InvalidParameterError, match=r"\['learning_rte'\] in fixed"):
        NetworkObjective(*moons, fixed={"learning_rte": 0.1})
    with pytest.raises(InvalidParameterError, match="'optimizer' parameter"):
        NetworkObjective(*moons, fixed={"optimizer": "adma"})
    with pytest.raises(InvalidParameterError, match="'metric' parameter"):
        NetworkObjective(*moons, metric="accuracy")
    objective = NetworkObjective(*moons, fixed={"epochs": 3})
    with pytest.raises(InvalidParameterError, match=r"\['hiden_units'\] in the search space"):
        random_search(objective, {"hiden_units": LogUniform(1, 10)}, 2, 0)
    with pytest.raises(InvalidParameterError, match="both fixed and searched"):
        random_search(objective, {"epochs": Choice([1, 2])}, 2, 0)


def test_a_diverging_learning_rate_is_recorded_as_diverged(recwarn):
    rng = np.random.RandomState(0)
    X = rng.randn(60, 3)
    y = 2.5 * X[:, 0]
    objective = NetworkObjective(
        X[:40],
        y[:40],
        X[40:],
        y[40:],
        fixed={"epochs": 50, "optimizer": "gd", "batch_size": "full"},
    )
    result = random_search(objective, {"learning_rate": Choice([0.01, 10.0])}, 6, random_state=0)
    statuses = {t.config["learning_rate"]: t.status for t in result.trials}
    assert statuses == {0.01: "ok", 10.0: "diverged"}
    bad = next(t for t in result.trials if t.config["learning_rate"] == 10.0)
    assert bad.error.startswith("TrainingDiverged: Training diverged at epoch")
    # overflow warnings of a diverging trial are silenced: its status says it all
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_synthetic_objective_bowl_noise_failures():
    objective = SyntheticObjective(
        {"learning_rate": 0.01, "beta": 0.99},
        scales={"beta": "one_minus_log"},
        weights={"beta": 0.5},
        fail_above={"layers": 3},
        diverge_above={"learning_rate": 0.5},
    )
    best = objective({"learning_rate": 0.01, "beta": 0.99}, random_state=0)
    assert best["dev_score"] == pytest.approx(1.0)
    off = objective({"learning_rate": 0.1, "beta": 0.9}, random_state=0)
    assert off["dev_score"] == pytest.approx(1 - 1 - 0.5)
    assert math.isnan(objective({"learning_rate": 0.6, "beta": 0.99}, random_state=0)["dev_score"])
    with pytest.raises(RuntimeError, match="layers=4 is above 3"):
        objective({"learning_rate": 0.01, "beta": 0.99, "layers": 4}, random_state=0)
    noisy = SyntheticObjective({"x": 1.0}, scales={"x": "linear"}, noise=0.1)
    assert noisy({"x": 1.0}, random_state=1) == noisy({"x": 1.0}, random_state=1)
    assert noisy({"x": 1.0}, random_state=1) != noisy({"x": 1.0}, random_state=2)
    with pytest.raises(InvalidParameterError, match="'log', 'one_minus_log' or 'linear'"):
        SyntheticObjective({"x": 1.0}, scales={"x": "ln"})


@pytest.mark.parametrize(
    ("fixed", "match"),
    [
        (
            {"keep_prob": 1.5},
            r"'keep_prob' parameter of NetworkObjective must be a float in \(0, 1\]",
        ),
        ({"keep_prob": 0.0}, r"'keep_prob' .* Got 0.0 instead"),
        ({"decay_rate": -0.5}, r"'decay_rate' parameter of NetworkObjective .* Got -0.5 instead"),
    ],
)
def test_keep_prob_and_decay_rate_out_of_range_are_refused_up_front(moons, fixed, match):
    with pytest.raises(InvalidParameterError, match=match):
        NetworkObjective(*moons, fixed=fixed)


def test_searched_keep_prob_and_decay_rate_ranges_are_checked_with_the_space(moons):
    from trainwell.tuning import Uniform

    objective = NetworkObjective(*moons, fixed={"epochs": 2})
    calls = []

    def counting(config, *, random_state):
        calls.append(config)
        return objective(config, random_state=random_state)

    counting.check_space = objective.check_space
    bad = [
        ({"keep_prob": Uniform(0.5, 1.5)}, r"'keep_prob' parameter of NetworkObjective \(searched"),
        ({"decay_rate": Choice([0.0, -1.0])}, r"'decay_rate' .* Got -1.0 instead"),
    ]
    for space, match in bad:
        with pytest.raises(InvalidParameterError, match=match):
            random_search(counting, space, 2, random_state=0)
    assert calls == []  # refused before any trial
    good = {"keep_prob": Uniform(0.5, 1.0), "decay_rate": Choice([0.0, 1.0])}
    assert random_search(counting, good, 2, random_state=0).n_failed == 0
    with pytest.raises(InvalidParameterError, match="'keep_prob'"):
        objective.build({"keep_prob": 2.0}, random_state=0)  # a config out of range


def test_string_class_labels_are_encoded(moons):
    X, y, Xd, yd = moons
    names = np.array(["cat", "dog"])
    objective = NetworkObjective(X, names[y], Xd, names[yd], fixed={"epochs": 5}, random_state=0)
    assert objective.loss == "binary_crossentropy" and objective.classes.tolist() == ["cat", "dog"]
    plain = NetworkObjective(X, y, Xd, yd, fixed={"epochs": 5}, random_state=0)
    assert objective({}, random_state=1) == plain({}, random_state=1)
    three = np.array(["a", "b", "c"])[np.arange(len(y)) % 3]
    multi = NetworkObjective(X, three, Xd, three[: len(yd)], fixed={"epochs": 2})
    assert multi.loss == "categorical_crossentropy" and multi.n_outputs == 3


@pytest.mark.parametrize(
    ("y_train", "y_dev", "match"),
    [
        (["a"] * 4, ["a"] * 2, "at least 2 classes"),
        (["a", "b"] * 2, ["a", "c"], r"y_dev holds label\(s\) \['c'\]"),
        ([["a"], ["b"], ["a"], ["b"]], [["a"], ["b"]], "must be 1-D"),
    ],
)
def test_bad_string_labels_get_a_clear_data_error(y_train, y_dev, match):
    from trainwell.exceptions import DataError

    X = np.zeros((len(y_train), 2))
    with pytest.raises(DataError, match=match):
        NetworkObjective(X, y_train, X[: len(y_dev)], y_dev)
    with pytest.raises(DataError, match="loss='mse' needs numeric targets"):
        NetworkObjective(X, ["a", "b"] * 2, X[:2], ["a", "b"], loss="mse")


# --- early stopping and input standardization ------------------------------------------


def _moons():
    from sklearn.datasets import make_moons

    X, y = make_moons(200, noise=0.25, random_state=1)
    X = X * [100.0, 0.01] + [5.0, -3.0]  # features of very different scales
    return X[:150], y[:150], X[150:], y[150:]


def test_patience_stops_early_and_restores_the_best_epoch():
    from trainwell.training import EarlyStopping, fit

    X, y, Xd, yd = _moons()
    fixed = {"epochs": 300, "patience": 3, "normalize_inputs": True, "learning_rate": 0.05}
    objective = NetworkObjective(X, y, Xd, yd, fixed=fixed)
    out = objective({}, random_state=0)
    assert out["epochs"] < 300
    # the same fit by hand: weights drawn first, then the shuffles, from one generator
    from trainwell.data import Standardizer

    rng = np.random.RandomState(0)
    net, kwargs, _ = objective.build({}, random_state=rng)
    scaler = Standardizer().fit(X)
    stop = EarlyStopping("val_cost", patience=3, restore_best=True)
    kwargs["callbacks"] = [stop]
    history = fit(net, scaler.transform(X), y, random_state=rng, progress=False,
                  validation_data=(scaler.transform(Xd), yd), **kwargs)  # fmt: skip
    assert history.epochs == out["epochs"]
    assert net.cost(scaler.transform(Xd), yd) == out["dev_cost"] == min(history.val_cost)


def test_normalize_inputs_is_fitted_on_the_training_part_only():
    X, y, Xd, yd = _moons()
    fixed = {"epochs": 20, "normalize_inputs": True}
    plain = NetworkObjective(X, y, Xd, yd, fixed=fixed)({}, random_state=0)
    shifted = NetworkObjective(X, y, Xd + 1e3, yd, fixed=fixed)({}, random_state=0)
    assert shifted["train_score"] == plain["train_score"]  # the dev part changed nothing
    assert shifted["curve"] == plain["curve"]
    raw = NetworkObjective(X, y, Xd, yd, fixed={"epochs": 20})({}, random_state=0)
    assert plain["dev_score"] > raw["dev_score"]  # features of scale 100 and 0.01


def test_new_fixed_keys_are_checked():
    X, y, Xd, yd = _moons()
    with pytest.raises(InvalidParameterError, match="'patience'"):
        NetworkObjective(X, y, Xd, yd, fixed={"patience": 0})
    with pytest.raises(InvalidParameterError, match="'normalize_inputs'"):
        NetworkObjective(X, y, Xd, yd, fixed={"normalize_inputs": "yes"})


def test_engine_reaches_every_trial_and_backend_is_its_deprecated_name(moons):
    X_tr, y_tr, X_dev, y_dev = moons
    objective = NetworkObjective(X_tr, y_tr, X_dev, y_dev, engine="numpy")
    net, _, _ = objective.build({}, random_state=0)
    assert net.engine == "numpy"
    with pytest.warns(DeprecationWarning, match=r"NetworkObjective\(engine='auto'\)"):
        old = NetworkObjective(X_tr, y_tr, X_dev, y_dev, backend="numpy")
    assert old.build({}, random_state=0)[0].engine == "auto"
    with pytest.raises(InvalidParameterError, match="'engine' parameter of NetworkObjective"):
        NetworkObjective(X_tr, y_tr, X_dev, y_dev, engine="tpu")
    with pytest.warns(DeprecationWarning, match="batch_size='full'"):
        _, kwargs, _ = objective.build({"batch_size": None}, random_state=0)
    assert kwargs["batch_size"] == "full"
