"""How cost grows: time per epoch against the examples n and against the width.

Three sweeps, each network trained the same way by every implementation (same data, same
initial weights, same batches per epoch, same threads), float64 (the compiled engine is
float64 only, so both of trainwell's engines run at every point), Adam (learning rate 1e-3):

- ``n``: [20, 64, 64, 1] relu/sigmoid, batch 256, n from 10^3 to 10^6;
- ``width``: [20, w, 1], batch 256, n = 10^4, w from 16 to 2048;
- ``n_auto``: [20, 8, 1] with fit's default ``batch_size="auto"`` (the full batch up to
  2,000 examples, then 64 to 512), n from 500 to 10^5: the one way the engine choice of
  ``engine="auto"`` can change with n, since it depends on the step's cost (batch size
  times weights), never on n itself.

Implementations: trainwell with ``engine="auto"``, ``"numpy"`` and ``"numba"`` (so auto's
choice, recorded at every point, is visible against both), scikit-learn's MLPClassifier
and PyTorch CPU eager at NumPy's BLAS thread count. At each point every implementation
trains one epoch (warm-up and calibration), then ``--repeats`` interleaved timed fits of E
epochs each, E chosen so a fit lasts about ``--target`` seconds (fit's fixed costs spread
over the epochs); the time per epoch is the median of the fits' time over E. An
implementation whose epoch, extrapolated linearly from its previous point, would exceed
``--cap`` seconds is skipped there and beyond (marked "capped"); one whose calibration
epoch exceeds it keeps that single epoch as its measurement and is capped beyond.

Run ``python benchmarks/scaling.py`` (a few minutes on 2 idle cores; 13 minutes at a load
average of 10, where every 2-thread library slows most), ``--quick`` for a smoke test; writes
results/scaling.json, drawn by report.py (BENCHMARKS.md and benchmarks/scaling.png).
"""

from __future__ import annotations

import itertools
import math
import sys
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from _common import blas_threads, have_torch, median, parser, save
from baselines import Spec, train_sklearn, train_torch, train_trainwell, trainwell_network

FEATURES = 20
IMPLS = ("trainwell", "trainwell-numpy", "trainwell-numba", "sklearn", "torch")
SWEEPS: dict[str, dict[str, Any]] = {
    "n": {
        "label": "examples n",
        "title": "n sweep: [20, 64, 64, 1], batch 256",
        "points": [1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000],
        "quick": [1_000, 3_000],
    },
    "width": {
        "label": "hidden units w",
        "title": "width sweep: [20, w, 1], batch 256, n = 10,000",
        "points": [16, 32, 64, 128, 256, 512, 1024, 2048],
        "quick": [16, 64],
    },
    "n_auto": {
        "label": "examples n",
        "title": "n sweep with fit's batch_size='auto': [20, 8, 1]",
        "points": [500, 900, 1_000, 1_500, 2_000, 2_500, 10_000, 100_000],
        "quick": [500, 1_500, 2_500],
    },
}
N_WIDTH = 10_000


def spec_for(sweep: str, x: int) -> tuple[Spec, int]:
    """The network and the number of examples at point ``x`` of ``sweep``."""
    from trainwell.training.batches import auto_batch_size

    common = {"optimizer": "adam", "learning_rate": 1e-3, "dtype": "float64", "seed": 0}
    if sweep == "n":
        return Spec(dims=[FEATURES, 64, 64, 1], batch_size=256, **common), x
    if sweep == "width":
        return Spec(dims=[FEATURES, x, 1], batch_size=256, **common), N_WIDTH
    return Spec(dims=[FEATURES, 8, 1], batch_size=auto_batch_size(x), **common), x


