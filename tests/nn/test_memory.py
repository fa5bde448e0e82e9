"""A network too big for the machine is refused with the memory it would need."""

from __future__ import annotations

import pytest

from trainwell.exceptions import InvalidParameterError
from trainwell.nn import Dense, Network
from trainwell.nn.memory import physical_memory, size_text


def test_size_text():
    assert size_text(512) == "512 bytes"
    assert size_text(3 * 2**30) == "3.0 GiB"
    assert size_text(58 * 2**40 + 2**39) == "58.5 TiB"


def test_dense_of_a_trillion_units_says_how_much_memory_before_allocating():
    assert physical_memory() is not None  # Linux: the check runs
    with pytest.raises(InvalidParameterError, match=r"4,000,000,000,000 parameters .*W1 of "):
        Network([Dense(10**12, "sigmoid")], input_dim=3)


def test_a_small_network_is_allocated_as_before():
    net = Network([Dense(3), Dense(1, "sigmoid")], input_dim=2, random_state=0)
    assert net.theta.shape == net.grad.shape == (13,)
