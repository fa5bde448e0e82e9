"""The engine-choice section of BENCHMARKS.md (from results/engine_cost.json)."""

from __future__ import annotations

from typing import Any

from _common import table

AUTO_TOL = 1.25


def targets(d: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) rows for the Targets table."""
    s = d["summary"]
    text = (
        f"{s['within_1_25']} of {s['points']} within, worst {s['worst']:.2f}x "
        f"({s['right']} exact picks)"
    )
    return [
        (
            f"auto's engine ≤ {AUTO_TOL}x the faster of the two over the grid of networks "
            "and batch sizes",
            text,
            s["within_1_25"] == s["points"],
        )
    ]


def _cell(r: dict[str, Any]) -> str:
    """'numba 3.2x' (the faster engine, by how much), and auto's pick when it is the other."""
    faster = "numba" if r["numba_us"] < r["numpy_us"] else "numpy"
    margin = max(r["numpy_us"], r["numba_us"]) / min(r["numpy_us"], r["numba_us"])
    text = f"{faster} {margin:.2g}x"
    if r["auto"] != faster:
        text += f" (auto: {r['auto']}, {r['auto_over_best']:.2f}x)"
    return text


def section(d: dict[str, Any]) -> list[str]:
    """The Markdown lines of the section."""
    rows, s = d["rows"], d["summary"]
    batches = sorted({r["batch"] for r in rows})
    lines = ["## Which engine `engine='auto'` trains on", ""]
    lines.append(
        "Each network of the grid timed step by step with `engine='numpy'` and "
        "`engine='numba'` (Adam, float64; the fastest of interleaved fits, fit's fixed costs "
        "taken out by subtracting the fastest one-epoch fit; mini-batches with 32 batches an epoch, "
        "and full batches of 500 and 2,000). A cell names the faster engine and by how "
        "much; where auto picks the other one it says so, with its time over the faster "
        "engine's."
    )
    lines.append("")
    grouped: dict[tuple[str, str], dict[int, dict[str, Any]]] = {}
    for r in rows:
        grouped.setdefault((str(r["dims"]), r["activation"]), {})[r["batch"]] = r
    out = []
    for (dims, act), by_batch in grouped.items():
        row = {"net": f"{dims} {act}"}
        for b in batches:
            row[str(b)] = _cell(by_batch[b]) if b in by_batch else None
        out.append(row)
    lines += [table(out, [("net", "network")] + [(str(b), f"batch {b:,}") for b in batches])]
    lines.append("")
    lines.append(
        f"Over the {s['points']} points auto picks the faster engine at {s['right']}, and is "
        f"within {AUTO_TOL}x of it at {s['within_1_25']}; its worst is {s['worst']:.2f}x "
        f"({s['worst_at']['dims']} {s['worst_at']['activation']}, batch "
        f"{s['worst_at']['batch']:,})."
    )
    h = d.get("holdout")
    if h:
        lines.append(
            "The model's constants (`trainwell/nn/_fast_cost.py`) were fitted to an earlier "
            "run of this grid, so these are fresh measurements for it. Refitted to a random "
            f"half of this run ({h['splits']} draws), it is within {AUTO_TOL}x at "
            f"{h['within_1_25_median']:.0%} of the other half's points (median; "
            f"{h['within_1_25_min']:.0%} at the least), worst {h['worst_median']:.2f}x "
            "(median)."
        )
    lines += ["", f"- Why: {WHY}", ""]
    return lines


WHY = (
    "the compiled kernel runs on one core, its products as loops over the batch at about "
    "the same cost per multiply-add at any shape, and calls libm for each tanh, sigmoid and "
    "softmax value; NumPy pays about 2 µs for each of some 20 calls per layer and step, "
    "then runs its products through BLAS on both cores, fast on large products and slow on "
    "thin ones (20 inputs, one output unit, a batch of 16), where packing the operands "
    "costs as much as the arithmetic. So the kernel wins the course's networks by 5-15x, "
    "thin and one-hidden-layer networks at every batch size, and loses square layers of "
    "100 units and more, 784 inputs, and big full batches whose activations overflow the "
    "cache. `trainwell/nn/_fast_cost.py` prices a step on each engine from eleven counts of "
    "the configuration (layers, parameters, batch x units, the products' multiply-adds and "
    "matrix elements, the tanh/sigmoid/softmax values, the parts of the step that "
    "overflow the caches, batch x layers and batch x hidden units), with constants fitted "
    "to an earlier run of the grid (results/engine_cost_fit.json) by non-negative least "
    "squares on relative error (`python benchmarks/engine_cost.py --fit FILE` prints "
    "them). "
    "At about one point in ten the faster engine changes from one run of the grid to the "
    "next (each point is a few short fits on a 2-core machine), so no fixed rule picks "
    "right at every point of every run."
)
