import numpy as np
import pytest

from trainwell.exceptions import InvalidParameterError
from trainwell.training import auto_batch_size, iterate_minibatches, minibatch_slices
from trainwell.training.batches import resolve_batch_size


def test_partition_with_remainder_covers_every_example_once():
    X = np.arange(148.0).reshape(74, 2)
    Y = np.arange(74.0).reshape(74, 1)
    batches = list(iterate_minibatches(X, Y, 16, random_state=0))
    assert [len(b[0]) for b in batches] == [16, 16, 16, 16, 10]
    seen = np.concatenate([yb.ravel() for _, yb in batches])
    assert sorted(seen) == list(range(74))
    for xb, yb in batches:  # rows stay paired
        np.testing.assert_array_equal(xb[:, 0], 2 * yb.ravel())


def test_same_seed_same_batches_and_reshuffled_each_epoch():
    X = np.arange(20.0).reshape(10, 2)
    Y = np.arange(10.0).reshape(10, 1)
    a = [yb.ravel().tolist() for _, yb in iterate_minibatches(X, Y, 3, random_state=5)]
    b = [yb.ravel().tolist() for _, yb in iterate_minibatches(X, Y, 3, random_state=5)]
    assert a == b
    rng = np.random.RandomState(5)
    e1 = [yb.ravel().tolist() for _, yb in iterate_minibatches(X, Y, 3, random_state=rng)]
    e2 = [yb.ravel().tolist() for _, yb in iterate_minibatches(X, Y, 3, random_state=rng)]
    assert e1 == a and e2 != e1


def test_batch_and_stochastic_extremes():
    assert minibatch_slices(5, 5) == [slice(0, 5)]
    assert len(minibatch_slices(5, 1)) == 5
    assert resolve_batch_size(None, 300) == 300
    assert resolve_batch_size(1000, 300) == 300
    with pytest.raises(InvalidParameterError, match="batch_size"):
        resolve_batch_size(0, 10)
    with pytest.raises(InvalidParameterError, match="'auto'"):
        resolve_batch_size("big", 10)


@pytest.mark.parametrize(
    "m,expected",
    [
        (1, 1),
        (2000, 2000),
        (2001, 64),
        (16383, 64),
        (16384, 128),
        (60000, 128),
        (70000, 256),
        (300000, 512),
        (10**6, 512),
    ],
)
def test_auto_batch_size_rule(m, expected):
    assert auto_batch_size(m) == expected
