import numpy as np
import pytest
from sklearn.datasets import make_circles

from trainwell.exceptions import CheckpointError, DataError, InvalidParameterError, NotFittedError
from trainwell.nn import BatchNorm, Dense, Dropout, Network
from trainwell.optim import GradientDescent


def _circles_net(init):
    return Network(
        [Dense(10, "relu", init), Dense(5, "relu", init), Dense(1, "sigmoid", init)],
        random_state=3,
        input_dim=2,
    )


def _train_gd(net, X, y, lr, steps):
    Y = net.encode_targets(y, X.shape[0])
    opt = GradientDescent()
    state = opt.init(net.theta)
    costs = []
    for _ in range(steps):
        costs.append(net.loss_and_gradient(X, Y))
        opt.update(net.theta, net.grad, state, lr)
    return costs


def test_circles_he_separates_and_zeros_stay_at_half():
    """Issue 2's done-when: a short loop of our own, full-batch gradient descent."""
    X, y = make_circles(n_samples=300, noise=0.05, random_state=1)
    he = _circles_net("he")
    costs = _train_gd(he, X, y, 0.01, 15000)
    assert costs[0] == pytest.approx(0.8830537463419761, abs=1e-12)  # the course's printout
    assert he.score(X, y) > 0.98
    zeros = _circles_net("zeros")
    costs = _train_gd(zeros, X, y, 0.01, 2000)
    assert zeros.score(X, y) == 0.5
    assert costs[-1] == pytest.approx(np.log(2), abs=1e-9)


def test_flat_buffer_views_and_named_access():
    net = Network(
        [Dense(4), BatchNorm(), Dense(3), Dense(2, "softmax")],
        loss="categorical_crossentropy",
        random_state=0,
        input_dim=5,
    )
    names = net.parameter_names()
    assert names == ["W1", "gamma1", "beta1", "W2", "b2", "W3", "b3"]
    params = net.parameters()
    assert params["W1"].shape == (4, 5) and params["W3"].shape == (2, 3)
    assert all(np.shares_memory(v, net.theta) for v in params.values())
    assert net.n_weights == 4 * 5 + 3 * 4 + 2 * 3
    assert np.array_equal(
        net.theta[: net.n_weights], np.concatenate([params[f"W{l}"].ravel() for l in (1, 2, 3)])
    )
    net.set_parameters({"b2": [1.0, 2.0, 3.0]})
    assert net.layers[2].b.tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(InvalidParameterError, match="Unknown parameter 'b1'"):
        net.set_parameters({"b1": [0.0]})
    with pytest.raises(DataError, match=r"shape \(3,\)"):
        net.set_parameters({"b2": [1.0, 2.0]})


def test_l2_cost_and_gradient_formula():
    X = np.random.RandomState(0).randn(8, 3)
    y = (X[:, 0] > 0).astype(int)
    plain = Network([Dense(4), Dense(1, "sigmoid")], random_state=1, input_dim=3)
    reg = Network([Dense(4), Dense(1, "sigmoid")], random_state=1, input_dim=3, l2=0.7)
    Y = plain.encode_targets(y)
    c0, c1 = plain.loss_and_gradient(X, Y), reg.loss_and_gradient(X, Y)
    W = reg.parameters()
    frob = (W["W1"] ** 2).sum() + (W["W2"] ** 2).sum()
    assert c1 - c0 == pytest.approx(0.7 / (2 * 8) * frob, rel=1e-12)
    g0, g1 = plain.gradients(), reg.gradients()
    np.testing.assert_allclose(g1["dW1"] - g0["dW1"], 0.7 / 8 * W["W1"], rtol=1e-10)
    np.testing.assert_array_equal(g1["db1"], g0["db1"])  # biases exempt


def test_input_validation_names_the_problem():
    net = Network([Dense(3), Dense(1, "sigmoid")], random_state=0, input_dim=2)
    with pytest.raises(DataError, match="2-D"):
        net.predict(np.zeros(2))
    with pytest.raises(DataError, match="3 features .* built for 2"):
        net.predict(np.zeros((4, 3)))
    with pytest.raises(DataError, match="NaN"):
        net.predict(np.array([[0.0, np.nan]]))
    with pytest.raises(DataError, match="numeric"):
        net.predict(np.array([["a", "b"]]))
    with pytest.raises(DataError, match=r"labels in \{0, 1\}.*\[2\]"):
        net.cost(np.zeros((3, 2)), [0, 1, 2])
    with pytest.raises(DataError, match="different numbers of samples"):
        net.cost(np.zeros((3, 2)), [0, 1])
    with pytest.raises(NotFittedError):
        Network([Dense(1, "sigmoid")]).parameters()
    with pytest.raises(InvalidParameterError, match="'relu'"):
        Dense(3, activation="rleu")
    with pytest.raises(InvalidParameterError, match="'mse'"):
        Network([Dense(1)], loss="hinge")
    with pytest.raises(InvalidParameterError, match="cannot infer the loss from a .relu. output"):
        Network([Dense(1, "relu")])
    with pytest.raises(InvalidParameterError, match="keep_prob"):
        Dropout(0.0)
    with pytest.raises(InvalidParameterError, match="l2"):
        Network([Dense(1, "sigmoid")], l2=-1)


