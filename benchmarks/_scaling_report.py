"""The scaling section of BENCHMARKS.md and its log-log figure (from results/scaling.json)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from _common import table

LABELS = {
    "trainwell": "trainwell (auto)",
    "trainwell-numpy": "trainwell numpy",
    "trainwell-numba": "trainwell numba",
    "sklearn": "scikit-learn",
    "torch": "PyTorch",
}
STYLE = {
    "trainwell": {"color": "black", "lw": 2.2, "ls": "-"},
    "trainwell-numpy": {"color": "tab:blue", "lw": 1.2, "ls": "--"},
    "trainwell-numba": {"color": "tab:green", "lw": 1.2, "ls": "--"},
    "sklearn": {"color": "tab:orange", "lw": 1.2, "ls": "-"},
    "torch": {"color": "tab:red", "lw": 1.2, "ls": "-"},
}
#: The targets: trainwell's fitted slope along n within SLOPE_TOL of 1 (and no slope
#: between neighbouring points above 1 + 3 SLOPE_TOL), and engine="auto" at most AUTO_TOL
#: times slower than the faster of its two engines at every point.
SLOPE_TOL, AUTO_TOL = 0.15, 1.25


def _cell(v: dict[str, Any] | None) -> str | float | None:
    if v is None:
        return None
    if v.get("capped"):
        return "capped"
    return f"{v['s_per_epoch']:.4g} (1 epoch)" if v.get("over_cap") else v["s_per_epoch"]


def targets(d: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) rows for the Targets table."""
    out = []
    n = d["sweeps"].get("n")
    if n and n["slopes"].get("trainwell") is not None:
        s = n["slopes"]["trainwell"]
        out.append(
            (
                "time per epoch linear in n (slope of log t on log n, 10³-10⁶)",
                f"{s:.2f} (largest slope between neighbouring points {n['max_local_slope']:.2f})",
                abs(s - 1) <= SLOPE_TOL and n["max_local_slope"] <= 1 + 3 * SLOPE_TOL,
            )
        )
    worst = {k: v["auto_worst_over_best_engine"] for k, v in d["sweeps"].items()}
    pick = {k: v.get("pick_worst_over_best_engine") for k, v in d["sweeps"].items()}
    if worst and all(v is not None for v in pick.values()):
        text = ", ".join(f"{k} sweep {v:.2f}x" for k, v in pick.items())
        text += " (the auto rows themselves: "
        text += ", ".join(f"{v:.2f}x" for v in worst.values()) + ")"
        out.append(
            (
                f"auto's engine ≤ {AUTO_TOL}x the faster of the two at every point "
                "(no step at a flip)",
                text,
                max(pick.values()) <= AUTO_TOL,
            )
        )
    elif worst:
        text = ", ".join(f"{k} sweep {v:.2f}x" for k, v in worst.items())
        out.append(
            (
                f"auto ≤ {AUTO_TOL}x the faster of its two engines at every point (no step at a flip)",
                text,
                max(worst.values()) <= AUTO_TOL,
            )
        )
    return out


def section(d: dict[str, Any], figure: str) -> list[str]:
    """The Markdown lines of the scaling section; ``figure`` is the PNG's relative path."""
    lines = ["## Scaling: time per epoch against n and against width", ""]
    lines.append(
        f"![time per epoch, log-log]({figure})  \n"
        "Seconds per epoch (median of "
        f"{d['repeats']} interleaved fits, each about {d['target_s']:g} s of epochs), "
        f"{d['dtype']}, Adam, every implementation from the same initial weights on the "
        f"same data and batches; PyTorch at {d['torch_threads']} intra-op threads, NumPy's "
        "BLAS count. trainwell (auto) is `engine='auto'`; the numpy and numba rows force "
        "each engine. Open markers on the auto curve: auto picked the compiled (numba) "
        f"engine; filled: NumPy. An implementation whose epoch would take over {d['cap_s']:g} s "
        "(extrapolated linearly from its previous point) is not run (capped); one whose "
        "first epoch took longer keeps that one epoch as its time (1 epoch) and is capped "
        "beyond."
    )
    lines.append("")
    slopes = []
    for key, sw in d["sweeps"].items():
        lines += [f"### {sw['title']}", ""]
        rows = []
        for p in sw["points"]:
            row = {"x": f"{p['x']:,}", "auto": p["auto"], "ratio": p.get("auto_over_best")}
            row["pick"] = p.get("pick_over_best")
            if key == "n_auto":
                row["batch"] = f"{p['batch_size']:,}"
            for impl in LABELS:
                row[impl] = _cell(p["impls"].get(impl))
            rows.append(row)
        cols = [("x", sw["label"])]
        cols += [("batch", "batch")] if key == "n_auto" else []
        cols += [("auto", "auto picks")]
        cols += [(k, f"{v} s") for k, v in LABELS.items() if k in d["impls"]]
        cols += [("ratio", "auto / faster engine"), ("pick", "auto's engine / faster engine")]
        lines += [table(rows, cols), ""]
        lines += [_flip_text(sw), ""]
        slopes.append({"sweep": key, **{k: v for k, v in sw["slopes"].items()}})
    lines.append("Fitted slopes of log(time per epoch) against log(n) or log(w), all points:")
    lines.append("")
    lines.append(table(slopes, [("sweep", "sweep")] + [(k, v) for k, v in LABELS.items()]))
    lines += ["", f"- Why: {WHY}", ""]
    return lines


