"""Regenerate BENCHMARKS.md from benchmarks/results/*.json.

``python benchmarks/report.py`` (run_all.py calls it). The block between
``<!-- gpu-check:begin -->`` and ``<!-- gpu-check:end -->`` (written by gpu_check.py) is
kept as it is.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _engine_cost_report
import _scaling_report
from _common import RESULTS, table

OUT = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
FIGURE = Path(__file__).resolve().parent / "scaling.png"
GPU_MARK = ("<!-- gpu-check:begin -->", "<!-- gpu-check:end -->")

TITLES = {
    "w1_course_small": "W1 course-small: [2, 20, 3, 1], full-batch gradient descent",
    "w2_course_adam": "W2 course-adam: [2, 5, 2, 1] on moons, Adam, mini-batches of 64",
    "w3_wide": "W3 wide: 784-512-256-10, Adam, batch 256, float32, 60,000 examples",
    "w4_tuning": "W4 tuning: 32 random-search trials, one worker and two",
    "lab_speed": "Lab: `trainwell lab` training with its views updating, against headless fit",
    "w5_asha": "W5 ASHA pruning: the same 40-trial search, pruned and not",
}

WHY = {
    "w1_course_small": (
        "trainwell trains these networks through its compiled path (`engine='auto'` picks "
        "it for small Dense networks): one numba call per epoch runs the forward pass, the "
        "cost, the backward pass and the update of the flat buffer, equal to the NumPy "
        "path to about 1e-13. Here an epoch is one step, so each step also pays fit's "
        "per-epoch Python (schedule, history, the kernel call: 2-3 µs). The kernel's "
        "time goes to a few hundred short passes over the 211 examples and to libm's exp "
        "and log1p for the output layer (numba has no vector math library here)."
    ),
    "w2_course_adam": (
        "Five steps per epoch share fit's per-epoch Python (the permutation, the "
        "history, one kernel call). PyTorch and scikit-learn spend a dozen or more "
        "library calls on every step whatever its size; PyTorch with 2 intra-op threads "
        "also synchronizes its threads on tiny tensors, hence the 1-thread row."
    ),
    "w3_wide": (
        "The floor counts the matrix products at the rate of a large square product. The "
        "same products in the layers' shapes and orientations (Z = A W^T, dW = dZ^T A, "
        "dA = dZ W at batch 256), timed alone, already take most of the 1.3x, which "
        "leaves almost nothing for the rest of a step; the step by step table below "
        "says where it goes. Adam's update is a dozen element-wise NumPy passes over the "
        "535,818 parameters (0.8 ms a step on one core); the same passes cache-blocked "
        "(64 KiB to 1 MiB chunks, the same bits) measured slower, since each chunk pays "
        "about 1 µs per NumPy call and the whole-array working set (10 MiB) already "
        "fits the L3 cache. Products plus that update alone exceed 1.3x the floor, so no "
        "NumPy-only step reaches it. The batch gathers, the copy of the last finite "
        "parameters and fit's check of X (a sum, no temporary, about 25 ms per fit) "
        "cost a few percent. `engine='numba'` fuses the update into one compiled pass "
        "(the same bits), but importing numba adds about 100 MiB of resident memory, so "
        "`engine='auto'` leaves the update to NumPy."
    ),
    "w4_tuning": (
        "Each trial trains W2's network for 10,000 epochs on one core (the compiled "
        "path); the search's own bookkeeping is small, so two worker processes on two "
        "cores nearly double the trials per minute when the machine is otherwise idle."
    ),
    "lab_speed": (
        "The lab's worker thread calls `Trainer.step(n)` with n sized so a call lasts about "
        "20 ms, so the compiled path runs many mini-batches per call (crossing epoch ends), "
        "and it draws a frame (train and dev cost and accuracy, one inference pass over a "
        "64x64 lattice for the boundary and every unit's map, the weights) only every 65 ms: "
        "a few percent of the time whatever the step rate. Where the lab beats fit, it is "
        "fit's per-epoch Python (one kernel call and the history per epoch) that the lab's "
        "longer chunks amortize."
    ),
    "w5_asha": (
        "Most random configs are visibly bad after a few epochs (a learning rate of 0.5 "
        "or 1e-4 on this network): ASHA compares each trial with the trials before it at "
        "3, 9 and 27 epochs and keeps only the best third, so the good configs train all "
        "81 epochs and the rest stop at 3 or 9. The best unpruned config can still be "
        "cut if it starts slowly; the W5 rows of the targets say what that cost here. The wall "
        "time falls less than the epochs because each pruned-search trial also scores "
        "the dev set after every epoch."
    ),
}


def _load() -> dict[str, dict]:
    names = ["machine", *TITLES, "scaling", "engine_cost", "reproduce_floor"]
    return {n: json.loads((RESULTS / f"{n}.json").read_text()) for n in names
            if (RESULTS / f"{n}.json").exists()}  # fmt: skip


def _fmt(x, unit="", digits=3) -> str:
    if x is None:
        return "-"
    return f"{x:.{digits}g}{unit}"


def _status(ok: bool | None) -> str:
    return "-" if ok is None else ("met" if ok else "**missed**")


def machine_section(res: dict) -> list[str]:
    any_res = next(iter(res.values()))
    m = res.get("machine", any_res)["machine"]
    v, b = m["versions"], m["blas"]
    lines = ["## Machine", ""]
    lines.append(
        f"- CPU: {m['cpu']}, {m['logical_cores']} logical cores ({m['usable_cores']} usable); "
        f"{m['platform']}"
    )
    lines.append(
        f"- Python {v['python']}, NumPy {v['numpy']} with {b.get('internal_api')} "
        f"{b.get('version')} ({b.get('architecture')} kernels, {b.get('threading_layer')}, "
        f"{b.get('num_threads')} threads), numba {v['numba']}, scikit-learn "
        f"{v['scikit-learn']}, PyTorch {v['torch'] or 'not installed'} (CPU eager; as many "
        "intra-op threads as NumPy's BLAS unless a row says otherwise)"
    )
    if m.get("env"):
        lines.append(f"- Environment: {', '.join(f'{k}={x}' for k, x in m['env'].items())}")
    if "machine" in res:
        r = res["machine"]["matmul_gflops"]
        lines.append(
            "- NumPy matrix multiply (best of 5): "
            + ", ".join(f"{k}: {x:.1f} GFLOP/s" for k, x in r.items())
        )
    loads = {k: d["machine"].get("load_average") for k, d in res.items()}
    lines.append(
        "- Load average (1, 5, 15 min) when each result was written: "
        + "; ".join(f"{k} {', '.join(f'{x:.1f}' for x in la)}" for k, la in loads.items() if la)
        + ". The machine is shared (other processes were running), so absolute times "
        "are noisy; every comparison is made inside one process, interleaved repeat by "
        "repeat, and reported as medians."
    )
    dates = sorted(d["date"] for d in res.values())
    lines.append(f"- Measured {dates[0]} to {dates[-1]}")
    return [*lines, ""]


def targets_section(res: dict) -> list[str]:
    rows = []

    def add(work, target, measured, ok):
        rows.append({"w": work, "t": target, "m": measured, "s": _status(ok)})

    for key, label in (("w1_course_small", "W1"), ("w2_course_adam", "W2")):
        if key not in res:
            continue
        t = res[key]["targets"]
        add(label, "≥ 5x per step vs course-style NumPy", _fmt(t["course_speedup"], "x"),
            t["met"]["course >= 5x"])  # fmt: skip
        add(label, "faster than scikit-learn", _fmt(t["sklearn_speedup"], "x"),
            t["met"]["faster than sklearn"])  # fmt: skip
        torch = _fmt(t["torch_speedup"], "x")
        if t.get("torch_same_threads_speedup") not in (None, t["torch_speedup"]):
            torch += f" (vs its best thread count; {_fmt(t['torch_same_threads_speedup'], 'x')}"
            torch += " at NumPy's)"
        add(label, "faster than PyTorch CPU", torch, t["met"]["faster than torch"])
        if "compiled_vs_numpy_max_rel_diff" in t:
            d = t["compiled_vs_numpy_max_rel_diff"]
            add(label, "compiled = NumPy path (float64, 1e-12)",
                f"{d:.1e} after the full run", d <= 1e-12)  # fmt: skip
    if "w3_wide" in res:
        t = res["w3_wide"]["targets"]
        add("W3", "within 1.3x of the BLAS floor",
            f"{_fmt(t['x_floor'], 'x')} (engine='numba': {_fmt(t['x_floor_numba'], 'x')}; "
            f"the layers' matrix products alone: {_fmt(t.get('gemm_only_x_floor'), 'x')})",
            t["met"]["within 1.3x of the BLAS floor"])  # fmt: skip
        met = t["met"]
        if "torch takes >= 1.5x trainwell's time" in met:  # issue 23's targets
            add("W3", "PyTorch CPU (fused Adam, same threads) takes ≥ 1.5x trainwell's time",
                f"{_fmt(t['torch_over_trainwell'], 'x')}",
                met["torch takes >= 1.5x trainwell's time"])  # fmt: skip
        else:
            add("W3", "at least as fast as PyTorch CPU, same threads",
                f"PyTorch takes {_fmt(t['torch_over_trainwell'], 'x')} trainwell's time",
                met["at least as fast as torch"])  # fmt: skip
        add("W3", "float32 end to end", res["w3_wide"].get("float32", "-"),
            res["w3_wide"].get("float32") == "yes")  # fmt: skip
        peak = f"{_fmt(t['peak_rss_trainwell_mib'], ' MiB', 4)} vs "
        if "peak memory <= 1.5x (data + params)" in met:  # issue 23's targets
            add("W3", "peak memory ≤ 1.5x (dataset + parameters)",
                peak + f"{_fmt(t['memory_limit_mib'], ' MiB', 4)}",
                met["peak memory <= 1.5x (data + params)"])  # fmt: skip
            add("W3", "peak memory below PyTorch's",
                peak + f"{_fmt(t.get('peak_rss_torch_mib'), ' MiB', 4)}",
                met["peak memory below torch's"])  # fmt: skip
        else:
            add("W3", "peak memory < 2x (dataset + parameters)",
                peak + f"{_fmt(t['memory_limit_mib'], ' MiB', 4)}",
                met["peak memory < 2x (data + params)"])  # fmt: skip
    if "w4_tuning" in res:
        t = res["w4_tuning"]["targets"]
        add("W4", "two workers ≥ 1.8x the trials/min of one", _fmt(t["speedup"], "x"),
            t["met"]["two workers >= 1.8x"])  # fmt: skip
    if "lab_speed" in res:
        t = res["lab_speed"]["targets"]
        add("lab", "≥ 80% of headless fit's steps/s, views updating",
            f"{_fmt(t['lab_over_fit'], 'x')} (the slower configuration)",
            t["met"]["lab >= 80% of fit"])  # fmt: skip
        add("lab", "page redraws ≥ 10/s", _fmt(t["page_redraws_per_s"], "/s"),
            t["met"]["page redraws >= 10/s"])  # fmt: skip
    if "w5_asha" in res:
        t = res["w5_asha"]["targets"]
        add("W5", "ASHA: best dev score within 1% of the unpruned search's",
            f"{t['best_dev_gap']:+.2%} below it", t["met"]["best within 1%"])  # fmt: skip
        add("W5", "ASHA: at most 40% of the unpruned search's epochs",
            f"{t['epoch_share']:.1%} ({_fmt(t['time_ratio'], 'x')} the wall time)",
            t["met"]["epochs <= 40%"])  # fmt: skip
    if "scaling" in res:
        for target, measured, ok in _scaling_report.targets(res["scaling"]):
            add("scaling", target, measured, ok)
    if "engine_cost" in res:
        for target, measured, ok in _engine_cost_report.targets(res["engine_cost"]):
            add("auto", target, measured, ok)
    floor = res.get("reproduce_floor", {})
    if floor.get("reproduce"):
        wall = floor["reproduce"]["wall_s"]
        add("reproduce", "`trainwell reproduce` ≤ 15 s wall, same results.json bits",
            f"{wall:.1f} s (its NumPy steps alone, by hand: {floor['hand_wall_s']:.1f} s)",
            wall <= 15)  # fmt: skip
    if "machine" in res:
        t = res["machine"]["targets"]
        add("-", "`import trainwell` < 0.3 s", _fmt(t["import_trainwell_s"], " s"),
            t["met"]["import trainwell < 0.3 s"])  # fmt: skip
    cols = [("w", "workload"), ("t", "target"), ("m", "measured"), ("s", "")]
    return ["## Targets", "", table(rows, cols), ""]


def workload_section(key: str, d: dict) -> list[str]:
    lines = [f"## {TITLES.get(key, key)}", ""]
    lines.append(table(d["rows"], [tuple(c) for c in d["columns"]]))
    lines.append("")
    if key == "w3_wide":
        r = d["matmul_gflops"]
        lines.append(
            f"Epoch: {d['epoch_gflop']:.1f} GFLOP of matrix products; BLAS floor for "
            f"{d['spec']['epochs']} epochs: {d['blas_floor_s']:.2f} s at "
            f"{r['float32']:.1f} GFLOP/s (float32, 2048³). The batch's own shapes run at "
            + ", ".join(f"{k}: {v:.1f}" for k, v in r.items() if "x" in k)
            + f" GFLOP/s. The layers' matrix products alone take {d['layer_gemms_s']:.2f} s "
            f"({d['layer_gemms_s'] / d['blas_floor_s']:.2f}x the floor). Dataset "
            f"{d['data_mib']:.1f} MiB, parameters {d['param_mib']:.1f} MiB."
        )
        lines.append("")
    for note in d.get("notes", []):
        lines.append(f"- {note}")
    if key in WHY:
        lines.append(f"- Why: {WHY[key]}")
    return [*lines, ""]


def breakdown_section(d: dict) -> list[str]:
    """W3's step part by part (benchmarks/w3_breakdown.py), before and after."""
    trees = d["trees"]
    rows = []
    extra = [("step", "the whole step"), ("products_alone", "(products alone, best of 5)")]
    for key, label in [*d["parts"], *extra]:
        row = {"part": label}
        for name, res in trees.items():
            row[name] = res["ms"][key]
            row[f"{name}_x"] = res["x_floor"][key] if "x_floor" in res else None
        rows.append(row)
    for what, key in (("peak RSS MiB", "peak_rss_mib"), ("tracemalloc peak MiB",
                                                         "tracemalloc_peak_mib")):  # fmt: skip
        rows.append({"part": what, **{name: res[key] for name, res in trees.items()}})
    cols = [("part", "part of a step")]
    for name in trees:
        cols += [(name, f"{name} ms"), (f"{name}_x", f"{name} x floor")]
    lines = ["## W3 step by step", "", table(rows, cols), ""]
    for name, res in trees.items():
        if "x_floor_products_and_update" in res:
            lines.append(
                f"- {name}: a step at the BLAS floor takes {res['floor_ms']:.3f} ms; the "
                f"products where they ran plus Adam's update alone take "
                f"{res['x_floor_products_and_update']:.2f}x that (BLAS threads: "
                f"{d.get('blas_threads', '-')})."
            )
    for dt, res in d.get("update_variants", {}).items():
        ms = "; ".join(f"{k} {v:.3f} ms" for k, v in res["ms"].items())
        same = "the same bits" if res["same_bits"] else "**different bits**"
        lines.append(f"- Adam's update, {dt} (thread CPU time; blocked variants give {same}): {ms}")
    lines += [f"- {note}" for note in d.get("notes", [])]
    return [*lines, ""]


