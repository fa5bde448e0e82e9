"""Experiment 4, shortened to 1000 epochs, and the course's loop conventions."""

import numpy as np
import pytest

from trainwell.course import optimization
from trainwell.course._base import CourseDecay, Settings, course_shuffle
from trainwell.optim import FixedIntervalDecay


@pytest.fixture(scope="module")
def results():
    return optimization.run(Settings(scale=0.1, figures=False)).results


def test_adam_beats_minibatch_gd_without_decay(results):
    assert results["adam"]["train_accuracy"] > results["gd"]["train_accuracy"] + 0.15
    assert results["adam"]["test_accuracy"] > results["gd"]["test_accuracy"] + 0.15


def test_decay_rescues_gd_and_momentum(results):
    for name in ("gd", "momentum"):
        assert results[f"{name}_decay"]["train_accuracy"] > results[name]["train_accuracy"] + 0.15


def test_keys_and_cost_schedule(results):
    assert list(results) == ["gd", "momentum", "adam", "gd_decay", "momentum_decay", "adam_decay"]
    assert list(results["gd"]["costs"]) == ["0"]  # 1000 epochs: the cost at epoch 0 only


def test_course_shuffle_reseeds_each_epoch():
    # seed = 10; each epoch: seed += 1; np.random.seed(seed); permutation(m)
    for epoch in (0, 5):
        np.random.seed(11 + epoch)
        assert np.array_equal(course_shuffle(epoch, 300), np.random.permutation(300))


def test_course_shuffle_is_a_fresh_generator_whatever_came_before():
    # one reseeded generator: any order of calls, sizes and threads gives RandomState(11 + e)
    from concurrent.futures import ThreadPoolExecutor

    calls = [(e, m) for e in (7, 0, 7, 3000, 1) for m in (1, 5, 211, 300)]

    def check(call):
        epoch, m = call
        want = np.random.RandomState(11 + epoch).permutation(m)
        return np.array_equal(course_shuffle(epoch, m), want)

    assert all(map(check, calls))
    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(check, calls * 20))


def test_decay_applies_from_the_next_epoch():
    schedule = FixedIntervalDecay(0.1, decay_rate=1.0, time_interval=1000)
    decay = CourseDecay(schedule)
    assert [decay(e) for e in (0, 1, 1000, 1001, 2001)] == [
        0.1,
        0.1,
        schedule(999),
        schedule(1000),
        schedule(2000),
    ]
