"""The lessons of issue 20 driven through the page in headless Chromium: the bias/variance
verdict, gradient checking, norms by layer and the guided presets (one server, one page).

Set TRAINWELL_LAB_SCREENSHOT_LESSON=docs/lab-lessons.png to also write the README's picture.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.lab.test_browser import _small_png, lab_url, page  # noqa: F401 (fixtures)
from trainwell.diagnosis import diagnose

pytestmark = pytest.mark.slow


def _text(pg, testid: str) -> str:
    return pg.inner_text(f"[data-testid={testid}]")


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
    assert "keep_prob" in _text(page, "preset-note")
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
    page.wait_for_function("window.trainwellLab.frame.norms.layer.length === 31")
    da = page.evaluate("window.trainwellLab.frame.norms.gradient")
    assert 1e-3 < da[0] / da[-2] < 1e3
    target = os.environ.get("TRAINWELL_LAB_SCREENSHOT_LESSON")
    if target:
        page.select_option("[data-testid=preset]", "deep_explode")
        page.wait_for_function("window.trainwellLab.config.init === 'random'")
        page.locator("[data-testid=lessons]").scroll_into_view_if_needed()
        shot = Path(target).with_suffix(".raw.png")
        page.screenshot(path=str(shot), full_page=True)
        _small_png(shot, Path(target))
        shot.unlink()
