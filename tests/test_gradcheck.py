import numpy as np
import pytest

from tests.conftest import require
from trainwell import gradient_check, gradient_check_1d
from trainwell.exceptions import InvalidParameterError
from trainwell.gradcheck import verdict
from trainwell.nn import Dense, Dropout, Network


def _course_case():
    """The course's N-dimensional test case (features by examples), with its two bugs."""
    r = np.random.RandomState(1)
    x = r.randn(4, 3)
    params = {
        "W1": r.randn(5, 4),
        "b1": r.randn(5, 1),
        "W2": r.randn(3, 5),
        "b2": r.randn(3, 1),
        "W3": r.randn(1, 3),
        "b3": r.randn(1, 1),
    }
    y = np.array([[1, 1, 0]])
    return x, y, params


def _cost_and_grads(x, y, buggy):
    def f(p):
        m = x.shape[1]
        Z1 = p["W1"] @ x + p["b1"]
        A1 = np.maximum(0, Z1)
        Z2 = p["W2"] @ A1 + p["b2"]
        A2 = np.maximum(0, Z2)
        Z3 = p["W3"] @ A2 + p["b3"]
        A3 = 1 / (1 + np.exp(-Z3))
        cost = float(-np.sum(y * np.log(A3) + (1 - y) * np.log(1 - A3)) / m)
        dZ3 = A3 - y
        dA2 = p["W3"].T @ dZ3
        dZ2 = dA2 * (A2 > 0)
        dA1 = p["W2"].T @ dZ2
        dZ1 = dA1 * (A1 > 0)
        g = {
            "dW3": dZ3 @ A2.T / m,
            "db3": dZ3.sum(1, keepdims=True) / m,
            "dW2": dZ2 @ A1.T / m * (2 if buggy else 1),
            "db2": dZ2.sum(1, keepdims=True) / m,
            "dW1": dZ1 @ x.T / m,
            "db1": (4.0 if buggy else 1.0) / m * dZ1.sum(1, keepdims=True),
        }
        return cost, g

    return f


def test_course_case_buggy_and_fixed():
    x, y, params = _course_case()
    buggy = gradient_check(_cost_and_grads(x, y, True), params)
    assert buggy.verdict == "wrong"
    assert buggy.difference == pytest.approx(0.2850931567761623, rel=1e-6)
    assert buggy.worst in {"W2", "b1"}
    fixed = gradient_check(_cost_and_grads(x, y, False), params)
    # the course prints 1.1890913024229996e-07; the last digits depend on how J is rounded
    assert fixed.difference == pytest.approx(1.1890913024229996e-07, rel=1e-2)
    assert fixed.verdict == "suspicious"  # the course calls < 2e-7 fine; our band is 1e-7
    assert "worst" in str(fixed) and "W1" in str(fixed)
    assert fixed.to_dict()["worst"] == fixed.worst


def test_one_dimensional_check_and_a_wrong_derivative():
    report = gradient_check_1d(x=2.0, theta=4.0)
    assert report.verdict == "correct"
    assert report.difference == pytest.approx(2.919335883291695e-10, rel=1e-3)
    wrong = gradient_check_1d(derivative=lambda x, t: x + 1)
    assert wrong.verdict == "wrong" and wrong.worst == "theta"


def test_verdict_bands():
    assert verdict(9.9e-8) == "correct"
    assert verdict(1e-7) == "suspicious" and verdict(1e-3) == "suspicious"
    assert verdict(1.01e-3) == "wrong" and verdict(float("nan")) == "wrong"


def test_errors_name_the_problem():
    with pytest.raises(InvalidParameterError, match="no gradient 'db1'"):
        gradient_check(lambda p: (0.0, {"dW1": p["W1"]}), {"W1": np.ones(2), "b1": np.ones(1)})
    with pytest.raises(InvalidParameterError, match="epsilon"):
        gradient_check(lambda p: (0.0, {}), {}, epsilon=0)
    with pytest.raises(InvalidParameterError, match="takes"):
        gradient_check("net", np.ones((2, 2)), [0, 1])


