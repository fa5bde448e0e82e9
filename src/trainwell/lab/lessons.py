"""The lessons of issue 20 on the session's worker thread: bias/variance, gradient checking,
gradient and weight norms, guided presets.

:class:`LessonsMixin` is mixed into :class:`~trainwell.lab.session.Session`, which owns the
network and its Trainer; its handlers run between step chunks, so a gradient check sees
the network exactly as it is at the iteration the learner clicked. Everything is computed
with trainwell's public functions: :func:`trainwell.diagnosis.diagnose` (the verdict and the
remedies), :func:`trainwell.gradcheck.gradient_check` and
:func:`trainwell.diagnosis.gradient_norms`.
"""

from __future__ import annotations

import base64
import copy
import math
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from ..diagnosis import diagnose, gradient_norms
from ..gradcheck import gradient_check
from .codegen import snippet
from .presets import PRESETS
from .protocol import DEFAULT_CONFIG, check_config
from .surfaces import ewma_for_page, surface_for_page, z_stats
from .sweep import Sweep

__all__ = [
    "GRADCHECK_EXAMPLES",
    "NORM_EXAMPLES",
    "LessonsMixin",
    "norms_for_page",
    "verdict_for_page",
]

NORM_EXAMPLES = 256  # training rows the per-frame gradient norms are measured on
GRADCHECK_EXAMPLES = 64  # training rows the gradient check's cost J is computed over


def verdict_for_page(
    train_accuracy: float | None, dev_accuracy: float | None, bayes_error: float
) -> dict[str, Any] | None:
    """:func:`~trainwell.diagnosis.diagnose` on the errors 1 − accuracy, as a plain dict.

    Examples
    --------
    >>> verdict_for_page(0.99, 0.89, 0.0)["verdict"]
    'high variance'
    >>> verdict_for_page(None, 0.5, 0.0) is None
    True
    """
    if train_accuracy is None or dev_accuracy is None:
        return None
    if not (math.isfinite(train_accuracy) and math.isfinite(dev_accuracy)):
        return None
    return diagnose(1.0 - train_accuracy, 1.0 - dev_accuracy, bayes_error).to_dict()


def norms_for_page(network: Any, X: np.ndarray, y: np.ndarray) -> dict[str, list[float]]:
    """Per Dense layer l: ``‖dA[l]‖``, ``‖dW[l]‖`` (from
    :func:`~trainwell.diagnosis.gradient_norms`, no side effect on the network) and the
    weights' own ``‖W[l]‖_F``.
    """
    norms = gradient_norms(network, X, y).to_dict()
    params = network.parameters()
    count = len(norms["layer"])
    norms["weight"] = [float(np.linalg.norm(params[f"W{l}"])) for l in range(1, count + 1)]
    return norms


class LessonsMixin:
    """The lesson handlers; needs the session's ``trainer``, ``data``, ``config``,
    ``post``, ``_rebuild`` and ``_frame``."""

    bayes_error: float = 0.0
    sweep: Sweep | None = None

    def _close_lessons(self) -> None:
        if self.sweep is not None:
            self.sweep.close()

    def _lesson(self, msg: dict[str, Any]) -> None:
        kind = msg["type"]
        if kind == "snapshot":  # in-process only (the notebook's Lab.network), never a message
            msg["reply"].put(copy.deepcopy(self.trainer.network))
            return
        if kind == "bayes":
            self.bayes_error = msg["bayes_error"]
        elif kind == "gradcheck":
            self.post(self._gradcheck())
        elif kind == "sweep":
            if self.sweep is None:
                self.sweep = Sweep(self.post)
            if self.sweep.running:
                self.post({"type": "error", "message": "A sweep is already running."})
            else:
                self.sweep.start(self.data, self.config, msg["trials"], msg["epochs"], msg["zoom"])
            return
        elif kind == "surface":
            self.post(surface_for_page(msg))
            return
        elif kind == "ewma":
            self.post(ewma_for_page(msg["beta"]))
            return
        elif kind == "export":
            self.post(self._export())
        elif kind == "code":
            self.post({"type": "code", "code": self._code(), "iteration": self.trainer.iteration})
        elif kind == "preset":
            title, setup, note = PRESETS[msg["name"]]
            config = check_config({**setup, "speed": self.config["speed"]}, DEFAULT_CONFIG)
            self._rebuild(config, f"Preset: {title}.")
            self.post({"type": "preset", "name": msg["name"], "title": title, "note": note})
            return  # _rebuild drew a frame
        self._frame()

    def _export(self) -> dict[str, Any]:
        """The model as trainwell's .npz (``Network.save``, base64) and the full history."""
        with tempfile.TemporaryDirectory(prefix="trainwell-lab-") as folder:
            path = Path(folder) / "model.npz"
            self.trainer.network.save(path)
            npz = base64.b64encode(path.read_bytes()).decode("ascii")
        columns = ["iteration", "train_cost", "dev_cost", "train_accuracy", "dev_accuracy"]
        return {
            "type": "export",
            "npz": npz,
            "columns": columns,
            "history": [list(p) for p in self.points],
            "iteration": self.trainer.iteration,
        }

    def _code(self) -> str:
        d = self.data
        return snippet(
            self.built_config,
            n_classes=d.n_classes,
            n_features=d.n_features,
            network_seed=self.network_seed,
            optimizer=self.optimizer_spec,
            decay=self.decay_kw,
            changes=self.changes,
            iteration=self.trainer.iteration,
        )

    def _gradcheck(self) -> dict[str, Any]:
        net, d = self.trainer.network, self.data
        m = min(GRADCHECK_EXAMPLES, len(d.y_train))
        report = gradient_check(net, d.X_train[:m], d.y_train[:m])
        engine = f"{net.backend.name} ({np.dtype(net.dtype).name})"
        return {
            "type": "gradcheck",
            "difference": report.difference,
            "verdict": report.verdict,
            "worst": report.worst,
            "worst_difference": report.per_parameter[report.worst],
            "notes": list(report.notes),
            "engine": engine,
            "examples": m,
            "parameters": int(net.theta.size),
            "iteration": self.trainer.iteration,
        }

    def _lessons_frame(self, train_accuracy: Any, dev_accuracy: Any) -> dict[str, Any]:
        d = self.data
        m = min(NORM_EXAMPLES, len(d.y_train))
        try:
            norms = norms_for_page(self.trainer.network, d.X_train[:m], d.y_train[:m])
        except FloatingPointError:  # an overflow in a diverging network: no norms this frame
            norms = None
        try:
            zs = z_stats(self.trainer.network, d.X_train[:m])
        except FloatingPointError:
            zs = None
        return {
            "z_stats": zs,
            "diagnosis": verdict_for_page(train_accuracy, dev_accuracy, self.bayes_error),
            "bayes_error": self.bayes_error,
            "norms": norms,
        }
