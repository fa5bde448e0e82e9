"""Pickling of trainwell's scikit-learn estimators: the network travels as its file arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._random import from_state, get_state
from .engine_choice import engine_from_backend
from .nn.io import network_arrays, network_from_arrays

__all__ = ["PackedNetwork"]


class PackedNetwork:
    """Mixin: pickle ``network_`` as its arrays and generator state, not as objects."""

    def __getstate__(self) -> dict[str, Any]:
        # Store the network as its file arrays (config, theta, running statistics) and its
        # generator's state: no per-batch work arrays or cached activations of the last
        # batch travel, and a copy loaded read-only (joblib's mmap_mode) gets fresh,
        # writeable buffers in __setstate__, so it can predict and keep training.
        state = dict(super().__getstate__())
        net = state.pop("network_", None)
        if net is not None:
            state["_packed_network"] = (network_arrays(net), get_state(net.rng))
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        if "epochs" not in state and "max_epochs" in state:  # pickled before the renames
            state["epochs"], state["max_epochs"] = state["max_epochs"], None
        if "engine" not in state and "backend" in state:
            state["engine"], state["backend"] = engine_from_backend(state["backend"]), None
        packed = state.pop("_packed_network", None)
        opt = state.get("_optimizer_state_")
        if opt is not None:  # updated in place by the optimizer: own writeable copies
            state["_optimizer_state_"] = {
                k: np.array(v) if isinstance(v, np.ndarray) else v for k, v in opt.items()
            }
        super().__setstate__(state)
        if packed is not None:
            arrays, rng_state = packed
            self.network_ = network_from_arrays(dict(arrays), "a pickled estimator")
            self.network_.rng = from_state(rng_state)
