"""The report: a self-contained page that renders in headless Chromium, with every figure."""

import base64
import json
import os
import re
import shutil
import subprocess

import numpy as np
import pytest

from trainwell.course import run_experiment
from trainwell.course._base import ExperimentResult, Table
from trainwell.report import jsonable, render_html, results_json, write_report

NAMES = ("gradient_checking", "moving_averages", "trajectories")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    results = [run_experiment(name) for name in NAMES]
    out = tmp_path_factory.mktemp("report")
    meta = {"command": "trainwell reproduce --only x", "total_seconds": 1.5, "versions": "v"}
    return results, out, write_report(results, out, meta=meta)


def test_files(report):
    results, out, paths = report
    figures = [stem for r in results for stem in r.figures]
    assert len(figures) == 3
    for stem in figures:
        assert (out / f"{stem}.png").read_bytes().startswith(b"\x89PNG")
    md = paths["markdown"].read_text()
    for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md):
        assert (out / target).is_file()
    data = json.loads(paths["results"].read_text())
    assert list(data) == list(NAMES)
    for check in ("one_dimensional", "n_dimensional_buggy", "n_dimensional_fixed"):
        assert set(data["gradient_checking"][check]) == {"difference", "verdict", "worst"}


def test_html_is_self_contained(report):
    results, _, paths = report
    page = paths["index"].read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "url(" not in page and "@import" not in page
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == sum(len(r.figures) for r in results)
    assert all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    for r in results:
        assert f'id="{r.name}"' in page and r.finding.split(",")[0] in page.replace("&#x27;", "'")


def test_html_escapes_text():
    r = ExperimentResult("x", "<b>title</b>", "a & b", {}, [Table("c", ["<col>"], [[1.5]])])
    page = render_html([r], {}, {})
    assert "&lt;b&gt;title&lt;/b&gt;" in page and "a &amp; b" in page and "&lt;col&gt;" in page


def test_results_json_is_strict_json():
    r = ExperimentResult("x", "t", "f", {"a": np.float64(np.nan), "b": np.arange(2)})
    assert json.loads(results_json([r])) == {"x": {"a": None, "b": [0, 1]}}
    assert jsonable((np.int64(3), float("-inf"))) == [3, None]


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    if os.environ.get("TRAINWELL_REQUIRE_ORACLES") == "1":
        pytest.fail("chromium is required (TRAINWELL_REQUIRE_ORACLES=1) but not installed")
    pytest.skip("chromium is not installed")


def _run(browser, profile, *args):
    cmd = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def test_renders_in_headless_chromium(report, tmp_path):
    from PIL import Image

    browser = _chromium()
    results, _, paths = report
    url = paths["index"].resolve().as_uri()
    dom = _run(browser, tmp_path / "p1", "--virtual-time-budget=10000", "--dump-dom", url)
    total = re.search(r'data-images-total="(\d+)"', dom.stdout)
    loaded = re.search(r'data-images-loaded="(\d+)"', dom.stdout)
    assert total and loaded, dom.stderr[-2000:]
    assert int(total.group(1)) == sum(len(r.figures) for r in results)
    assert loaded.group(1) == total.group(1)  # every figure decoded
    shot = tmp_path / "shot.png"
    _run(browser, tmp_path / "p2", f"--screenshot={shot}", "--window-size=1200,3000", url)
    assert shot.is_file(), "chromium wrote no screenshot"
    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.shape == (3000, 1200)
    assert pixels.std() > 20  # not blank: text, tables and figures
    assert (pixels < 100).mean() > 0.005 and (pixels > 200).mean() > 0.3
