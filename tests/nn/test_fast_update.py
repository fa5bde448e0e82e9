"""The fused optimizer update: the optimizers' own operations, in one compiled pass."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import require
from trainwell.nn._fast_update import fused_update, update_function
from trainwell.optim import Adam, GradientDescent, Momentum, RMSprop

require("numba")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "opt", [GradientDescent(), Momentum(), Momentum(bias_correction=True), RMSprop(), Adam()]
)
def test_fused_update_is_bit_for_bit_the_optimizer_update(opt, dtype):
    rng = np.random.RandomState(0)
    theta = rng.randn(1000).astype(dtype)
    th_a, th_b = theta.copy(), theta.copy()
    st_a, st_b = opt.init(th_a), opt.init(th_b)
    for step in range(5):
        grad = (rng.randn(1000) * 10.0**step).astype(dtype)
        opt.update(th_a, grad, st_a, 0.01)
        fused_update(opt, th_b, grad, st_b, 0.01)
    np.testing.assert_array_equal(th_b, th_a)
    assert st_b["t"] == st_a["t"]
    for key in ("v", "s"):
        if key in st_a:
            np.testing.assert_array_equal(st_b[key], st_a[key])
    assert update_function(opt, th_a, "auto") == opt.update
    assert update_function(opt, th_a, "numba") != opt.update


def test_what_the_fused_update_cannot_take_keeps_the_optimizers_own():
    opt = Adam()
    assert update_function(opt, np.zeros(3, dtype=np.float16), "numba") == opt.update
    assert update_function(opt, [0.0, 1.0], "numba") == opt.update

    class MyAdam(Adam):
        pass

    mine = MyAdam()
    assert update_function(mine, np.zeros(3), "numba") == mine.update
