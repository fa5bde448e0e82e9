import numpy as np
import pytest

from trainwell.exceptions import InvalidParameterError
from trainwell.nn import Dense, Network, RandomNormal, get_initializer


def _course_weights(dims, scale_fn, seed=3):
    """What the course computes: np.random.seed(seed); randn(n[l], n[l-1]) * scale, in order."""
    np.random.seed(seed)
    return [
        np.random.randn(dims[l], dims[l - 1]) * scale_fn(dims[l - 1], dims[l])
        for l in range(1, len(dims))
    ]


@pytest.mark.parametrize(
    ("init", "scale_fn"),
    [
        ("he", lambda n_in, n_out: np.sqrt(2.0 / n_in)),
        ("xavier", lambda n_in, n_out: np.sqrt(1.0 / n_in)),
        ("glorot", lambda n_in, n_out: np.sqrt(2.0 / (n_in + n_out))),
        (RandomNormal(10), lambda n_in, n_out: 10),
        ("random", lambda n_in, n_out: 0.01),
    ],
)
def test_weights_equal_the_course_draws_bit_for_bit(init, scale_fn):
    dims = [2, 10, 5, 1]
    net = Network(
        [Dense(10, "relu", init), Dense(5, "relu", init), Dense(1, "sigmoid", init)],
        random_state=np.random.RandomState(3),
        input_dim=2,
    )
    expected = _course_weights(dims, scale_fn)
    params = net.parameters()
    for l, W in enumerate(expected, start=1):
        assert np.array_equal(params[f"W{l}"], W)
        assert np.array_equal(params[f"b{l}"], np.zeros(dims[l]))


def test_int_seed_is_the_course_seed():
    a = Network([Dense(4), Dense(1, "sigmoid")], random_state=3, input_dim=3)
    b = Network([Dense(4), Dense(1, "sigmoid")], random_state=np.random.RandomState(3), input_dim=3)
    assert np.array_equal(a.theta, b.theta)


def test_zeros_and_glorot_uniform():
    net = Network([Dense(4, init="zeros"), Dense(1, "sigmoid", init="zeros")], input_dim=3)
    assert not net.theta.any()
    W = get_initializer("glorot_uniform")(np.random.RandomState(0), (200, 300))
    limit = np.sqrt(6 / 500)
    assert np.abs(W).max() <= limit
    assert W.var() == pytest.approx(2 / 500, rel=0.05)


def test_generator_random_state_also_works():
    net = Network(
        [Dense(3), Dense(1, "sigmoid")], random_state=np.random.default_rng(0), input_dim=2
    )
    assert np.isfinite(net.theta).all() and net.theta.any()


def test_unknown_initializer_lists_valid_names():
    with pytest.raises(InvalidParameterError, match="'he'"):
        Dense(3, init="kaiming")
    with pytest.raises(InvalidParameterError, match="scale"):
        RandomNormal(-1)
