"""Saving and loading networks: one .npz file, no pickle, written atomically.

Layout of the file: ``__format__`` (the string ``trainwell-network``), ``__version__``,
``config`` (JSON of :meth:`Network.get_config`), ``theta`` (the flat parameters) and
``buffer:NAME`` arrays (batch norm's running statistics), plus any ``extra:NAME`` arrays
a caller adds (a checkpoint's optimizer state), and ``preprocessing:kind``,
``preprocessing:mean``, ``preprocessing:scale`` (a standardizer saved with the model, see
:mod:`trainwell.nn.inputs`). Every string in the file is checked against an allow-list
(layer types, activations, losses, backends, preprocessing kinds) and never imported or
called; parameters must be finite floats. Everything loads with
``numpy.load(allow_pickle=False)``.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from .._files import atomic_writer, refuse_foreign
from ..backend import backend_of
from ..engine_choice import parse_engine
from ..exceptions import CheckpointError
from .inputs import InputTransform

#: What zipfile raises for a damaged archive besides BadZipFile (flags flipped by
#: corruption: "encrypted", "unsupported compression"; a broken deflate stream).
_ZIP_ERRORS = (zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error)

FORMAT = "trainwell-network"
VERSION = 1

__all__ = [
    "is_trainwell_file",
    "load_network",
    "npz_path",
    "read_npz",
    "save_network",
    "write_npz_atomic",
]


def npz_path(path: Any) -> Path:
    """``path`` with ``.npz`` appended unless it already ends so: the one naming rule of
    every writer and reader (``model.v2`` is ``model.v2.npz``, never ``model.npz``).

    Examples
    --------
    >>> npz_path("model.v2").name, npz_path("run").name, npz_path("a.npz").name
    ('model.v2.npz', 'run.npz', 'a.npz')
    """
    path = Path(path)
    return path if path.suffix == ".npz" else path.with_name(path.name + ".npz")


def write_npz_atomic(path: Any, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` to ``path`` through a temporary file and a rename, so a crash
    mid-write never leaves a half-written file where a good one was. An existing file
    that trainwell did not write (a user's data .npz, say) is never replaced:
    ``FileExistsError``. Arrays of other
    backends (a GPU network's parameters, an optimizer's state) are copied to the host."""
    arrays = {k: v if isinstance(v, np.ndarray) else _host(v) for k, v in arrays.items()}
    target = npz_path(path)
    refuse_foreign(target, "saving to", is_trainwell_file)
    with atomic_writer(target) as fh:
        np.savez(fh, **arrays)


def is_trainwell_file(path: Any) -> bool:
    """Whether ``path`` is a file trainwell wrote (a saved network or a checkpoint): the
    only kind of existing file a save may replace.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> np.savez(folder / "data.npz", X=np.zeros(3))
    >>> is_trainwell_file(folder / "data.npz")
    False
    """
    try:
        with open(path, "rb") as fh:
            if fh.read(4) != b"PK\x03\x04":
                return False
        with np.load(path, allow_pickle=False) as data:
            if "__format__" not in data.files:
                return False
            tag = data["__format__"]
    except (*_ZIP_ERRORS, OSError, ValueError, EOFError):
        return False
    return tag.shape == () and str(tag).startswith("trainwell-")


def _host(value: Any) -> Any:
    """A device array as a NumPy array; anything else (a Python scalar) as it is."""
    if isinstance(value, (int, float, str, bool, np.generic)):
        return value
    return backend_of(value).to_numpy(value)


def read_npz(path: Any, expected_format: str = FORMAT) -> dict[str, np.ndarray]:
    """Read a trainwell .npz file fully, turning every failure into a clear error."""
    path = Path(path)
    if not path.exists() and npz_path(path).exists():  # saved as "model" -> model.npz
        path = npz_path(path)
    if not path.exists():
        raise FileNotFoundError(f"No such file: {str(path)!r}")
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head != b"PK\x03\x04":  # not a zip archive (NumPy would suggest unpickling it)
        raise CheckpointError(
            f"{str(path)!r} is not a trainwell file: trainwell writes .npz (zip) archives, "
            f"and this file starts with {head!r}, not the zip signature (corrupted, or "
            "another kind of file?)."
        )
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (*_ZIP_ERRORS, EOFError, OSError, ValueError) as exc:
        raise CheckpointError(
            f"{str(path)!r} is not a readable trainwell file (truncated or corrupted?): {exc}"
        ) from exc
    tag = arrays.get("__format__", np.array(""))
    fmt = str(tag) if tag.shape == () and tag.dtype.kind == "U" else repr(tag)[:80]
    if fmt != expected_format:
        raise CheckpointError(
            f"{str(path)!r} is not a {expected_format} file "
            f"(its format tag is {fmt or 'missing'!r})."
        )
    tag = arrays.get("__version__", np.array(-1))
    if tag.shape != () or tag.dtype.kind not in "iu":
        raise CheckpointError(f"{str(path)!r} has an invalid format version {tag!r:.80}.")
    version = int(tag)
    if version > VERSION:
        raise CheckpointError(
            f"{str(path)!r} has format version {version}; this trainwell "
            f"reads versions up to {VERSION}. Upgrade trainwell."
        )
    return arrays


