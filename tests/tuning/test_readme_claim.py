"""The README's claim: on the moons, random search (coarse to fine) finds a learning rate
within a factor of 3 of the best one an exhaustive fine grid finds, with half the trials."""

from __future__ import annotations

import pytest

from trainwell.tuning import LogUniform, NetworkObjective, grid_search, random_search
from trainwell.tuning.cli import load_dataset

# The README's tune_moons.toml, as Python.
FIXED = {"optimizer": "adam", "hidden_units": 10, "epochs": 100, "batch_size": "full"}
SPACE = {"learning_rate": LogUniform(1e-4, 1.0)}


@pytest.fixture(scope="module")
def objective():
    X_train, y_train, X_dev, y_dev = load_dataset({"name": "moons"})  # as `trainwell tune` splits
    assert (len(y_train), len(y_dev)) == (225, 75)
    return NetworkObjective(
        X_train, y_train, X_dev, y_dev, fixed=FIXED, metric="neg_cost", random_state=0
    )


@pytest.fixture(scope="module")
def grid_best(objective):
    # 61 points evenly spaced in log10 over four decades: a factor 1.166 apart
    grid = grid_search(objective, SPACE, n_points=61)
    assert grid.n_failed == 0
    best = grid.best_config["learning_rate"]
    assert 1e-3 < best < 0.5  # an interior optimum, not an edge of the range
    return best


@pytest.mark.timeout(60)
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_random_search_lands_within_3x_of_the_fine_grids_best(objective, grid_best, seed):
    result = random_search(objective, SPACE, n_trials=15, random_state=seed, rounds=2)
    assert len(result.trials) == 30  # half the grid's 61
    ratio = result.best_config["learning_rate"] / grid_best
    assert 1 / 3 < ratio < 3, (result.best_config, grid_best)
