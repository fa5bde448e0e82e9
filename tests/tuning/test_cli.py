"""``trainwell tune CONFIG.toml``: a run end to end, resuming, and errors naming the key."""

from __future__ import annotations

import json
import sys
import textwrap

import numpy as np
import pytest

from tests.conftest import require
from trainwell.cli import main
from trainwell.exceptions import DataError
from trainwell.tuning.cli import load_config, load_dataset

CONFIG = """
[dataset]
path = "moons.npz"

[fixed]
epochs = 15
hidden_units = 8
batch_size = 32

[search]
n_trials = 4
rounds = 2
random_state = 0
metric = "neg_cost"

[space]
learning_rate = { dist = "log_uniform", low = 1e-3, high = 0.3 }
beta1 = { dist = "one_minus_log_uniform", low = 0.8, high = 0.99 }
optimizer = { dist = "choice", values = ["adam", "rmsprop"] }
"""


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    from sklearn.datasets import make_moons

    X, y = make_moons(200, noise=0.2, random_state=0)
    np.savez(tmp_path / "moons.npz", X=X, y=y)
    (tmp_path / "tune.toml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(workdir, text):
    path = workdir / "bad.toml"
    path.write_text(textwrap.dedent(text))
    return str(path)


def test_a_tune_run_prints_a_table_writes_plots_and_json(workdir, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # as on a terminal: a bar
    status = main(["tune", "tune.toml", "--json", "out.json", "--out", "plots"])
    captured = capsys.readouterr()
    assert status == 0
    assert "150 training / 50 dev examples" in captured.out
    assert "learning_rate" in captured.out and "Best dev score" in captured.out
    assert "Hyperparameter importance" in captured.out and "1: learning rate" in captured.out
    assert "8/8" in captured.err  # the progress bar
    for name in ("search", "curves", "importance", "zoom"):
        assert (workdir / "plots" / f"{name}.png").stat().st_size > 5000
    data = json.loads((workdir / "out.json").read_text())
    assert len(data["result"]["trials"]) == 8 and len(data["result"]["rounds"]) == 2
    assert data["result"]["best_score"] < 0  # minus the dev cost
    assert data["importance"]["rows"][0]["name"] in {"learning_rate", "beta1", "optimizer"}


def test_plots_default_next_to_the_config_name_and_no_progress(workdir, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["tune", "tune.toml", "--no-progress"]) == 0
    assert (workdir / "tune-tune" / "search.png").exists()
    assert "trial/s" not in capsys.readouterr().err


def test_no_progress_bar_when_stderr_is_a_file(workdir, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)  # e.g. 2>log.txt
    assert main(["tune", "tune.toml"]) == 0
    assert "trial/s" not in capsys.readouterr().err


def test_the_journal_makes_a_second_run_reuse_every_trial(workdir, capsys):
    assert main(["tune", "tune.toml", "--journal", "j.jsonl", "--json", "a.json"]) == 0
    assert len((workdir / "j.jsonl").read_text().splitlines()) == 9
    assert main(["tune", "tune.toml", "--journal", "j.jsonl", "--json", "b.json"]) == 0
    assert len((workdir / "j.jsonl").read_text().splitlines()) == 9
    a, b = (json.loads((workdir / n).read_text())["result"] for n in ("a.json", "b.json"))
    assert a["trials"] == b["trials"]


def test_two_workers_give_the_same_trials(workdir):
    assert main(["tune", "tune.toml", "--json", "one.json", "--no-progress"]) == 0
    assert main(["tune", "tune.toml", "--workers", "2", "--json", "two.json", "--no-progress"]) == 0
    one, two = (
        json.loads((workdir / n).read_text())["result"]["trials"] for n in ("one.json", "two.json")
    )
    strip = lambda trials: [{**t, "time_s": None, "worker": None} for t in trials]  # noqa: E731
    assert strip(one) == strip(two)


def test_grid_method_and_a_dataset_by_name(workdir, capsys):
    path = write(
        workdir,
        """
        [dataset]
        name = "moons"
        n_samples = 120
        [fixed]
        epochs = 5
        [search]
        method = "grid"
        n_points = 3
        [space]
        learning_rate = { dist = "log_uniform", low = 1e-3, high = 0.1 }
        """,
    )
    assert main(["tune", path, "--no-progress", "--out", "g"]) == 0
    out = capsys.readouterr().out
    assert "90 training / 30 dev examples; grid search" in out
    assert "No importance report" in out  # 3 grid points are too few


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[dataset]\npath='moons.npz'\n[spaces]\n", "unknown table(s) ['spaces']"),
        ("[dataset]\npath='moons.npz'\n", "the [space] table is missing"),
        ("[space]\nx=1\n", "the [dataset] table is missing"),
        (
            "[dataset]\npath='moons.npz'\n[search]\nn_trails=3\n"
            "[space]\nlearning_rate={dist='log_uniform',low=1e-3,high=1}\n",
            "unknown key(s) ['n_trails'] in [search]",
        ),
        (
            "[dataset]\npath='moons.npz'\n[search]\nn_trials=0\n"
            "[space]\nlearning_rate={dist='log_uniform',low=1e-3,high=1}\n",
            "The 'n_trials' parameter of [search] in bad.toml",
        ),
        (
            "[dataset]\npath='moons.npz'\n[space]\nlearning_rate={dist='loguniform',low=1,high=2}\n",
            "space.learning_rate.dist must be one of",
        ),
        (
            "[dataset]\npath='moons.npz'\n[space]\nlearning_rate={dist='log_uniform',low=0,high=2}\n",
            "space.learning_rate: The 'low' and 'high' parameters of LogUniform",
        ),
        (
            "[dataset]\npath='moons.npz'\n[space]\nlr={dist='log_uniform',low=1e-3,high=1}\n",
            "unknown key(s) ['lr'] in [space]",
        ),
        (
            "[dataset]\npath='moons.npz'\n[fixed]\nepoch=3\n"
            "[space]\nlearning_rate={dist='log_uniform',low=1e-3,high=1}\n",
            "unknown key(s) ['epoch'] in [fixed]",
        ),
        (
            "[dataset]\npath='moons.npz'\n[fixed]\nlearning_rate=0.1\n"
            "[space]\nlearning_rate={dist='log_uniform',low=1e-3,high=1}\n",
            "['learning_rate'] in both [fixed] and [space]",
        ),
        (
            "[dataset]\nname='moons'\npath='moons.npz'\n"
            "[space]\nlearning_rate={dist='log_uniform',low=1e-3,high=1}\n",
            "exactly one of 'name'",
        ),
        (
            "[dataset]\nname='mooons'\n[space]\nlearning_rate={dist='log_uniform',low=1e-3,high=1}\n",
            "[dataset] name must be one of [",
        ),
        (
            "[dataset]\nname='moons'\nsamples=3\n"
            "[space]\nlearning_rate={dist='log_uniform',low=1e-3,high=1}\n",
            "[dataset] options for load_moons",
        ),
        (
            "[dataset]\npath='moons.npz'\ndev_fraction=1.5\n"
            "[space]\nlearning_rate={dist='log_uniform',low=1e-3,high=1}\n",
            "The 'dev_fraction' parameter of [dataset]",
        ),
        (
            "[dataset]\npath='moons.npz'\n[fixed]\noptimizer='adma'\n"
            "[space]\nlearning_rate={dist='log_uniform',low=1e-3,high=1}\n",
            "[fixed]: The 'optimizer' parameter",
        ),
        ("[dataset\n", "is not valid TOML"),
    ],
)
def test_bad_configs_get_clear_errors_naming_the_key(workdir, capsys, text, message):
    path = write(workdir, text)
    assert main(["tune", path, "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("trainwell tune: error:") and message in err, err


def test_missing_files_and_conflicting_options(workdir, capsys):
    assert main(["tune", "nope.toml"]) == 2
    assert "does not exist" in capsys.readouterr().err
    path = write(
        workdir,
        "[dataset]\npath='gone.npz'\n[space]\nlearning_rate={dist='log_uniform',low=1e-3,high=1}\n",
    )
    assert main(["tune", path]) == 2
    assert "gone.npz" in capsys.readouterr().err
    assert main(["tune", "tune.toml", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "either --workers" in capsys.readouterr().err


def test_missing_dask_is_a_clear_error(workdir, capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)
    assert main(["tune", "tune.toml", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "pip install trainwell[dask]" in capsys.readouterr().err


def test_dataset_files_npz_with_dev_split_and_csv(workdir):
    rng = np.random.RandomState(0)
    X, y = rng.randn(40, 3), rng.randint(0, 2, 40)
    np.savez(workdir / "split.npz", X_train=X[:30], y_train=y[:30], X_dev=X[30:], y_dev=y[30:])
    X_tr, y_tr, X_dev, y_dev = load_dataset({"path": str(workdir / "split.npz")})
    assert X_tr.shape == (30, 3) and X_dev.shape == (10, 3)
    np.savetxt(workdir / "d.csv", np.column_stack([X, y]), delimiter=",", header="a,b,c,label")
    X_tr, y_tr, X_dev, y_dev = load_dataset({"path": str(workdir / "d.csv"), "dev_fraction": 0.5})
    assert X_tr.shape == (20, 3) and len(y_dev) == 20
    assert sorted(np.concatenate([y_tr, y_dev])) == sorted(y.astype(float))
    config = load_config(workdir / "tune.toml")
    assert config["search"]["keep"] == 0.25 and config["dataset"]["path"].endswith("moons.npz")


def test_backend_trains_the_trials_there_and_is_checked_first(workdir, capsys, monkeypatch):
    require("array_api_strict")
    from trainwell import backend as backend_module

    args = ["tune", "tune.toml", "--no-progress", "--json"]
    assert main([*args, "numpy.json"]) == 0
    assert main([*args, "strict.json", "--backend", "array_api_strict"]) == 0
    a, b = (
        json.loads((workdir / n).read_text())["result"]["trials"]
        for n in ("numpy.json", "strict.json")
    )
    assert [t["config"] for t in a] == [t["config"] for t in b]
    np.testing.assert_allclose([t["dev_score"] for t in b], [t["dev_score"] for t in a], rtol=1e-9)
    monkeypatch.delitem(backend_module._CACHE, "cupy", raising=False)
    monkeypatch.setitem(sys.modules, "cupy", None)  # as if CuPy were not installed
    capsys.readouterr()
    assert main([*args, "gpu.json", "--backend", "cupy"]) == 2
    assert "pip install 'trainwell[gpu]'" in capsys.readouterr().err
    assert not (workdir / "gpu.json").exists()


def test_a_journal_of_another_dataset_or_metric_is_refused(workdir, capsys):
    assert main(["tune", "tune.toml", "--journal", "j.jsonl", "--no-progress"]) == 0
    lines = (workdir / "j.jsonl").read_text().splitlines()
    other = CONFIG.replace('path = "moons.npz"', 'path = "moons.npz"\ndev_fraction = 0.5')
    for variant, what in [
        (other, "'data'"),
        (CONFIG.replace('metric = "neg_cost"', 'metric = "score"'), "'metric'"),
        (CONFIG.replace("epochs = 15", "epochs = 16"), "'fixed'"),
    ]:
        (workdir / "other.toml").write_text(variant)
        capsys.readouterr()
        assert main(["tune", "other.toml", "--journal", "j.jsonl", "--no-progress"]) == 2
        err = capsys.readouterr().err
        assert "written by a different search" in err and f"'objective' differs in {what}" in err
    assert (workdir / "j.jsonl").read_text().splitlines() == lines


def regression_csv(workdir):
    rng = np.random.RandomState(0)
    X = rng.randn(80, 2)
    y = np.round(3 * X[:, 0] + 10 + rng.randn(80))  # whole numbers, some of them once only
    np.savetxt(workdir / "reg.csv", np.column_stack([X, y]), delimiter=",")
    return y


def test_whole_number_regression_targets_need_task_regression(workdir, capsys):
    y = regression_csv(workdir)
    values, counts = np.unique(y, return_counts=True)
    assert counts.min() == 1
    space = "[space]\nlearning_rate={dist='log_uniform',low=1e-3,high=0.1}\n"
    auto = write(workdir, f"[dataset]\npath='reg.csv'\n[fixed]\nepochs=3\n{space}")
    assert main(["tune", auto, "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "whole numbers" in err and "task = 'regression'" in err, err
    text = f"[dataset]\npath='reg.csv'\ntask='regression'\n[fixed]\nepochs=3\n{space}"
    assert main(["tune", write(workdir, text), "--no-progress", "--json", "r.json"]) == 0
    trials = json.loads((workdir / "r.json").read_text())["result"]["trials"]
    assert all(t["status"] == "ok" for t in trials)
    X_tr, y_tr, X_dev, y_dev = load_dataset(
        {"path": str(workdir / "reg.csv"), "task": "regression"}
    )
    assert len(y_tr) == 60 and len(y_dev) == 20


def test_task_classification_encodes_any_labels(workdir, capsys):
    from sklearn.datasets import make_moons

    X, y = make_moons(120, noise=0.2, random_state=0)
    np.savez(workdir / "named.npz", X=X, y=np.where(y == 1, "upper", "lower"))
    np.savez(workdir / "shifted.npz", X=X, y=y + 1.0)  # labels 1 and 2
    space = "[space]\nlearning_rate={dist='log_uniform',low=1e-3,high=0.1}\n"
    for name, task in [
        ("named", "auto"),
        ("named", "classification"),
        ("shifted", "classification"),
    ]:
        text = f"[dataset]\npath='{name}.npz'\ntask='{task}'\n[fixed]\nepochs=3\n{space}"
        assert main(["tune", write(workdir, text), "--no-progress", "--json", "c.json"]) == 0
        result = json.loads((workdir / "c.json").read_text())["result"]
        assert all(t["status"] == "ok" and 0 <= t["dev_score"] <= 1 for t in result["trials"])
    text = f"[dataset]\npath='named.npz'\ntask='regresion'\n{space}"
    assert main(["tune", write(workdir, text), "--no-progress"]) == 2
    assert "The 'task' parameter of [dataset] must be one of" in capsys.readouterr().err
    text = f"[dataset]\npath='named.npz'\ntask='regression'\n{space}"
    assert main(["tune", write(workdir, text), "--no-progress"]) == 2
    assert "loss='mse' needs numeric targets" in capsys.readouterr().err


def test_output_paths_are_checked_before_any_trial(workdir, capsys):
    (workdir / "afile").write_text("x")
    assert main(["tune", "tune.toml", "--no-progress", "--out", "afile"]) == 2
    captured = capsys.readouterr()
    assert "--out 'afile' is a file" in captured.err and "Tuning on" not in captured.out
    assert main(["tune", "tune.toml", "--no-progress", "--json", str(workdir)]) == 2
    assert "--json" in capsys.readouterr().err


def test_dataset_files_get_errors_that_name_them(workdir):
    (workdir / "garbage.npz").write_text("garbage")
    np.save(workdir / "single.npy", np.zeros(3))
    (workdir / "single.npy").rename(workdir / "single.npz")
    (workdir / "bad.csv").write_text("1.0,2.0,0\n1.0,x,1\n")
    for name, message in [
        ("garbage.npz", r"garbage.npz' is not an .npz archive"),
        ("single.npz", r"single.npz' is not an .npz archive"),
        ("bad.csv", r"bad.csv.*line 2, column 2 holds 'x'"),
    ]:
        with pytest.raises(DataError, match=message):
            load_dataset({"path": str(workdir / name)})


def test_a_course_oriented_npz_is_transposed(workdir):
    X = np.random.RandomState(0).randn(40, 2)
    y = (X[:, 0] > 0).astype(int)
    np.savez(workdir / "course.npz", X=X.T, y=y[None, :])  # (features, examples), (1, m)
    X_tr, y_tr, X_dev, y_dev = load_dataset({"path": str(workdir / "course.npz")})
    assert X_tr.shape == (30, 2) and X_dev.shape == (10, 2) and y_tr.shape == (30,)
