"""W4 tuning: trials per minute of a random search, one worker against two.

32 trials of W2-sized training (the course's moons, 300 training and 100 dev examples,
[2, 5, 2, 1] relu/relu/sigmoid, Adam, mini-batches of 64, ``--epochs`` epochs per trial)
through :func:`trainwell.tuning.random_search` over the learning rate (log-uniform in
[1e-4, 1e-1]) and beta1 (``1 - beta1`` log-uniform, 0.8..0.99), with ``n_jobs=1`` (in
this process) and ``n_jobs=2`` (two loky worker processes, started by a warm-up search
before the timing, as a second search would find them). Both searches must agree trial
for trial.

Run ``python benchmarks/w4_tuning.py --repeats 3``; writes results/w4_tuning.json.
``--engine numpy`` sets ``TRAINWELL_ENGINE`` for the searcher and its workers.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import median, parser, save, table

N_TRIALS = 32


def search(n_jobs: int, n_trials: int, epochs: int):
    from sklearn.datasets import make_moons

    from trainwell.tuning import LogUniform, NetworkObjective, OneMinusLogUniform, random_search

    X, y = make_moons(n_samples=400, noise=0.2, random_state=3)
    objective = NetworkObjective(
        X[:300],
        y[:300],
        X[300:],
        y[300:],
        fixed={"hidden_units": [5, 2], "optimizer": "adam", "batch_size": 64, "epochs": epochs},
    )
    space = {"learning_rate": LogUniform(1e-4, 1e-1), "beta1": OneMinusLogUniform(0.8, 0.99)}
    start = time.perf_counter()
    result = random_search(objective, space, n_trials=n_trials, random_state=0, n_jobs=n_jobs)
    return time.perf_counter() - start, result


def main(argv=None):
    p = parser(__doc__.splitlines()[0], repeats=3)
    p.add_argument("--epochs", type=int, default=10_000, help="epochs per trial (W2's)")
    p.add_argument("--engine", default=None, help="TRAINWELL_ENGINE for the searches")
    args = p.parse_args(argv)
    if args.engine:
        os.environ["TRAINWELL_ENGINE"] = args.engine
    epochs = args.epochs if not args.quick else 500
    print("w4_tuning: warm-up (imports, numba's kernels, two loky workers)")
    search(1, 2, 5)
    search(2, 4, 5)
    secs: dict[int, list[float]] = {1: [], 2: []}
    scores: dict[int, list[float]] = {}
    for r in range(args.repeats):
        for n_jobs in (1, 2):
            s, result = search(n_jobs, N_TRIALS, epochs)
            secs[n_jobs].append(s)
            scores[n_jobs] = [t.dev_score for t in sorted(result.trials, key=lambda t: t.index)]
            print(f"  repeat {r + 1}/{args.repeats} n_jobs={n_jobs}: {s:.2f} s")
    same = scores[1] == scores[2]
    rows = [
        {
            "n_jobs": n,
            "median_s": median(secs[n]),
            "trials_per_min": N_TRIALS / median(secs[n]) * 60,
            "s_per_trial": median(secs[n]) / N_TRIALS,
        }
        for n in (1, 2)
    ]
    speedup = rows[1]["trials_per_min"] / rows[0]["trials_per_min"]
    for row in rows:
        row["x_one_worker"] = row["trials_per_min"] / rows[0]["trials_per_min"]
    cols = [
        ("n_jobs", "workers"),
        ("median_s", f"{N_TRIALS} trials s (median)"),
        ("s_per_trial", "s/trial"),
        ("trials_per_min", "trials/min"),
        ("x_one_worker", "x one worker"),
    ]
    print(table(rows, cols))
    print(f"two workers: {speedup:.2f}x the trials per minute of one; same scores: {same}")
    save(
        "w4_tuning",
        {
            "n_trials": N_TRIALS,
            "epochs_per_trial": epochs,
            "engine": os.environ.get("TRAINWELL_ENGINE", "auto"),
            "repeats": args.repeats,
            "rows": rows,
            "columns": cols,
            "targets": {"speedup": speedup, "met": {"two workers >= 1.8x": speedup >= 1.8}},
            "same_scores_both_ways": same,
            "best_score": max(scores[1]),
            "notes": [
                "the loky workers are started by a warm-up search and reused (the second "
                "search of a session finds them); each limits its BLAS to 1 thread",
            ],
        },
        partial=bool(args.quick or args.engine),
    )


if __name__ == "__main__":
    main()