WHY = (
    "`engine='auto'` compiles a supported network when its cost model "
    "(`trainwell.nn._fast_cost`, checked on the grid of the next section) predicts the "
    "compiled step to be faster than NumPy's: the kernel's products cost about the same "
    "per multiply-add at any shape, BLAS's are cheap on large products and dear on thin "
    "ones (20 inputs, one output unit, small batches), and each engine slows once a step's "
    "activations overflow the cache. The choice depends on the configuration only "
    "(shapes, activations, batch size), never on n or on timings, so that a run and its "
    "resumption always take the same path, bit for bit. At a fixed batch size it therefore "
    "cannot flip along n, and the time per epoch grows with the number of steps, "
    "ceil(n / batch). fit's default `batch_size='auto'` is the one way n moves the "
    "choice: the full batch up to 2,000 examples makes the step grow with n, and past "
    "2,000 the batch drops to 64; every library's epoch jumps there because one "
    "full-batch step becomes many small ones, not because of the engine. Flip points are "
    "auto's own choices, bisected. The course's recipes and `trainwell reproduce` train "
    "with `engine='numpy'` whatever the model says."
)


def _flip_text(sw: dict[str, Any]) -> str:
    """What auto's choice did along the sweep, and what the measurement says of it."""
    pts = {p["x"]: p for p in sw["points"]}
    flips = sw["auto_flips_between"]
    if not flips:
        text = f"auto's choice: {sw['points'][0]['auto']} at every point"
    else:
        parts = []
        for (a, b), last in zip(flips, sw.get("auto_flips_after", [a for a, _ in flips])):
            r = _numba_over_numpy(pts[b])
            parts.append(
                f"{pts[a]['auto']} up to {last:,}, {pts[b]['auto']} from {last + 1:,}"
                + ("" if r is None else f" (at {b:,} numba takes {r:.2f}x NumPy's time)")
            )
        text = "auto picks " + "; ".join(parts)
    cross = sw["engines_cross_at"]
    text += ". The engines' measured curves " + (
        "do not cross"
        if not cross
        else "cross near " + ", ".join(f"{x:,.0f}" for x in cross) + " (interpolated)"
    )
    return text + f"; auto at worst {sw['auto_worst_over_best_engine']:.2f}x the faster engine."


def _numba_over_numpy(p: dict[str, Any]) -> float | None:
    t = {k: v.get("s_per_epoch") for k, v in p["impls"].items()}
    a, b = t.get("trainwell-numba"), t.get("trainwell-numpy")
    return a / b if a and b else None


def plot(d: dict[str, Any], path: Path) -> None:
    """The sweeps side by side, log-log, one line per implementation."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sweeps = d["sweeps"]
    fig, axes = plt.subplots(1, len(sweeps), figsize=(5.2 * len(sweeps), 4.4), squeeze=False)
    for ax, (key, sw) in zip(axes[0], sweeps.items()):
        for impl in d["impls"]:
            pts = [(p["x"], p["impls"][impl]["s_per_epoch"], p["auto"]) for p in sw["points"]
                   if "s_per_epoch" in p["impls"].get(impl, {})]  # fmt: skip
            if not pts:
                continue
            xs, ts = [a for a, _, _ in pts], [b for _, b, _ in pts]
            ax.plot(xs, ts, label=LABELS[impl], **STYLE[impl])
            if impl == "trainwell":
                for x, t, auto in pts:
                    ax.plot(x, t, "o", ms=6, color="black",
                            mfc="white" if auto == "numba" else "black")  # fmt: skip
        flips = sw.get("auto_flips_after") or [a for a, _ in sw["auto_flips_between"]]
        marks = [ax.axvline(x + 0.5, color="0.5", ls=":", lw=1.2) for x in flips]
        extra = [(marks[0], "auto's engine flips")] if marks else []
        for h, name in extra:
            h.set_label(name)
        if key.startswith("n") and sw["points"]:
            x0 = sw["points"][0]["x"]
            t0 = sw["points"][0]["impls"].get("trainwell", {}).get("s_per_epoch")
            if t0:
                x1 = sw["points"][-1]["x"]
                (ref,) = ax.plot([x0, x1], [t0, t0 * x1 / x0], color="0.6", lw=0.8, ls="-.")
                ref.set_label("slope 1")
                extra.append((ref, "slope 1"))
        if extra and ax is not axes[0][0]:
            ax.legend(*zip(*extra), fontsize=8, loc="lower right")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(sw["label"])
        ax.set_ylabel("seconds per epoch")
        ax.set_title(sw["title"], fontsize=9)
        ax.grid(True, which="both", alpha=0.3)
    axes[0][0].legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    tmp = path.with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=90, metadata={"Software": None})
    plt.close(fig)
    tmp.replace(path)
