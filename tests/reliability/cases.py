"""How the reliability cases build their inputs: small saved models, checkpoints and
files with one thing changed. Everything is generated under the test's tmp_path."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path
from typing import Any

import numpy as np
import scipy.io

from trainwell.nn import Dense, Network
from trainwell.training import Checkpoint, fit

X = np.random.RandomState(0).randn(24, 2)
Y = (X[:, 0] + X[:, 1] > 0).astype(int)


def small_net(**kw: Any) -> Network:
    return Network([Dense(3, "tanh"), Dense(1, "sigmoid")], random_state=0, **kw)


def trained_net() -> Network:
    net = small_net()
    fit(net, X, Y, epochs=3, learning_rate=0.1, progress=False, random_state=0)
    return net


def rewrite(path: Path, changes: dict[str, Any]) -> Path:
    """``path`` (an .npz) with entries replaced (``None`` removes one); dict values of
    ``"config"`` and ``"history"`` update the JSON inside."""
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    for key, value in changes.items():
        if value is None:
            arrays.pop(key)
        elif isinstance(value, dict) and key in ("config", "history"):
            arrays[key] = np.array(json.dumps({**json.loads(str(arrays[key])), **value}))
        else:
            arrays[key] = value
    with open(path, "wb") as fh:  # np.savez to a path would append .npz
        np.savez(fh, **arrays)
    return path


def model_file(tmp: Path, **changes: Any) -> Path:
    path = tmp / "model.npz"
    trained_net().save(path)
    return rewrite(path, changes)


def checkpoint_file(tmp: Path, **changes: Any) -> Path:
    path = tmp / "run.npz"
    fit(
        small_net(),
        X,
        Y,
        epochs=2,
        optimizer="adam",
        learning_rate=0.01,
        batch_size=8,
        random_state=np.random.default_rng(0),
        callbacks=[Checkpoint(path)],
        progress=False,
    )
    return rewrite(path, changes)


def fit_rng_state(bit_generator: str) -> np.ndarray:
    state = {"bit_generator": bit_generator, "state": {"state": 1, "inc": 1}}
    return np.array(json.dumps({"kind": "Generator", "state": state}))


def object_array() -> np.ndarray:
    """An array np.save would pickle (what a hostile file carries)."""
    return np.array([{"__reduce__": "os.system"}, None], dtype=object)


def pickled_npz(path: Path, **arrays: Any) -> Path:
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)  # allow_pickle defaults to True when writing
    return path


def crafted_mat(path: Path, type_code: int = 0) -> Path:
    """A MAT v5 file whose matrix data element has type ``type_code`` (0 crashed scipy)."""
    scipy.io.savemat(path, {"X": np.arange(6.0).reshape(2, 3), "y": [[1, 0, 1]]})
    data = bytearray(path.read_bytes())
    assert struct.unpack("<I", data[176:180])[0] == 9
    data[176:180] = struct.pack("<I", type_code)
    path.write_bytes(bytes(data))
    return path


def dead_pid() -> int:
    """A process id that no running process has."""
    pid = 2**22 + 12345
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid += 1
