"""The machine: CPU, cores, library versions, BLAS, matmul rates, import and compile times.

Measures NumPy's float32 and float64 matrix-multiply rate (best of 5, square 1024 and
2048), the time of ``import trainwell`` (and of its engine subpackages, and of numba) in
fresh interpreters (median of 5), and the compiled path's one-off costs: compiling its
kernels into an empty numba cache, and loading them from the cache in a new process.

Run ``python benchmarks/machine.py``; writes results/machine.json.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine, matmul_rate, median, parser, save, table

IMPORTS = {
    "import trainwell": "import trainwell",
    "import trainwell.nn": "import trainwell.nn",
    "from trainwell.training import fit": "from trainwell.training import fit",
    "import numba": "import numba",
}

FIRST_FIT = """
import time, numpy as np
t0 = time.perf_counter()
from trainwell.nn import Dense, Network, _fast
from trainwell.training import fit
from trainwell.optim import Adam
t1 = time.perf_counter()
net = Network([Dense(3), Dense(1, "sigmoid")], random_state=0)
fit(net, np.random.rand(20, 2), np.arange(20) % 2, engine="numba", epochs=2, progress=False)
t2 = time.perf_counter()
th = np.zeros(10, np.float32)
_fast.fused_update(Adam(), th, th.copy(), Adam().init(th), 0.1)
t3 = time.perf_counter()
print(t2 - t1, t3 - t2)
"""


def _seconds(code: str, env: dict | None = None) -> list[float]:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return [float(x) for x in out.stdout.split()]


def import_time(stmt: str, repeats: int = 5) -> float:
    code = f"import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"
    return median([_seconds(code)[0] for _ in range(repeats)])


def compile_times() -> dict[str, float]:
    """First fit with the compiled path: into an empty cache, then from the cache."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        cold = _seconds(FIRST_FIT, env)
        warm = _seconds(FIRST_FIT, env)
    return {
        "compile_epoch_kernel_s": cold[0],
        "compile_fused_update_float32_s": cold[1],
        "load_from_cache_first_fit_s": warm[0],
        "load_fused_update_float32_s": warm[1],
    }


def main(argv=None):
    args = parser(__doc__.splitlines()[0], repeats=5).parse_args(argv)
    rates = {f"{dt} {n}": matmul_rate(dt, n) for dt in ("float32", "float64") for n in (1024, 2048)}
    imports = {k: import_time(v, args.repeats) for k, v in IMPORTS.items()}
    compiled = compile_times()
    info = machine()
    rows = [{"what": f"matmul {k} (GFLOP/s)", "value": v} for k, v in rates.items()]
    rows += [{"what": f"{k} (s)", "value": v} for k, v in imports.items()]
    rows += [{"what": f"{k}", "value": v} for k, v in compiled.items()]
    print(table(rows, [("what", "measure"), ("value", "value")]))
    save(
        "machine",
        {
            "matmul_gflops": rates,
            "import_s": imports,
            "compiled_path_s": compiled,
            "targets": {
                "import_trainwell_s": imports["import trainwell"],
                "met": {"import trainwell < 0.3 s": imports["import trainwell"] < 0.3},
            },
            "cpu": info["cpu"],
        },
        partial=args.quick,
    )


if __name__ == "__main__":
    main()
