"""Run every CPU benchmark, each in a fresh process, then regenerate BENCHMARKS.md.

``python benchmarks/run_all.py`` (about 35 minutes on 2 cores), ``--quick`` for a smoke
test of the scripts (a minute or two), ``--only w1,w3`` for a subset (the report is
rebuilt from whatever results/*.json hold).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SCRIPTS = {
    "machine": "machine.py",
    "w1": "w1_course_small.py",
    "w2": "w2_course_adam.py",
    "w3": "w3_wide.py",
    "w3b": "w3_breakdown.py",
    "w4": "w4_tuning.py",
    "lab": "lab_speed.py",
    "w5": "w5_asha.py",
    "scaling": "scaling.py",
    "engine_cost": "engine_cost.py",
    "floor": "reproduce_floor.py",
}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="short runs: checks the scripts")
    p.add_argument("--only", default=None, help=f"comma-separated subset of {list(SCRIPTS)}")
    args = p.parse_args(argv)
    chosen = args.only.split(",") if args.only else list(SCRIPTS)
    failed = []
    for key in chosen:
        cmd = [sys.executable, str(ROOT / SCRIPTS[key])] + (["--quick"] if args.quick else [])
        print(f"== {' '.join(cmd[1:])}", flush=True)
        start = time.perf_counter()
        if subprocess.run(cmd, check=False).returncode != 0:
            failed.append(key)
        print(f"== {key} took {time.perf_counter() - start:.0f} s", flush=True)
    subprocess.run([sys.executable, str(ROOT / "report.py")], check=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
