"""Lab speed: `trainwell lab` training with its views updating, against headless `fit`.

The same network and data (the lab's spiral, [2, 8, 8, 1] tanh, Adam at 0.03, full batch
and mini-batches of 16) are trained by ``trainwell.training.fit`` and by a lab session (the
worker thread, the Trainer's step chunks, a frame with metrics, boundary, unit maps and
weights every 65 ms, each frame encoded to JSON as the server sends it), repeat by repeat
in one process. Then, if Playwright and Chromium are here, a real ``trainwell lab`` process
is driven in headless Chromium and the page's redraws per second are counted.

Run ``python benchmarks/lab_speed.py --repeats 9``; writes results/lab_speed.json.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import median, parser, save

SRC = Path(__file__).resolve().parent.parent / "src"
# the timed fits run a fixed number of steps on purpose: their ConvergenceWarning is noise here
warnings.filterwarnings("ignore", message="fit (ended|trained)")
CONFIGS = {
    "full batch": {"dataset": "spiral", "batch_size": "full"},
    "batch 16": {"dataset": "spiral", "batch_size": 16},
}
LAYERS = [{"units": 8, "activation": "tanh", "batch_norm": False, "keep_prob": 1.0}] * 2


def _setup(update):
    from trainwell.lab.datasets import make_data
    from trainwell.lab.protocol import check_config

    config = check_config({**update, "layers": LAYERS, "optimizer": "adam", "learning_rate": 0.03})
    return config, make_data(config)


def fit_rate(update, seconds: float) -> float:
    """Headless fit's steps per second (its compiled path where `engine='auto'` takes it)."""
    from trainwell.lab.session import build_network
    from trainwell.training import fit

    config, data = _setup(update)
    batch = config["batch_size"]  # "full" or a size, as fit takes it
    steps_per_epoch = 1 if batch == "full" else -(-len(data.y_train) // batch)

    def run(epochs):
        net, _ = build_network(config, data)
        t0 = time.perf_counter()
        fit(net, data.X_train, data.y_train, optimizer="adam", learning_rate=0.03,
            epochs=epochs, batch_size=batch, random_state=0, progress=False)  # fmt: skip
        return time.perf_counter() - t0

    run(2)  # warm-up (compiles once)
    probe = max(1, int(20 / steps_per_epoch))
    per_epoch = run(probe) / probe
    epochs = max(1, int(seconds / per_epoch))
    return epochs * steps_per_epoch / run(epochs)


def lab_rate(update, seconds: float) -> tuple[float, float]:
    """A lab session's steps per second while playing, and its frames per second."""
    from trainwell.lab.server import to_json
    from trainwell.lab.session import Session

    config, _ = _setup(update)
    frames: list[tuple[float, int]] = []
    ready = threading.Event()

    def post(message):
        to_json(message)  # the server's encoding cost
        if message["type"] == "frame":
            frames.append((time.perf_counter(), message["iteration"]))
            ready.set()

    s = Session(post, config=config)
    s.start()
    ready.wait(60)
    s.submit({"type": "control", "action": "play"})
    time.sleep(0.5)  # chunk size settles
    start = len(frames)
    time.sleep(seconds)
    window = frames[start:]
    s.close()
    (t0, i0), (t1, i1) = window[0], window[-1]
    return (i1 - i0) / (t1 - t0), (len(window) - 1) / (t1 - t0)


def page_redraws(seconds: float) -> float | None:
    """Redraws per second of the page in headless Chromium while the lab trains."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if chromium is None:
        return None
    proc = subprocess.Popen(
        [sys.executable, "-m", "trainwell.cli", "lab", "--no-browser"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    try:
        url = proc.stdout.readline().split("trainwell lab: ", 1)[1].strip()
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
            )
            page = browser.new_page(viewport={"width": 1280, "height": 800}, bypass_csp=True)
            page.goto(url + "#data=spiral&layers=8:tanh::1,8:tanh::1")
            page.wait_for_function("window.trainwellLab && window.trainwellLab.frame !== null")
            page.click("[data-testid=play]")
            time.sleep(1.0)
            d0, t0 = page.evaluate("window.trainwellLab.stats.draws"), time.perf_counter()
            time.sleep(seconds)
            d1, t1 = page.evaluate("window.trainwellLab.stats.draws"), time.perf_counter()
            browser.close()
        return (d1 - d0) / (t1 - t0)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)


def main(argv=None):
    args = parser(__doc__.splitlines()[0], repeats=9).parse_args(argv)
    seconds = 1.0 if args.quick else 1.5
    rows = []
    for name, update in CONFIGS.items():
        fits, labs, fps, ratios = [], [], [], []
        for r in range(args.repeats):  # interleaved pairs, so a busy neighbour slows both
            if r % 2:  # alternate which goes first
                rate, frame_rate = lab_rate(update, seconds)
                fits.append(fit_rate(update, seconds))
            else:
                fits.append(fit_rate(update, seconds))
                rate, frame_rate = lab_rate(update, seconds)
            labs.append(rate)
            fps.append(frame_rate)
            ratios.append(rate / fits[-1])
        rows.append({
            "config": name,
            "fit": median(fits),
            "lab": median(labs),
            "ratio": median(ratios),
            "frames": median(fps),
        })  # fmt: skip
        print(rows[-1], flush=True)
    redraws = page_redraws(seconds)
    ratio = min(r["ratio"] for r in rows)
    payload = {
        "columns": [
            ["config", "configuration"],
            ["fit", "fit: steps/s"],
            ["lab", "lab playing: steps/s"],
            ["ratio", "lab / fit"],
            ["frames", "frames sent/s"],
        ],
        "rows": rows,
        "page_redraws_per_s": redraws,
        "targets": {
            "lab_over_fit": ratio,
            "page_redraws_per_s": redraws,
            "met": {
                "lab >= 80% of fit": ratio >= 0.8,
                "page redraws >= 10/s": None if redraws is None else redraws >= 10,
            },
        },
        "notes": [
            "spiral (200 train points), [2, 8, 8, 1] tanh/sigmoid, Adam (0.03); the same "
            "network built by the lab's build_network for both",
            f"rates are medians of {args.repeats} interleaved pairs of {seconds:g} s runs "
            "(alternating which runs first); lab / fit is the median of the pairs' ratios; "
            "the lab's rate is measured between frames while playing at full speed",
            "page redraws: a real `trainwell lab` process, the page in headless Chromium "
            "(software rendering), drawing each new frame once on requestAnimationFrame",
        ],
    }
    save("lab_speed", payload, partial=args.quick)


if __name__ == "__main__":
    main()
