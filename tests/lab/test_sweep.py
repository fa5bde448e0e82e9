"""Random search from the lab: trainwell.tuning in local processes, trials as they finish."""

from __future__ import annotations

from trainwell.lab.datasets import make_data
from trainwell.lab.protocol import check_config
from trainwell.lab.sweep import Sweep, sweep_setup


def test_setup_follows_the_lab():
    fixed, beta = sweep_setup(check_config({"optimizer": "gd", "batch_size": 16}), 7)
    assert (fixed["optimizer"], beta, fixed["batch_size"], fixed["epochs"]) == (
        "momentum", "beta", 16, 7)  # fmt: skip


def test_sweep_posts_each_trial_then_zooms_in():
    posted = []
    config = check_config({"dataset": "moons", "optimizer": "momentum"})
    data = make_data(config)
    sweep = Sweep(posted.append)
    try:
        sweep.start(data, config, 4, 3, zoom=False)
        sweep.thread.join()
        trials = [m["trial"] for m in posted if m["type"] == "sweep_trial"]
        assert sorted(t["index"] for t in trials) == [0, 1, 2, 3]
        assert all(0.5 <= t["beta"] <= 0.999 for t in trials)
        assert posted[-1]["type"] == "sweep_done" and posted[-1]["n"] == 4
        sweep.start(data, config, 4, 3, zoom=True)
        sweep.thread.join()
        box = [m for m in posted if m["type"] == "sweep_start"][-1]["box"]
        best = max(trials, key=lambda t: t["dev_score"])
        assert box["learning_rate"][0] <= best["learning_rate"] <= box["learning_rate"][1]
        assert box["learning_rate"][1] / box["learning_rate"][0] < 1e4  # narrower than 1e-4..1
    finally:
        sweep.close()
