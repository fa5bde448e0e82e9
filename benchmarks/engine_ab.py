"""A/B of one NumPy-engine training step: two source trees in one process, interleaved.

The old tree's ``trainwell`` package is copied to a temporary folder as ``trainwell_old``
(the package imports itself relatively, so both load side by side); then, block by block,
each tree times one step, ``network.loss_and_gradient(X, Y, TRAIN)`` and the optimizer's
update, for:

- W1: [2, 20, 3, 1] relu/sigmoid, full-batch gradient descent (m = 300),
- W2: [2, 5, 2, 1] relu/sigmoid, Adam on a batch of 64,
- W3: float32 784-512-256-10 relu/softmax, Adam on a batch of 256,

alternating which tree goes first. It prints each tree's median time per step and the
median of the paired block ratios new/old (the machine's load varies between blocks, so
only ratios of neighbouring blocks mean much). Usage::

    git archive <old commit> src | tar -x -C /tmp/old
    python benchmarks/engine_ab.py --old /tmp/old/src --new src [--blocks 40]
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

WORKLOADS = {
    "W1": ([2, 20, 3, 1], ["relu", "relu", "sigmoid"], "float64", "gd", 300, 200),
    "W2": ([2, 5, 2, 1], ["relu", "relu", "sigmoid"], "float64", "adam", 64, 200),
    "W3": ([784, 512, 256, 10], ["relu", "relu", "softmax"], "float32", "adam", 256, 2),
}


def _setup(pkg, sizes, acts, dtype, opt, m):
    nn, optim = pkg["nn"], pkg["optim"]
    rng = np.random.default_rng(0)
    layers = [nn.Dense(n, a) for n, a in zip(sizes[1:], acts)]
    net = nn.Network(layers, input_dim=sizes[0], dtype=dtype, random_state=0)
    X = rng.standard_normal((m, sizes[0])).astype(dtype)
    k = sizes[-1]
    if k == 1:
        Y = (rng.random((m, 1)) > 0.5).astype(dtype)
    else:
        Y = np.eye(k, dtype=dtype)[rng.integers(0, k, m)]
    optimizer = optim.get_optimizer(opt)
    state = optimizer.init(net.theta)
    train = nn.TRAIN

    def block(n):
        t0 = time.perf_counter()
        for _ in range(n):
            net.loss_and_gradient(X, Y, train)
            optimizer.update(net.theta, net.grad, state, 1e-3)
        return (time.perf_counter() - t0) / n

    return block


def _load(src: str, name: str, tmp: Path) -> dict:
    if name != "trainwell":
        shutil.copytree(Path(src) / "trainwell", tmp / name)
        sys.path.insert(0, str(tmp))
    else:
        sys.path.insert(0, src)
    return {k: importlib.import_module(f"{name}.{k}") for k in ("nn", "optim")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", required=True, help="the old tree's src folder")
    parser.add_argument("--new", required=True, help="the new tree's src folder")
    parser.add_argument("--blocks", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        trees = {"new": _load(args.new, "trainwell", Path(tmp))}
        trees["old"] = _load(args.old, "trainwell_old", Path(tmp))
        print(f"{'step':5} {'old (us)':>10} {'new (us)':>10} {'new/old':>8}")
        for w, (*spec, n) in WORKLOADS.items():
            blocks = {t: _setup(pkg, *spec) for t, pkg in trees.items()}
            for t in blocks:
                blocks[t](max(1, n // 4))  # warm up
            times: dict[str, list[float]] = {"old": [], "new": []}
            for b in range(args.blocks):
                for t in ("old", "new") if b % 2 == 0 else ("new", "old"):
                    times[t].append(blocks[t](n))
            ratio = statistics.median(a / b for a, b in zip(times["new"], times["old"]))
            old, new = (statistics.median(times[t]) * 1e6 for t in ("old", "new"))
            print(f"{w:5} {old:10.1f} {new:10.1f} {ratio:8.3f}", flush=True)


if __name__ == "__main__":
    main()