def test_categorical_labels_validated():
    net = Network([Dense(3, "softmax")], loss="categorical_crossentropy", input_dim=2)
    X = np.zeros((3, 2))
    with pytest.raises(DataError, match=r"labels \[-1\] outside the 3 classes"):
        net.cost(X, [0, 1, -1])
    with pytest.raises(DataError, match=r"labels \[3\] outside the 3 classes"):
        net.cost(X, [0, 3, 1])
    with pytest.raises(DataError, match="non-integer"):
        net.cost(X, [0, 1.5, 1])
    one_hot = np.eye(3)
    assert net.cost(X, one_hot) == pytest.approx(net.cost(X, [0, 1, 2]))


def test_softmax_extreme_logits_and_batch_of_one():
    net = Network(
        [Dense(3, "softmax")], loss="categorical_crossentropy", input_dim=2, random_state=0
    )
    net.set_parameters({"W1": np.array([[1e4, 0], [0, 1e4], [-1e4, 0]]), "b1": np.zeros(3)})
    X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    y = np.array([1, 0, 2])  # every prediction wrong by a logit gap of 1e4
    Y = net.encode_targets(y)
    cost = net.loss_and_gradient(X, Y)
    assert np.isfinite(cost) and cost > 1e3
    assert np.isfinite(net.grad).all()
    proba = net.predict_proba(X[:1])
    assert proba.shape == (1, 3) and proba.sum() == pytest.approx(1.0)
    sig = Network([Dense(1, "sigmoid")], input_dim=1)
    sig.set_parameters({"W1": [[1e4]], "b1": [0.0]})
    Ys = sig.encode_targets([0, 1])
    assert np.isfinite(sig.loss_and_gradient(np.array([[1.0], [-1.0]]), Ys))


def test_predict_shapes_and_proba_sum_to_one():
    X = np.random.RandomState(0).randn(7, 2)
    binary = Network([Dense(3), Dense(1, "sigmoid")], input_dim=2, random_state=0)
    assert binary.predict(X).shape == (7,)
    p = binary.predict_proba(X)
    assert p.shape == (7, 2) and np.allclose(p.sum(axis=1), 1)
    two_way = Network(
        [Dense(3), Dense(2, "softmax")],
        loss="categorical_crossentropy",
        input_dim=2,
        random_state=0,
    )
    assert set(two_way.predict(X)) <= {0, 1}
    reg = Network([Dense(3), Dense(1, "linear")], loss="mse", input_dim=2, random_state=0)
    assert reg.predict(X).shape == (7,)
    with pytest.raises(InvalidParameterError):
        reg.predict_proba(X)


def test_batchnorm_inference_is_independent_of_the_batch():
    r = np.random.RandomState(0)
    X = r.randn(50, 4)
    net = Network([Dense(6), BatchNorm(), Dense(1, "sigmoid")], random_state=0, input_dim=4)
    net.loss_and_gradient(X, net.encode_targets((X[:, 0] > 0).astype(int)))  # update stats
    full = net.predict_proba(X)
    one_by_one = np.vstack([net.predict_proba(X[i : i + 1]) for i in range(50)])
    np.testing.assert_allclose(full, one_by_one, rtol=1e-12)


def test_save_load_round_trip_without_pickle(tmp_path):
    X = np.random.RandomState(0).randn(20, 4)
    net = Network(
        [Dense(5), BatchNorm(momentum=0.8), Dropout(0.7), Dense(3, "softmax")],
        loss="categorical_crossentropy",
        l2=0.1,
        dtype="float32",
        random_state=0,
    )
    net.loss_and_gradient(net.check_input(X), net.encode_targets(np.arange(20) % 3))
    path = tmp_path / "model.npz"
    net.save(path)
    with np.load(path, allow_pickle=False) as data:
        assert str(data["__format__"]) == "trainwell-network"
    back = Network.load(path)
    assert back.theta.dtype == np.float32
    np.testing.assert_array_equal(back.theta, net.theta)
    np.testing.assert_array_equal(back.buffers()["running_mean1"], net.buffers()["running_mean1"])
    np.testing.assert_array_equal(back.predict_proba(X), net.predict_proba(X))
    assert back.get_config() == net.get_config()


