"""The lesson handlers on the session's worker thread: verdict, gradient check, norms, presets."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.lab.test_session import Page, send
from trainwell.diagnosis import diagnose, gradient_norms
from trainwell.gradcheck import gradient_check
from trainwell.lab.datasets import make_data
from trainwell.lab.lessons import norms_for_page, verdict_for_page
from trainwell.lab.protocol import ProtocolError, check_config, parse_message
from trainwell.lab.session import Session, build_network
from trainwell.nn import Network


@pytest.fixture
def session():
    page = Page()
    s = Session(page, config=check_config({"dataset": "moons", "batch_size": 32}))
    s.start()
    page.until("state")
    yield s, page
    s.close()


@pytest.mark.parametrize(
    "raw, words",
    [
        ('{"type":"bayes","bayes_error":1}', "'bayes_error' must be in [0, 1)"),
        ('{"type":"bayes","bayes_error":-0.1}', "'bayes_error' must be in [0, 1)"),
        ('{"type":"bayes","bayes_error":"0.1"}', "'bayes_error' must be a number"),
        ('{"type":"bayes"}', "'bayes_error' must be a number; got None"),
        ('{"type":"preset","name":"os.system"}', "'preset' must be one of init_zeros"),
        ('{"type":"lesson"}', "unknown message type 'lesson'"),
        ('{"type":"export"}' + " " * 70000, "bytes refused"),
    ],
)
def test_lesson_messages_are_refused_out_of_range(raw, words):
    with pytest.raises(ProtocolError) as err:
        parse_message(raw)
    assert words in str(err.value)


def test_lesson_messages_pass_in_range():
    assert parse_message('{"type":"bayes","bayes_error":0.05}')["bayes_error"] == 0.05
    assert parse_message('{"type":"gradcheck","extra":1}') == {"type": "gradcheck"}
    assert parse_message('{"type":"preset","name":"reg_l2"}')["name"] == "reg_l2"


def test_verdict_is_the_librarys_diagnose():
    got = verdict_for_page(0.92, 0.80, 0.05)
    assert got == diagnose(1 - 0.92, 1 - 0.80, 0.05).to_dict()
    assert verdict_for_page(float("nan"), 0.5, 0.0) is None


def test_norms_for_page_adds_the_weight_norms():
    config = check_config({"dataset": "moons"})
    data = make_data(config)
    net, _ = build_network(config, data)
    got = norms_for_page(net, data.X_train, data.y_train)
    ref = gradient_norms(net, data.X_train, data.y_train)
    np.testing.assert_array_equal(got["gradient"], ref.gradient)
    assert got["weight"][0] == np.linalg.norm(net.parameters()["W1"])
    assert len(got["weight"]) == len(got["layer"]) == 3


def test_frames_carry_the_verdict_for_the_bayes_error(session):
    s, page = session
    send(s, '{"type":"bayes","bayes_error":0.2}')
    f = page.until("frame", lambda m: m["bayes_error"] == 0.2)
    d = f["diagnosis"]
    assert d == diagnose(1 - f["train_accuracy"], 1 - f["dev_accuracy"], 0.2).to_dict()
    assert len(f["norms"]["layer"]) == 3


def test_gradcheck_checks_the_current_network(session):
    s, page = session
    send(s, '{"type":"control","action":"step","steps":5}')
    page.until("frame", lambda m: m["iteration"] == 5)
    theta = s.trainer.network.theta.copy()
    send(s, '{"type":"gradcheck"}')
    got = page.until("gradcheck")
    page.until("frame")  # the worker's frame after it: then the network is idle
    ref = gradient_check(s.trainer.network, s.data.X_train[:64], s.data.y_train[:64])
    assert got["difference"] == ref.difference and got["verdict"] == "correct"
    assert got["iteration"] == 5 and got["engine"] == "numpy (float64)"
    np.testing.assert_array_equal(s.trainer.network.theta, theta)  # the check changed nothing


def test_preset_builds_the_experiment_and_says_what_to_look_for(session):
    s, page = session
    send(s, '{"type":"preset","name":"deep_explode"}')
    assert page.until("state")["reason"].startswith("Preset: Deep network")
    note = page.until("preset")["note"]
    assert "exploding" in note
    assert len(s.config["layers"]) == 30 and s.config["init_scale"] == 0.75
    f = page.until("frame")
    grad = f["norms"]["gradient"]
    assert grad[0] / grad[-2] > 1e4  # orders of magnitude


def test_code_replays_live_changes_under_a_decay(session):
    s, page = session
    s.submit({"type": "config", "config": {"decay": "staircase", "decay_rate": 0.5,
                                          "decay_step": 2, "optimizer": "momentum"}})  # fmt: skip
    page.until("state")
    send(s, '{"type":"control","action":"step","steps":9}')
    s.submit({"type": "config", "config": {"learning_rate": 0.2, "beta": 0.5}})
    page.until("config")
    send(s, '{"type":"control","action":"step_epoch"}')
    send(s, '{"type":"code"}')
    code = page.until("code")["code"]
    page.until("frame")  # the worker's frame after it: then the network is idle
    assert "lr0 = 0.2" in code and "trainer.set(beta=0.5)  # changed live at iteration 9" in code
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert float(out.stdout) == s.trainer.evaluate(s.data.X_train, s.data.y_train)[0]


def test_export_gives_the_model_and_the_history(session, tmp_path):
    s, page = session
    send(s, '{"type":"control","action":"step","steps":3}')
    page.until("frame", lambda m: m["iteration"] == 3)
    send(s, '{"type":"export"}')
    got = page.until("export")
    page.until("frame")  # the worker's frame after it: then the network is idle
    path = tmp_path / "m.npz"
    path.write_bytes(base64.b64decode(got["npz"]))
    loaded = Network.load(path)
    np.testing.assert_array_equal(
        loaded.predict(s.data.X_dev), s.trainer.network.predict(s.data.X_dev)
    )
    assert got["history"][-1][0] == 3 and got["columns"][1] == "train_cost"


@pytest.mark.parametrize(
    "raw, words",
    [
        ('{"type":"surface","surface":"cliff"}', "'surface' must be one of bowl, saddle, plateau"),
        ('{"type":"surface","surface":"bowl","lr_gd":0,"lr_adaptive":1,"beta":0.9,'
         '"beta2":0.9,"epsilon":1e-8,"steps":5}', "'lr_gd' must be in (0, 10]"),
        ('{"type":"surface","surface":"bowl","lr_gd":1,"lr_adaptive":1,"beta":0.9,'
         '"beta2":0.9,"epsilon":1e-8,"steps":5000}', "'surface_steps' must be in [1, 1000]"),
        ('{"type":"ewma","beta":1}', "'beta' must be in [0, 1)"),
    ],
)  # fmt: skip
def test_surface_and_ewma_messages_are_checked(raw, words):
    with pytest.raises(ProtocolError) as err:
        parse_message(raw)
    assert words in str(err.value)


def test_surface_and_ewma_replies_and_z_stats(session):
    s, page = session
    send(s, '{"type":"surface","surface":"bowl","lr_gd":0.9,"lr_adaptive":0.3,"beta":0.9,'
            '"beta2":0.9,"epsilon":1e-8,"steps":50}')  # fmt: skip
    got = page.until("surface")
    assert got["final_cost"]["momentum"] < got["final_cost"]["gd"]  # the zig-zag damped
    send(s, '{"type":"ewma","beta":0.9}')
    e = page.until("ewma")
    assert e["plain"][0] == pytest.approx(0.1 * e["series"][0]) and e["span"] == pytest.approx(10)
    s.submit({"type": "config", "config": {"layers": [{"units": 3, "batch_norm": True}]}})
    page.until("state")
    f = page.until("frame")
    assert len(f["z_stats"]["mean"]) == 1


def test_sweep_messages_are_checked_and_a_sweep_runs(session):
    for raw, words in [
        ('{"type":"sweep","trials":1,"epochs":5}', "'trials' must be in [2, 100]"),
        ('{"type":"sweep","trials":4,"epochs":0}', "'epochs' must be in [1, 1000]"),
        ('{"type":"sweep","trials":4,"epochs":5,"zoom":1}', "'zoom' must be true or false"),
    ]:
        with pytest.raises(ProtocolError, match=re.escape(words)):
            parse_message(raw)
    s, page = session
    send(s, '{"type":"sweep","trials":3,"epochs":3}')
    send(s, '{"type":"sweep","trials":3,"epochs":3}')  # while one runs: refused
    assert "already running" in page.until("error")["message"]
    done = page.until("sweep_done")
    assert done["n"] == 3 and done["best"]["dev_score"] is not None
