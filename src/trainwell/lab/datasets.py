"""The lab's data: Playground's and the course's planar sets, and the learner's own files.

:func:`make_data` turns the data part of a lab setup (dataset, noise, train ratio, seed,
standardization) into a :class:`LabData`. Uploaded files go through trainwell's own loaders
(:mod:`trainwell.data.io`: no pickle, nothing imported or called) from a file the server
wrote under its private temporary folder with a name of its own choosing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..data import (
    Dataset,
    Standardizer,
    load_circles,
    load_csv,
    load_flower,
    load_gaussians,
    load_mat,
    load_moons,
    load_noisy_2d,
    load_npz,
    load_spirals,
    load_xor,
)
from ..exceptions import DataError

__all__ = ["UPLOAD_SUFFIXES", "LabData", "load_upload", "make_data"]

UPLOAD_SUFFIXES = (".csv", ".npz", ".mat")
N_POINTS = 400  # Playground's default: 500 points; 400 keeps the page's scatter legible


@dataclass
class LabData:
    """Train and dev arrays ready for a network, with what the page needs to draw them.

    Attributes
    ----------
    X_train, y_train, X_dev, y_dev : ndarray
        The (possibly standardized) features and 0/1.. labels.
    name : str
    n_classes : int
    extent : tuple of float
        ``(x_min, x_max, y_min, y_max)`` of the plane drawn (first two features).
    note : str
        What the page should say about this data (course split kept, features not drawn...).
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_dev: np.ndarray
    y_dev: np.ndarray
    name: str
    n_classes: int
    extent: tuple[float, float, float, float]
    note: str = ""

    @property
    def n_features(self) -> int:
        return int(self.X_train.shape[1])

    @property
    def planar(self) -> bool:
        """Whether a decision boundary over the plane can be drawn (two features)."""
        return self.n_features == 2


def _resplit(d: Dataset, ratio: float, seed: int) -> tuple[np.ndarray, ...]:
    """All points of ``d`` shuffled with ``seed`` and cut at ``ratio`` (at least 1 each)."""
    X = d.X_train if d.X_test is None else np.vstack([d.X_train, d.X_test])
    y = d.y_train if d.y_test is None else np.concatenate([d.y_train, d.y_test])
    perm = np.random.RandomState(seed).permutation(len(y))
    cut = min(max(1, round(ratio * len(y))), len(y) - 1)
    return X[perm[:cut]], y[perm[:cut]], X[perm[cut:]], y[perm[cut:]]


def _generate(name: str, noise: float, seed: int) -> tuple[Dataset, str]:
    half = N_POINTS // 2
    if name == "circle":
        from sklearn.datasets import make_circles

        X, y = make_circles(n_samples=N_POINTS, noise=noise, factor=0.5, random_state=seed)
        return Dataset(X, y.astype(np.int64), name=name), ""
    if name == "xor":
        return load_xor(n_train=half, n_test=half, noise=noise, random_state=seed), ""
    if name == "gauss":
        return load_gaussians(n_train=half, n_test=half, noise=noise, random_state=seed), ""
    if name == "spiral":
        return load_spirals(n_train=half, n_test=half, noise=noise, random_state=seed), ""
    if name == "moons":
        d = load_moons(n_samples=N_POINTS, noise=noise * 4, random_state=seed)
        return d, ""
    if name == "flower":
        return load_flower(random_state=seed), "The flower's noise is the course's (0.2)."
    if name == "course_circles":
        d = load_circles(noise=noise, random_state=(seed + 1, seed + 2))
        return d, "The course's circles keep their own 300/100 split."
    if name == "football":
        d = load_noisy_2d(random_state=seed)
        return d, "The football data keep their own 211/200 split and label noise."
    raise DataError(f"unknown dataset {name!r}.")  # protocol checked it; kept for safety


def _extent(X: np.ndarray) -> tuple[float, float, float, float]:
    lo, hi = X[:, :2].min(axis=0), X[:, :2].max(axis=0)
    pad = 0.1 * np.maximum(hi - lo, 1e-9)
    return (
        float(lo[0] - pad[0]),
        float(hi[0] + pad[0]),
        float(lo[1] - pad[1]),
        float(hi[1] + pad[1]),
    )


