"""Where each engine is faster: the measurements behind ``engine="auto"``'s cost model.

For a grid of Dense networks (one to three hidden layers, 2 to 2048 units, relu and tanh,
sigmoid and softmax outputs), batch sizes (16 to 256, with 32 batches an epoch, and full
batches of 500 and 2,000 examples) and Adam, this times fit's step with
``engine="numpy"`` and ``engine="numba"`` (interleaved; the fastest of ``--repeats`` fits
of about ``--target`` seconds, less the fastest fit of one epoch, over the steps between
them), and
records what :func:`trainwell.nn._fast.predicted_step_seconds` predicts for both and what
``engine="auto"`` picks. The report (BENCHMARKS.md) gives, over the grid, how often auto
picks the faster engine and its worst ratio to the faster one. The model's constants in
:mod:`trainwell.nn._fast_cost` were fitted to an earlier run, kept as
results/engine_cost_fit.json (``python benchmarks/engine_cost.py --fit FILE`` prints the
least-squares constants for a results file, and how a fit to half of it picks on the other
half); each new run is a check of them on fresh measurements.

Run ``python benchmarks/engine_cost.py`` (about 5 minutes on 2 idle cores), ``--quick``
for a smoke test; writes results/engine_cost.json.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from _common import parser, save

DIMS: list[tuple[int, ...]] = [
    (2, 5, 2, 1),
    (2, 20, 3, 1),
    (2, 10, 5, 1),
    (20, 8, 1),
    (20, 16, 1),
    (20, 64, 1),
    (20, 256, 1),
    (20, 1024, 1),
    (20, 2048, 1),
    (20, 64, 64, 1),
    (300, 32, 32, 1),
    (64, 64, 64, 1),
    (96, 96, 96, 1),
    (128, 128, 128, 1),
    (192, 192, 192, 1),
    (2, 100, 100, 1),
    (10, 32, 32, 32, 1),
    (784, 32, 10),
    (784, 128, 10),
    (50, 50, 3),
]
BATCHES = (16, 64, 256, "full500", "full2000")
ACTIVATIONS = ("relu", "tanh")
STEPS_PER_EPOCH = 32  # mini-batch points: n = 32 batches
QUICK = [((2, 5, 2, 1), 64, "relu"), ((128, 128, 128, 1), 256, "tanh")]


def build(dims: tuple[int, ...], activation: str) -> Any:
    from trainwell.nn import Dense, Network

    output = "softmax" if dims[-1] > 1 else "sigmoid"
    layers = [Dense(n, activation) for n in dims[1:-1]] + [Dense(dims[-1], output)]
    loss = "categorical_crossentropy" if output == "softmax" else "binary_crossentropy"
    return Network(layers, loss=loss, input_dim=dims[0], random_state=0)


def data(dims: tuple[int, ...], n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, dims[0]))
    y = (X[:, 0] > 0).astype(int) if dims[-1] == 1 else rng.integers(0, dims[-1], n)
    return X, y


def measure(dims: tuple[int, ...], batch: Any, activation: str, repeats: int, target: float):
    """µs per step of both engines, and the model's prediction and auto's pick."""
    from trainwell.nn import _fast
    from trainwell.optim import Adam
    from trainwell.training import fit

    full = isinstance(batch, str)
    n = int(batch[4:]) if full else STEPS_PER_EPOCH * batch
    size = n if full else batch
    X, y = data(dims, n)
    steps_per_epoch = -(-n // size)

    def run(engine: str, epochs: int) -> float:
        net = build(dims, activation)
        start = time.perf_counter()
        fit(net, X, y, optimizer=Adam(), learning_rate=1e-3, epochs=epochs, engine=engine,
            batch_size=size, random_state=0, progress=False)  # fmt: skip
        return time.perf_counter() - start

    epochs = {}
    for engine in ("numpy", "numba"):
        run(engine, 1)  # warm-up: the kernels' cache load, the first allocations
        one = max(run(engine, 2) / 2, 1e-6)
        epochs[engine] = max(5, int(target / one))
    # a step's time is the difference of a fit of E epochs and one of a single epoch, so
    # that fit's own fixed costs (checks, setup, the first epoch's allocations) drop out
    longs: dict[str, list[float]] = {"numpy": [], "numba": []}
    shorts: dict[str, list[float]] = {"numpy": [], "numba": []}
    for _ in range(repeats):
        for engine in ("numpy", "numba"):
            longs[engine].append(run(engine, epochs[engine]))
            shorts[engine].append(run(engine, 1))
    us = {}
    for engine, e in epochs.items():
        # the fastest of the repeats: a busy neighbour only ever adds time, and it costs
        # NumPy's two BLAS threads more than the kernel's one (medians moved the faster
        # engine from run to run at about one point in ten)
        long, short = min(longs[engine]), min(shorts[engine])
        per_step = (long - short) / ((e - 1) * steps_per_epoch)
        mean = long / (e * steps_per_epoch)
        # a one-epoch fit too noisy for the difference (under half the plain mean): the mean
        us[engine] = 1e6 * (per_step if per_step >= 0.5 * mean else mean)
    net = build(dims, activation)
    predicted = _fast.predicted_step_seconds(net, size)
    return {
        "dims": list(dims),
        "activation": activation,
        "batch": size,
        "n": n,
        "numpy_us": us["numpy"],
        "numba_us": us["numba"],
        "predicted_numpy_us": predicted["numpy"] * 1e6,
        "predicted_numba_us": predicted["numba"] * 1e6,
        "auto": "numba" if _fast.auto_compiles(net, size) else "numpy",
    }


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """How auto does over the grid: right picks, and its worst ratio to the faster engine."""
    ratios = []
    for r in rows:
        best = min(r["numpy_us"], r["numba_us"])
        r["auto_over_best"] = r[f"{r['auto']}_us"] / best
        ratios.append(r["auto_over_best"])
    right = sum(1 for r in rows if r["auto_over_best"] == 1.0)
    worst = max(rows, key=lambda r: r["auto_over_best"])
    return {
        "points": len(rows),
        "right": right,
        "worst": worst["auto_over_best"],
        "worst_at": {k: worst[k] for k in ("dims", "activation", "batch")},
        "within_1_25": sum(1 for x in ratios if x <= 1.25),
    }


def fitted(rows: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    """Non-negative least-squares constants of each engine's features, on relative error."""
    from scipy.optimize import nnls

    from trainwell.nn import _fast_cost

    coef = {}
    for engine in ("numpy", "numba"):
        F = np.array(
            [_fast_cost.features(r["dims"], r["activation"], r["batch"], engine) for r in rows]
        )
        t = np.array([r[f"{engine}_us"] for r in rows]) * 1e-6
        coef[engine], _ = nnls(F / t[:, None], np.ones(len(t)))
    return coef


