"""One page's training session: a worker thread that owns a network and its Trainer.

The event loop never trains: it hands checked messages to :meth:`Session.submit` and the
worker thread takes them between step chunks. Playing, the worker calls
``Trainer.step(n)`` with ``n`` sized so a chunk lasts about 20 ms (fewer steps a second
at the lower speeds), and at most every :data:`FRAME_INTERVAL` seconds computes a frame
(metrics, boundary, unit maps, weights) and posts it. So views cost a bounded share of the
time whatever the step rate, and a new message waits at most one chunk.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ..data import Dataset
from ..exceptions import DataError, InvalidParameterError, TrainingDiverged
from ..nn import BatchNorm, Dense, Dropout, Network
from ..optim import get_schedule
from ..training import Trainer
from .codegen import decay_spec
from .datasets import LabData, make_data
from .lessons import LessonsMixin
from .presets import presets_for_page
from .protocol import DEFAULT_CONFIG, LIVE_KEYS, check_config
from .views import curves_for_page, grid_points, plane_maps, weights_for_page

__all__ = ["FRAME_INTERVAL", "MAX_SHOWN", "SPEEDS", "Session", "build_network", "draw_seed"]

FRAME_INTERVAL = 0.065  # seconds between frames: at most about 15 a second
MAX_SHOWN = 5000  # examples of each part drawn and evaluated per frame
CHUNK_SECONDS = 0.02
SPEEDS = {1: 2.0, 2: 10.0, 3: 60.0, 4: 400.0, 5: math.inf}  # steps per second
DATA_KEYS = ("dataset", "noise", "train_ratio", "seed", "standardize", "label_column")


def _architecture(config: dict[str, Any]) -> dict[str, Any]:
    """The part of a setup whose change needs a new network (keep_prob is live)."""
    out = {k: v for k, v in config.items() if k not in LIVE_KEYS}
    out["layers"] = [{k: v for k, v in s.items() if k != "keep_prob"} for s in config["layers"]]
    return out


def draw_seed(seed: int, draw: int) -> int:
    """The seed of the ``draw``-th initialization of a setup: ``seed`` itself first (so a
    shared link gives the same weights), then independent streams, one per Reset.

    Examples
    --------
    >>> draw_seed(7, 0), draw_seed(7, 1) != draw_seed(7, 2)
    (7, True)
    """
    if draw == 0:
        return seed
    return int(np.random.SeedSequence([seed, draw]).generate_state(1)[0])


def build_network(
    config: dict[str, Any], data: LabData, draw: int = 0
) -> tuple[Network, dict[int, int]]:
    """The network a setup describes, and the positions of its Dropout layers by hidden layer.

    Every hidden layer is followed by a Dropout (keep_prob 1 is the identity, no draw), so
    keep_prob can change live. ``draw`` picks the initialization (see :func:`draw_seed`).
    """
    init: Any = config["init"]
    if init == "random":
        init = {"name": "random", "scale": config["init_scale"]}
    layers: list[Any] = []
    dropouts = {}
    for i, spec in enumerate(config["layers"]):
        layers.append(Dense(spec["units"], spec["activation"], init=init))
        if spec["batch_norm"]:
            layers.append(BatchNorm())
        dropouts[i] = len(layers)
        layers.append(Dropout(spec["keep_prob"]))
    binary = data.n_classes == 2
    layers.append(Dense(1 if binary else data.n_classes, "sigmoid" if binary else "softmax", init))
    net = Network(
        layers,
        loss="binary_crossentropy" if binary else "categorical_crossentropy",
        l2=config["l2"],
        l1=config["l1"],
        random_state=draw_seed(config["seed"], draw),
        input_dim=data.n_features,
    )
    return net, dropouts


class Session(LessonsMixin):
    """The training state of one connected page, driven from a worker thread.

    Parameters
    ----------
    post : callable
        ``post(message_dict)``, thread-safe: hands a message to the page.
    upload : callable, optional
        ``upload(label_column) -> Dataset or None``: the learner's current file.
    config : dict, optional
        Initial (checked) setup; :data:`~trainwell.lab.protocol.DEFAULT_CONFIG` by default.
    """

    def __init__(
        self,
        post: Callable[[dict[str, Any]], None],
        upload: Callable[[int], Dataset | None] = lambda label_column: None,
        config: dict[str, Any] | None = None,
    ) -> None:
        self.post, self.upload = post, upload
        self.config = dict(DEFAULT_CONFIG if config is None else config)
        self.inbox: queue.Queue = queue.Queue()
        self.playing = False
        self.closed = threading.Event()
        self.points: list[tuple] = []
        self.trainer: Any = None
        self.source: Dataset | None = None
        self.draw = 0  # which initialization of this setup (Reset draws the next)
        self.thread = threading.Thread(target=self._run, name="trainwell-lab", daemon=True)

    # ------------------------------------------------------------ event-loop side
    def start(self) -> None:
        self.thread.start()

    def submit(self, message: dict[str, Any]) -> None:
        """Queue a checked message (from :func:`~trainwell.lab.protocol.parse_message`)."""
        self.inbox.put(message)

    def close(self, timeout: float = 5.0) -> None:
        """Stop the worker thread (it finishes its current chunk first)."""
        self.closed.set()
        self.inbox.put({"type": "close"})
        if self.thread.is_alive():
            self.thread.join(timeout)
        self._close_lessons()  # waits for a running sweep's worker processes

    # ------------------------------------------------------------ worker side
    def _run(self) -> None:
        try:
            self._rebuild(self.config, "Ready.")
        except (DataError, InvalidParameterError) as exc:
            self.post({"type": "error", "message": str(exc)})
            self.config = dict(DEFAULT_CONFIG)
            self._rebuild(self.config, "Ready (your setup could not be used).")
        budget, last_frame = 1, 0.0
        while not self.closed.is_set():
            block = not (self.playing and self.trainer.stopped_reason is None)
            try:
                self._handle(self.inbox.get(block=block, timeout=0.1 if block else None))
                continue  # take every waiting message before the next chunk
            except queue.Empty:
                pass
            if not block:
                budget = self._chunk(budget)
            now = time.perf_counter()
            if now - last_frame >= FRAME_INTERVAL:
                self._frame()
                last_frame = now

    def _chunk(self, budget: int) -> int:
        """Run ``budget`` steps; return the next budget (about CHUNK_SECONDS of work)."""
        rate = SPEEDS[self.config["speed"]]
        t0 = time.perf_counter()
        try:
            self.trainer.step(budget)
        except TrainingDiverged:
            pass  # the Trainer restored the last good weights; reported below
        elapsed = max(time.perf_counter() - t0, 1e-6)
        if self.trainer.stopped_reason is not None:
            self.playing = False
            msg = self.trainer.message or "Training stopped."
            self.post(
                {"type": "error", "message": f"Paused: {msg} The last good weights are kept."}
            )
            self._frame()
            return 1
        if math.isfinite(rate):
            time.sleep(max(0.0, budget / rate - elapsed))
            return max(1, min(int(rate * CHUNK_SECONDS) or 1, 1000))
        per_step = elapsed / budget
        return int(min(max(1, CHUNK_SECONDS / per_step), 2 * budget + 1, 100_000))

    def _handle(self, msg: dict[str, Any]) -> None:
        kind = msg["type"]
        try:
            if kind == "control":
                self._control(msg)
            elif kind == "config":
                self._configure(msg["config"])
            else:
                self._lesson(msg)
        except (DataError, InvalidParameterError, ValueError) as exc:
            self.post({"type": "error", "message": str(exc)})
            self._frame()

    def _control(self, msg: dict[str, Any]) -> None:
        action = msg["action"]
        if action == "hello":
            self._send_state("Connected.")
        elif action == "play":
            if self.trainer.stopped_reason is not None:
                self.trainer.resume()
            self.playing = True
        elif action == "pause":
            self.playing = False
        elif action in ("step", "step_epoch"):
            self.playing = False
            if self.trainer.stopped_reason is not None:
                self.trainer.resume()
            if action == "step":
                self.trainer.step(msg.get("steps", 1))
            else:
                self.trainer.run_epoch()
            if self.trainer.stopped_reason is not None:
                self.post({"type": "error", "message": f"Paused: {self.trainer.message}"})
        elif action == "reset":
            self.draw += 1
            self._rebuild(self.config, f"Reset: a new initialization (draw {self.draw}).")
        self._frame()

    def _configure(self, update: dict[str, Any]) -> None:
        new = check_config(update, self.config)
        fresh_upload = new["dataset"] == "upload" and (
            self.upload(new["label_column"]) is not self.source
        )
        if fresh_upload or _architecture(new) != _architecture(self.config):
            changed = sorted(k for k in update if update[k] != self.config.get(k))
            data_changed = fresh_upload or any(k in DATA_KEYS for k in changed)
            net_changed = any(k not in DATA_KEYS for k in changed)
            what = (
                "data and the network"
                if data_changed and net_changed
                else ("data" if data_changed else "network")
            )
            self._rebuild(new, f"Reset: the {what} changed ({', '.join(changed)}).")
        else:
            changed = sorted(k for k in update if update[k] != self.config.get(k))
            self._apply_live(new)
            self.config = new
            note = (
                f"Applied from iteration {self.trainer.iteration + 1}, no reset: "
                f"{', '.join(changed)}."
                if changed
                else ""
            )
            self.post({"type": "config", "config": new, "note": note})
        self._frame()

    def _apply_live(self, new: dict[str, Any]) -> None:
        old, tr = self.config, self.trainer
        kw: dict[str, Any] = {}
        if new["learning_rate"] != old["learning_rate"]:
            self.lr0 = new["learning_rate"]  # with decay: the schedule scales it, next epoch on
            if self.decay is None:
                kw["learning_rate"] = self.lr0  # from the next step
        for key in ("l2", "l1"):
            if new[key] != old[key]:
                kw[key] = new[key]
        keep = {
            self.dropouts[i]: s["keep_prob"]
            for i, s in enumerate(new["layers"])
            if s["keep_prob"] != old["layers"][i]["keep_prob"]
        }
        if keep:
            kw["keep_prob"] = keep
        kw.update(self._hyper(new, old))
        if kw:
            tr.set(**kw)
        if kw or new["learning_rate"] != old["learning_rate"]:
            self.changes.append((tr.iteration, kw, self.lr0))  # replayed by copy as code

    @staticmethod
    def _hyper(new: dict[str, Any], old: dict[str, Any] | None) -> dict[str, float]:
        """The optimizer's hyperparameters that differ (all of them when ``old`` is None)."""
        names = {
            "momentum": {"beta": "beta"},
            "rmsprop": {"beta": "beta", "epsilon": "epsilon"},
            "adam": {"beta": "beta1", "beta2": "beta2", "epsilon": "epsilon"},
        }.get(new["optimizer"], {})
        return {
            name: new[key] for key, name in names.items() if old is None or new[key] != old[key]
        }

    def _rate(self, epoch: int) -> float:
        return self.lr0 * (self.decay(epoch) if self.decay else 1.0)

    def _rebuild(self, config: dict[str, Any], reason: str) -> None:
        """New data (if its settings changed) and a new network; keeps the old ones on error."""
        upload = self.upload(config["label_column"]) if config["dataset"] == "upload" else None
        data_same = (
            self.trainer is not None
            and upload is self.source
            and all(config[k] == self.config[k] for k in DATA_KEYS)
        )
        data = self.data if data_same else make_data(config, upload)
        if not reason.startswith("Reset: a new initialization"):
            self.draw = 0  # a new setup starts from its own seed
        net, dropouts = build_network(config, data, self.draw)
        spec = decay_spec(config)
        decay = None if spec is None else get_schedule(**{**spec, "initial": 1.0})
        self.lr0, self.decay, self.decay_kw = config["learning_rate"], decay, spec
        optimizer = {"name": config["optimizer"], **self._hyper(config, None)}
        self.optimizer_spec, self.built_config, self.changes = optimizer, config, []
        self.network_seed = draw_seed(config["seed"], self.draw)
        batch = config["batch_size"]
        trainer = Trainer(
            net,
            data.X_train,
            data.y_train,
            optimizer=optimizer,
            learning_rate=config["learning_rate"],
            batch_size=batch,
            schedule=self._rate if decay is not None else None,
            random_state=draw_seed(config["seed"], self.draw),
            on_divergence="stop",
        )  # no validation_data: the frames evaluate the dev set, some 13 times a second
        self.data, self.config, self.trainer, self.dropouts = data, config, trainer, dropouts
        self.source = upload
        rng = np.random.RandomState(0)
        self.shown = {  # rows drawn and evaluated per frame: all, up to MAX_SHOWN a part
            part: np.sort(rng.permutation(n)[:MAX_SHOWN]) if n > MAX_SHOWN else slice(None)
            for part, n in (("train", len(data.y_train)), ("dev", len(data.y_dev)))
        }
        fill = np.mean(data.X_train, axis=0) if data.n_features >= 2 else None
        self.grid = grid_points(data.extent, fill) if fill is not None else None
        self.points, self.playing = [], False
        self._send_state(reason)

    def _send_state(self, reason: str) -> None:
        d, tr, dv = self.data, self.shown["train"], self.shown["dev"]
        two = d.X_train.shape[1] >= 2
        note = d.note
        if isinstance(tr, np.ndarray) or isinstance(dv, np.ndarray):
            note += f" Drawn and measured live on up to {MAX_SHOWN:,} examples of each part."
        self.post(
            {
                "type": "state",
                "reason": reason,
                "config": self.config,
                "presets": presets_for_page(),
                "data": {
                    "name": d.name,
                    "n_features": d.n_features,
                    "n_classes": d.n_classes,
                    "n_train": len(d.y_train),
                    "n_dev": len(d.y_dev),
                    "extent": d.extent,
                    "note": note.strip(),
                    "planar": two,
                    "train": np.round(d.X_train[tr, :2], 4).tolist() if two else [],
                    "dev": np.round(d.X_dev[dv, :2], 4).tolist() if two else [],
                    "y_train": d.y_train[tr].tolist(),
                    "y_dev": d.y_dev[dv].tolist(),
                },
            }
        )
        self._frame()

    def _frame(self) -> None:
        tr, d = self.trainer, self.data
        a, b = self.shown["train"], self.shown["dev"]
        train_cost, train_acc = tr.evaluate(d.X_train[a], d.y_train[a])
        dev_cost, dev_acc = tr.evaluate(d.X_dev[b], d.y_dev[b])
        point = (tr.iteration, train_cost, dev_cost, train_acc, dev_acc)
        if not self.points or self.points[-1][0] != tr.iteration:
            self.points.append(point)
        frame = {
            "type": "frame",
            "iteration": tr.iteration,
            "epoch": tr.epoch,
            "learning_rate": tr.learning_rate,
            "train_cost": train_cost,
            "dev_cost": dev_cost,
            "train_accuracy": train_acc,
            "dev_accuracy": dev_acc,
            "playing": self.playing,
            "curves": curves_for_page(self.points),
            "weights": weights_for_page(tr.network),
        }
        frame.update(self._lessons_frame(train_acc, dev_acc))
        if self.grid is not None:
            frame.update(plane_maps(tr.network, self.grid))
        self.post(frame)
