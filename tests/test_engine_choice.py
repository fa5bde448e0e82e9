"""engine=: one argument for where and how a network trains (Network, fit, Trainer, files)."""

import json
import warnings

import numpy as np
import pytest

from trainwell.backend import get_backend
from trainwell.engine_choice import ENGINES, engine_from_backend, parse_engine
from trainwell.exceptions import InvalidParameterError
from trainwell.nn import Dense, Network
from trainwell.training import Trainer, fit

from .conftest import require

X = np.random.RandomState(0).randn(40, 2)
Y = (X[:, 0] * X[:, 1] > 0).astype(int)


def _net(**kw):
    return Network([Dense(4, "tanh"), Dense(1, "sigmoid")], random_state=1, input_dim=2, **kw)


@pytest.mark.parametrize("name", ["auto", "numpy", "numba", "AUTO", " numba "])
def test_host_engines_train_on_numpy_arrays(name):
    assert parse_engine(name) == (name.strip().lower(), "numpy")
    net = _net(engine=name)
    assert net.engine == name.strip().lower() and net.backend.is_numpy


def test_device_engines_and_modules():
    require("array_api_strict")
    import array_api_strict

    assert parse_engine("array_api_strict") == ("array_api_strict", "array_api_strict")
    assert parse_engine(array_api_strict)[0] == "array_api_strict"
    assert parse_engine(np) == ("numpy", "numpy")
    net = _net(engine="array_api_strict")
    assert net.engine == net.backend.name == "array_api_strict"


@pytest.mark.parametrize("bad", ["tpu", "numpy2", 3, None, ["numpy"]])
def test_a_bad_engine_is_named_and_imports_nothing(bad):
    with pytest.raises(InvalidParameterError, match="'engine' parameter of Network must be"):
        _net(engine=bad)
    for name in ENGINES:
        assert isinstance(name, str)


def test_engine_from_backend_keeps_what_backend_meant():
    assert engine_from_backend("numpy") == engine_from_backend(None) == "auto"
    assert engine_from_backend(np) == "auto"
    assert engine_from_backend(get_backend("numpy")) == "auto"
    assert engine_from_backend("cupy") == "cupy"


def test_network_backend_is_deprecated_and_means_the_same():
    with pytest.warns(DeprecationWarning, match=r"Network\(backend=\.\.\.\) is deprecated.*"
                      r"Network\(engine='auto'\)"):  # fmt: skip
        old = _net(backend="numpy")
    new = _net()
    assert old.engine == "auto" and old.get_config() == new.get_config()
    np.testing.assert_array_equal(old.theta, new.theta)
    with (
        pytest.warns(DeprecationWarning),
        pytest.raises(InvalidParameterError, match="Give engine only"),
    ):
        _net(backend="numpy", engine="numba")


def test_the_engine_is_saved_in_the_model_file_and_old_files_load(tmp_path):
    net = _net(engine="numba")
    assert net.get_config()["engine"] == "numba" and net.get_config()["backend"] == "numpy"
    net.save(tmp_path / "m.npz")
    back = Network.load(tmp_path / "m.npz")
    assert back.engine == "numba"
    np.testing.assert_array_equal(back.theta, net.theta)
    assert Network.load(tmp_path / "m.npz", engine="numpy").engine == "numpy"
    with pytest.warns(DeprecationWarning, match=r"Network.load\(engine='auto'\)"):
        assert Network.load(tmp_path / "m.npz", backend="numpy").engine == "auto"
    # a file written before engine= existed: its config has "backend" only
    with np.load(tmp_path / "m.npz", allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    config = json.loads(str(arrays["config"]))
    del config["engine"]
    arrays["config"] = np.array(json.dumps(config))
    with open(tmp_path / "old.npz", "wb") as fh:
        np.savez(fh, **arrays)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an old file is no deprecated call
        old = Network.load(tmp_path / "old.npz")
    assert old.engine == "auto" and old.backend.is_numpy
    np.testing.assert_array_equal(old.theta, net.theta)


def test_a_pickled_network_of_before_gets_its_engine():
    net = _net()
    state = net.__getstate__()
    del state["engine"]
    other = Network.__new__(Network)
    other.__setstate__(state)
    assert other.engine == "auto"


@pytest.mark.filterwarnings("ignore::trainwell.exceptions.ConvergenceWarning")
def test_fit_trains_on_the_network_engine_by_default():
    kw = dict(optimizer="adam", learning_rate=0.05, epochs=30, batch_size=8, progress=False)
    a, b, c = _net(engine="numpy"), _net(), _net(engine="numba")
    fit(a, X, Y, random_state=0, **kw)
    fit(b, X, Y, random_state=0, engine="numpy", **kw)  # explicit: chooses how steps run
    np.testing.assert_array_equal(a.theta, b.theta)
    assert Trainer(c, X, Y).runner.kind == "numba"
    assert Trainer(_net(engine="numpy"), X, Y).runner.kind == "numpy"
    assert Trainer(_net(engine="numpy"), X, Y, engine="numba").runner.kind == "numba"


def test_an_engine_on_other_arrays_than_the_network_is_refused():
    require("array_api_strict")
    refused = r"'engine' parameter of fit is 'array_api_strict'.*Network\(\.\.\., engine="
    with pytest.raises(InvalidParameterError, match=refused):
        fit(_net(), X, Y, engine="array_api_strict", progress=False)
    with pytest.raises(InvalidParameterError, match="'engine' parameter of Trainer is"):
        Trainer(_net(), X, Y, engine="array_api_strict")
    dev = _net(engine="array_api_strict")
    assert Trainer(dev, X, Y, engine="array_api_strict").runner.kind == "device"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "auto" lets any network choose: no warning
        assert Trainer(dev, X, Y, engine="auto").runner.kind == "device"
    # before Network(engine=), fit(engine="numpy") on a device network was ignored: still
    # is, for one release, with a warning
    with pytest.warns(DeprecationWarning, match=r"fit\(engine='numpy'\) on a network whose"):
        fit(dev, X, Y, engine="numpy", epochs=2, progress=False)