def picks_ratio(rows: list[dict[str, Any]], coef: dict[str, np.ndarray]) -> np.ndarray:
    """For each row, the picked engine's time over the faster one's, picking by ``coef``."""
    from trainwell.nn import _fast_cost

    out = []
    for r in rows:
        pred = {
            e: _fast_cost.features(r["dims"], r["activation"], r["batch"], e) @ coef[e]
            for e in coef
        }
        pick = "numba" if pred["numba"] < pred["numpy"] else "numpy"
        out.append(r[f"{pick}_us"] / min(r["numpy_us"], r["numba_us"]))
    return np.array(out)


def fit_constants(rows: list[dict[str, Any]], splits: int = 20) -> dict[str, Any]:
    """Fit the model's constants, and check it on points it was not fitted to: fitted to
    a random half of the grid, how well does it pick on the other half."""
    coef = fitted(rows)
    for engine, c in coef.items():
        print(f"{engine.upper()}_COEF = np.array([{', '.join(f'{x:.4g}' for x in c)}])")
    rng = np.random.default_rng(0)
    within, worst = [], []
    for _ in range(splits):
        idx = rng.permutation(len(rows))
        half = len(rows) // 2
        train, test = [rows[i] for i in idx[:half]], [rows[i] for i in idx[half:]]
        ratio = picks_ratio(test, fitted(train))
        within.append(float(np.mean(ratio <= 1.25)))
        worst.append(float(ratio.max()))
    holdout = {
        "splits": splits,
        "within_1_25_median": float(np.median(within)),
        "within_1_25_min": float(min(within)),
        "worst_median": float(np.median(worst)),
    }
    print("held-out halves:", holdout)
    return holdout


def main() -> None:
    p = parser("Both engines' step times over a grid, against auto's cost model.", repeats=3)
    p.add_argument("--target", type=float, default=0.15, help="seconds per timed fit")
    p.add_argument(
        "--fit",
        nargs="?",
        const=str(Path(__file__).parent / "results/engine_cost.json"),
        help="print the model constants fitted to a results file (default: the last run's)",
    )
    args = p.parse_args()
    warnings.simplefilter("ignore")
    if args.fit:
        import json

        fit_constants(json.loads(Path(args.fit).read_text())["rows"])
        return
    grid = QUICK if args.quick else [(d, b, a) for d in DIMS for b in BATCHES for a in ACTIVATIONS]
    rows = []
    for i, (dims, batch, act) in enumerate(grid):
        row = measure(dims, batch, act, args.repeats, args.target)
        rows.append(row)
        save("engine_cost", {"rows": rows, "quick": args.quick}, partial=True)  # so far
        print(
            f"[{i + 1}/{len(grid)}] {row['dims']} {act} b{row['batch']}: "
            f"numpy {row['numpy_us']:.1f} numba {row['numba_us']:.1f} µs "
            f"(model {row['predicted_numpy_us']:.1f} / {row['predicted_numba_us']:.1f}) "
            f"auto {row['auto']}",
            flush=True,
        )
    result = {"rows": rows, "summary": summary(rows), "quick": args.quick}
    if not args.quick:
        result["holdout"] = fit_constants(rows)
    print(result["summary"])
    save("engine_cost", result, partial=args.quick)


if __name__ == "__main__":
    main()
