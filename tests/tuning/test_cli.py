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
    status = main(["tune", "tune.toml", "--json-out", "out.json", "--out", "plots"])
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
    assert main(["tune", "tune.toml", "--journal", "j.jsonl", "--json-out", "a.json"]) == 0
    assert len((workdir / "j.jsonl").read_text().splitlines()) == 9
    assert main(["tune", "tune.toml", "--journal", "j.jsonl", "--json-out", "b.json"]) == 0
    assert len((workdir / "j.jsonl").read_text().splitlines()) == 9
    a, b = (json.loads((workdir / n).read_text())["result"] for n in ("a.json", "b.json"))
    assert a["trials"] == b["trials"]


def test_two_workers_give_the_same_trials(workdir):
    assert main(["tune", "tune.toml", "--json-out", "one.json", "--no-progress"]) == 0
    assert (
        main(["tune", "tune.toml", "--workers", "2", "--json-out", "two.json", "--no-progress"])
        == 0
    )
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


def test_engine_trains_the_trials_there_and_is_checked_first(workdir, capsys, monkeypatch):
    require("array_api_strict")
    from trainwell import backend as backend_module

    args = ["tune", "tune.toml", "--no-progress", "--json-out"]
    assert main([*args, "numpy.json"]) == 0
    assert main([*args, "strict.json", "--engine", "array_api_strict"]) == 0
    a, b = (
        json.loads((workdir / n).read_text())["result"]["trials"]
        for n in ("numpy.json", "strict.json")
    )
    assert [t["config"] for t in a] == [t["config"] for t in b]
    np.testing.assert_allclose([t["dev_score"] for t in b], [t["dev_score"] for t in a], rtol=1e-9)
    monkeypatch.delitem(backend_module._CACHE, "cupy", raising=False)
    monkeypatch.setitem(sys.modules, "cupy", None)  # as if CuPy were not installed
    capsys.readouterr()
    assert main([*args, "gpu.json", "--engine", "cupy"]) == 2
    assert "pip install 'trainwell[gpu]'" in capsys.readouterr().err
    assert not (workdir / "gpu.json").exists()
    with pytest.warns(DeprecationWarning, match="--backend is deprecated.*--engine cupy"):
        assert main([*args, "gpu.json", "--backend", "cupy"]) == 2  # the old spelling
    assert "write --engine cupy" in capsys.readouterr().err


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
    assert main(["tune", write(workdir, text), "--no-progress", "--json-out", "r.json"]) == 0
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
        assert main(["tune", write(workdir, text), "--no-progress", "--json-out", "c.json"]) == 0
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
    assert main(["tune", "tune.toml", "--no-progress", "--json-out", str(workdir)]) == 2
    assert "--json-out" in capsys.readouterr().err


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


# --- schema, scheduler, output --------------------------------------------------------


def test_help_documents_every_toml_key_with_its_default(capsys):
    from trainwell.tuning.config import SCHEMA, toml_literal

    with pytest.raises(SystemExit):
        main(["tune", "--help"])
    out = capsys.readouterr().out
    for table, (_, keys) in SCHEMA.items():
        assert f"[{table}]" in out
        for key, default, _ in keys:
            assert any(
                line.split()[:2] == [key, toml_literal(default).split()[0]]
                for line in out.splitlines()
                if line.strip()
            ), key
    for flag in ("--workers", "--scheduler", "--journal", "--retry-failed", "--json", "--out"):
        assert flag in out


def test_docs_document_every_toml_key_with_its_default():
    from pathlib import Path

    from trainwell.tuning.config import SCHEMA, toml_literal

    docs = (Path(__file__).resolve().parents[2] / "docs" / "tuning.md").read_text()
    for table, (_, keys) in SCHEMA.items():
        assert f"[{table}]" in docs
        for key, default, _ in keys:
            assert f"| `{key}` | `{toml_literal(default)}` |" in docs, key


@pytest.mark.parametrize(
    ("section", "key", "hint"),
    [("search", "n_trails = 3", "did you mean 'n_trials'?"),
     ("fixed", "epoch = 3", "did you mean 'epochs'?"),
     ("search", "prunner = 'asha'", "did you mean 'pruner'?")],
)  # fmt: skip
def test_unknown_keys_get_did_you_mean(workdir, capsys, section, key, hint):
    text = CONFIG.replace(f"[{section}]\n", f"[{section}]\n{key}\n")
    path = write(workdir, text)
    assert main(["tune", path, "--no-progress"]) == 2
    assert hint in capsys.readouterr().err


def test_pruner_options_must_match_the_pruner(workdir, capsys):
    path = write(workdir, CONFIG.replace("[search]\n", "[search]\nmin_trials = 3\n"))
    assert main(["tune", path, "--no-progress"]) == 2
    assert "apply to pruner = 'median'" in capsys.readouterr().err


