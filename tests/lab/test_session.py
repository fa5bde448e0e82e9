"""The session's worker thread: steps, live changes without reset, resets that say why."""

from __future__ import annotations

import queue
import time

import numpy as np
import pytest

from trainwell.lab.datasets import make_data
from trainwell.lab.protocol import check_config, parse_message
from trainwell.lab.session import Session, build_network


class Page:
    """Collects what the session posts, as the websocket would."""

    def __init__(self):
        self.q = queue.Queue()

    def __call__(self, message):
        self.q.put(message)

    def until(self, kind, where=lambda m: True, timeout=60.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = self.q.get(timeout=max(0.01, end - time.monotonic()))
            if m["type"] == kind and where(m):
                return m
        raise AssertionError(f"no {kind}")


@pytest.fixture
def session():
    page = Page()
    s = Session(page, config=check_config({"dataset": "moons", "batch_size": 32}))
    s.start()
    page.until("state")
    yield s, page
    s.close()
    assert not s.thread.is_alive()


def send(s, raw):
    s.submit(parse_message(raw))


def test_steps_epochs_and_play_pause(session):
    s, page = session
    send(s, '{"type":"control","action":"step","steps":4}')
    assert page.until("frame", lambda m: m["iteration"] == 4)["epoch"] == 0
    send(s, '{"type":"control","action":"step_epoch"}')
    f = page.until("frame", lambda m: m["epoch"] == 1)
    assert f["iteration"] == 7  # 200 train points in batches of 32: 7 steps an epoch
    send(s, '{"type":"control","action":"play"}')
    page.until("frame", lambda m: m["iteration"] > 50 and m["playing"])
    send(s, '{"type":"control","action":"pause"}')
    stopped = page.until("frame", lambda m: not m["playing"])["iteration"]
    send(s, '{"type":"control","action":"step"}')
    assert page.until("frame", lambda m: not m["playing"])["iteration"] == stopped + 1


def test_live_changes_keep_the_network(session):
    s, page = session
    send(s, '{"type":"control","action":"step","steps":10}')
    page.until("frame", lambda m: m["iteration"] == 10)
    theta = s.trainer.network.theta.copy()
    layers = [dict(layer, keep_prob=0.7) for layer in s.config["layers"]]
    update = {"learning_rate": 0.2, "l2": 0.3, "l1": 0.01, "beta": 0.8, "beta2": 0.99,
              "epsilon": 1e-6, "layers": layers}  # fmt: skip
    s.submit({"type": "config", "config": update})
    page.until("config")
    np.testing.assert_array_equal(s.trainer.network.theta, theta)  # nothing reset
    assert s.trainer.iteration == 10 and s.trainer.learning_rate == 0.2
    net = s.trainer.network
    assert (net.l2, net.l1) == (0.3, 0.01)
    assert [net.layers[i].keep_prob for i in s.dropouts.values()] == [0.7, 0.7]
    cfg = s.trainer.optimizer.get_config()
    assert (cfg["beta1"], cfg["beta2"], cfg["epsilon"]) == (0.8, 0.99, 1e-6)


def test_data_and_architecture_changes_reset_and_say_so(session):
    s, page = session
    s.submit({"type": "config", "config": {"noise": 0.3}})
    assert "data changed (noise)" in page.until("state")["reason"]
    s.submit({"type": "config", "config": {"optimizer": "momentum"}})
    assert "network changed (optimizer)" in page.until("state")["reason"]
    first = s.trainer.network.theta.copy()
    send(s, '{"type":"control","action":"reset"}')
    assert page.until("state")["reason"] == "Reset: a new initialization (draw 1)."
    assert not np.array_equal(s.trainer.network.theta, first)  # new weights
    s.submit({"type": "config", "config": {"optimizer": "adam"}})
    page.until("state")
    s.submit({"type": "config", "config": {"optimizer": "momentum"}})
    page.until("state")
    np.testing.assert_array_equal(s.trainer.network.theta, first)  # the setup's own seed


def test_decay_sets_the_current_rate(session):
    s, page = session
    s.submit({"type": "config", "config": {"decay": "inverse_time", "decay_rate": 1.0,
                                          "learning_rate": 0.1, "batch_size": "full"}})  # fmt: skip
    page.until("state")
    send(s, '{"type":"control","action":"step","steps":3}')
    f = page.until("frame", lambda m: m["iteration"] == 3)
    assert f["learning_rate"] == pytest.approx(0.1 / (1 + 3))


def test_build_network_follows_the_setup():
    config = check_config(
        {
            "layers": [{"units": 3, "activation": "relu", "batch_norm": True, "keep_prob": 0.5}],
            "init": "random",
            "init_scale": 10.0,
        }
    )
    net, dropouts = build_network(config, make_data(config))
    kinds = [type(layer).__name__ for layer in net.layers]
    assert kinds == ["Dense", "BatchNorm", "Dropout", "Dense"]
    assert dropouts == {0: 2} and net.layers[2].keep_prob == 0.5
    assert net.layers[0].init.get_config() == {"name": "random", "scale": 10.0}


def test_large_data_is_drawn_and_measured_on_a_sample(monkeypatch):
    import trainwell.lab.session as session_module
    from trainwell.data import Dataset

    monkeypatch.setattr(session_module, "MAX_SHOWN", 50)
    rng = np.random.RandomState(0)
    X = rng.randn(400, 3)
    big = Dataset(X, (X[:, 0] > 0).astype(int), name="big.csv")
    page = Page()
    s = Session(page, upload=lambda label_column: big, config=check_config({"dataset": "upload"}))
    s.start()
    try:
        state = page.until("state")
        assert len(state["data"]["train"]) == 50 and len(state["data"]["y_dev"]) == 50
        assert state["data"]["n_train"] == 200 and state["data"]["n_features"] == 3
        assert "up to 50 examples" in state["data"]["note"]
        assert "first two" in state["data"]["note"]
        send(s, '{"type":"control","action":"step"}')
        assert page.until("frame", lambda m: m["iteration"] == 1)["train_cost"] > 0
    finally:
        s.close()
