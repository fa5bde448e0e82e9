"""Copy as code: the Python that reproduces a lab run exactly with trainwell's public API.

The snippet builds the same data (:func:`trainwell.lab.datasets.make_data` from the same
settings), the same network (the same layers, initialization and seed), the same
:class:`~trainwell.training.Trainer` (optimizer, rate, batch size, schedule, seed) and
replays the run: ``trainer.step(k)`` up to each live change, ``trainer.set(...)`` at the
iteration it happened, and so on to the iteration the page showed. Same seed, same
operations, so its final train cost is the lab's, bit for bit in float64.
"""

from __future__ import annotations

from typing import Any

__all__ = ["decay_spec", "snippet"]

_DATA_KEYS = ("dataset", "noise", "train_ratio", "seed", "standardize", "label_column")
_DECAY_PARAM = {
    "inverse_time": "decay_rate",
    "exponential": "base",
    "staircase": "factor",
    "inverse_sqrt": "k",
    "fixed_interval": "decay_rate",
}
_DECAY_STEP = {"staircase": "step_size", "fixed_interval": "time_interval"}


def decay_spec(config: dict[str, Any]) -> dict[str, Any] | None:
    """The ``get_schedule`` arguments (``initial`` aside) of a setup's decay form, or None.

    Examples
    --------
    >>> decay_spec({"decay": "staircase", "decay_rate": 0.5, "decay_step": 10})
    {'spec': 'staircase', 'factor': 0.5, 'step_size': 10}
    """
    if config["decay"] == "none":
        return None
    kw: dict[str, Any] = {
        "spec": config["decay"],
        _DECAY_PARAM[config["decay"]]: config["decay_rate"],
    }
    if config["decay"] in _DECAY_STEP:
        kw[_DECAY_STEP[config["decay"]]] = config["decay_step"]
    return kw


def _layers(config: dict[str, Any], init: Any, n_classes: int) -> list[str]:
    lines = []
    for spec in config["layers"]:
        lines.append(f"    Dense({spec['units']}, {spec['activation']!r}, init={init!r}),")
        if spec["batch_norm"]:
            lines.append("    BatchNorm(),")
        lines.append(f"    Dropout({spec['keep_prob']!r}),")
    out = "Dense(1, 'sigmoid', " if n_classes == 2 else f"Dense({n_classes}, 'softmax', "
    lines.append(f"    {out}init={init!r}),")
    return lines


def snippet(
    config: dict[str, Any],
    *,
    n_classes: int,
    n_features: int,
    network_seed: int,
    optimizer: dict[str, Any],
    decay: dict[str, Any] | None,
    changes: list[tuple[int, dict[str, Any], float]],
    iteration: int,
) -> str:
    """The snippet for a run.

    Parameters
    ----------
    config : dict
        The setup the run was built from (before any live change).
    n_classes, n_features : int
        Of the data.
    network_seed : int
        The ``random_state`` of the network and of the Trainer (the draw's seed).
    optimizer : dict
        The Trainer's optimizer spec.
    decay : dict or None
        :func:`decay_spec` of the setup.
    changes : list of (iteration, settings, lr0)
        Each live change: the iteration it followed, the ``Trainer.set`` arguments, and the
        initial rate the decay schedule scales from then on.
    iteration : int
        The iteration the page showed.

    Returns
    -------
    str
        Python source; running it prints the final train cost.

    Examples
    --------
    >>> from trainwell.lab.protocol import DEFAULT_CONFIG
    >>> code = snippet(DEFAULT_CONFIG, n_classes=2, n_features=2, network_seed=0,
    ...                optimizer={"name": "adam"}, decay=None, changes=[], iteration=10)
    >>> "trainer.step(10)" in code
    True
    """
    init: Any = config["init"]
    if init == "random":
        init = {"name": "random", "scale": config["init_scale"]}
    binary = n_classes == 2
    data = {k: config[k] for k in _DATA_KEYS}
    batch = config["batch_size"]
    lines = [
        "# Reproduces a trainwell lab run with the public API (float64, same seeds).",
        "from trainwell.lab.datasets import make_data",
        "from trainwell.nn import BatchNorm, Dense, Dropout, Network",
        "from trainwell.optim import get_schedule",
        "from trainwell.training import Trainer",
        "",
    ]
    if config["dataset"] == "upload":
        lines += [
            "# The lab trained on an uploaded file: load it with trainwell.data's loaders",
            "# (load_csv, load_npz, load_mat) and pass it as make_data(settings, upload=...).",
        ]
    lines += [
        f"settings = {data!r}",
        "data = make_data(settings)",
        "network = Network(",
        "    [",
        *["    " + line for line in _layers(config, init, n_classes)],
        "    ],",
        f"    loss={'binary_crossentropy' if binary else 'categorical_crossentropy'!r},",
        f"    l2={config['l2']!r},",
        f"    l1={config['l1']!r},",
        f"    random_state={network_seed},",
        f"    input_dim={n_features},",
        ")",
    ]
    schedule = "None"
    if decay is not None:
        kw = ", ".join(f"{k}={v!r}" for k, v in decay.items() if k != "spec")
        lines += [
            f"decay = get_schedule({decay['spec']!r}, initial=1.0, {kw})",
            f"lr0 = {config['learning_rate']!r}  # the rate the decay curve scales",
            "",
            "",
            "def rate(epoch):",
            "    return lr0 * decay(epoch)",
            "",
            "",
        ]
        schedule = "rate"
    lines += [
        "trainer = Trainer(",
        "    network,",
        "    data.X_train,",
        "    data.y_train,",
        f"    optimizer={optimizer!r},",
        f"    learning_rate={config['learning_rate']!r},",
        f"    batch_size={batch!r},",
        f"    schedule={schedule},",
        f"    random_state={network_seed},",
        "    on_divergence='stop',",
        ")",
    ]
    done = 0
    for at, settings, lr0 in changes:
        if at > done:
            lines.append(f"trainer.step({at - done})")
            done = at
        if decay is not None and lr0 is not None:
            lines.append(f"lr0 = {lr0!r}")
        if settings:
            args = ", ".join(f"{k}={v!r}" for k, v in settings.items())
            lines.append(f"trainer.set({args})  # changed live at iteration {at}")
    if iteration > done:
        lines.append(f"trainer.step({iteration - done})")
    lines += [
        "train_cost, train_accuracy = trainer.evaluate(data.X_train, data.y_train)",
        "dev_cost, dev_accuracy = trainer.evaluate(data.X_dev, data.y_dev)",
        "print(repr(train_cost))",
    ]
    return "\n".join(lines) + "\n"
