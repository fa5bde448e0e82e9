"""The harness of the two course-sized workloads (W1, W2): per-step time against baselines.

trainwell (``engine="auto"``, which picks the compiled path for these networks), trainwell
on its NumPy path, the course-style NumPy code, scikit-learn's MLPClassifier and PyTorch
CPU eager each train the same network from the same initial weights. Timed runs are
``--epochs`` long (shorter than the experiment, so the slow baselines fit in the time),
interleaved over ``--repeats``; then each implementation trains once for the experiment's
full length, for its final accuracy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from _common import (
    blas_threads,
    child_rss,
    emit_child,
    have_torch,
    interleaved,
    median,
    ratio,
    save,
    table,
)
from baselines import Spec, train_course, train_sklearn, train_torch, train_trainwell


def runners(spec: Spec, X, y, test, threads: int) -> dict[str, Callable[[Spec], dict]]:
    out: dict[str, Callable[[Spec], dict]] = {
        "trainwell": lambda s: train_trainwell(s, X, y, test, engine="auto"),
        "trainwell-numpy": lambda s: train_trainwell(s, X, y, test, engine="numpy"),
        "course-numpy": lambda s: train_course(s, X, y, test),
        "sklearn": lambda s: train_sklearn(s, X, y, test),
    }
    if have_torch():
        out["torch"] = lambda s: train_torch(s, X, y, test, threads=threads)
        if threads != 1:  # tiny networks: intra-op threads only add synchronization
            out["torch-1thread"] = lambda s: train_torch(s, X, y, test, threads=1)
    return out


def _with_epochs(spec: Spec, epochs: int) -> Spec:
    return Spec(**{**spec.__dict__, "epochs": epochs})


def run_small(
    name: str,
    script: str,
    spec: Spec,
    data: tuple[np.ndarray, np.ndarray, Any],
    timed_epochs: int,
    args: Any,
    notes: list[str],
) -> dict[str, Any]:
    """Time, check and record one course-sized workload; returns the JSON payload."""
    X, y, test = data
    threads = blas_threads()
    impls = runners(spec, X, y, test, threads)
    if args.impls:
        impls = {k: v for k, v in impls.items() if k in args.impls.split(",")}
    if args.quick:
        timed_epochs = max(1, timed_epochs // 10)
    if args.child:  # one short run in a fresh process, for its peak memory
        res = impls[args.child](_with_epochs(spec, timed_epochs))
        emit_child({k: v for k, v in res.items() if not k.startswith("_")})
        return {}
    print(f"{name}: warm-up (imports, numba's cached kernels, torch's threads)")
    for run in impls.values():
        run(_with_epochs(spec, 3))
    timed_spec = _with_epochs(spec, timed_epochs)
    print(f"{name}: {args.repeats} interleaved repeats of {timed_epochs} epochs")
    runs = interleaved({k: (lambda r=r: r(timed_spec)) for k, r in impls.items()}, args.repeats)
    full_epochs = spec.epochs if not args.quick else timed_epochs
    print(f"{name}: one full run of {full_epochs} epochs each, for the final accuracy")
    full = {k: r(_with_epochs(spec, full_epochs)) for k, r in impls.items()}
    extra = ["--quick"] if args.quick else []
    rss = {} if args.no_rss else {k: child_rss(script, k, extra) for k in impls}
    rows = []
    for k in impls:
        secs = [r["seconds"] for r in runs[k]]
        steps = runs[k][0]["steps"]
        rows.append(
            {
                "impl": k,
                "median_s": median(secs),
                "min_s": min(secs),
                "steps": steps,
                "us_per_step": median(secs) / steps * 1e6,
                "full_s": full[k]["seconds"],
                "full_steps": full[k]["steps"],
                "accuracy": full[k]["accuracy"],
                "test_accuracy": full[k].get("test_accuracy"),
                "peak_rss_mib": rss.get(k, {}).get("peak_rss_mib"),
            }
        )
    ref = rows[0]["us_per_step"]
    for row in rows:
        row["x_vs_trainwell"] = ratio(row["us_per_step"], ref)
    per = {r["impl"]: r["us_per_step"] for r in rows}
    torch_best = min((v for k, v in per.items() if k.startswith("torch")), default=None)
    targets = {
        "course_speedup": ratio(per.get("course-numpy"), ref),
        "sklearn_speedup": ratio(per.get("sklearn"), ref),
        "torch_speedup": ratio(torch_best, ref),
        "torch_same_threads_speedup": ratio(per.get("torch"), ref),
        "numpy_path_speedup": ratio(per.get("trainwell-numpy"), ref),
    }
    c, k, t = targets["course_speedup"], targets["sklearn_speedup"], targets["torch_speedup"]
    targets["met"] = {  # None: not measured in this run
        "course >= 5x": None if c is None else c >= 5,
        "faster than sklearn": None if k is None else k > 1,
        "faster than torch": None if t is None else t > 1,
    }
    if "trainwell" in full and "trainwell-numpy" in full:
        a, b = full["trainwell"]["_theta"], full["trainwell-numpy"]["_theta"]
        targets["compiled_vs_numpy_max_rel_diff"] = float(np.abs(a - b).max() / np.abs(b).max())
    cols = [
        ("impl", "implementation"),
        ("us_per_step", "µs/step (median)"),
        ("x_vs_trainwell", "x trainwell"),
        ("accuracy", "train acc (full run)"),
        ("test_accuracy", "test acc"),
        ("full_s", "full run s"),
        ("peak_rss_mib", "peak RSS MiB"),
    ]
    print(table(rows, cols))
    print({k: v for k, v in targets.items() if k != "met"}, targets["met"])
    payload = {
        "spec": spec.__dict__,
        "timed_epochs": timed_epochs,
        "repeats": args.repeats,
        "torch_threads": threads if "torch" in impls else None,
        "rows": rows,
        "targets": targets,
        "notes": notes,
        "columns": cols,
    }
    save(name, payload, partial=bool(args.quick or args.impls))
    return payload