def network_arrays(network: Any, fmt: str = FORMAT) -> dict[str, np.ndarray]:
    """The arrays that describe ``network`` in a file."""
    network._check_built()
    arrays = {
        "__format__": np.array(fmt),
        "__version__": np.array(VERSION),
        "config": np.array(json.dumps(network.get_config())),
        "theta": network.theta,
    }
    arrays.update({f"buffer:{k}": v for k, v in network.buffers().items()})
    return arrays


#: The class that rebuilds a network from its config: :class:`trainwell.nn.Network`,
#: registered by :mod:`trainwell.nn.network` when it defines it (this module sits below the
#: network and imports nothing of it).
_NETWORK_CLASS: list[Any] = []


def register_network_class(cls: Any) -> None:
    """Make ``cls`` (a class with ``from_config``) the one :func:`network_from_arrays`
    rebuilds networks with; :mod:`trainwell.nn.network` registers ``Network``."""
    _NETWORK_CLASS[:] = [cls]


def network_from_arrays(arrays: dict[str, np.ndarray], source: str, engine: Any = None) -> Any:
    """Rebuild a network from :func:`network_arrays` output, on the saved engine unless
    ``engine`` names another."""
    (Network,) = _NETWORK_CLASS
    try:
        config = json.loads(str(arrays["config"]))
        if not isinstance(config, dict):
            raise TypeError(f"the config must be a JSON object, not {type(config).__name__}")
        net = Network.from_config(config, engine=engine)
        theta = arrays["theta"]
    except (KeyError, ValueError, TypeError, AttributeError, MemoryError) as exc:
        raise CheckpointError(f"{source!r} has a missing or invalid network config: {exc}") from exc
    if net.input_dim is None:
        raise CheckpointError(f"{source!r}: the saved config has no input_dim (not built).")
    if theta.shape != tuple(net.theta.shape):
        raise CheckpointError(
            f"{source!r}: parameter vector of shape {theta.shape} does not fit "
            f"the saved architecture ({tuple(net.theta.shape)})."
        )
    _check_finite(theta, "theta", source)
    for key, value in arrays.items():
        if key.startswith("buffer:"):
            _check_finite(value, key, source)
    bk = net.backend
    net.theta[...] = theta if bk.is_numpy else bk.asarray(theta, net.dtype)
    for name, buf in net.buffers().items():
        key = f"buffer:{name}"
        if key not in arrays or arrays[key].shape != tuple(buf.shape):
            raise CheckpointError(f"{source!r} lacks the running statistic {name!r}.")
        buf[...] = arrays[key] if bk.is_numpy else bk.asarray(arrays[key], net.dtype)
    return net


def _check_finite(values: np.ndarray, name: str, source: str) -> None:
    """Refuse a parameter array that is not finite floats: a model that predicts NaN
    (or anything) from NaN weights is a corrupted file, not a model."""
    if values.dtype.kind != "f":
        raise CheckpointError(f"{source!r}: {name} must hold floats; it holds {values.dtype}.")
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raise CheckpointError(
            f"{source!r}: {name} holds {bad.size} non-finite value(s) (NaN or infinity), the "
            f"first at index {int(bad[0])}; the file is corrupted or was saved from a "
            "diverged run."
        )


def save_network(network: Any, path: Any, extra: dict[str, np.ndarray] | None = None) -> None:
    """Save ``network`` (and optional ``extra:`` arrays) to ``path`` atomically."""
    arrays = network_arrays(network)
    for k, v in (extra or {}).items():
        arrays[k if k.startswith("preprocessing:") else f"extra:{k}"] = np.asarray(v)
    write_npz_atomic(path, arrays)


def load_network(path: Any, engine: Any = None) -> Any:
    """Load a network saved by :func:`save_network` (on ``engine`` if given), with the
    preprocessing stored beside it (see :mod:`trainwell.nn.inputs`)."""
    if engine is not None:  # the caller's argument: its own error, before the file
        parse_engine(engine, "Network.load")
    arrays = read_npz(path)
    net = network_from_arrays(arrays, str(path), engine=engine)
    transform = InputTransform.from_arrays(arrays, str(path))
    if transform is None and "extra:standardizer" in arrays:  # files of trainwell <= 0.x
        try:
            state = json.loads(str(arrays["extra:standardizer"]))
            transform = InputTransform("standardize", state["mean"], state["scale"])
        except (KeyError, TypeError, ValueError) as exc:
            raise CheckpointError(
                f"{str(path)!r} has an invalid saved standardizer: {exc}"
            ) from exc
    if transform is not None and transform.n_features != net.input_dim:
        raise CheckpointError(
            f"{str(path)!r}: the stored preprocessing has {transform.n_features} features "
            f"but the network takes {net.input_dim}."
        )
    net.preprocessing = transform
    return net