def test_network_on_another_backend_is_checked_on_its_own_passes_or_a_numpy_copy():
    require("array_api_strict")
    from trainwell.nn import Dense, Network

    X = np.random.RandomState(0).randn(10, 3)
    y = (X[:, 0] > 0).astype(int)
    net = Network(
        [Dense(4, "tanh"), Dense(1, "sigmoid")],
        random_state=0,
        engine="array_api_strict",
        input_dim=3,
    )
    report = gradient_check(net, X, y)
    assert report.verdict == "correct" and "array_api_strict backend's passes" in report.notes[0]
    report = gradient_check(net, X, y, engine="numpy")
    assert report.verdict == "correct" and "NumPy float64 copy" in report.notes[0]
    with pytest.raises(InvalidParameterError, match="compiles NumPy networks only"):
        gradient_check(net, X, y, engine="numba")


# ---------------------------------------------------------------- the engines' own passes
HIDDEN = ("relu", "leaky_relu", "tanh", "sigmoid", "linear")
# (output activation, loss, labels): the compiled kernel fuses exactly these pairs
OUTPUTS = (
    ("sigmoid", "binary_crossentropy", "binary"),
    ("softmax", "categorical_crossentropy", "classes"),
    ("linear", "mse", "real"),
)


def _xy(kind, m=12, n=3):
    r = np.random.RandomState(7)
    X = r.randn(m, n)
    if kind == "binary":
        return X, r.randint(0, 2, m), 1
    if kind == "classes":
        return X, np.arange(m) % 3, 3
    return X, r.randn(m, 2), 2


def _regularized(hidden, output, **kw):
    """A [3, 5, 4, n_out] network with L2 and L1 for ``output`` = (activation, loss, kind),
    and its data."""
    out_act, loss, kind = output
    X, y, n_out = _xy(kind)
    layers = [Dense(5, hidden), Dense(4, hidden), Dense(n_out, out_act)]
    net = Network(layers, loss=loss, l2=0.4, l1=0.05, random_state=3, input_dim=3, **kw)
    return net, X, y


def _assert_checked(report, where):
    assert where in " ".join(report.notes), report.notes
    # kinks of relu/leaky_relu may cost a few digits; a wrong backward is off by > 1e-3
    assert report.difference < 1e-6, str(report)


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output", OUTPUTS, ids=[o[1] for o in OUTPUTS])
def test_the_compiled_backward_pass_is_gradient_checked(hidden, output):
    require("numba")
    net, X, y = _regularized(hidden, output)
    _assert_checked(gradient_check(net, X, y, engine="numba"), "compiled (numba)")


@pytest.mark.parametrize("keep_dropout", [False, True])
def test_the_compiled_backward_pass_with_dropout_and_no_bias_is_gradient_checked(keep_dropout):
    require("numba")
    X, y, _ = _xy("binary")
    net = Network(
        [Dropout(0.8), Dense(6, "relu"), Dropout(0.6), Dense(4, "tanh", use_bias=False)]
        + [Dense(1, "sigmoid")],
        l2=0.2,
        random_state=2,
        input_dim=3,
    )
    report = gradient_check(net, X, y, engine="numba", keep_dropout=keep_dropout)
    _assert_checked(report, "compiled (numba)")
    assert ("masks drawn once" in str(report)) is keep_dropout


def test_a_float32_network_is_checked_on_the_compiled_path_in_float64():
    require("numba")
    X, y, _ = _xy("binary")
    net = Network([Dense(4, "tanh"), Dense(1, "sigmoid")], dtype="float32", random_state=0)
    net.build(3)
    _assert_checked(gradient_check(net, X, y, engine="numba"), "compiled (numba)")
    assert net.dtype == np.float32  # the network itself is untouched


