"""Shared helpers of the CPU benchmarks: machine description, timing, peak memory, JSON.

Every workload script times trainwell and its baselines in ONE process, interleaved
repeat by repeat (so a busy neighbour slows all of them alike), reports medians and
ratios of medians, and measures peak RSS separately, in a fresh child process per
implementation (``--child NAME``), so that one library's imports and buffers do not count
against another.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"


def numpy_blas() -> dict[str, Any]:
    """NumPy's BLAS as threadpoolctl sees it (library, version, kernel, threads)."""
    import numpy as np
    from threadpoolctl import threadpool_info

    np.ones((2, 2)) @ np.ones((2, 2))  # make sure the library is loaded
    for info in threadpool_info():
        if info.get("user_api") == "blas" and "numpy" in info.get("filepath", ""):
            keys = ("internal_api", "version", "architecture", "threading_layer", "num_threads")
            return {k: info.get(k) for k in keys}
    return {}


def blas_threads() -> int:
    """Threads NumPy's BLAS uses (the count PyTorch is given too)."""
    return int(numpy_blas().get("num_threads") or 1)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def versions() -> dict[str, str | None]:
    """Versions of the libraries the benchmarks use (None: not installed)."""
    import importlib.metadata as md

    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in ("trainwell", "numpy", "numba", "scikit-learn", "torch", "threadpoolctl"):
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = None
    return out


def machine() -> dict[str, Any]:
    """What the numbers were measured on, and how busy the machine was."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k.startswith(("OPENBLAS", "OMP_", "MKL_", "NUMBA_", "TRAINWELL_"))
    }
    return {
        "cpu": cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "platform": platform.platform(),
        "versions": versions(),
        "blas": numpy_blas(),
        "env": env,
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def peak_rss_mib() -> float:
    """This process's peak resident set size so far, in MiB.

    Linux: VmHWM of /proc/self/status, the high-water mark of this program's memory
    (``ru_maxrss`` would also count the parent's RSS at fork time, which a fork+exec'd
    child inherits). Elsewhere ``ru_maxrss``.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """(seconds, result) of one call."""
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def interleaved(
    runners: dict[str, Callable[[], dict[str, Any]]], repeats: int, log: Callable = print
) -> dict[str, list[dict[str, Any]]]:
    """Run every runner ``repeats`` times, round-robin; each returns a dict with "seconds"."""
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in runners}
    for r in range(repeats):
        for name, run in runners.items():
            res = run()
            out[name].append(res)
            log(f"  repeat {r + 1}/{repeats} {name:<18} {res['seconds']:.3f} s")
    return out


def child_rss(script: str, impl: str, extra: Sequence[str] = ()) -> dict[str, Any]:
    """Run ``script --child impl`` in a fresh interpreter; its last stdout line is JSON."""
    cmd = [sys.executable, str(ROOT / script), "--child", impl, *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-1:]}
    return json.loads(lines[-1])


def emit_child(result: dict[str, Any]) -> None:
    """What a ``--child`` run prints: its result plus its peak RSS."""
    print(json.dumps({**result, "peak_rss_mib": round(peak_rss_mib(), 1)}))


def save(name: str, payload: dict[str, Any], partial: bool = False) -> Path:
    """Write ``results/<name>.json`` with the machine description and a timestamp.

    A partial run (``--quick``, ``--impls``) writes to the temporary directory instead, so
    it never replaces the results BENCHMARKS.md is built from.
    """
    folder = Path(tempfile.gettempdir()) / "trainwell-benchmarks" if partial else RESULTS
    folder.mkdir(parents=True, exist_ok=True)
    payload = {
        "workload": name,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": machine(),
        **payload,
    }
    path = folder / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, default=float) + "\n")
    print(f"wrote {path}")
    return path


def table(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> str:
    """A Markdown table of ``rows`` with (key, header) columns; floats to 4 significant."""

    def fmt(v: Any) -> str:
        if v is None:
            return "-"
        if isinstance(v, float):
            return f"{v:.4g}" if abs(v) < 1e5 else f"{v:,.0f}"
        return str(v)

    head = "| " + " | ".join(h for _, h in columns) + " |"
    sep = "|" + "|".join("---" for _ in columns) + "|"
    body = ["| " + " | ".join(fmt(r.get(k)) for k, _ in columns) + " |" for r in rows]
    return "\n".join([head, sep, *body])


def parser(description: str, repeats: int) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--repeats", type=int, default=repeats, help="timed repeats per implementation")
    p.add_argument("--impls", default=None, help="comma-separated subset of implementations")
    p.add_argument("--no-rss", action="store_true", help="skip the peak-memory child runs")
    p.add_argument("--quick", action="store_true", help="shorter runs (a smoke test)")
    p.add_argument("--child", default=None, help=argparse.SUPPRESS)
    return p


def have_torch() -> bool:
    import importlib.util

    return importlib.util.find_spec("torch") is not None


def ratio(a: float | None, b: float | None) -> float | None:
    return None if not a or not b else a / b


def matmul_rate(dtype: str, n: int = 2048, shape: tuple[int, int, int] | None = None) -> float:
    """Best-of-5 GFLOP/s of NumPy's matmul, (n x n) @ (n x n) or an (m, k) @ (k, p) shape."""
    import numpy as np

    m, k, p = shape or (n, n, n)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k)).astype(dtype)
    b = rng.standard_normal((k, p)).astype(dtype)
    c = np.empty((m, p), dtype=dtype)
    np.matmul(a, b, out=c)
    reps = max(1, int(2e9 / (2 * m * k * p)))
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(reps):
            np.matmul(a, b, out=c)
        best = min(best, (time.perf_counter() - start) / reps)
    return 2 * m * k * p / best / 1e9
