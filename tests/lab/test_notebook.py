"""The notebook's Lab: a server on a background thread, an inline frame, the network back."""

from __future__ import annotations

import json

import numpy as np
import pytest

from trainwell.exceptions import InvalidParameterError
from trainwell.lab import Lab
from trainwell.lab.datasets import make_data


@pytest.fixture
def lab():
    lab = Lab(config={"dataset": "moons", "batch_size": 32})
    yield lab
    lab.close()


def test_lab_shows_inline_and_reads_the_network_back(lab):
    from websockets.sync.client import connect

    shown = lab._repr_html_()
    assert shown.startswith("<iframe") and lab.url.replace("&", "&amp;") in shown
    with pytest.raises(InvalidParameterError, match="no page has opened the lab"):
        lab.network
    ws_url = lab.url.replace("http://", "ws://").replace("/?token=", "/ws?token=")
    origin = lab.url.split("/?")[0]
    with connect(ws_url, origin=origin) as ws:
        ws.send(json.dumps({"type": "control", "action": "step", "steps": 7}))
        while True:
            m = json.loads(ws.recv(timeout=60))
            if m["type"] == "frame" and m["iteration"] == 7:
                break
        net = lab.network
        assert lab.config["dataset"] == "moons"
    data = make_data(lab.config)
    assert net.cost(data.X_train, data.y_train) == pytest.approx(m["train_cost"], rel=1e-12)
    net.theta[...] = 0  # a copy: the page's network is untouched
    assert not np.all(lab.network.theta == 0)


def test_lab_refuses_bad_settings_before_starting():
    with pytest.raises(ValueError, match="learning_rate"):
        Lab(config={"learning_rate": -1})
