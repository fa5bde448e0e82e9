"""Jupyter's table of a network's layers."""

from __future__ import annotations

from trainwell.nn import BatchNorm, Dense, Dropout, Network
from trainwell.nn._display import layer_rows


def test_rows_count_each_layers_parameters():
    net = Network([Dense(4, "relu"), BatchNorm(), Dropout(0.8), Dense(1, "sigmoid")], input_dim=3)
    rows = layer_rows(net)
    # W1 (4x3, no bias under batch norm), gamma/beta (2x4), W2 + b2 (4 + 1)
    assert [r[3] for r in rows] == ["12", "8", "0", "5"]
    assert sum(int(r[3]) for r in rows) == net.theta.size
    assert rows[1][:3] == ("BatchNorm [1]", "", "relu")
    assert [r[3] for r in layer_rows(Network([Dense(1, "sigmoid")]))] == ["?"]