def test_bad_files_give_clear_errors(tmp_path):
    net = Network([Dense(2), Dense(1, "sigmoid")], input_dim=2, random_state=0)
    good = tmp_path / "good.npz"
    net.save(good)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[:100])
    with pytest.raises(CheckpointError, match="truncated or corrupted"):
        Network.load(truncated)
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a zip file at all")
    with pytest.raises(CheckpointError, match="not the zip signature") as info:
        Network.load(garbage)
    assert "pickle" not in str(info.value)  # never advise unpickling an unknown file
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    with pytest.raises(CheckpointError, match="not a trainwell file"):
        Network.load(empty)
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, a=np.zeros(3))
    with pytest.raises(CheckpointError, match="not a trainwell-network file"):
        Network.load(foreign)
    with pytest.raises(FileNotFoundError):
        Network.load(tmp_path / "missing.npz")


def test_standardizer_is_saved_with_the_model(tmp_path):
    from trainwell.data import Standardizer

    X = np.random.RandomState(0).randn(30, 3) * [1, 10, 100] + 5
    scaler = Standardizer().fit(X)
    net = Network([Dense(2), Dense(1, "sigmoid")], input_dim=3, random_state=0)
    net.save(tmp_path / "m.npz", standardizer=scaler)
    back = Network.load(tmp_path / "m.npz")
    np.testing.assert_array_equal(back.standardizer.transform(X), scaler.transform(X))
    assert not hasattr(Network.load(tmp_path / "m.npz"), "other")
    with pytest.raises(DataError, match="fitted on 7 features but the network takes 3"):
        net.save(tmp_path / "wrong.npz", standardizer=Standardizer().fit(np.ones((4, 7))))
    with pytest.raises(InvalidParameterError, match="fitted Standardizer"):
        net.save(tmp_path / "unfitted.npz", standardizer=Standardizer())
    assert not (tmp_path / "wrong.npz").exists() and not (tmp_path / "unfitted.npz").exists()


def test_one_layer_object_used_twice_is_refused():
    drop = Dropout(0.8)
    with pytest.raises(InvalidParameterError, match="appears twice"):
        Network([Dense(4), drop, Dense(3), drop, Dense(1, "sigmoid")])


def test_a_name_that_saves_also_loads_and_never_another_file(tmp_path):
    from trainwell.training import Checkpoint, fit, load_checkpoint

    X = np.random.RandomState(0).randn(16, 2)
    y = (X[:, 0] > 0).astype(int)
    a = Network([Dense(3, "relu"), Dense(1, "sigmoid")], input_dim=2, random_state=0)
    b = Network([Dense(3, "relu"), Dense(1, "sigmoid")], input_dim=2, random_state=1)
    b.save(tmp_path / "model.npz")  # another model, whose name "model.v2" must not reach
    with pytest.raises(FileNotFoundError):
        Network.load(tmp_path / "model.v2")
    a.save(tmp_path / "model.v2")
    assert (tmp_path / "model.v2.npz").is_file()
    np.testing.assert_array_equal(Network.load(tmp_path / "model.v2").theta, a.theta)
    fit(a, X, y, epochs=2, callbacks=[Checkpoint(tmp_path / "run.best")], progress=False)
    assert load_checkpoint(tmp_path / "run.best").epoch == 2
    fit(a, X, y, epochs=3, resume_from=tmp_path / "run.best", progress=False)


def test_layers_of_a_live_network_cannot_build_another():
    import copy

    layers = [Dense(4, "relu"), Dense(1, "sigmoid")]
    a = Network(layers, random_state=0, input_dim=3)
    with pytest.raises(InvalidParameterError, match="position 0 .* already belongs"):
        Network(layers, random_state=1, input_dim=3)
    b = Network(copy.deepcopy(layers), random_state=1, input_dim=3)  # copies are free
    X = np.random.RandomState(0).randn(5, 3)
    assert not np.allclose(a.predict_proba(X), b.predict_proba(X))
    assert copy.deepcopy(a).layers[0]._network() is not a  # a copy claims its own layers


