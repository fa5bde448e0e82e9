"""The views' numbers: lattice orientation, the output and each unit's map, weights."""

from __future__ import annotations

import base64

import numpy as np

from trainwell.lab.datasets import make_data
from trainwell.lab.protocol import check_config
from trainwell.lab.session import build_network
from trainwell.lab.views import (
    GRID,
    UNIT_GRID,
    curves_for_page,
    grid_points,
    plane_maps,
    weights_for_page,
)


def _bytes(b64: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(b64), dtype=np.uint8)


def test_lattice_runs_left_to_right_and_top_to_bottom():
    P = grid_points((-1.0, 1.0, -2.0, 2.0), np.array([0.0, 0.0, 5.0]))
    assert P.shape == (GRID * GRID, 3)
    assert P[0, :2].tolist() == [-1.0, 2.0] and P[-1, :2].tolist() == [1.0, -2.0]
    assert (P[:, 2] == 5.0).all()


def test_maps_match_the_network_outputs():
    config = check_config({"dataset": "xor", "layers": [{"units": 3, "batch_norm": True}]})
    data = make_data(config)
    net, _ = build_network(config, data)
    P = grid_points(data.extent, data.X_train.mean(axis=0))
    maps = plane_maps(net, P)
    expected = np.clip(np.rint(net.forward(P)[:, 0] * 255), 0, 255)
    assert maps["kind"] == "probability"
    np.testing.assert_array_equal(_bytes(maps["boundary"]), expected)
    assert len(maps["units"]) == 1 and len(maps["units"][0]) == 3
    unit = _bytes(maps["units"][0][0])
    assert unit.size == UNIT_GRID * UNIT_GRID and unit.max() <= 255


def test_weights_are_course_oriented_and_curves_are_thinned():
    config = check_config({"dataset": "circle", "layers": [{"units": 5}]})
    net, _ = build_network(config, make_data(config))
    W = weights_for_page(net)
    assert [np.shape(w) for w in W] == [(5, 2), (1, 5)]
    pts = [(i, 1.0 / (i + 1), 1.0, 0.5, 0.5) for i in range(1001)]
    thin = curves_for_page(pts, limit=50)
    assert len(thin) == 50 and thin[0][0] == 0 and thin[-1][0] == 1000
