import numpy as np
import pytest

from tests.conftest import require
from trainwell.exceptions import InvalidParameterError
from trainwell.optim import Adam, GradientDescent, Momentum, RMSprop, get_optimizer

OPTIMIZERS = [
    GradientDescent(),
    Momentum(0.9),
    Momentum(0.9, bias_correction=True),
    RMSprop(),
    Adam(),
]


def test_momentum_hand_derived_sequence():
    opt = Momentum(beta=0.5)
    theta = np.array([1.0, -2.0])
    state = opt.init(theta)
    g1, g2 = np.array([4.0, 2.0]), np.array([-2.0, 6.0])
    opt.update(theta, g1, state, 0.1)
    # v1 = 0.5*0 + 0.5*g1 = [2, 1]; theta = [1, -2] - 0.1*[2, 1] = [0.8, -2.1]
    np.testing.assert_allclose(theta, [0.8, -2.1], rtol=1e-15)
    opt.update(theta, g2, state, 0.1)
    # v2 = 0.5*[2, 1] + 0.5*[-2, 6] = [0, 3.5]; theta = [0.8, -2.1 - 0.35]
    np.testing.assert_allclose(state["v"], [0.0, 3.5], rtol=1e-15)
    np.testing.assert_allclose(theta, [0.8, -2.45], rtol=1e-15)


def test_rmsprop_hand_derived_step():
    opt = RMSprop(beta2=0.9, epsilon=1e-8)
    theta = np.array([1.0])
    state = opt.init(theta)
    opt.update(theta, np.array([2.0]), state, 0.01)
    # s = 0.1 * 4 = 0.4; theta = 1 - 0.01 * 2 / (sqrt(0.4) + 1e-8)
    assert theta[0] == pytest.approx(1 - 0.01 * 2 / (np.sqrt(0.4) + 1e-8), rel=1e-15)


def test_adam_step_ten_rebuilt_from_the_formula():
    """sklearn-style exact algebra: seed v, s and t=9, rebuild step 10 from the formula."""
    r = np.random.default_rng(0)
    theta0 = r.standard_normal(6)
    v0, s0, g = r.standard_normal(6), r.random(6), r.standard_normal(6)
    b1, b2, eps, lr = 0.9, 0.999, 1e-8, 0.01
    opt = Adam(b1, b2, eps)
    theta = theta0.copy()
    state = {"t": 9, "v": v0.copy(), "s": s0.copy()}
    opt.update(theta, g, state, lr)
    v = b1 * v0 + (1 - b1) * g
    s = b2 * s0 + (1 - b2) * g**2
    expected = theta0 - lr * (v / (1 - b1**10)) / (np.sqrt(s / (1 - b2**10)) + eps)
    np.testing.assert_allclose(state["v"], v, rtol=1e-15)
    np.testing.assert_allclose(state["s"], s, rtol=1e-15)
    np.testing.assert_allclose(theta, expected, rtol=1e-14)
    assert state["t"] == 10


def test_adam_first_step_is_about_alpha_sign_g():
    theta = np.zeros(4)
    g = np.array([1e-3, -5.0, 300.0, -0.2])
    Adam().update(theta, g, Adam().init(theta), 0.01)
    np.testing.assert_allclose(theta, -0.01 * np.sign(g), rtol=1e-4)