def data(m: int) -> tuple[np.ndarray, np.ndarray]:
    """Standard normal features; labels from a teacher with one product term (learnable,
    not linear). Every point uses the first n rows of one draw."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((m, FEATURES))
    w = rng.standard_normal(FEATURES)
    return X, (X @ w + 0.5 * X[:, 0] * X[:, 1] > 0).astype(np.int64)


def auto_choice(spec: Spec, m: int) -> str:
    """The engine ``engine="auto"`` picks for this configuration (as fit asks it)."""
    from trainwell.nn import _fast
    from trainwell.optim import Adam
    from trainwell.training.batches import resolve_batch_size

    net = trainwell_network(spec)
    batch = resolve_batch_size(spec.batch_size, m)
    runner = _fast.plan(net, Adam(*spec.betas, spec.epsilon), batch, _fast.resolve_engine("auto"))
    return "numpy" if runner is None else "numba"


def flip_point(sweep: str, lo: int, hi: int) -> int:
    """The largest x in [lo, hi) where ``engine="auto"`` still picks what it picks at lo."""
    choice = lambda x: auto_choice(*spec_for(sweep, x))  # noqa: E731
    first = choice(lo)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if choice(mid) == first else (lo, mid)
    return lo


def runner(impl: str, X: np.ndarray, y: np.ndarray, threads: int):
    if impl.startswith("trainwell"):
        engine = impl.split("-")[1] if "-" in impl else "auto"
        return lambda s: train_trainwell(s, X, y, engine=engine)
    if impl == "sklearn":
        return lambda s: train_sklearn(s, X, y)
    return lambda s: train_torch(s, X, y, threads=threads)


def epochs(spec: Spec, e: int) -> Spec:
    return Spec(**{**spec.__dict__, "epochs": e})


def measure_point(sweep, x, impls, X, y, args, last, threads) -> dict[str, Any]:
    """Time every implementation at one point; ``last`` holds each one's previous
    (x, seconds per epoch, capped) for the cap, and is updated."""
    spec, m = spec_for(sweep, x)
    Xm, ym = X[:m], y[:m]
    out: dict[str, Any] = {"x": x, "n": m, "batch_size": spec.batch_size,
                           "auto": auto_choice(spec, m), "impls": {}}  # fmt: skip
    active, plan = {}, {}
    for impl in impls:
        prev = last.get(impl)
        if prev is not None:
            predicted = prev[1] * x / prev[0]  # linear in x from the previous point
            if prev[2] or predicted > args.cap:
                out["impls"][impl] = {"capped": True, "predicted_s": predicted}
                last[impl] = (x, predicted, True)
                continue
        run = runner(impl, Xm, ym, threads)
        first = run(epochs(spec, 1))  # warm-up and calibration
        one = first["seconds"]
        if one > args.cap:  # this one epoch is all it gets, here and beyond
            out["impls"][impl] = {"s_per_epoch": one, "min_s": one, "epochs": 1, "runs": 1,
                                  "accuracy": first["accuracy"], "over_cap": True}  # fmt: skip
            last[impl] = (x, one, True)
            continue
        plan[impl] = max(1, min(args.max_epochs, math.ceil(args.target / max(one, 1e-6))))
        active[impl] = run
    per: dict[str, list[float]] = {k: [] for k in active}
    acc: dict[str, float] = {}
    for _ in range(args.repeats):
        for impl, run in active.items():
            res = run(epochs(spec, plan[impl]))
            per[impl].append(res["seconds"] / plan[impl])
            acc[impl] = res["accuracy"]
    steps = spec.batches_per_epoch(m)
    for impl in active:
        s = median(per[impl])
        out["impls"][impl] = {"s_per_epoch": s, "min_s": min(per[impl]), "epochs": plan[impl],
                              "runs": args.repeats, "us_per_step": s / steps * 1e6, "accuracy": acc[impl]}  # fmt: skip
        last[impl] = (x, min(per[impl]), False)  # the best: a busy neighbour only slows
    cells = "  ".join(
        f"{k} {v['s_per_epoch']:.4f}" if "s_per_epoch" in v else f"{k} capped"
        for k, v in out["impls"].items()
    )
    print(f"  {sweep} {x:>9,} (auto: {out['auto']}): {cells}", flush=True)
    return out


def slope(xs: list[float], ts: list[float]) -> float | None:
    """Least-squares slope of log t against log x (None with fewer than two points)."""
    if len(xs) < 2:
        return None
    return float(np.polyfit(np.log(xs), np.log(ts), 1)[0])


def summarize(sweep: str, points: list[dict[str, Any]]) -> dict[str, Any]:
    """Fitted slopes, the largest local slope of auto's curve, where auto flips, where the
    two engines cross, and auto's worst time against the faster engine."""
    out: dict[str, Any] = {"slopes": {}}
    for impl in IMPLS:
        pts = [(p["x"], p["impls"][impl]["s_per_epoch"]) for p in points
               if "s_per_epoch" in p["impls"].get(impl, {})]  # fmt: skip
        out["slopes"][impl] = slope([a for a, _ in pts], [b for _, b in pts])
        if impl == "trainwell" and len(pts) > 1:
            local = [math.log(t2 / t1) / math.log(x2 / x1)
                     for (x1, t1), (x2, t2) in itertools.pairwise(pts)]  # fmt: skip
            out["max_local_slope"] = max(local)
    flips = [(a["x"], b["x"]) for a, b in itertools.pairwise(points) if a["auto"] != b["auto"]]
    out["auto_flips_between"] = flips
    worst, worst_pick, cross = 1.0, 1.0, []
    for a, b in itertools.pairwise(points):
        ra, rb = _numba_over_numpy(a), _numba_over_numpy(b)
        if ra and rb and (ra - 1) * (rb - 1) < 0:  # the engines' curves cross between a, b
            f = math.log(ra) / (math.log(ra) - math.log(rb))
            cross.append(a["x"] * (b["x"] / a["x"]) ** f)
    for p in points:
        t = {k: v.get("s_per_epoch") for k, v in p["impls"].items()}
        best = min((t.get("trainwell-numpy") or math.inf), (t.get("trainwell-numba") or math.inf))
        if t.get("trainwell") and best < math.inf:
            p["auto_over_best"] = t["trainwell"] / best
            worst = max(worst, p["auto_over_best"])
        picked = t.get(f"trainwell-{p['auto']}")
        if picked and best < math.inf:  # the same code as the auto row, timed beside the other
            p["pick_over_best"] = picked / best
            worst_pick = max(worst_pick, p["pick_over_best"])
    out["engines_cross_at"] = cross
    out["auto_worst_over_best_engine"] = worst
    out["pick_worst_over_best_engine"] = worst_pick
    out["auto_flips_after"] = [flip_point(sweep, a, b) for a, b in flips]
    return out