def make_data(config: dict[str, Any], upload: Dataset | None = None) -> LabData:
    """Build the train/dev arrays a lab setup asks for.

    Parameters
    ----------
    config : dict
        A checked setup (:func:`trainwell.lab.protocol.check_config`): ``dataset``,
        ``noise``, ``train_ratio``, ``seed``, ``standardize``.
    upload : Dataset, optional
        The learner's data, used when ``dataset == "upload"``.

    Returns
    -------
    LabData
        With standardization (``x' = (x - mu) / sigma``) fitted on the train part only.

    Examples
    --------
    >>> d = make_data({"dataset": "xor", "noise": 0.0, "train_ratio": 0.5, "seed": 0,
    ...                "standardize": False})
    >>> d.X_train.shape, d.X_dev.shape, d.planar
    ((200, 2), (200, 2), True)
    """
    name = config["dataset"]
    if name == "upload":
        if upload is None:
            raise DataError("no file uploaded yet: choose a CSV, NPZ or MAT file first.")
        d, note = upload, f"Your file '{upload.name}'."
    else:
        d, note = _generate(name, config["noise"], config["seed"])
    keeps_split = name in ("course_circles", "football") or (
        name == "upload" and d.X_test is not None
    )
    if keeps_split:
        X_tr, y_tr, X_dv, y_dv = d.X_train, d.y_train, d.X_test, d.y_test
    else:
        X_tr, y_tr, X_dv, y_dv = _resplit(d, config["train_ratio"], config["seed"])
    if config["standardize"]:
        scaler = Standardizer().fit(X_tr)
        X_tr, X_dv = scaler.transform(X_tr), scaler.transform(X_dv)
    classes = np.unique(np.concatenate([y_tr, y_dv]))
    if classes.size < 2:
        raise DataError(f"the labels hold a single class ({classes.tolist()}); need two or more.")
    if classes.min() < 0 or classes.max() >= classes.size:  # e.g. labels {-1, 1} or {1, 2}
        y_tr, y_dv = np.searchsorted(classes, y_tr), np.searchsorted(classes, y_dv)
    if X_tr.shape[1] != 2:
        note += (
            f" {X_tr.shape[1]} features: the boundary is drawn over the first two (others "
            "held at their mean)"
            if X_tr.shape[1] > 2
            else " 1 feature: no boundary drawn"
        ) + "; the curves and metrics cover all of them."
    X_all = np.vstack([X_tr, X_dv])
    extent = _extent(X_all) if X_tr.shape[1] >= 2 else (0.0, 1.0, 0.0, 1.0)
    return LabData(
        np.ascontiguousarray(X_tr, dtype=np.float64),
        np.asarray(y_tr, dtype=np.int64),
        np.ascontiguousarray(X_dv, dtype=np.float64),
        np.asarray(y_dv, dtype=np.int64),
        d.name if name == "upload" else name,
        int(classes.size),
        extent,
        note.strip(),
    )


def load_upload(path: Path, label_column: int = -1) -> Dataset:
    """Read an uploaded file with trainwell's loaders, by the suffix the server gave it.

    Parameters
    ----------
    path : Path
        A file the server itself wrote in its temporary folder.
    label_column : int, default=-1
        For a CSV, the labels' column (negative counts from the end).

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        With the loader's sentence naming what is wrong with the file.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        d = load_csv(path, target=label_column)
    elif suffix == ".npz":
        d = load_npz(path)
    elif suffix == ".mat":
        keys = _mat_keys(path)
        d = load_mat(path, X_test_key=keys, y_test_key="yval" if keys else None)
    else:
        raise DataError(f"files ending in {suffix!r} are not read; use CSV, NPZ or MAT.")
    if d.X_train.shape[0] < 4:
        raise DataError(f"the file holds {d.X_train.shape[0]} examples; the lab needs 4 or more.")
    return d


def _mat_keys(path: Path) -> str | None:
    """``"Xval"`` when the MAT file holds the course's dev arrays, else None."""
    from scipy.io import whosmat

    try:
        names = {entry[0] for entry in whosmat(path)}
    except Exception as exc:  # corrupt or foreign files raise many kinds
        raise DataError(f"the file could not be read as a MATLAB .mat file ({exc}).") from exc
    return "Xval" if {"Xval", "yval"} <= names else None
