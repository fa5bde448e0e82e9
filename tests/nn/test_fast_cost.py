"""The cost model of engine="auto": its counts, and the choices the measurements back."""

import numpy as np
import pytest

from trainwell.nn import Dense, Network
from trainwell.nn import _fast_cost as fc


def test_features_count_a_step_by_hand():
    # [2, 3, 1] relu/sigmoid at a batch of 5: Z1 = A0 W1^T (5x2x3), dW1 = dZ1^T A0 (3x5x2);
    # Z2 (5x3x1), dW2 (1x5x3), dA1 = dZ2 W2 (5x1x3)
    f = fc.features([2, 3, 1], "relu", 5, "numpy")
    macs = 30 + 30 + 15 + 15 + 15
    elements = (10 + 6 + 15) + (15 + 10 + 6) + (15 + 3 + 5) + (5 + 15 + 3) + (5 + 3 + 15)
    expected = [1, 2, 2 * 3 + 3 + 3 * 1 + 1, 5 * (2 + 3 + 1), macs, elements, 5 * 1, 0, 0]
    expected += [5 * 2, 5 * 3]  # batch x layers, batch x hidden units
    np.testing.assert_array_equal(f, expected)
    # the kernel pads the batch to a multiple of 8; tanh units count as slow
    g = fc.features([2, 3, 1], "tanh", 5, "numba")
    assert g[3] == 8 * 6 and g[6] == 8 * (3 + 1)


def test_features_mark_the_cache_overflows():
    # 2,000 x 1,045 units in float64, four arrays: 67 MB, past WORKING_SET_BYTES
    big = fc.features([20, 1024, 1], "relu", 2000, "numpy")
    assert big[7] == big[3] == 2000 * 1045
    # both layers' inputs (2,000 x 20 and 2,000 x 1,024 float64) overflow INPUT_BLOCK_BYTES:
    # all three products of the second layer, the two of the first
    assert big[8] == 2 * 2000 * 20 * 1024 + 3 * 2000 * 1024 * 1
    small = fc.features([20, 64, 1], "relu", 64, "numpy")
    assert small[7] == small[8] == 0


def test_network_layers_reads_the_dense_layers():
    net = Network([Dense(4, "tanh"), Dense(1, "sigmoid")], input_dim=3, random_state=0)
    assert fc.network_layers(net) == [(3, 4, "tanh"), (4, 1, "sigmoid")]
    assert fc.predicted(fc.network_layers(net), 32) == fc.predicted(
        [(3, 4, "tanh"), (4, 1, "sigmoid")], 32
    )


@pytest.mark.parametrize(
    "dims, activation, batch, faster",
    [
        # measured on 2 cores (benchmarks/engine_cost.py), by margins of 1.3x or more
        ((2, 5, 2, 1), "relu", 64, "numba"),  # W2: 8 µs against 122 µs
        ((2, 20, 3, 1), "relu", 211, "numba"),  # W1's network
        ((20, 8, 1), "relu", 1000, "numba"),
        ((784, 128, 10), "relu", 256, "numpy"),
        ((128, 128, 128, 1), "relu", 256, "numpy"),
        ((300, 32, 32, 1), "relu", 256, "numpy"),
        ((2, 20, 3, 1), "tanh", 2000, "numpy"),
        ((20, 1024, 1), "relu", 2000, "numpy"),
    ],
)
def test_the_model_picks_the_measured_faster_engine(dims, activation, batch, faster):
    seconds = fc.predicted(fc._as_layers(dims, activation), batch)
    assert min(seconds, key=seconds.get) == faster
    assert all(s > 0 for s in seconds.values())


def test_the_choice_is_a_function_of_the_configuration():
    layers = fc._as_layers((20, 64, 64, 1), "relu")
    assert fc.predicted(layers, 256) == fc.predicted(list(layers), 256)
    assert fc.predicted(layers, 256) != fc.predicted(layers, 512)
