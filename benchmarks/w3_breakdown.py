"""W3 step by step: where one step of the wide network's epoch goes, and its peak memory.

W3 (784-512-256-10 relu/softmax, Adam, batch 256, float32, 60,000 examples) trained one
epoch through a :class:`~trainwell.training.Trainer` on ``engine="auto"`` (the NumPy path),
with its network's ``loss_and_gradient`` and its runner's optimizer update timed in place.
Per step (milliseconds, medians over the repeats):

- products: the layers' matrix products, timed where they run (``np.matmul`` of
  trainwell.nn.layers), and alone in trainwell's shapes (best of 5, outside the run);
- bias/activation/softmax: forward and backward less the products (bias adds, ReLU and its
  derivative, softmax and its cost, the output gradient, the bias gradients' sums);
- optimizer update: Adam's update of the 535,818 parameters;
- last-good copy: the copy of the parameters kept to undo a non-finite update (timed
  outside the run, times the copies a step makes);
- batch gathering: ``X[order[sl]]`` and ``Y[order[sl]]``;
- setup and validation: the Trainer's construction (X checked once), per step;
- Python and the rest: the step's time less all of the above.

The child also reports its peak RSS (VmHWM) and the tracemalloc peak of the run, against
the data and parameters. ``--before-src DIR`` runs the same child on another source tree
(e.g. ``git worktree add /tmp/old 3ad657e``, then ``--before-src /tmp/old/src``),
interleaved with this one, and records both as "before" and "after"; without it only
"after" is re-measured and a stored "before" is kept. Writes results/w3_breakdown.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tracemalloc
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from _common import RESULTS, median, parser, peak_rss_mib, save

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
PARTS = [
    ("products", "products (in the run)"),
    ("elementwise", "bias/activation/softmax"),
    ("update", "optimizer update"),
    ("copy", "last-good copy"),
    ("gather", "batch gathering"),
    ("setup", "setup and validation"),
    ("python", "Python and the rest"),
]


def _data(m: int) -> tuple[np.ndarray, np.ndarray]:
    from w3_wide import data

    return data(m)


class _TimedNumpy:
    """numpy, with ``matmul`` timed: put in place of a module's ``np`` so the products a
    layer computes are timed where they run."""

    def __init__(self, clock: dict) -> None:
        self._clock = clock

    def __getattr__(self, name):
        return getattr(np, name)

    def matmul(self, *args, **kwargs):
        t0 = time.perf_counter()
        out = np.matmul(*args, **kwargs)
        self._clock["matmul"] += time.perf_counter() - t0
        self._clock["calls"] += 1
        return out


def _copies_per_step(runner) -> int:
    """How many full copies of theta the runner makes per step (1 when it keeps the
    parameters before each update in ``previous``, else 0)."""
    return int(getattr(runner, "copies_per_step", 1 if runner.previous is not None else 0))


def child(m: int, repeats: int) -> dict:
    """One tree's breakdown: ``repeats`` epochs of W3, each timed part by part (the
    data made and the products timed by the tree's own benchmarks/w3_wide.py)."""
    sys.path.insert(0, os.environ.get("W3_BENCH_DIR", str(HERE)))
    from _common import matmul_rate
    from baselines import trainwell_network
    from w3_wide import SPEC, epoch_flops, layer_gemms_per_step

    import trainwell  # noqa: F401
    from trainwell.optim import Adam
    from trainwell.training import Trainer

    X, y = _data(m)
    data_mib = (X.nbytes + y.nbytes) / 2**20
    param_mib = sum(a * b + b for a, b in zip(SPEC.dims[:-1], SPEC.dims[1:])) * 4 / 2**20
    products = layer_gemms_per_step(SPEC.dims, SPEC.batch_size)
    rows = []
    tracemalloc_peak = 0.0
    for r in range(repeats):
        net = trainwell_network(SPEC)
        if r == repeats - 1:
            tracemalloc.start()
        start = time.perf_counter()
        tr = Trainer(net, X, y, optimizer=Adam(*SPEC.betas, SPEC.epsilon),
                     learning_rate=SPEC.learning_rate, batch_size=SPEC.batch_size,
                     random_state=0, engine="auto", epochs=1)  # fmt: skip
        setup = time.perf_counter() - start
        runner = tr.runner
        clock = {"fb": 0.0, "update": 0.0, "matmul": 0.0, "calls": 0}
        import trainwell.nn.layers as layers_module

        layers_module.np = _TimedNumpy(clock)
        inner_lg, inner_up = net.loss_and_gradient, runner.update

        def lg(Xb, Yb, mode, _f=inner_lg, _c=clock, _t=time.perf_counter):
            t0 = _t()
            out = _f(Xb, Yb, mode)
            _c["fb"] += _t() - t0
            return out

        def up(theta, grad, state, lr, _f=inner_up, _c=clock, _t=time.perf_counter):
            t0 = _t()
            out = _f(theta, grad, state, lr)
            _c["update"] += _t() - t0
            return out

        net.loss_and_gradient, runner.update = lg, up
        start = time.perf_counter()
        try:
            tr.run_epoch()
        finally:
            layers_module.np = np
        run = time.perf_counter() - start
        steps = tr.iteration
        if r == repeats - 1:
            tracemalloc_peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        # the parts timed outside the run
        order = np.random.default_rng(0).permutation(m)
        slices = tr._slices
        Y = tr.Y
        t0 = time.perf_counter()
        for sl in slices:
            rows_ = order[sl]
            X[rows_], Y[rows_]
        gather = (time.perf_counter() - t0) / len(slices)
        theta = net.theta
        keep = np.empty_like(theta)
        t0 = time.perf_counter()
        for _ in range(50):
            keep[...] = theta
        copy = (time.perf_counter() - t0) / 50 * _copies_per_step(runner)
        step = (run + setup) / steps
        # the products where they ran, when the layers call np.matmul (else alone)
        in_run = clock["matmul"] / steps if clock["calls"] else products
        part = {
            "step": step,
            "products": in_run,
            "elementwise": clock["fb"] / steps - in_run,
            "update": clock["update"] / steps,
            "copy": copy,
            "gather": gather,
            "setup": setup / steps,
        }
        part["python"] = step - sum(v for k, v in part.items() if k != "step")
        part["products_alone"] = products
        rows.append(part)
    out = {k: median([r[k] for r in rows]) * 1e3 for k in rows[0]}  # milliseconds
    peak = round(peak_rss_mib(), 1)  # before the rate's 2048 x 2048 matrices
    rate = max(matmul_rate("float32"), matmul_rate("float32"))  # GFLOP/s, a busy moment lowers it
    floor_ms = epoch_flops(SPEC.dims, m) / steps / (rate * 1e9) * 1e3  # a step at the floor
    return {
        "ms": out,
        "floor_ms": floor_ms,
        "x_floor": {k: v / floor_ms for k, v in out.items()},
        "steps": steps,
        "data_mib": data_mib,
        "param_mib": param_mib,
        "tracemalloc_peak_mib": tracemalloc_peak,
        "peak_rss_mib": peak,
        "numba_imported": "numba" in sys.modules,
    }


