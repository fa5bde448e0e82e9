"""End to end: a real `trainwell lab` process driven through the page in headless Chromium
(the system's, through Playwright; browsers are never downloaded).

Set TRAINWELL_LAB_SCREENSHOT=docs/lab.png to also write the README's screenshot.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import require

pytestmark = pytest.mark.slow

SRC = str(Path(__file__).resolve().parents[2] / "src")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
TIMEOUT = 60_000  # ms, for a loaded 2-core machine


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("TRAINWELL_REQUIRE_ORACLES") == "1":
        pytest.fail("chromium is required (TRAINWELL_REQUIRE_ORACLES=1) but not installed")
    pytest.skip("chromium is not installed")


@pytest.fixture(scope="module")
def lab_url():
    proc = subprocess.Popen(
        [sys.executable, "-m", "trainwell.cli", "lab", "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": SRC},
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("trainwell lab: http://127.0.0.1:"), proc.stderr.read()
        yield line.split("trainwell lab: ", 1)[1].strip()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)


@pytest.fixture(scope="module")
def page(lab_url):
    require("playwright")
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS)
        # the page's CSP forbids eval, which Playwright's wait_for_function needs
        context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
        pg = context.new_page()
        pg.set_default_timeout(TIMEOUT)
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(lab_url)
        pg.wait_for_function("window.trainwellLab && window.trainwellLab.frame !== null")
        yield pg
        assert errors == []
        browser.close()


def _text(page, testid: str) -> str:
    return page.inner_text(f"[data-testid={testid}]")


def _number(page, testid: str) -> float:
    return float(_text(page, testid))


def test_spiral_trains_live_and_takes_a_new_rate_without_reset(page, tmp_path):
    page.select_option("[data-testid=dataset]", "spiral")
    page.wait_for_function("window.trainwellLab.data.name === 'spiral'")
    page.click("[data-testid=add-layer]")
    page.wait_for_function("window.trainwellLab.config.layers.length === 3")
    assert "Reset: the network changed (layers)" in _text(page, "notice")
    assert _number(page, "iteration") == 0
    first_cost = _number(page, "train-cost")

    page.click("[data-testid=play]")
    page.wait_for_function(
        "Number(document.querySelector('[data-testid=iteration]').textContent) > 200"
    )
    cost = "Number(document.querySelector('[data-testid=train-cost]').textContent)"
    page.wait_for_function(f"{cost} < {0.7 * first_cost}")
    before = _number(page, "iteration")
    page.fill("[data-testid=learning-rate]", "0.01")
    page.press("[data-testid=learning-rate]", "Tab")  # a change event
    page.wait_for_function("window.trainwellLab.config.learning_rate === 0.01")
    page.wait_for_function(
        "document.querySelector('[data-testid=current-lr]').textContent === '0.0100'"
    )
    assert _number(page, "iteration") > before  # the same run went on: no reset
    notice = _text(page, "notice")  # "Applied from iteration N, no reset: learning_rate."
    assert "no reset: learning_rate" in notice
    assert int(notice.split("iteration ")[1].split(",")[0]) > before
    for testid in ("epoch", "dev-cost", "train-accuracy", "dev-accuracy"):
        float(_text(page, testid))  # plain numbers
    assert 0.5 < _number(page, "train-accuracy") <= 1
    assert "lr=0.01" in page.url and "data=spiral" in page.url

    shot = tmp_path / "lab.png"
    page.screenshot(path=str(shot))
    _check_screenshot(shot)
    target = os.environ.get("TRAINWELL_LAB_SCREENSHOT")
    if target:
        _small_png(shot, Path(target))
    page.click("[data-testid=pause]")
    page.wait_for_function("window.trainwellLab.frame.playing === false")


def test_reload_restores_the_setup_from_the_url(page):
    page.reload()
    page.wait_for_function("window.trainwellLab && window.trainwellLab.config !== null")
    page.wait_for_function("window.trainwellLab.config.dataset === 'spiral'")
    cfg = page.evaluate("window.trainwellLab.config")
    assert len(cfg["layers"]) == 3 and cfg["learning_rate"] == 0.01


def test_upload_a_csv_and_see_an_error_for_a_bad_one(page):
    rng = np.random.RandomState(0)
    X = rng.randn(80, 2)
    rows = "".join(f"{a:.4f},{b:.4f},{int(a * a + b * b < 1)}\n" for a, b in X)
    good = {"name": "mine.csv", "mimeType": "text/csv", "buffer": ("x1,x2,y\n" + rows).encode()}
    page.set_input_files("[data-testid=upload]", files=[good])
    page.wait_for_function("window.trainwellLab.data.name === 'mine.csv'")
    assert page.evaluate("window.trainwellLab.data.n_train + window.trainwellLab.data.n_dev") == 80
    assert page.is_hidden("[data-testid=error]")

    bad = {"name": "broken.csv", "mimeType": "text/csv", "buffer": b"x1,x2,y\n1,2\n3,oops,1\n"}
    page.set_input_files("[data-testid=upload]", files=[bad])
    page.wait_for_selector("[data-testid=error]:not([hidden])")
    message = _text(page, "error")
    assert "broken.csv" in message and "Traceback" not in message
    assert page.evaluate("window.trainwellLab.data.name") == "mine.csv"  # kept


def test_out_of_range_input_shows_an_error_and_keeps_training_state(page):
    page.click("[data-testid=step]")
    page.wait_for_function("window.trainwellLab.frame.iteration >= 1")
    iteration = page.evaluate("window.trainwellLab.frame.iteration")
    page.fill("[data-testid=learning-rate]", "-5")
    page.press("[data-testid=learning-rate]", "Tab")
    page.wait_for_function(
        "document.querySelector('[data-testid=error]').textContent.includes('learning_rate')"
    )
    assert page.input_value("[data-testid=learning-rate]") == "0.01"  # what is in force
    page.click("[data-testid=step]")
    page.wait_for_function(f"window.trainwellLab.frame.iteration === {iteration + 1}")


def _check_screenshot(path: Path) -> None:
    from PIL import Image

    pixels = np.asarray(Image.open(path).convert("RGB"), dtype=float)
    assert pixels.shape[:2] == (800, 1280)
    blue = (pixels[..., 2] > 150) & (pixels[..., 0] < 100)
    orange = (pixels[..., 0] > 200) & (pixels[..., 2] < 100)
    assert blue.mean() > 0.01 and orange.mean() > 0.01  # the heat maps are drawn


def _small_png(src: Path, dst: Path) -> None:
    from PIL import Image

    img = Image.open(src).convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    dst.parent.mkdir(parents=True, exist_ok=True)
    img.save(dst, optimize=True)
