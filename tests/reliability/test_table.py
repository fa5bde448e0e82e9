"""Bad and hostile inputs, one row each: what goes in, and what must come out.

Each row of :data:`CASES` is ``Case(id, run, raises, match, check)``: ``run(tmp_path)``
builds the input (files go under ``tmp_path``) and calls one public entry point; the
call must raise ``raises`` with a message matching ``match``, or (``raises=None``)
return a value that ``check`` accepts. ``after`` (optional) is checked either way: that
nothing was imported, no global state touched, no file lost. To add a case, add a row.

The sections follow issue 17: security (nothing read from a file is imported, called or
unpickled), data loss (nothing trainwell did not write is overwritten), silently wrong
results, raw tracebacks, and a crash of the process itself.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse
from scipy.special import expit

from tests.reliability import cases as c
from trainwell import gradient_check
from trainwell.data import Standardizer, load_csv, load_mat, load_npz
from trainwell.exceptions import (
    CheckpointError,
    DataError,
    InvalidParameterError,
    NotFittedError,
)
from trainwell.nn import Dense, Network
from trainwell.training import Checkpoint, fit, load_checkpoint


@dataclass(frozen=True)
class Case:
    id: str
    run: Callable[[Path], Any]
    raises: type[BaseException] | None = None
    match: str = ""
    check: Callable[[Any], bool] | None = None
    after: Callable[[Path], bool] | None = None


def _unimported(module: str, run: Callable[[Path], Any]) -> Callable[[Path], Any]:
    def wrapped(tmp: Path) -> Any:
        sys.modules.pop(module, None)
        return run(tmp)

    return wrapped


def _not_imported(module: str) -> Callable[[Path], bool]:
    return lambda tmp: module not in sys.modules


_GLOBAL_RNG: list[Any] = []


def _remember_global_rng(run: Callable[[Path], Any]) -> Callable[[Path], Any]:
    def wrapped(tmp: Path) -> Any:
        np.random.seed(1234)
        _GLOBAL_RNG[:] = [np.random.get_state()[1].copy()]
        return run(tmp)

    return wrapped


def _global_rng_untouched(tmp: Path) -> bool:
    return np.array_equal(np.random.get_state()[1], _GLOBAL_RNG[0])


def _foreign(tmp: Path, name: str, content: bytes = b"a user's own file\n") -> Path:
    path = tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def _unchanged(name: str, content: bytes = b"a user's own file\n") -> Callable[[Path], bool]:
    return lambda tmp: (tmp / name).read_bytes() == content


def _reproduce(tmp: Path, **kw: Any) -> int:
    from trainwell.course.runner import run_reproduce

    args = {"only": "bias_variance", "list": False, "out": str(tmp / "report"), "data": None}
    args.update({"json": False, "json_out": None, "no_progress": True, "engine": "numpy", **kw})
    return run_reproduce(argparse.Namespace(**args))


def _saved_and_loaded_predictions(tmp: Path) -> tuple[np.ndarray, np.ndarray]:
    scaler = Standardizer().fit(c.X * [1, 1000] + 50)
    net = c.small_net()
    fit(net, scaler.transform(c.X * [1, 1000] + 50), c.Y, epochs=3, progress=False)
    net.save(tmp / "m.npz", standardizer=scaler)
    raw = c.X * [1, 1000] + 50
    return Network.load(tmp / "m.npz").predict_proba(raw), net.predict_proba(scaler.transform(raw))


def _proba_at(z: float) -> np.ndarray:
    net = Network([Dense(1, "sigmoid")], input_dim=1)
    net.set_parameters({"W1": [[1.0]], "b1": [0.0]})
    return net.predict_proba(np.array([[z]]))[0]


def _stale_tmp_then_save(tmp: Path) -> Path:
    _foreign(tmp, f".model.npz.{c.dead_pid()}.0123abcd.tmp", b"half a model")
    c.trained_net().save(tmp / "model.npz")
    return tmp


def _masked_X() -> np.ma.MaskedArray:
    return np.ma.masked_array(c.X, mask=np.arange(c.X.size).reshape(c.X.shape) == 0)


SECURITY = [
    Case(
        "model file engine 'this' imports nothing",
        _unimported("this", lambda tmp: Network.load(c.model_file(tmp, config={"engine": "this"}))),
        CheckpointError,
        "nothing was imported",
        after=_not_imported("this"),
    ),
    Case(
        "old model file (backend only) 'this' imports nothing",
        _unimported(
            "this",
            lambda tmp: Network.load(c.model_file(tmp, config={"engine": None, "backend": "this"})),
        ),
        CheckpointError,
        "nothing was imported",
        after=_not_imported("this"),
    ),
    Case(
        "checkpoint engine 'json' imports nothing",
        _unimported(
            "json.tool",
            lambda tmp: load_checkpoint(c.checkpoint_file(tmp, config={"engine": "json.tool"})),
        ),
        CheckpointError,
        "nothing was imported",
        after=_not_imported("json.tool"),
    ),
    Case(
        "load_checkpoint(engine='this')",
        _unimported("this", lambda tmp: load_checkpoint(c.checkpoint_file(tmp), engine="this")),
        InvalidParameterError,
        "nothing was imported",
        after=_not_imported("this"),
    ),
    Case(
        "Network(engine='antigravity')",
        lambda tmp: Network([Dense(1, "sigmoid")], engine="antigravity"),
        InvalidParameterError,
        "'numba', 'cupy'",
        after=_not_imported("antigravity"),
    ),
    Case(
        "trainwell reproduce --engine this",
        _unimported("this", lambda tmp: _reproduce(tmp, engine="this")),
        InvalidParameterError,
        "nothing was imported",
        after=_not_imported("this"),
    ),
    Case(
        "checkpoint fit_rng bit_generator 'seed' calls nothing",
        _remember_global_rng(
            lambda tmp: load_checkpoint(c.checkpoint_file(tmp, fit_rng=c.fit_rng_state("seed")))
        ),
        CheckpointError,
        "'bit_generator' must be one of",
        after=_global_rng_untouched,
    ),
    Case(
        "checkpoint network_rng bit_generator '__class__'",
        lambda tmp: load_checkpoint(
            c.checkpoint_file(tmp, network_rng=c.fit_rng_state("__class__"))
        ),
        CheckpointError,
        "'bit_generator' must be one of",
    ),
    Case(
        "model file layer type 'eval'",
        lambda tmp: Network.load(c.model_file(tmp, config={"layers": [{"type": "eval"}]})),
        CheckpointError,
        "Unknown layer type 'eval'",
    ),
    Case(
        "model file preprocessing kind 'os.system'",
        lambda tmp: Network.load(
            c.model_file(
                tmp,
                **{
                    "preprocessing:kind": np.array("os.system"),
                    "preprocessing:mean": np.zeros(2),
                    "preprocessing:scale": np.ones(2),
                },
            )
        ),
        CheckpointError,
        "must be one of 'standardize'",
    ),
    Case(
        "pickled theta in a model file",
        lambda tmp: Network.load(c.model_file(tmp, theta=c.object_array())),
        CheckpointError,
        "not a readable trainwell file",
    ),
    Case(
        "pickled optimizer state in a checkpoint",
        lambda tmp: load_checkpoint(c.checkpoint_file(tmp, **{"optstate:v": c.object_array()})),
        CheckpointError,
        "not a readable trainwell file",
    ),
    Case(
        "pickled X in a data .npz",
        lambda tmp: load_npz(c.pickled_npz(tmp / "d.npz", X=c.object_array(), y=np.zeros(2))),
        DataError,
        "pickle",
    ),
]

DATA_LOSS = [
    Case(
        "Network.save over a user's data .npz",
        lambda tmp: c.trained_net().save(c.pickled_npz(tmp / "data.npz", X=np.ones(3))),
        FileExistsError,
        "trainwell did not write it",
        after=lambda tmp: np.load(tmp / "data.npz")["X"].tolist() == [1, 1, 1],
    ),
    Case(
        "Network.save over its own earlier file",
        lambda tmp: (
            c.trained_net().save(tmp / "m.npz"),
            c.small_net(input_dim=2).save(tmp / "m.npz"),
        ),
        check=lambda out: True,
    ),
    Case(
        "Checkpoint over a user's file",
        lambda tmp: fit(
            c.small_net(),
            c.X,
            c.Y,
            epochs=1,
            progress=False,
            callbacks=[Checkpoint(_foreign(tmp, "run.npz"))],
        ),
        FileExistsError,
        "trainwell did not write it",
        after=_unchanged("run.npz"),
    ),
    Case(
        "reproduce --out holding a user's index.html",
        lambda tmp: (_foreign(tmp, "report/index.html"), _reproduce(tmp)),
        FileExistsError,
        "index.html' exists and trainwell did not write it",
        after=_unchanged("report/index.html"),
    ),
    Case(
        "reproduce --json-out over a user's file",
        lambda tmp: (
            _foreign(tmp, "notes.json", b'{"mine": 1}'),
            _reproduce(tmp, json_out=str(tmp / "notes.json")),
        ),
        FileExistsError,
        "--json-out .*notes.json' exists",
        after=_unchanged("notes.json", b'{"mine": 1}'),
    ),
    Case(
        "a killed writer's temporary is removed at the next save",
        _stale_tmp_then_save,
        check=lambda tmp: sorted(p.name for p in tmp.iterdir()) == ["model.npz"],
    ),
]

SILENTLY_WRONG = [
    Case(
        "Standardizer on data x 1e300",
        lambda tmp: Standardizer().fit_transform(c.X * 1e300) - Standardizer().fit_transform(c.X),
        check=lambda diff: np.abs(diff).max() < 1e-12,
    ),
    Case(
        "Standardizer on data x 1e155",
        lambda tmp: Standardizer().fit(c.X * 1e155).scale_ / Standardizer().fit(c.X).scale_,
        check=lambda ratio: np.allclose(ratio, 1e155, rtol=1e-12),
    ),
    Case(
        "score with string labels",
        lambda tmp: c.trained_net().score(c.X, np.where(c.Y == 1, "yes", "no")),
        DataError,
        "numeric labels",
    ),
    Case(
        "predict on an unbuilt network",
        lambda tmp: c.small_net().predict(c.X),
        NotFittedError,
        "not even built",
    ),
    Case(
        "load a model with NaN in theta",
        lambda tmp: Network.load(c.model_file(tmp, theta=np.full(13, np.nan))),
        CheckpointError,
        "non-finite",
    ),
    Case("masked X", lambda tmp: c.trained_net().predict(_masked_X()), DataError, "masked value"),
    Case(
        "masked y",
        lambda tmp: fit(
            c.small_net(), c.X, np.ma.masked_array(c.Y, mask=c.Y == 0), epochs=1, progress=False
        ),
        DataError,
        "masked value",
    ),
    Case(
        "checkpoint with a negative epoch",
        lambda tmp: load_checkpoint(c.checkpoint_file(tmp, epoch=np.array(-3))),
        CheckpointError,
        "'epoch' must be a non-negative integer",
    ),
    Case(
        "sigmoid's lower tail: predict_proba at z = -50",
        lambda tmp: _proba_at(-50.0),
        check=lambda p: p[1] > 0 and np.isclose(p[1], expit(-50.0), rtol=1e-15, atol=0),
    ),
    Case(
        "sigmoid's upper tail: class 0 at z = 50",
        lambda tmp: _proba_at(50.0),
        check=lambda p: p[0] > 0 and np.isfinite(np.log(p)).all(),
    ),
    Case(
        "a model saved with its standardizer predicts the same when loaded",
        _saved_and_loaded_predictions,
        check=lambda pair: np.array_equal(*pair),
    ),
]

TRACEBACKS = [
    Case(
        "gradient_check(fn, {})",
        lambda tmp: gradient_check(lambda p: (0.0, {}), {}),
        InvalidParameterError,
        "non-empty dict",
    ),
    Case(
        "Network(Dense(1))",
        lambda tmp: Network(Dense(1, "sigmoid")),
        InvalidParameterError,
        r"Write Network\(\[Dense",
    ),
    Case(
        "labels mixing ints and strings",
        lambda tmp: fit(c.small_net(), c.X, [0, "a"] * 12, epochs=1, progress=False),
        DataError,
        "mixes numbers and strings",
    ),
    Case(
        "Dense(10**12) says how much memory",
        lambda tmp: Network([Dense(10**12, "sigmoid")], input_dim=3),
        InvalidParameterError,
        r"need 58\.2 TiB",
    ),
    Case(
        "a corrupt checkpoint history",
        lambda tmp: load_checkpoint(c.checkpoint_file(tmp, history=np.array('{"cost": [0.69, '))),
        CheckpointError,
        "not a valid checkpoint",
    ),
    Case(
        "scipy sparse X",
        lambda tmp: fit(c.small_net(), scipy.sparse.csr_matrix(c.X), c.Y, epochs=1, progress=False),
        DataError,
        "sparse matrix",
    ),
    Case(
        "an unreadable .mat",
        lambda tmp: load_mat(_foreign(tmp, "d.mat", b"MATLAB 5.0 MAT-file" + bytes(200))),
        DataError,
        "d.mat' could not be read as a MATLAB .mat file",
    ),
    Case(
        "a directory passed as a data file",
        lambda tmp: load_csv(tmp),
        IsADirectoryError,
        "is a folder, not a data file",
    ),
]


def _load_mat_in_a_child(tmp: Path) -> subprocess.CompletedProcess:
    """load_mat of the crafted file in a child process: a crash (SIGSEGV, exit -11) fails
    the case instead of killing the test run."""
    code = (
        "import sys\nfrom trainwell.data import load_mat\n"
        "try:\n    load_mat(sys.argv[1])\nexcept Exception as e:\n"
        "    print(type(e).__name__, e)\n"
    )
    path = c.crafted_mat(tmp / "crafted.mat")
    return subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120
    )


def _reproduce_data_in_a_child(tmp: Path) -> subprocess.CompletedProcess:
    """``trainwell reproduce --data crafted.mat`` in a child process (see above)."""
    code = "import sys\nfrom trainwell.cli import main\nsys.exit(main(sys.argv[1:]))"
    path = c.crafted_mat(tmp / "crafted.mat")
    args = ["reproduce", "--only", "regularization", "--data", str(path), "--out", str(tmp)]
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300
    )


CRASHES = [
    Case(
        "trainwell reproduce --data with the crafted .mat: a message, before any work",
        _reproduce_data_in_a_child,
        check=lambda run: (
            run.returncode == 2
            and "crafted.mat' could not be read as a MATLAB .mat file" in run.stderr
            and "Traceback" not in run.stderr
        ),
    ),
    Case(
        "a .mat whose data element has type code 0 (scipy: SIGSEGV)",
        _load_mat_in_a_child,
        check=lambda run: (
            run.returncode == 0
            and re.match(r"DataError .*crafted.mat' could not be read .*data type 0", run.stdout)
        ),
    ),
]

CASES = SECURITY + DATA_LOSS + SILENTLY_WRONG + TRACEBACKS + CRASHES


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(case: Case, tmp_path: Path) -> None:
    if case.raises is None:
        out = case.run(tmp_path)
        assert case.check is not None and case.check(out), out
    else:
        with pytest.raises(case.raises, match=case.match):
            case.run(tmp_path)
    if case.after is not None:
        assert case.after(tmp_path)


def test_every_case_has_a_unique_id_and_an_expectation() -> None:
    assert len({case.id for case in CASES}) == len(CASES)
    assert all(case.raises is not None or case.check is not None for case in CASES)


def test_the_cli_turns_the_refusals_into_one_line_and_status_2(tmp_path, capsys) -> None:
    from trainwell.cli import main

    (tmp_path / "index.html").write_text("mine")
    assert main(["reproduce", "--only", "bias_variance", "--out", str(tmp_path)]) == 2
    assert main(["reproduce", "--engine", "this", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "index.html' exists and trainwell did not write it" in err
    assert "nothing was imported" in err and "Traceback" not in err