def compiled_section(d: dict) -> list[str]:
    c, imp = d["compiled_path_s"], d["import_s"]
    return [
        "## Startup and the compiled path's one-off costs",
        "",
        table(
            [{"what": k, "s": v} for k, v in {**imp, **c}.items()],
            [("what", "what"), ("s", "seconds")],
        ),
        "",
        "numba is imported only when a fit takes the compiled path (or `engine='numba'`); "
        "the kernels compile once into numba's on-disk cache (next to the module, or "
        "NUMBA_CACHE_DIR) and later processes load them.",
        "",
    ]


def floor_section(d: dict) -> list[str]:
    """`trainwell reproduce` against its steps written by hand (reproduce_floor.py)."""
    rows = [
        f"| {name} | {r['sizes']} {r['optimizer']}, batch {r['batch']} | {r['steps']:,} "
        f"| {r['hand_us']:.1f} | {r['trainwell_us']:.1f} | {r['hand_s']:.1f} "
        f"| {r['trainwell_s']:.1f} |"
        for name, r in d["networks"].items()
    ]
    whole = d.get("reproduce")
    ran = (
        f"One whole `trainwell reproduce` took {whole['wall_s']:.1f} s wall and "
        f"{whole['cpu_s']:.1f} s of CPU (all processes). "
        if whole
        else ""
    )
    return [
        "## `trainwell reproduce` and its floor",
        "",
        "The course's networks train on the NumPy engine so that results.json is the same "
        "bytes everywhere. One step each, on one core (one BLAS thread, as each worker), "
        "written by hand with the same kind of NumPy calls and no library Python, against "
        "trainwell's step (`loss_and_gradient` + the optimizer's update):",
        "",
        "| experiment | network | steps | hand µs/step | trainwell µs/step "
        "| hand s | trainwell s |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"{ran}The steps alone cost {d['hand_cpu_s']:.1f} s of CPU by hand and "
        f"{d['trainwell_cpu_s']:.1f} s in trainwell: at least {d['hand_wall_s']:.1f} s of wall "
        f"on {d['cores']} cores before imports, figures and the other experiments.",
        "",
    ]


