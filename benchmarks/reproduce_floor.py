"""The floor under `trainwell reproduce`'s time: its steps written by hand in NumPy.

`trainwell reproduce` keeps the course's networks on the NumPy engine so that results.json
is the same bytes everywhere (the compiled engine agrees to about 1e-13, not bit for bit).
Its time is then about 435,000 small float64 steps. This script times, on one core (one
BLAS thread, as each of reproduce's worker processes runs), a hand-written step of each
course network with the same kind of NumPy calls and no library Python around them (a
plain logistic sigmoid, no divergence guard, no history), against trainwell's own step
(``network.loss_and_gradient`` plus the optimizer's update) on the same batch, and adds up
what the course's step counts cost at each rate, split over the machine's cores:

- optimization: [2, 5, 2, 1], Adam, batches of 64 of 300 examples: 6 x 10,000 epochs x 5
  steps,
- regularization: [2, 20, 3, 1], gradient descent, full batch of 211: 3 x 30,000 steps,
- initialization: [2, 10, 5, 1], gradient descent, full batch of 300: 3 x 15,000 steps.

It also times one whole ``trainwell reproduce`` (wall time, and the CPU time of all its
processes) unless ``--no-reproduce``.

``python benchmarks/reproduce_floor.py`` writes benchmarks/results/reproduce_floor.json;
``python benchmarks/report.py`` shows it in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import time
import warnings

import numpy as np
from _common import save

NETWORKS = {  # name: (sizes, optimizer, batch, examples, steps in reproduce)
    "optimization": ([2, 5, 2, 1], "adam", 64, 300, 6 * 10_000 * 5),
    "regularization": ([2, 20, 3, 1], "gd", 211, 211, 3 * 30_000),
    "initialization": ([2, 10, 5, 1], "gd", 300, 300, 3 * 15_000),
}


class HandStep:
    """One step of a relu...relu-sigmoid network with binary cross-entropy, by hand."""

    def __init__(self, sizes: list[int], optimizer: str, m: int, rng: np.random.RandomState):
        self.X = rng.randn(m, sizes[0])
        self.Y = (rng.rand(m, 1) > 0.5).astype(float)
        pairs = list(itertools.pairwise(sizes))
        n = sum(a * b + b for a, b in pairs)
        self.theta = rng.randn(n) * 0.3
        self.grad, self.v, self.s, self.buf = (np.zeros(n) for _ in range(4))
        self.W, self.dW, self.b, self.db, o = [], [], [], [], 0
        for a, b in pairs:
            self.W.append(self.theta[o : o + a * b].reshape(b, a))
            self.dW.append(self.grad[o : o + a * b].reshape(b, a))
            o += a * b
        for _, b in pairs:
            self.b.append(self.theta[o : o + b])
            self.db.append(self.grad[o : o + b])
            o += b
        self.Z = [np.empty((m, b)) for _, b in pairs]
        self.A = [np.empty((m, b)) for _, b in pairs]
        self.dA = [np.empty((m, b)) for _, b in pairs]
        self.adam, self.t, self.m = optimizer == "adam", 0, m

    def __call__(self) -> float:
        A, acts, L = self.X, [self.X], len(self.W)
        for q in range(L):
            Z = np.matmul(A, self.W[q].T, out=self.Z[q])
            Z += self.b[q]
            if q < L - 1:
                A = np.maximum(Z, 0, out=self.A[q])
            else:
                A = np.negative(Z, out=self.A[q])
                np.exp(A, out=A)
                A += 1.0
                np.divide(1.0, A, out=A)
            acts.append(A)
        Y = self.Y
        cost = -float(np.sum(Y * np.log(A) + (1 - Y) * np.log1p(-A))) / self.m
        d = np.subtract(A, Y, out=self.dA[L - 1])
        d /= self.m
        for q in range(L - 1, -1, -1):
            np.matmul(d.T, acts[q], out=self.dW[q])
            d.sum(axis=0, out=self.db[q])
            if q:
                d = np.matmul(d, self.W[q], out=self.dA[q - 1])
                np.multiply(d, self.Z[q - 1] > 0, out=d)
        self.update()
        return cost

    def update(self) -> None:
        theta, grad, buf = self.theta, self.grad, self.buf
        if not self.adam:
            np.multiply(grad, 0.01, out=buf)
            theta -= buf
            return
        self.t += 1
        t, v, s = self.t, self.v, self.s
        v *= 0.9
        np.multiply(grad, 0.1, out=buf)
        v += buf
        np.multiply(grad, grad, out=buf)
        s *= 0.999
        buf *= 0.001
        s += buf
        np.multiply(s, 1 / (1 - 0.999**t), out=buf)
        np.sqrt(buf, out=buf)
        buf += 1e-8
        np.divide(v, buf, out=buf)
        buf *= 0.0007 / (1 - 0.9**t)
        theta -= buf


def library_step(sizes: list[int], optimizer: str, m: int, rng: np.random.RandomState):
    """trainwell's own NumPy step on the same kind of batch (no fit loop around it)."""
    from trainwell.nn import TRAIN, Dense, Network
    from trainwell.optim import get_optimizer

    acts = ["relu"] * (len(sizes) - 2) + ["sigmoid"]
    net = Network([Dense(u, a) for u, a in zip(sizes[1:], acts)], random_state=0)
    X, y = rng.randn(m, sizes[0]), (rng.rand(m) > 0.5).astype(float)
    net.build(sizes[0])
    Xc, Y = net.check_input(X), net.encode_targets(y)
    opt = get_optimizer(optimizer)
    state = opt.init(net.theta)

    def step() -> float:
        cost = net.loss_and_gradient(Xc, Y, TRAIN)
        opt.update(net.theta, net.grad, state, 0.0007)
        return cost

    return step


