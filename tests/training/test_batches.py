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


@pytest.mark.parametrize(
    "perm", [[0, 0, 1], [0, 1, 3], [-1, 0, 1], [0.0, 1.0, 2.0], [[0, 1, 2]], [1, 0]]
)
def test_check_permutation_refuses_what_is_not_a_permutation(perm):
    from trainwell.training.batches import check_permutation

    with pytest.raises(InvalidParameterError, match=r"permutation of range\(3\)"):
        check_permutation(perm, 3)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.uint64])
def test_check_permutation_takes_any_integer_permutation(dtype):
    from trainwell.training.batches import check_permutation

    perm = np.array([2, 0, 1], dtype=dtype)
    assert check_permutation(perm, 3).tolist() == [2, 0, 1]
    assert check_permutation(np.array([], dtype=dtype), 0).size == 0
    big = np.array([2, 0, 2**64 - 1], dtype=np.uint64)  # past the int range: refused
    with pytest.raises(InvalidParameterError):
        check_permutation(big, 3)