def _rosenbrock(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


@pytest.mark.parametrize("opt", OPTIMIZERS, ids=repr)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_converges_on_a_quadratic_bowl(opt, dtype):
    A = np.array([1.0, 10.0], dtype=dtype)
    theta = np.array([3.0, -2.0], dtype=dtype)
    state = opt.init(theta)
    lr = 0.01 if isinstance(opt, (Adam, RMSprop)) else 0.05
    for _ in range(3000):
        opt.update(theta, (A * theta).astype(dtype), state, lr)
    assert theta.dtype == dtype
    assert np.abs(theta).max() < 0.05


@pytest.mark.parametrize(
    "opt,lr,steps",
    [
        (GradientDescent(), 1e-3, 60000),
        (Momentum(0.9), 1e-3, 60000),
        (RMSprop(0.999), 1e-3, 20000),
        (Adam(), 5e-3, 20000),
    ],
    ids=repr,
)
def test_converges_on_rosenbrock(opt, lr, steps):
    theta = np.array([-1.0, 1.0])
    state = opt.init(theta)
    for _ in range(steps):
        opt.update(theta, _rosenbrock(theta), state, lr)
    np.testing.assert_allclose(theta, [1.0, 1.0], atol=0.05)


def test_hyperparameters_validated_with_named_messages():
    with pytest.raises(
        InvalidParameterError, match=r"'beta2' parameter of Adam must be a float in \[0, 1\)"
    ):
        Adam(beta2=1.0)
    with pytest.raises(InvalidParameterError, match="'epsilon' parameter of RMSprop"):
        RMSprop(epsilon=0)
    with pytest.raises(InvalidParameterError, match="'beta' parameter of Momentum"):
        Momentum(beta=-0.1)
    with pytest.raises(InvalidParameterError, match="'adam'"):
        get_optimizer("adma")
    assert get_optimizer(Adam(beta1=0.8).get_config()) == Adam(beta1=0.8)
    assert repr(Momentum()) == "Momentum(beta=0.9, bias_correction=False)"


def test_update_is_in_place_on_the_whole_buffer():
    theta = np.ones(5)
    view = theta[:2].reshape(2, 1)
    opt = Adam()
    out, _ = opt.update(theta, np.ones(5), opt.init(theta), 0.1)
    assert out is theta and view[0, 0] == theta[0] != 1.0


# ---------------------------------------------------------------- PyTorch cross-checks
def _torch_run(torch, make_opt, theta0, grads):
    p = torch.nn.Parameter(torch.tensor(theta0, dtype=torch.float64))
    opt = make_opt([p])
    out = []
    for g in grads:
        opt.zero_grad()
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        out.append(p.detach().numpy().copy())
    return out


def _ours(opt, theta0, grads, lr):
    theta = theta0.copy()
    state = opt.init(theta)
    out = []
    for g in grads:
        opt.update(theta, g, state, lr)
        out.append(theta.copy())
    return out


@pytest.fixture
def grads():
    r = np.random.default_rng(1)
    return r.standard_normal(5), [r.standard_normal(5) for _ in range(8)]


def test_adam_agrees_with_torch(grads):
    torch = require("torch")
    theta0, gs = grads
    ours = _ours(Adam(0.9, 0.999, 1e-8), theta0, gs, 0.01)
    theirs = _torch_run(
        torch, lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.9, 0.999), eps=1e-8), theta0, gs
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_rmsprop_agrees_with_torch(grads):
    torch = require("torch")
    theta0, gs = grads
    ours = _ours(RMSprop(0.99, 1e-8), theta0, gs, 0.01)
    theirs = _torch_run(
        torch, lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.99, eps=1e-8), theta0, gs
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_momentum_agrees_with_torch_sgd_after_its_first_step(grads):
    """torch: v = mu v + (1 - dampening) g, but its first step sets v = g undamped.
    With dampening = beta, steps 2.. follow the course once we start from torch's v1."""
    torch = require("torch")
    theta0, gs = grads
    beta, lr = 0.9, 0.05
    theirs = _torch_run(
        torch, lambda p: torch.optim.SGD(p, lr=lr, momentum=beta, dampening=beta), theta0, gs
    )
    opt = Momentum(beta)
    theta = theirs[0].copy()
    state = {"t": 1, "v": gs[0].copy()}  # torch's first velocity is g itself
    for k, g in enumerate(gs[1:], start=1):
        opt.update(theta, g, state, lr)
        np.testing.assert_allclose(theta, theirs[k], rtol=1e-12)


def test_gradient_descent_agrees_with_torch_sgd(grads):
    torch = require("torch")
    theta0, gs = grads
    ours = _ours(GradientDescent(), theta0, gs, 0.1)
    theirs = _torch_run(torch, lambda p: torch.optim.SGD(p, lr=0.1), theta0, gs)
    np.testing.assert_allclose(ours, theirs, rtol=1e-14)


def test_momentums_bias_correction_must_be_a_bool():
    from trainwell.exceptions import InvalidParameterError
    from trainwell.optim import Momentum

    with pytest.raises(InvalidParameterError, match="'bias_correction' parameter of Momentum"):
        Momentum(0.9, bias_correction="no")  # a truthy string would switch it on
