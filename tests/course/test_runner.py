"""``trainwell reproduce``: selection, files written, and the same bytes run after run."""

import json

import pytest

from trainwell.cli import main
from trainwell.course import EXPERIMENTS, select
from trainwell.course._base import Settings
from trainwell.course.runner import reproduce
from trainwell.exceptions import InvalidParameterError
from trainwell.report import results_json

FAST = "gradient_checking,moving_averages,trajectories"


def test_registry_order_is_the_issue_list():
    assert list(EXPERIMENTS) == [
        "initialization",
        "regularization",
        "gradient_checking",
        "optimization",
        "moving_averages",
        "trajectories",
        "batchnorm_softmax",
        "normalization",
        "tuning",
        "bias_variance",
        "deep_gradients",
    ]
    assert select("trajectories,initialization") == ["initialization", "trajectories"]
    with pytest.raises(InvalidParameterError, match="the experiments are: initialization"):
        select("initialisation")


def test_list_and_bad_names(capsys):
    assert main(["reproduce", "--list"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in EXPERIMENTS)
    assert main(["reproduce", "--only", "nope", "--no-progress"]) == 2
    assert "the experiments are: initialization" in capsys.readouterr().err
    assert main(["reproduce", "--only", "tuning", "--backend", "cupy"]) == 2
    assert main(["reproduce", "--only", "tuning", "--data", "x.mat"]) == 2


def test_writes_the_report(tmp_path, capsys):
    out, extra = tmp_path / "report", tmp_path / "elsewhere" / "r.json"
    args = ["reproduce", "--only", FAST, "--out", str(out), "--json", str(extra), "--no-progress"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "experiment" in printed and "n_dimensional_buggy: wrong" in printed
    for name in (
        "index.html",
        "report.md",
        "results.json",
        "trajectories_bowl.png",
        "moving_averages_temperatures.png",
    ):
        assert (out / name).is_file()
    data = json.loads((out / "results.json").read_text())
    assert list(data) == FAST.split(",")
    assert extra.read_bytes() == (out / "results.json").read_bytes()
    md = (out / "report.md").read_text()
    assert "![trajectories_saddle](trajectories_saddle.png)" in md
    assert main(args) == 0  # the same command writes the same bytes
    assert extra.read_bytes() == (out / "results.json").read_bytes()
    assert data == json.loads(extra.read_text())


def test_same_numbers_whatever_the_scheduling():
    names = ["initialization", "optimization", "normalization"]
    fast = Settings(scale=0.02, figures=False)
    one = results_json(reproduce(names, fast))
    two = results_json(reproduce(names, Settings(scale=0.02, figures=False, n_jobs=2)))
    again = results_json(reproduce(names[::-1], fast)[::-1])
    assert one == two == again
    data = json.loads(one)
    for variant in data["optimization"].values():
        assert set(variant) == {"train_accuracy", "test_accuracy", "costs"}
        assert 0 <= variant["train_accuracy"] <= 1 and list(variant["costs"]) == ["0"]
