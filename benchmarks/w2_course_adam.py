"""W2 course-adam: the optimization experiment's network with Adam on mini-batches.

[2, 5, 2, 1] relu/relu/sigmoid on the course's moons (``make_moons(300, noise=0.2)``,
seed 3), mini-batches of 64 reshuffled every epoch (5 per epoch, the last of 44), Adam
(learning rate 0.0007, betas 0.9/0.999, epsilon 1e-8), 10,000 epochs, float64.

Run ``python benchmarks/w2_course_adam.py --repeats 5``; writes results/w2_course_adam.json.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import parser
from _small import run_small
from baselines import Spec

SPEC = Spec(
    dims=[2, 5, 2, 1],
    optimizer="adam",
    learning_rate=0.0007,
    batch_size=64,
    epochs=10_000,
    seed=3,
)
TIMED_EPOCHS = 1_000


def data():
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=300, noise=0.2, random_state=3)
    return X, y, None


def main(argv=None):
    args = parser(__doc__.splitlines()[0], repeats=5).parse_args(argv)
    notes = [
        f"timed runs are {TIMED_EPOCHS} of the experiment's 10,000 epochs (5,000 steps); "
        "accuracies come from one full 10,000-epoch run of each implementation",
        "scikit-learn: solver='adam', alpha=0, batch_size=64, shuffle=True; it also "
        "evaluates the epoch's loss. Shuffles differ between libraries (each its own RNG).",
    ]
    run_small("w2_course_adam", "w2_course_adam.py", SPEC, data(), TIMED_EPOCHS, args, notes)


if __name__ == "__main__":
    main()
