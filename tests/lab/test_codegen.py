"""Copy as code: the snippet rebuilds the lab's network and replays its changes."""

from __future__ import annotations

import numpy as np

from trainwell.lab.codegen import decay_spec, snippet
from trainwell.lab.datasets import make_data
from trainwell.lab.protocol import check_config
from trainwell.lab.session import build_network
from trainwell.optim import get_schedule


def test_snippet_builds_the_same_initial_network():
    config = check_config(
        {"dataset": "xor", "init": "random", "init_scale": 2.0,
         "layers": [{"units": 3, "activation": "relu", "batch_norm": True, "keep_prob": 0.8}]}
    )  # fmt: skip
    code = snippet(config, n_classes=2, n_features=2, network_seed=5,
                   optimizer={"name": "gd"}, decay=None, changes=[], iteration=0)  # fmt: skip
    scope: dict = {}
    exec(code.split("trainer = Trainer(")[0], scope)  # the data and the network only
    net, _ = build_network(config, make_data(config), draw=0)
    ours = scope["network"]
    assert [type(la).__name__ for la in ours.layers] == [type(la).__name__ for la in net.layers]
    assert "Dropout(0.8)" in code and "random_state=5" in code
    np.testing.assert_array_equal(scope["data"].X_train, make_data(config).X_train)


def test_changes_are_replayed_in_order_at_their_iterations():
    config = check_config({"decay": "exponential", "decay_rate": 0.9})
    code = snippet(config, n_classes=2, n_features=2, network_seed=0,
                   optimizer={"name": "adam"}, decay=decay_spec(config),
                   changes=[(3, {"l2": 0.1}, 0.03), (3, {}, 0.5), (10, {"beta1": 0.8}, 0.5)],
                   iteration=12)  # fmt: skip
    lines = [line for line in code.splitlines() if line.startswith(("trainer.", "lr0"))]
    assert lines == [
        "lr0 = 0.03  # the rate the decay curve scales", "trainer.step(3)", "lr0 = 0.03",
        "trainer.set(l2=0.1)  # changed live at iteration 3", "lr0 = 0.5",
        "trainer.step(7)", "lr0 = 0.5", "trainer.set(beta1=0.8)  # changed live at iteration 10",
        "trainer.step(2)",
    ]  # fmt: skip
    spec = decay_spec(config)
    assert get_schedule(**spec, initial=1.0)(2) == 0.9**2
