"""``trainwell reproduce``: selection, files written, and the same bytes run after run."""

import json
import sys

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
    assert main(["reproduce", "--only", "tuning", "--engine", "cupy"]) == 2
    assert main(["reproduce", "--only", "tuning", "--data", "x.mat"]) == 2


def test_writes_the_report(tmp_path, capsys):
    out, extra = tmp_path / "report", tmp_path / "elsewhere" / "r.json"
    args = [
        "reproduce",
        "--only",
        FAST,
        "--out",
        str(out),
        "--json-out",
        str(extra),
        "--no-progress",
    ]
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


def test_engine_is_checked_before_any_work(tmp_path, capsys, monkeypatch):
    from trainwell import backend as backend_module

    monkeypatch.delitem(backend_module._CACHE, "cupy", raising=False)
    monkeypatch.setitem(sys.modules, "cupy", None)  # as if CuPy were not installed
    out = tmp_path / "report"
    base = ["reproduce", "--only", "initialization", "--out", str(out), "--no-progress"]
    assert main([*base, "--engine", "cupy"]) == 2
    assert "pip install 'trainwell[gpu]'" in capsys.readouterr().err
    assert main([*base, "--engine", "no_such_library"]) == 2
    err = capsys.readouterr().err
    assert "'--engine' parameter of trainwell reproduce" in err and "'numba', 'cupy'" in err
    with pytest.warns(DeprecationWarning, match="write --engine cupy"):
        assert main([*base, "--backend", "cupy"]) == 2  # the old spelling, for one release
    assert "--backend is deprecated" in capsys.readouterr().err
    assert main([*base, "--backend", "numpy", "--engine", "numba"]) == 2  # they disagree
    assert not out.exists()


def _floats(tree, path=""):
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _floats(value, f"{path}/{key}")
    elif isinstance(tree, list):
        for i, value in enumerate(tree):
            yield from _floats(value, f"{path}[{i}]")
    else:
        yield path, tree


def test_another_backend_trains_the_networks_to_the_same_numbers():
    """array_api_strict draws dropout masks from the host generator, so even the dropout
    variant matches NumPy; only rounding differs."""
    names = ["initialization", "regularization", "batchnorm_softmax"]
    kw = {"scale": 0.01, "figures": False}
    on_numpy = reproduce(names, Settings(**kw))
    on_strict = reproduce(names, Settings(**kw, backend="array_api_strict"))
    a = dict(_floats(json.loads(results_json(on_numpy))))
    b = dict(_floats(json.loads(results_json(on_strict))))
    assert a.keys() == b.keys() and len(a) > 30
    for path, value in a.items():
        if isinstance(value, float):
            assert b[path] == pytest.approx(value, rel=1e-6, abs=1e-12), path
        else:
            assert b[path] == value, path


def test_output_paths_are_checked_before_any_experiment_runs(tmp_path, capsys, monkeypatch):
    from trainwell.course import runner

    monkeypatch.setattr(runner, "reproduce", lambda *a, **k: pytest.fail("ran experiments"))
    a_file = tmp_path / "afile"
    a_file.write_text("x")
    base = ["reproduce", "--only", "gradient_checking", "--no-progress"]
    assert main([*base, "--out", str(a_file)]) == 2
    assert "--out" in capsys.readouterr().err and a_file.read_text() == "x"
    assert main([*base, "--out", str(tmp_path / "r"), "--json-out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--json" in err and "is a folder" in err


def test_quick_is_marked_as_such_in_every_output(tmp_path, capsys):
    out = tmp_path / "report"
    args = ["reproduce", "--quick", "--only", "initialization,trajectories", "--out", str(out)]
    assert main([*args, "--no-progress"]) == 0
    printed = capsys.readouterr().out
    banner = "QUICK LOOK (--quick): the long experiments ran 10% of the course's iterations"
    assert printed.startswith(banner)  # before any experiment runs
    table = printed[printed.index("\nexperiment ") :]
    assert banner in printed[: printed.index("\nexperiment ")].splitlines()[-1]  # its header
    assert "initialization" in table
    data = json.loads((out / "results.json").read_text())
    assert list(data) == ["quick", "initialization", "trajectories"]
    assert data["quick"]["scale"] == 0.1 and "not the course's numbers" in data["quick"]["note"]
    assert list(data["initialization"]["he"]["costs"]) == ["0", "1000"]  # 1,500 iterations
    md, page = (out / "report.md").read_text(), (out / "index.html").read_text()
    assert "> **Quick look (--quick)" in md and "`trainwell reproduce --only" in md
    assert '<p class="quick" id="quick">Quick look (--quick)' in page and " --quick" in page
    # the same folder without --quick: its report overwrites the quick one, unmarked
    assert main(["reproduce", "--only", "trajectories", "--out", str(out), "--no-progress"]) == 0
    assert "QUICK" not in capsys.readouterr().out
    assert list(json.loads((out / "results.json").read_text())) == ["trajectories"]
    assert "Quick look" not in (out / "report.md").read_text()
    assert 'class="quick"' not in (out / "index.html").read_text()