def test_auto_checks_the_compiled_path_where_it_runs_and_says_when_it_cannot():
    from trainwell.nn import BatchNorm

    X, y, _ = _xy("binary")
    net = Network([Dense(4, "relu"), BatchNorm(), Dense(1, "sigmoid")], random_state=0)
    report = gradient_check(net, X, y, engine="auto")
    assert report.verdict == "correct" and "cannot run layer BatchNorm" in report.notes[0]
    with pytest.raises(InvalidParameterError, match="engine='numba' cannot compile layer Batch"):
        gradient_check(net, X, y, engine="numba")
    with pytest.raises(InvalidParameterError, match="'engine' parameter of gradient_check"):
        gradient_check(net, X, y, engine="gpu")


DEVICES = ("array_api_strict", "torch:cpu")


@pytest.mark.parametrize("backend", DEVICES)
@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output", OUTPUTS, ids=[o[1] for o in OUTPUTS])
def test_the_device_backward_pass_is_gradient_checked(backend, hidden, output):
    require(backend.split(":")[0])
    # built in float32, checked in float64 all the same
    net, X, y = _regularized(hidden, output, engine=backend, dtype="float32")
    _assert_checked(gradient_check(net, X, y), f"{backend} backend's passes")


@pytest.mark.parametrize("backend", DEVICES)
@pytest.mark.parametrize("keep_dropout", [False, True])
def test_the_device_passes_of_batch_norm_dropout_and_unfused_outputs_are_checked(
    backend, keep_dropout
):
    require(backend.split(":")[0])
    from trainwell.nn import BatchNorm

    X, y, _ = _xy("real")
    net = Network(
        [Dropout(0.8), Dense(6, "tanh"), BatchNorm(), Dropout(0.7), Dense(4, "relu")]
        + [BatchNorm(), Dense(2, "sigmoid")],
        loss="mse",  # an output activation that is not fused with its loss
        l1=0.1,
        random_state=4,
        input_dim=3,
        engine=backend,
    )
    report = gradient_check(net, X, y, keep_dropout=keep_dropout)
    _assert_checked(report, f"{backend} backend's passes")
    assert set(report.per_parameter) >= {"gamma1", "beta1", "gamma2", "beta2"}
    # masks come from a copy of the network's generator: the same check, the same numbers
    assert gradient_check(net, X, y, keep_dropout=keep_dropout).difference == report.difference


def test_a_nan_gradient_is_wrong_and_named_never_correct():
    def nan_grad(p):
        return float((p["W1"] ** 2).sum() + (p["W2"] ** 2).sum()), {
            "dW1": 2 * p["W1"],
            "dW2": np.full_like(p["W2"], np.nan),
        }

    report = gradient_check(nan_grad, {"W1": np.array([1.0, 2.0]), "W2": np.array([3.0])})
    assert report.verdict == "wrong" and np.isnan(report.difference)
    assert report.worst == "W2" and report.per_parameter["W1"] < 1e-7


def test_a_transposed_gradient_is_named_not_reshaped():
    def transposed(p):
        return float((p["W1"] ** 2).sum()), {"dW1": (2 * p["W1"]).T}

    with pytest.raises(InvalidParameterError, match=r"'dW1' of shape \(3, 2\) .* \(2, 3\)"):
        gradient_check(transposed, {"W1": np.ones((2, 3))})


def test_a_network_with_input_dropout_is_checked():
    X = np.random.RandomState(0).randn(20, 3)
    y = (X[:, 0] > 0).astype(int)
    net = Network([Dropout(0.8), Dense(4, "tanh"), Dense(1, "sigmoid")], random_state=1)
    assert gradient_check(net, X, y, keep_dropout=True).verdict == "correct"


def test_report_repr_is_one_line_and_html_lists_parameters():
    import numpy as np

    from trainwell.gradcheck import gradient_check
    from trainwell.nn import Dense, Network

    X = np.random.RandomState(0).randn(20, 3)
    y = (X[:, 0] > 0).astype(int)
    report = gradient_check(
        Network([Dense(4, "tanh"), Dense(1, "sigmoid")], random_state=0, input_dim=3), X, y
    )
    assert repr(report).startswith("GradientCheckReport(difference=") and "\n" not in repr(report)
    html = report._repr_html_()
    assert all(f"<td>{name}</td>" in html for name in report.per_parameter)
    assert report.verdict in html