def time_step(step, repeats: int, n: int) -> float:
    """Median over ``repeats`` of the mean seconds per call of ``n`` calls."""
    for _ in range(n // 5):
        step()
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(n):
            step()
        runs.append((time.perf_counter() - start) / n)
    return statistics.median(runs)


def time_reproduce() -> dict[str, float]:
    """Wall and CPU seconds (user + sys, all processes) of one ``trainwell reproduce``."""
    import resource
    import subprocess
    import sys
    import tempfile

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        run = "import sys; from trainwell.cli import main; sys.exit(main(sys.argv[1:]))"
        cmd = [sys.executable, "-c", run, "reproduce", "--out", out, "--no-progress"]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"trainwell reproduce: {wall:.1f} s wall, {cpu:.1f} s CPU")
    return {"wall_s": wall, "cpu_s": cpu}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="short timings: checks the script")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--no-reproduce", action="store_true", help="skip timing reproduce itself")
    args = p.parse_args(argv)
    whole = None if args.no_reproduce or args.quick else time_reproduce()
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)  # one BLAS thread, as each of reproduce's workers
    warnings.simplefilter("ignore")
    n = 200 if args.quick else 3000
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    rows, hand_total, lib_total = {}, 0.0, 0.0
    for name, (sizes, opt, batch, examples, steps) in NETWORKS.items():
        hand = time_step(HandStep(sizes, opt, batch, np.random.RandomState(0)), args.repeats, n)
        lib = time_step(library_step(sizes, opt, batch, np.random.RandomState(0)), args.repeats, n)
        rows[name] = {
            "sizes": sizes,
            "optimizer": opt,
            "batch": batch,
            "steps": steps,
            "hand_us": hand * 1e6,
            "trainwell_us": lib * 1e6,
            "hand_s": hand * steps,
            "trainwell_s": lib * steps,
        }
        hand_total += hand * steps
        lib_total += lib * steps
        print(f"{name:15s} hand {hand * 1e6:7.1f} us  trainwell {lib * 1e6:7.1f} us  x{steps}")
    out = {
        "cores": cores,
        "networks": rows,
        "reproduce": whole,
        "hand_cpu_s": hand_total,
        "trainwell_cpu_s": lib_total,
        "hand_wall_s": hand_total / cores,
        "trainwell_wall_s": lib_total / cores,
    }
    print(
        f"the course's steps: {hand_total:.1f} s by hand, {lib_total:.1f} s in trainwell, "
        f"i.e. {hand_total / cores:.1f} s / {lib_total / cores:.1f} s of wall on {cores} cores"
    )
    save("reproduce_floor", out, partial=args.quick)


if __name__ == "__main__":
    main()