def _numba_over_numpy(p: dict[str, Any]) -> float | None:
    a = p["impls"].get("trainwell-numba", {}).get("s_per_epoch")
    b = p["impls"].get("trainwell-numpy", {}).get("s_per_epoch")
    return a / b if a and b else None


def main(argv=None):
    p = parser(__doc__.splitlines()[0], repeats=5)
    p.add_argument("--target", type=float, default=0.25, help="seconds per timed fit")
    p.add_argument("--cap", type=float, default=6.0, help="largest epoch timed, seconds")
    p.add_argument("--max-epochs", type=int, default=2000, help="most epochs per timed fit")
    p.add_argument("--sweeps", default=",".join(SWEEPS), help="comma-separated subset")
    args = p.parse_args(argv)
    if args.quick:
        args.repeats, args.target = 1, 0.02
    warnings.simplefilter("ignore")  # fit's one-epoch ConvergenceWarning, sklearn's

    impls = [k for k in IMPLS if k != "torch" or have_torch()]
    if args.impls:
        impls = [k for k in impls if k in args.impls.split(",")]
    threads = blas_threads()
    sweeps = args.sweeps.split(",")
    largest = max(
        spec_for(s, x)[1] for s in sweeps for x in SWEEPS[s]["quick" if args.quick else "points"]
    )
    X, y = data(largest)
    print("scaling: warm-up (imports, numba's cached kernels, torch's threads)")
    for impl in impls:
        runner(impl, X[:500], y[:500], threads)(epochs(spec_for("n", 500)[0], 2))
    results: dict[str, Any] = {}
    for sweep in sweeps:
        print(f"scaling: {SWEEPS[sweep]['title']}", flush=True)
        last: dict[str, tuple[int, float, bool]] = {}
        xs = SWEEPS[sweep]["quick" if args.quick else "points"]
        points = [measure_point(sweep, x, impls, X, y, args, last, threads) for x in xs]
        results[sweep] = {**{k: v for k, v in SWEEPS[sweep].items() if k != "quick"},
                          "points": points, **summarize(sweep, points)}  # fmt: skip
        s = results[sweep]
        print(f"  slopes {s['slopes']}; auto flips between {s['auto_flips_between']}; "
              f"engines cross at {s['engines_cross_at']}; auto/best engine at worst "
              f"{s['auto_worst_over_best_engine']:.2f}")  # fmt: skip
    save(
        "scaling",
        {
            "sweeps": results,
            "impls": impls,
            "repeats": args.repeats,
            "target_s": args.target,
            "cap_s": args.cap,
            "torch_threads": threads if "torch" in impls else None,
            "auto_rule": "cost model (trainwell.nn._fast_cost)",
            "dtype": "float64",
        },
        partial=bool(args.quick or args.impls or args.sweeps != ",".join(SWEEPS)),
    )


if __name__ == "__main__":
    main()
