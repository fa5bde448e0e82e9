"""A/B of one NumPy-engine training step, two source trees side by side (interleaved runs).

Each repeat runs a fresh process per tree (old, new, alternating) that times one step,
``network.loss_and_gradient(X, Y, TRAIN)`` then the optimizer's update, for:

- W1: [2, 20, 3, 1] relu/sigmoid, full-batch gradient descent (m = 300),
- W2: [2, 5, 2, 1] relu/sigmoid, Adam on a batch of 64,
- W3: float32 784-512-256-10 relu/softmax, Adam on a batch of 256,

and prints the median time per step of each tree (median of the repeats' medians) and
the ratio new/old. Usage::

    python benchmarks/engine_ab.py --old /tmp/old/src --new src [--repeats 7]

The machine's load varies, so only the ratio of interleaved medians means anything.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

WORKER = r"""
import json, sys, time
import numpy as np
sys.path.insert(0, sys.argv[1])
from trainwell.nn import Dense, Network, TRAIN
from trainwell.optim import get_optimizer

def bench(sizes, acts, dtype, opt, m, steps):
    rng = np.random.default_rng(0)
    layers = [Dense(n, a) for n, a in zip(sizes[1:], acts)]
    net = Network(layers, input_dim=sizes[0], dtype=dtype, random_state=0)
    X = rng.standard_normal((m, sizes[0])).astype(dtype)
    k = sizes[-1]
    if k == 1:
        Y = (rng.random((m, 1)) > 0.5).astype(dtype)
    else:
        Y = np.eye(k, dtype=dtype)[rng.integers(0, k, m)]
    opt = get_optimizer(opt)
    state = opt.init(net.theta)
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        net.loss_and_gradient(X, Y, TRAIN)
        opt.update(net.theta, net.grad, state, 1e-3)
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]

out = {
    "W1": bench([2, 20, 3, 1], ["relu", "relu", "sigmoid"], "float64", "gd", 300, 1500),
    "W2": bench([2, 5, 2, 1], ["relu", "relu", "sigmoid"], "float64", "adam", 64, 1500),
    "W3": bench([784, 512, 256, 10], ["relu", "relu", "softmax"], "float32", "adam", 256, 15),
}
print(json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", required=True, help="the old tree's src folder")
    parser.add_argument("--new", required=True, help="the new tree's src folder")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
    for r in range(args.repeats):
        order = ("old", "new") if r % 2 == 0 else ("new", "old")
        for tree in order:
            src = args.old if tree == "old" else args.new
            res = subprocess.run(
                [sys.executable, "-c", WORKER, src], capture_output=True, text=True, check=True
            )
            runs[tree].append(json.loads(res.stdout))
        time.sleep(0.1)
    print(f"{'step':6} {'old (us)':>10} {'new (us)':>10} {'new/old':>8}")
    for w in ("W1", "W2", "W3"):
        old = statistics.median(run[w] for run in runs["old"]) * 1e6
        new = statistics.median(run[w] for run in runs["new"]) * 1e6
        print(f"{w:6} {old:10.1f} {new:10.1f} {new / old:8.3f}")


if __name__ == "__main__":
    main()
