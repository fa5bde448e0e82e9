"""W5 ASHA: the same random search with and without successive-halving pruning.

40 random configs (learning rate log-uniform in [1e-4, 1], ``1 - beta1`` log-uniform
in [0.01, 0.2], hidden units log-uniform in 4..64) of a [2, h, h, 1] relu network trained with Adam, mini-batches of 64, up to
81 epochs, on 600 noisy moons (450 training, 150 dev examples), scored by dev
accuracy. Both searches draw the same configs and seeds (``random_state=0``, serial);
ASHA (``min_epochs=3``, ``reduction_factor=3``: rungs at 3, 9 and 27 epochs) stops the
trials that are not among the best third at a rung. Measured: the best dev score of
each, the epochs each trained in all (exact counts, not timings), and the wall time.

Run ``python benchmarks/w5_asha.py``; writes results/w5_asha.json.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import parser, save, table

N_TRIALS, EPOCHS, MIN_EPOCHS, ETA = 40, 81, 3, 3


def search(pruner, n_trials: int, epochs: int):
    from sklearn.datasets import make_moons

    from trainwell.tuning import (
        IntLogUniform,
        LogUniform,
        NetworkObjective,
        OneMinusLogUniform,
        random_search,
    )

    X, y = make_moons(n_samples=600, noise=0.3, random_state=3)
    objective = NetworkObjective(
        X[:450],
        y[:450],
        X[450:],
        y[450:],
        fixed={"layers": 2, "optimizer": "adam", "batch_size": 64, "epochs": epochs},
    )
    space = {
        "learning_rate": LogUniform(1e-4, 1.0),
        "beta1": OneMinusLogUniform(0.8, 0.99),
        "hidden_units": IntLogUniform(4, 64),
    }
    start = time.perf_counter()
    result = random_search(objective, space, n_trials=n_trials, random_state=0, pruner=pruner)
    seconds = time.perf_counter() - start
    trained = sum(int(t.metrics.get("epochs", 0)) for t in result.trials)
    return seconds, trained, result


def main(argv=None):
    from trainwell.tuning import ASHAPruner

    p = parser(__doc__.splitlines()[0], repeats=1)
    args = p.parse_args(argv)
    n_trials, epochs = (12, 27) if args.quick else (N_TRIALS, EPOCHS)
    print("w5_asha: warm-up (imports, compiled kernels)")
    search(None, 2, 3)
    s_full, e_full, full = search(None, n_trials, epochs)
    print(f"  unpruned: {s_full:.1f} s, {e_full} epochs, best {full.best_score:.4f}")
    s_asha, e_asha, asha = search(ASHAPruner(MIN_EPOCHS, ETA), n_trials, epochs)
    print(f"  ASHA:     {s_asha:.1f} s, {e_asha} epochs, best {asha.best_score:.4f}")
    gap = (full.best_score - asha.best_score) / abs(full.best_score)
    share = e_asha / e_full
    assert [t.config for t in full.trials] == [t.config for t in asha.trials]
    rows = [
        {"search": "unpruned", "best_dev": full.best_score, "epochs": e_full,
         "share": 1.0, "seconds": s_full, "pruned": 0},
        {"search": f"ASHA (min_epochs={MIN_EPOCHS}, η={ETA})", "best_dev": asha.best_score,
         "epochs": e_asha, "share": share, "seconds": s_asha,
         "pruned": sum(t.status == "pruned" for t in asha.trials)},
    ]  # fmt: skip
    cols = [
        ("search", "search"),
        ("best_dev", "best dev accuracy"),
        ("epochs", "epochs trained"),
        ("share", "share of unpruned epochs"),
        ("pruned", "trials pruned"),
        ("seconds", "wall s"),
    ]
    print(table(rows, cols))
    ok_score, ok_epochs = gap <= 0.01, share <= 0.40
    print(f"best dev {gap:+.2%} below the unpruned search's; {share:.1%} of its epochs")
    save(
        "w5_asha",
        {
            "n_trials": n_trials,
            "max_epochs": epochs,
            "rows": rows,
            "columns": cols,
            "targets": {
                "best_dev_gap": gap,
                "epoch_share": share,
                "time_ratio": s_asha / s_full,
                "met": {"best within 1%": ok_score, "epochs <= 40%": ok_epochs},
            },
            "notes": [
                "the same 40 configs and seeds in both searches, run serially (so the "
                "pruned set is deterministic); epochs are counted exactly, the wall "
                "times are one run each on a shared machine",
                "each trial of the ASHA search also scores the dev set after every "
                "epoch (the report the pruner needs)",
            ],
        },
        partial=bool(args.quick),
    )


if __name__ == "__main__":
    main()