def main() -> None:
    res = _load()
    if not res:
        sys.exit("no results: run python benchmarks/run_all.py first")
    lines = [
        "# Benchmarks",
        "",
        "<!-- generated by benchmarks/report.py from benchmarks/results/*.json -->",
        "",
        "CPU benchmarks of issues 9 and 23: trainwell against a course-style NumPy implementation, "
        "scikit-learn's MLPClassifier and PyTorch CPU eager, in the same process. Run "
        "`python benchmarks/run_all.py` (about 35 minutes on 2 cores, 10 of them the engine-choice grid; `--quick` for a smoke test), or "
        "one workload, e.g. `python benchmarks/w1_course_small.py --repeats 5`; "
        "`python benchmarks/report.py` rebuilds this file from benchmarks/results/.",
        "",
        *machine_section(res),
        *targets_section(res),
    ]
    for key in TITLES:
        if key in res:
            lines += workload_section(key, res[key])
        if key == "w3_wide" and (RESULTS / "w3_breakdown.json").exists():
            lines += breakdown_section(json.loads((RESULTS / "w3_breakdown.json").read_text()))
    if "scaling" in res:
        _scaling_report.plot(res["scaling"], FIGURE)
        lines += _scaling_report.section(res["scaling"], FIGURE.relative_to(OUT.parent).as_posix())
    if "engine_cost" in res:
        lines += _engine_cost_report.section(res["engine_cost"])
    if "reproduce_floor" in res:
        lines += floor_section(res["reproduce_floor"])
    if "machine" in res:
        lines += compiled_section(res["machine"])
    text = "\n".join(lines).rstrip() + "\n"
    if OUT.exists():
        old = OUT.read_text()
        if GPU_MARK[0] in old and GPU_MARK[1] in old:
            block = GPU_MARK[0] + old.split(GPU_MARK[0], 1)[1].split(GPU_MARK[1], 1)[0]
            text += "\n" + block + GPU_MARK[1] + "\n"
    OUT.write_text(text)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
