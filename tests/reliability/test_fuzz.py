"""Fuzzing the public entry points with hypothesis: every outcome is a result or a clean
error (a trainwell exception, ValueError, TypeError, or OSError for files), never a raw
crash of another kind. Example counts stay small so the suite stays fast; the seeds are
derandomized, so a failure reproduces.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
import scipy.io
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability import cases as c
from trainwell.data import load_csv, load_mat, load_npz
from trainwell.exceptions import (
    CheckpointError,
    DataError,
    InvalidParameterError,
    NotFittedError,
    TrainingDiverged,
)
from trainwell.nn import BatchNorm, Dense, Dropout, Network
from trainwell.training import fit, load_checkpoint

# trainwell's own exceptions (subclasses of ValueError/TypeError/RuntimeError), and for
# files OSError (no such file, a folder) as well
CLEAN = (InvalidParameterError, DataError, NotFittedError, CheckpointError, TrainingDiverged)
CLEAN_FILES = (*CLEAN, OSError)
FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.lists(st.integers(-3, 3), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
units = st.one_of(st.integers(-2, 6), anything)
activation = st.one_of(
    st.sampled_from(["relu", "tanh", "sigmoid", "softmax", "linear", "leaky_relu"]), anything
)


@st.composite
def layer(draw):
    kind = draw(st.sampled_from(["dense", "dense", "dropout", "batchnorm", "other"]))
    if kind == "dense":
        return lambda: Dense(draw(units), draw(activation))
    if kind == "dropout":
        return lambda: Dropout(draw(st.one_of(st.floats(-1, 2), anything)))
    if kind == "batchnorm":
        return lambda: BatchNorm()
    value = draw(anything)
    return lambda: value


def _attempt(make, allowed=CLEAN):
    try:
        return make()
    except allowed:
        return None


@FUZZ
@given(
    st.lists(layer(), max_size=4),
    st.one_of(
        st.sampled_from(["binary_crossentropy", "mse", "categorical_crossentropy"]), anything
    ),
    st.one_of(st.floats(-1, 10), anything),
    st.one_of(st.integers(-1, 5), st.none(), anything),
)
def test_network_construction(layers, loss, l2, input_dim):
    def make():
        built = [make_layer() for make_layer in layers]
        return Network(built, loss=loss, l2=l2, input_dim=input_dim, random_state=0)

    net = _attempt(make)
    if net is not None and net.input_dim is not None:
        assert np.isfinite(net.theta).all()


@FUZZ
@given(
    epochs=st.one_of(st.integers(-1, 3), anything),
    batch_size=st.one_of(st.integers(-1, 30), st.sampled_from(["auto", "full"]), anything),
    learning_rate=st.one_of(st.floats(-1, 1e3), anything),
    optimizer=st.one_of(st.sampled_from(["gd", "momentum", "rmsprop", "adam"]), anything),
    y=st.one_of(
        st.just(c.Y),
        st.lists(st.one_of(st.integers(-1, 2), st.text(max_size=2)), min_size=24, max_size=24),
        anything,
    ),
)
def test_fit_arguments(epochs, batch_size, learning_rate, optimizer, y):
    net = c.small_net()

    def run():
        return fit(
            net,
            c.X,
            y,
            epochs=epochs,
            batch_size=batch_size,
            learning_rate=learning_rate,
            optimizer=optimizer,
            progress=False,
            random_state=0,
        )

    history = _attempt(run)
    if history is not None:  # epochs=0 trains nothing; otherwise one cost per epoch
        assert all(isinstance(cost, float) for cost in history.cost)


def _mutated(raw: bytes, data) -> bytes:
    """``raw`` with a few bytes changed, a slice cut out, or the tail dropped."""
    how = data.draw(st.sampled_from(["flip", "cut", "truncate"]))
    buf = bytearray(raw)
    if how == "truncate":
        return bytes(buf[: data.draw(st.integers(0, len(buf) - 1))])
    if how == "cut":
        start = data.draw(st.integers(0, len(buf) - 1))
        return bytes(buf[:start] + buf[start + data.draw(st.integers(1, 64)) :])
    for _ in range(data.draw(st.integers(1, 8))):
        buf[data.draw(st.integers(0, len(buf) - 1))] = data.draw(st.integers(0, 255))
    return bytes(buf)


def _with_entry(raw: bytes, key: str, value) -> bytes:
    """An .npz archive ``raw`` with entry ``key`` replaced by ``value`` (any JSON)."""
    with np.load(io.BytesIO(raw), allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    if isinstance(value, dict) and key in ("config", "history"):
        arrays[key] = np.array(json.dumps({**json.loads(str(arrays[key])), **value}))
    else:
        arrays[key] = np.asarray(value if value is not None else np.zeros(0))
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("saved")
    return {
        "model": c.model_file(tmp).read_bytes(),
        "checkpoint": c.checkpoint_file(tmp).read_bytes(),
    }


CONFIG_KEYS = ["layers", "loss", "l2", "l1", "dtype", "input_dim", "backend"]


@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")
@FUZZ
@given(kind=st.sampled_from(["model", "checkpoint"]), data=st.data())
def test_loading_mutated_files(saved, tmp_path, kind, data):
    raw = saved[kind]
    if data.draw(st.booleans()):
        raw = _mutated(raw, data)
    else:
        key = data.draw(
            st.sampled_from(
                ["config", "theta", "__format__", "__version__"]
                + (
                    ["epoch", "history", "fit_rng", "optimizer", "optimizer_t"]
                    if kind != "model"
                    else []
                )
            )
        )
        value = data.draw(anything)
        if key == "config" and data.draw(st.booleans()):
            value = {data.draw(st.sampled_from(CONFIG_KEYS)): data.draw(anything)}
        try:
            raw = _with_entry(raw, key, value)
        except (ValueError, TypeError, OverflowError):  # not storable without pickle
            return
    path = tmp_path / f"{kind}.npz"
    path.write_bytes(raw)
    load = Network.load if kind == "model" else load_checkpoint
    loaded = _attempt(lambda: load(path), CLEAN_FILES)
    if loaded is not None:
        net = loaded if kind == "model" else loaded.network
        assert np.isfinite(net.theta).all()


@pytest.fixture(scope="module")
def data_files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("data")
    csv = tmp / "d.csv"
    csv.write_text("a,b,label\n1,2,0\n3,4,1\n5,6,0\n")
    npz = tmp / "d.npz"
    np.savez(npz, X=np.ones((3, 2)), y=np.array([0, 1, 0]))
    mat = tmp / "d.mat"
    scipy.io.savemat(mat, {"X": np.ones((2, 3)), "y": [[0, 1, 0]]})
    matz = tmp / "dz.mat"
    scipy.io.savemat(matz, {"X": np.ones((2, 3)), "y": [[0, 1, 0]]}, do_compression=True)
    return {p.suffix + p.stem: p.read_bytes() for p in (csv, npz, mat, matz)}


@FUZZ
@given(name=st.sampled_from([".csvd", ".npzd", ".matd", ".matdz"]), data=st.data())
def test_data_loaders_on_mutated_files(data_files, tmp_path, name, data):
    raw = _mutated(data_files[name], data)
    suffix = name[: name.index("d", 1)]
    path = tmp_path / f"f{suffix}"
    path.write_bytes(raw)
    loader = {".csv": load_csv, ".npz": load_npz, ".mat": load_mat}[suffix]
    kwargs = {"X_test_key": None, "y_test_key": None} if suffix == ".mat" else {}
    if suffix == ".csv":
        kwargs = {"target": -1}
    dataset = _attempt(lambda: loader(path, **kwargs), CLEAN_FILES)
    if dataset is not None:
        assert np.isfinite(dataset.X_train).all()


def test_the_fuzzed_files_are_zip_archives(saved):
    """(the mutations start from real trainwell files)"""
    for raw in saved.values():
        assert zipfile.is_zipfile(io.BytesIO(raw))


def test_fuzz_settings_stay_modest():
    assert FUZZ.max_examples <= 50
    assert Path(__file__).stat().st_size < 20_000