def blocked_adam(opt, theta, grad, state, lr, views, keeps=None):
    """Adam's update chunk by chunk (``views``: per chunk (g, v, s, theta, scratch)),
    the same operations in the same order per element as ``Adam.update`` (so the same
    bits), optionally copying each chunk of theta into ``keeps`` first (the last-good
    copy, fused into the same pass)."""
    t = state["t"] = state["t"] + 1
    kind = theta.dtype.type
    b1, b2 = opt.beta1, opt.beta2
    omb1, omb2, b1, b2 = kind(1.0 - b1), kind(1.0 - b2), kind(b1), kind(b2)
    c2, eps = kind(1.0 / (1.0 - opt.beta2**t)), kind(opt.epsilon)
    step = kind(lr / (1.0 - opt.beta1**t))
    mul, add, sqrt, div, sub = np.multiply, np.add, np.sqrt, np.divide, np.subtract
    for i, (g, v, s, th, tmp) in enumerate(views):
        if keeps is not None:
            np.copyto(keeps[i], th)
        mul(g, omb1, out=tmp)
        mul(v, b1, out=v)
        add(v, tmp, out=v)
        mul(g, g, out=tmp)
        mul(tmp, omb2, out=tmp)
        mul(s, b2, out=s)
        add(s, tmp, out=s)
        mul(s, c2, out=tmp)
        sqrt(tmp, out=tmp)
        add(tmp, eps, out=tmp)
        div(v, tmp, out=tmp)
        mul(tmp, step, out=tmp)
        sub(th, tmp, out=th)
    return theta, state


