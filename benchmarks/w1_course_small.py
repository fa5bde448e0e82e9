"""W1 course-small: the regularization experiment's network, full-batch gradient descent.

[2, 20, 3, 1] relu/relu/sigmoid, 211 training examples of 2 features (the noisy 2-D set
of :func:`trainwell.data.load_noisy_2d`, made like the course's football data; 200 test
examples), learning rate 0.3, 30,000 iterations, float64.

Run ``python benchmarks/w1_course_small.py --repeats 5``; writes results/w1_course_small.json.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import parser
from _small import run_small
from baselines import Spec

SPEC = Spec(dims=[2, 20, 3, 1], optimizer="gd", learning_rate=0.3, epochs=30_000, seed=3)
TIMED_EPOCHS = 3_000


def data():
    from trainwell.data.datasets import load_noisy_2d

    d = load_noisy_2d()
    return d.X_train, d.y_train, (d.X_test, d.y_test)


def main(argv=None):
    args = parser(__doc__.splitlines()[0], repeats=5).parse_args(argv)
    notes = [
        f"timed runs are {TIMED_EPOCHS} of the experiment's 30,000 iterations; accuracies "
        "come from one full 30,000-iteration run of each implementation",
        "scikit-learn: solver='sgd', momentum=0, alpha=0, batch_size=211, shuffle=False; "
        "it also evaluates the loss each iteration",
    ]
    run_small("w1_course_small", "w1_course_small.py", SPEC, data(), TIMED_EPOCHS, args, notes)


if __name__ == "__main__":
    main()
