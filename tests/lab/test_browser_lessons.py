"""The lessons of issue 20 driven through the page in headless Chromium: the bias/variance
verdict, gradient checking, norms by layer and the guided presets (one server, one page).

Set TRAINWELL_LAB_SCREENSHOT_LESSON=docs/lab-lessons.png to also write the README's picture.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lab.test_browser import SRC, _small_png, lab_url, page  # noqa: F401 (fixtures)
from trainwell.diagnosis import diagnose
from trainwell.lab.datasets import make_data
from trainwell.nn import Network
from trainwell.training import evaluate

pytestmark = pytest.mark.slow


def _text(pg, testid: str) -> str:
    return pg.inner_text(f"[data-testid={testid}]")


def _next_frame(pg) -> None:
    """Wait for a frame sent after the state the page holds (frames follow their state)."""
    n = pg.evaluate("window.trainwellLab.stats.frames")
    pg.wait_for_function(f"window.trainwellLab.stats.frames > {n}")


def test_verdict_follows_the_errors_and_the_bayes_error(page):  # noqa: F811
    page.click("[data-testid=step]")
    page.wait_for_function("window.trainwellLab.frame && window.trainwellLab.frame.diagnosis")
    page.fill("[data-testid=bayes-error]", "0.3")
    page.press("[data-testid=bayes-error]", "Tab")
    page.wait_for_function("window.trainwellLab.frame.bayes_error === 0.3")
    f = page.evaluate("window.trainwellLab.frame")
    expected = diagnose(1 - f["train_accuracy"], 1 - f["dev_accuracy"], 0.3)
    page.wait_for_function("document.querySelector('[data-testid=verdict]').textContent !== '-'")
    shown = _text(page, "verdict")
    assert expected.verdict in shown or (expected.verdict == "neither" and "neither" in shown)
    remedies = _text(page, "remedies")
    assert all(r in remedies for r in expected.remedies)
    page.fill("[data-testid=bayes-error]", "2")  # out of range: refused, the verdict kept
    page.press("[data-testid=bayes-error]", "Tab")
    page.wait_for_function(
        "document.querySelector('[data-testid=error]').textContent.includes('bayes_error')"
    )
    page.fill("[data-testid=bayes-error]", "0")
    page.press("[data-testid=bayes-error]", "Tab")
    page.wait_for_function("window.trainwellLab.frame.bayes_error === 0")


def test_gradient_check_of_a_healthy_network_passes(page):  # noqa: F811
    page.select_option("[data-testid=preset]", "init_he")
    page.wait_for_function("window.trainwellLab.config.init === 'he'")
    page.click("[data-testid=step]")
    page.click("[data-testid=gradcheck]")
    page.wait_for_function(
        "/relative difference [0-9.e+-]+: /.test("
        "document.querySelector('[data-testid=gradcheck-result]').textContent)"
    )
    text = _text(page, "gradcheck-result")
    difference = float(re.search(r"relative difference ([0-9.e+-]+)", text).group(1))
    assert difference < 1e-7 and text.endswith("correct")
    assert "numpy (float64) engine" in _text(page, "gradcheck-detail")


def test_presets_set_up_the_course_experiments_with_notes(page):  # noqa: F811
    options = page.eval_on_selector_all(
        "[data-testid=preset] option", "els => els.map(e => e.value)"
    )
    for name in ("init_zeros", "init_large", "reg_l2", "reg_dropout", "opt_momentum", "opt_adam"):
        assert name in options
    page.select_option("[data-testid=preset]", "reg_dropout")
    page.wait_for_function("window.trainwellLab.config.dataset === 'football'")
    cfg = page.evaluate("window.trainwellLab.config")
    assert [layer["keep_prob"] for layer in cfg["layers"]] == [0.86, 0.86]
    page.wait_for_function(
        "document.querySelector('[data-testid=preset-note]').textContent.includes('keep_prob')"
    )
    assert "Preset: Regularization: dropout" in _text(page, "notice")


def test_thirty_layer_preset_shows_the_norms_explode(page):  # noqa: F811
    page.select_option("[data-testid=preset]", "deep_explode")
    page.wait_for_function(
        "window.trainwellLab.config.layers.length === 30 && "
        "window.trainwellLab.frame.norms && window.trainwellLab.frame.norms.layer.length === 31"
    )
    norms = page.evaluate("window.trainwellLab.frame.norms")
    da = norms["gradient"]
    assert da[0] / da[-2] > 1e4  # orders of magnitude from layer 30 back to layer 1
    assert norms["activation"][-2] / norms["activation"][0] > 1e4  # and forward too
    page.wait_for_function(
        "document.querySelector('[data-testid=norms-note]').textContent.includes('exploding')"
    )
    page.select_option("[data-testid=preset]", "deep_xavier")
    page.wait_for_function("window.trainwellLab.config.init === 'xavier'")
    _next_frame(page)
    da = page.evaluate("window.trainwellLab.frame.norms.gradient")
    assert 1e-3 < da[0] / da[-2] < 1e3


def _fresh(pg) -> None:
    """Wait for the first frame of the network a preset just built (iteration 0), so that
    no frame of the network before it is taken for one of this one."""
    pg.wait_for_function("window.trainwellLab.frame && window.trainwellLab.frame.iteration === 0")


def _epoch(pg, n: int) -> None:
    for _ in range(n):
        before = pg.evaluate("window.trainwellLab.frame.iteration")
        pg.click("[data-testid=step-epoch]")
        pg.wait_for_function(f"window.trainwellLab.frame.iteration > {before}")


def test_copy_as_code_reproduces_the_lab_cost_with_live_changes(page):  # noqa: F811
    page.select_option("[data-testid=preset]", "opt_momentum")
    page.wait_for_function("window.trainwellLab.config.optimizer === 'momentum'")
    _fresh(page)
    _epoch(page, 3)
    page.fill("[data-testid=learning-rate]", "0.05")
    page.press("[data-testid=learning-rate]", "Tab")
    page.wait_for_function("window.trainwellLab.config.learning_rate === 0.05")
    _epoch(page, 2)
    page.fill("[data-testid=l2]", "0.1")
    page.press("[data-testid=l2]", "Tab")
    page.wait_for_function("window.trainwellLab.config.l2 === 0.1")
    before = page.evaluate("window.trainwellLab.frame.iteration")
    page.click("[data-testid=step]")
    page.wait_for_function(f"window.trainwellLab.frame.iteration === {before + 1}")
    page.click("[data-testid=copy-code]")
    page.wait_for_function("document.querySelector('[data-testid=code]').textContent.length > 0")
    code = page.inner_text("[data-testid=code]")
    assert "trainer.set(learning_rate=0.05)" in code and "trainer.set(l2=0.1)" in code
    lab_cost = page.evaluate("window.trainwellLab.frame.train_cost")
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": SRC},
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert float(out.stdout) == pytest.approx(lab_cost, rel=1e-9)


def test_downloaded_model_predicts_as_the_lab_and_history_downloads(page, tmp_path):  # noqa: F811
    with page.expect_download() as info:
        page.click("[data-testid=download-model]")
    path = tmp_path / "model.npz"
    info.value.save_as(path)
    net = Network.load(path)
    cfg = page.evaluate("window.trainwellLab.config")
    data = make_data(cfg)
    X = net.check_input(data.X_dev)
    cost, accuracy = evaluate(net, X, net.encode_targets(data.y_dev, X.shape[0]))
    frame = page.evaluate("window.trainwellLab.frame")
    assert cost == pytest.approx(frame["dev_cost"], rel=1e-12)
    assert accuracy == frame["dev_accuracy"]
    with page.expect_download() as info:
        page.click("[data-testid=download-csv]")
    info.value.save_as(tmp_path / "h.csv")
    rows = (tmp_path / "h.csv").read_text().splitlines()
    assert rows[0] == "iteration,train_cost,dev_cost,train_accuracy,dev_accuracy"
    assert int(rows[-1].split(",")[0]) == frame["iteration"]
    with page.expect_download() as info:
        page.click("[data-testid=download-json]")
    info.value.save_as(tmp_path / "h.json")
    history = json.loads((tmp_path / "h.json").read_text())["history"]
    assert history[-1]["train_cost"] == pytest.approx(frame["train_cost"], rel=1e-12)
    with page.expect_download() as info:
        page.click("[data-testid=download-png]")
    info.value.save_as(tmp_path / "b.png")
    assert (tmp_path / "b.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_pinned_runs_overlay_and_fill_the_table(page):  # noqa: F811
    n0 = page.evaluate("window.trainwellLab.pinned.length")
    page.select_option("[data-testid=preset]", "opt_momentum")
    page.wait_for_function("window.trainwellLab.config.optimizer === 'momentum'")
    _fresh(page)
    _epoch(page, 2)
    page.click("[data-testid=pin-run]")
    page.wait_for_function(f"window.trainwellLab.pinned.length === {n0 + 1}")
    page.select_option("[data-testid=preset]", "opt_adam")
    page.wait_for_function("window.trainwellLab.config.optimizer === 'adam'")
    _fresh(page)
    _epoch(page, 4)
    page.click("[data-testid=pin-run]")
    page.wait_for_function(f"window.trainwellLab.pinned.length === {n0 + 2}")
    rows = page.eval_on_selector_all(
        "[data-testid=pinned-runs] tbody tr", "rs => rs.map(r => r.innerText)"
    )
    assert "momentum" in rows[n0] and "adam" in rows[n0 + 1]
    pinned = page.evaluate("window.trainwellLab.pinned")
    f = page.evaluate("window.trainwellLab.frame")
    assert pinned[n0 + 1]["iteration"] == 4 * f["iteration"] // f["epoch"]  # four epochs
    assert len(pinned[n0]["curves"]) > 1
    assert f"{f['train_cost']:.4f}" in rows[n0 + 1]


def test_optimizers_on_a_surface_ewma_and_batch_norm_views(page):  # noqa: F811
    page.wait_for_function("window.trainwellLab.views.surface !== null")
    page.select_option("[data-testid=surface-select]", "saddle")
    page.wait_for_function("window.trainwellLab.views.surface.surface === 'saddle'")
    s = page.evaluate("window.trainwellLab.views.surface")
    assert sorted(s["paths"]) == ["adam", "gd", "momentum", "rmsprop"]
    assert len(s["paths"]["gd"]) == 101 and s["final_cost"]["adam"] < -0.24  # left the saddle
    assert "saddle points" in _text(page, "surface-note")
    page.fill("[data-testid=surface-beta]", "0.5")
    page.press("[data-testid=surface-beta]", "Tab")
    page.wait_for_function(
        f"window.trainwellLab.views.surface.paths.momentum[5][0] !== {s['paths']['momentum'][5][0]}"
    )
    page.fill("[data-testid=ewma-beta]", "0.98")
    page.dispatch_event("[data-testid=ewma-beta]", "input")
    page.wait_for_function("window.trainwellLab.views.ewma.beta === 0.98")
    e = page.evaluate("window.trainwellLab.views.ewma")
    assert e["corrected"][0] == e["series"][0] and abs(e["plain"][0]) < abs(e["series"][0]) / 10
    page.select_option("[data-testid=preset]", "init_he")
    page.wait_for_function("window.trainwellLab.config.init === 'he'")
    page.click("[data-testid=bn-toggle]")
    page.wait_for_function("window.trainwellLab.config.layers.every(l => l.batch_norm)")
    _fresh(page)
    _epoch(page, 3)
    # the view's frames are throttled: the one after the third step may come a moment later
    page.wait_for_function(
        "(z => z.length > 0 && z[z.length - 1].iteration === 3)(window.trainwellLab.views.zHistory)"
    )
    z = page.evaluate("window.trainwellLab.views.zHistory")
    assert len(z) >= 3 and len(z[-1]["mean"]) == 2 and z[-1]["iteration"] == 3


def test_random_search_scatters_trials_zooms_and_loads_a_point(page):  # noqa: F811
    page.select_option("[data-testid=preset]", "opt_momentum")
    page.wait_for_function("window.trainwellLab.config.optimizer === 'momentum'")
    page.fill("[data-testid=sweep-trials]", "6")
    page.fill("[data-testid=sweep-epochs]", "5")
    page.click("[data-testid=sweep]")
    page.wait_for_function("window.trainwellLab.sweep.best !== null", timeout=120_000)
    sweep = page.evaluate("window.trainwellLab.sweep")
    assert len(sweep["trials"]) == 6
    for t in sweep["trials"]:
        assert 1e-4 <= t["learning_rate"] <= 1 and 0.5 <= t["beta"] <= 0.999
    page.click("[data-testid=sweep-zoom]")
    page.wait_for_function(
        "window.trainwellLab.sweep.best !== null && window.trainwellLab.sweep.trials.length === 6"
        " && window.trainwellLab.sweep.box.learning_rate[1] - window.trainwellLab.sweep.box"
        ".learning_rate[0] < 0.9999",
        timeout=120_000,
    )
    best = page.evaluate("window.trainwellLab.sweep.best")
    box = page.evaluate("window.trainwellLab.sweep.box")
    assert box["learning_rate"][0] <= best["learning_rate"] <= box["learning_rate"][1]
    canvas = page.locator("[data-testid=sweep-chart]").bounding_box()
    page.mouse.click(canvas["x"] + canvas["width"] / 2, canvas["y"] + canvas["height"] / 2)
    page.wait_for_function(
        "window.trainwellLab.sweep.trials.some(t => Math.abs(t.learning_rate - "
        "window.trainwellLab.config.learning_rate) < 1e-5 * t.learning_rate)"
    )
    target = os.environ.get("TRAINWELL_LAB_SCREENSHOT_LESSON")
    if target:
        _lesson_screenshot(page, Path(target))


def _lesson_screenshot(pg, target: Path) -> None:
    """The README's picture: the regularization lesson, trained, with its verdict, gradient
    check, norms, and the optimizers on the saddle."""
    pg.select_option("[data-testid=preset]", "reg_none")
    pg.wait_for_function("window.trainwellLab.config.dataset === 'football'")
    pg.click("[data-testid=play]")
    pg.wait_for_function("window.trainwellLab.frame.iteration > 3000")
    pg.click("[data-testid=pause]")
    pg.wait_for_function("window.trainwellLab.frame.playing === false")
    pg.click("[data-testid=gradcheck]")
    pg.wait_for_function(
        "/: (correct|suspicious|wrong)/.test("
        "document.querySelector('[data-testid=gradcheck-result]').textContent)"
    )
    pg.evaluate("document.querySelector('[data-testid=error]').hidden = true")
    box = "el => { const r = el.getBoundingClientRect(); return r.top + window.scrollY; }"
    top = pg.eval_on_selector("[data-testid=lessons]", box)
    end = "el => el.firstElementChild.getBoundingClientRect().bottom + window.scrollY"
    bottom = pg.eval_on_selector("[data-testid=optviews]", end)
    clip = {"x": 0, "y": top - 8, "width": 1280, "height": bottom + 10 - top}
    raw = target.with_suffix(".raw.png")
    pg.screenshot(path=str(raw), full_page=True, clip=clip)
    _small_png(raw, target)
    raw.unlink()