def update_variants(n: int = 535_818, repeats: int = 15) -> dict:
    """Adam's update of W3's 535,818 parameters: NumPy's whole-array passes plus the
    last-good copy, against the same passes cache-blocked (chunks of 64 KiB to 1 MiB per
    array, the copy fused in); thread CPU ms, medians. Each blocked variant is first
    checked to give the same bits as ``Adam.update`` in float32 and float64."""
    from trainwell.optim import Adam

    opt, rng, out = Adam(), np.random.default_rng(0), {}
    for dt in (np.float32, np.float64):
        theta0 = rng.standard_normal(n).astype(dt)
        ref, mine = theta0.copy(), theta0.copy()
        s_ref, s_mine = opt.init(ref), opt.init(mine)
        grads = [
            (rng.standard_normal(n) * 10.0 ** rng.integers(-6, 6)).astype(dt) for _ in range(4)
        ]
        sizes = {f"{kb} KiB": kb * 1024 // np.dtype(dt).itemsize for kb in (64, 256, 1024)}

        def views(theta, grad, state, chunk, dt=dt):
            buf = np.empty(chunk, dt)
            cut = range(0, n, chunk)
            arrs = (grad, state["v"], state["s"], theta)
            return [(*(a[i : i + chunk] for a in arrs), buf[: min(chunk, n - i)]) for i in cut]

        for g in grads:  # the same bits, odd chunk sizes included
            opt.update(ref, g, s_ref, 1e-3)
            blocked_adam(opt, mine, g, s_mine, 1e-3, views(mine, g, s_mine, 4099))
        same = all(np.array_equal(a, b) for a, b in
                   [(ref, mine), (s_ref["v"], s_mine["v"]), (s_ref["s"], s_mine["s"])])  # fmt: skip
        g, keep = grads[0], np.empty_like(ref)

        def whole(ref=ref, g=g, keep=keep, state=s_ref):
            keep[...] = ref
            opt.update(ref, g, state, 1e-3)

        fns = {"numpy whole arrays + copy": whole}
        for name, chunk in sizes.items():
            vw = views(mine, g, s_mine, chunk)
            keeps = [keep[i : i + chunk] for i in range(0, n, chunk)]
            fns[f"blocked {name} + copy"] = partial(
                blocked_adam, opt, mine, g, s_mine, 1e-3, vw, keeps
            )
        times = {k: [] for k in fns}
        for _ in range(repeats):  # interleaved
            for k, f in fns.items():
                t0 = time.thread_time()
                for _ in range(10):
                    f()
                times[k].append((time.thread_time() - t0) / 10 * 1e3)
        out[np.dtype(dt).name] = {
            "same_bits": bool(same),
            "ms": {k: median(v) for k, v in times.items()},
        }
    return out


def run_child(src: Path, m: int, repeats: int, threads: int | None = None) -> dict:
    bench = src.parent / "benchmarks"  # the tree's own w3_wide.py (its data) and baselines
    env = {**os.environ, "PYTHONPATH": str(src), "W3_BENCH_DIR": str(bench)}
    if threads:
        env.update({k: str(threads) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")})
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "x", "--examples", str(m),
           "--repeats", str(repeats)]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"child on {src} failed: {proc.stderr.strip()[-2000:]}")
    return json.loads(lines[-1])


def summarize(runs: list[dict]) -> dict:
    """Medians over the children of each part and of the memory figures."""
    ms = {k: median([r["ms"][k] for r in runs]) for k in runs[0]["ms"]}
    floor_ms = min(r["floor_ms"] for r in runs)  # the best rate seen
    return {
        "ms": ms,
        "floor_ms": floor_ms,
        "x_floor": {k: v / floor_ms for k, v in ms.items()},
        # what no NumPy-only step can go below: its products where they ran, and Adam's
        # update in whole-array passes (cache-blocked ones measured no faster, below)
        "x_floor_products_and_update": (ms["products"] + ms["update"]) / floor_ms,
        "steps": runs[0]["steps"],
        "data_mib": runs[0]["data_mib"],
        "param_mib": runs[0]["param_mib"],
        "tracemalloc_peak_mib": median([r["tracemalloc_peak_mib"] for r in runs]),
        "peak_rss_mib": median([r["peak_rss_mib"] for r in runs]),
        "numba_imported": any(r["numba_imported"] for r in runs),
        "children": len(runs),
    }


def main(argv=None):
    p = parser(__doc__.splitlines()[0], repeats=3)
    p.add_argument("--examples", type=int, default=60_000)
    p.add_argument("--before-src", default=None, help="the source tree measured as 'before'")
    p.add_argument("--threads", type=int, default=None, help="BLAS threads of the children")
    args = p.parse_args(argv)
    m = 6_000 if args.quick else args.examples
    if args.child:
        print(json.dumps(child(m, args.repeats)))
        return
    trees = {"after": SRC}
    if args.before_src:
        trees = {"before": Path(args.before_src).resolve(), "after": SRC}
    runs: dict[str, list[dict]] = {k: [] for k in trees}
    for r in range(args.repeats):  # one epoch per child, the trees interleaved
        for name, src in trees.items():
            res = run_child(src, m, 1, args.threads)
            runs[name].append(res)
            print(f"  repeat {r + 1}/{args.repeats} {name:<7} {res['ms']['step']:.3f} ms/step "
                  f"peak RSS {res['peak_rss_mib']} MiB")  # fmt: skip
    out = {k: summarize(v) for k, v in runs.items()}
    floor_ms = min(res["floor_ms"] for res in out.values())  # the best rate of the run
    for res in out.values():
        res["floor_ms"] = floor_ms
        res["x_floor"] = {k: v / floor_ms for k, v in res["ms"].items()}
        both = res["ms"]["products"] + res["ms"]["update"]
        res["x_floor_products_and_update"] = both / floor_ms
    print("w3_breakdown: Adam's update, whole arrays against cache-blocked")
    variants = update_variants(repeats=5 if args.quick else 15)
    for dt, res in variants.items():
        ms = ", ".join(f"{k} {v:.3f}" for k, v in res["ms"].items())
        print(f"  {dt}: same bits {res['same_bits']}; {ms} ms")
    stored = RESULTS / "w3_breakdown.json"
    if "before" not in out and stored.exists():
        old = json.loads(stored.read_text())
        same_threads = old.get("blas_threads") == (args.threads or "the default")
        if "before" in old.get("trees", {}) and same_threads:
            out = {"before": old["trees"]["before"], **out}
    for name, res in out.items():
        print(f"{name}: {res['x_floor']['step']:.2f}x the floor ({res['floor_ms']:.3f} ms a "
              f"step); products + update alone {res['x_floor_products_and_update']:.2f}x")  # fmt: skip
        parts = ", ".join(f"{k} {res['ms'][k]:.3f}" for k, _ in PARTS)
        print(f"{name}: step {res['ms']['step']:.3f} ms ({parts}); peak RSS "
              f"{res['peak_rss_mib']} MiB, tracemalloc {res['tracemalloc_peak_mib']:.1f} MiB")  # fmt: skip
    save(
        "w3_breakdown",
        {
            "examples": m,
            "blas_threads": args.threads or "the default",
            "repeats": args.repeats,
            "parts": PARTS,
            "trees": out,
            "update_variants": variants,
            "notes": [
                "one W3 epoch per fresh child process, engine='auto'; ms per step, medians",
                "products timed where they run (trainwell.nn.layers' np.matmul; alone, best "
                "of 5, when the layers compute them elsewhere) and alone; bias/activation/"
                "softmax is forward and backward less the products; the rest is the step "
                "less the named parts",
            ],
        },
        partial=bool(args.quick),
    )


if __name__ == "__main__":
    main()