def test_set_parameters_takes_course_shapes_but_never_a_transpose():
    net = Network([Dense(2, "relu"), Dense(1, "sigmoid")], input_dim=3)
    with pytest.raises(DataError, match=r"W1 must have shape \(2, 3\); got \(3, 2\)"):
        net.set_parameters({"W1": np.arange(6.0).reshape(3, 2)})
    net.set_parameters({"b1": np.array([[1.0], [2.0]]), "W2": np.array([[3.0], [4.0]])})
    np.testing.assert_array_equal(net.parameters()["b1"], [1.0, 2.0])
    np.testing.assert_array_equal(net.parameters()["W2"], [[3.0, 4.0]])


def test_regression_score_is_scikit_learns_r2():
    from sklearn.metrics import r2_score

    from trainwell.training import fit

    rs = np.random.RandomState(0)
    X = rs.randn(40, 3)
    Y = np.c_[3 * X[:, 0] + rs.randn(40), 0.1 * rs.randn(40)]  # outputs of different scales
    net = Network([Dense(8, "tanh"), Dense(2, "linear")], loss="mse", random_state=0)
    fit(net, X, Y, optimizer="adam", learning_rate=0.01, epochs=20, progress=False)
    assert net.score(X, Y) == pytest.approx(r2_score(Y, net.predict(X)), rel=1e-12)
    one = Network([Dense(1, "linear")], loss="mse", input_dim=3)
    one.set_parameters({"W1": np.zeros((1, 3)), "b1": [2.0]})
    assert one.score(X, np.full(40, 2.0)) == 1.0 == r2_score(np.full(40, 2.0), one.predict(X))
    assert one.score(X, np.full(40, 3.0)) == 0.0 == r2_score(np.full(40, 3.0), one.predict(X))
    with pytest.raises(DataError, match="y has 10 values but the network predicts 40"):
        one.score(X, np.zeros(10))


@pytest.mark.parametrize("engine", ["numpy", "numba"])
def test_input_dropout_trains_on_every_engine(engine):
    """Dropout before the first Dense: backward stops at the first layer with parameters."""
    from trainwell.training import fit

    X = np.random.RandomState(0).randn(20, 3)
    y = (X[:, 0] > 0).astype(int)
    net = Network([Dropout(0.8), Dense(4, "relu"), Dense(1, "sigmoid")], random_state=1)
    ref = Network([Dropout(0.8), Dense(4, "relu"), Dense(1, "sigmoid")], random_state=1)
    h = fit(net, X, y, epochs=3, engine=engine, random_state=0, progress=False)
    href = fit(ref, X, y, epochs=3, engine="numba", random_state=0, progress=False)
    np.testing.assert_allclose(h.cost, href.cost, rtol=1e-12)
    assert np.isfinite(h.cost).all() and h.cost[0] != h.cost[1]


@pytest.mark.parametrize(
    ("output", "loss"),
    [
        (Dense(1, "sigmoid"), "binary_crossentropy"),
        (Dense(3, "softmax"), "categorical_crossentropy"),
        (Dense(2, "linear"), "mse"),
    ],
)
def test_loss_is_inferred_from_the_output_activation(output, loss):
    net = Network([Dense(4, "relu"), output], random_state=0, input_dim=2)
    assert net.loss.name == loss


def test_softmax_with_integer_labels_needs_no_loss_argument():
    X = np.random.RandomState(0).randn(30, 2)
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)
    net = Network([Dense(4, "relu"), Dense(3, "softmax")], random_state=0, input_dim=2)
    Y = net.encode_targets(y, 30)
    assert Y.shape == (30, 3) and np.isfinite(net.loss_and_gradient(X, Y))


def test_uninferable_or_mismatched_loss_says_the_exact_fix():
    with pytest.raises(InvalidParameterError, match="pass loss='mse'"):
        Network([Dense(4, "relu"), Dense(1, "relu")])
    with pytest.raises(InvalidParameterError, match="pass loss='categorical_crossentropy'"):
        Network([Dense(3, "softmax")], loss="binary_crossentropy")


def test_html_view_lists_layers_and_parameter_counts():
    net = Network([Dense(4, "relu"), BatchNorm(), Dropout(0.8), Dense(1, "sigmoid")], input_dim=3)
    html = net._repr_html_()
    assert "<td>Dense [1]</td>" in html and "keep_prob=0.8" in html
    assert f"{net.theta.size} parameters" in html
    assert "not built yet" in Network([Dense(1, "sigmoid")])._repr_html_()