def test_a_garbage_scheduler_fails_at_once_from_every_source(workdir, capsys, monkeypatch):
    assert main(["tune", "tune.toml", "--scheduler", "garbage"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--scheduler must be a Dask scheduler address" in err
    path = write(workdir, CONFIG.replace("[search]\n", "[search]\nscheduler = 'nope'\n"))
    assert main(["tune", path]) == 2
    assert "[search] scheduler in bad.toml must be" in capsys.readouterr().err
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "also garbage")
    assert main(["tune", "tune.toml"]) == 2
    assert "DASK_SCHEDULER_ADDRESS must be" in capsys.readouterr().err
    # a flag beats the environment: local workers, no scheduler needed
    assert main(["tune", "tune.toml", "--workers", "1", "--no-progress"]) == 0
    assert "1 local worker(s)" in capsys.readouterr().out


def test_the_toml_scheduler_beats_the_environment(workdir, monkeypatch):
    from types import SimpleNamespace

    from trainwell.tuning.cli import resolve_scheduler

    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://127.0.0.1:1")
    args = SimpleNamespace(scheduler=None, workers=None)
    assert resolve_scheduler(args, {"scheduler": "tcp://127.0.0.1:2"}) == (
        "tcp://127.0.0.1:2",
        "[search] scheduler",
    )
    assert resolve_scheduler(args, {"scheduler": None})[1] == "DASK_SCHEDULER_ADDRESS"
    args.scheduler = "tcp://127.0.0.1:3"
    assert resolve_scheduler(args, {"scheduler": "tcp://127.0.0.1:2"})[0] == "tcp://127.0.0.1:3"


def test_an_unreachable_scheduler_fails_with_one_message(workdir, capsys):
    require("distributed")
    assert main(["tune", "tune.toml", "--scheduler", "tcp://127.0.0.1:9", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "Could not reach a Dask scheduler at 'tcp://127.0.0.1:9'" in err
    assert "Traceback" not in err


def test_a_non_journal_file_is_refused_before_any_work(workdir, capsys):
    (workdir / "notes.txt").write_text("do not lose me")
    assert main(["tune", "tune.toml", "--journal", "notes.txt", "--no-progress"]) == 2
    captured = capsys.readouterr()
    assert "is not a trainwell journal" in captured.err and "Tuning on" not in captured.out
    assert (workdir / "notes.txt").read_text() == "do not lose me"


def test_output_numbers_rounds_from_1_and_says_what_it_reused(workdir, capsys):
    assert main(["tune", "tune.toml", "--journal", "j.jsonl", "--no-progress"]) == 0
    first = capsys.readouterr().out
    assert "--json" not in first and "Reused" not in first
    rounds = {line.split()[1] for line in first.splitlines()[3:11] if line.strip()}
    assert rounds == {"1", "2"}, first
    assert main(["tune", "tune.toml", "--journal", "j.jsonl", "--json", "r.json"]) == 0
    assert "Reused 8 trials from the journal j.jsonl; ran 0." in capsys.readouterr().out
    data = json.loads((workdir / "r.json").read_text())
    assert data["config"] == str((workdir / "tune.toml").resolve())


def test_a_log_gets_progress_lines_when_stdout_is_not_a_terminal(workdir, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    assert main(["tune", "tune.toml"]) == 0
    assert "tune: 8/8 trials done, 0 running, 0 failed, 0 pruned" in capsys.readouterr().out


def test_asha_from_the_toml_prunes_trials(workdir, capsys):
    text = CONFIG.replace(
        "[search]\n", "[search]\npruner = 'asha'\nmin_epochs = 1\nreduction_factor = 2\n"
    ).replace("n_trials = 4", "n_trials = 8")
    path = write(workdir, text)
    assert main(["tune", path, "--no-progress", "--json-out", "r.json"]) == 0
    trials = json.loads((workdir / "r.json").read_text())["result"]["trials"]
    assert any(t["status"] == "pruned" for t in trials)
    assert all(t["host"] and t["worker"] == "main" for t in trials)


def test_a_journal_held_by_another_search_is_one_clear_error(workdir, capsys):
    from trainwell.tuning import Journal

    holder = Journal(workdir / "j.jsonl").lock()  # as another search would hold it
    try:
        assert main(["tune", "tune.toml", "--journal", "j.jsonl", "--no-progress"]) == 2
    finally:
        holder.unlock()
    captured = capsys.readouterr()
    assert "is in use by another search" in captured.err and "Tuning on" not in captured.out


def test_json_prints_the_results_on_stdout_and_the_text_on_stderr(workdir, capsys):
    assert main(["tune", "tune.toml", "--no-progress", "--json"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)  # stdout holds the JSON alone
    assert data["config"] == str((workdir / "tune.toml").resolve())
    assert data["result"]["trials"] and "Best dev score" in err


def test_the_old_json_path_spelling_still_writes_the_file_with_a_note(workdir, capsys):
    assert main(["tune", "tune.toml", "--no-progress", "--json", "old.json"]) == 0
    assert "--json PATH is deprecated" in capsys.readouterr().err
    assert json.loads((workdir / "old.json").read_text())["result"]["trials"]
