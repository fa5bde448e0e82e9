"""Optimizers on 2-D surfaces, the EWMA series, and Z's statistics for the batch-norm view."""

from __future__ import annotations

import numpy as np
import pytest

from trainwell.course.trajectories import path
from trainwell.lab.datasets import make_data
from trainwell.lab.protocol import check_config
from trainwell.lab.session import build_network
from trainwell.lab.surfaces import (
    ewma_for_page,
    plateau,
    plateau_grad,
    surface_for_page,
    z_stats,
)
from trainwell.optim import Adam, GradientDescent


def _msg(surface, **kw):
    return {"surface": surface, "lr_gd": 0.9, "lr_adaptive": 0.3, "beta": 0.9, "beta2": 0.9,
            "epsilon": 1e-8, "steps": 50, **kw}  # fmt: skip


def test_paths_are_trainwells_optimizers_on_the_surface():
    out = surface_for_page(_msg("bowl"))
    from trainwell.course.trajectories import bowl_grad

    ref = path(GradientDescent(), 0.9, bowl_grad, (-9.0, 1.6), 50)
    np.testing.assert_array_equal(out["paths"]["gd"], ref)
    assert out["final_cost"]["momentum"] < out["final_cost"]["gd"]
    assert np.array(out["grid"]).shape == (48, 48)


def test_plateau_gradient_and_adam_crossing_it():
    w = np.array([-3.0, 1.0])
    h = 1e-6
    numeric = [(plateau(*(w + h * e)) - plateau(*(w - h * e))) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(plateau_grad(w), numeric, rtol=1e-6)
    gd = path(GradientDescent(), 0.1, plateau_grad, (-7.0, 2.5), 150)
    adam = path(Adam(beta2=0.9), 0.1, plateau_grad, (-7.0, 2.5), 150)
    assert plateau(*adam[-1]) < 0.5 < plateau(*gd[-1])
    out = surface_for_page(_msg("plateau", lr_adaptive=0.1, steps=150))
    assert out["final_cost"]["adam"] == pytest.approx(plateau(*adam[-1]))


def test_ewma_with_and_without_bias_correction():
    out = ewma_for_page(0.98)
    series = np.array(out["series"])
    assert out["corrected"][0] == series[0]
    assert out["plain"][0] == pytest.approx(0.02 * series[0])
    assert out["plain"][1] == pytest.approx(0.98 * out["plain"][0] + 0.02 * series[1])


def test_z_stats_per_hidden_layer_with_and_without_batch_norm():
    for bn in (False, True):
        config = check_config({"layers": [{"units": 4, "batch_norm": bn}, {"units": 3}]})
        data = make_data(config)
        net, _ = build_network(config, data)
        stats = z_stats(net, data.X_train)
        assert len(stats["mean"]) == len(stats["variance"]) == 2
        if not bn:  # Z[1] = W[1] x + b[1] when no batch norm follows
            W, b = net.parameters()["W1"], net.parameters()["b1"]
            Z1 = data.X_train @ W.T + b.ravel()
            assert stats["mean"][0] == pytest.approx(Z1.mean())
            assert stats["variance"][0] == pytest.approx(Z1.var(axis=0).mean())
