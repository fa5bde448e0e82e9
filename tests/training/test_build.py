"""training.build: the one build path of the estimators and the tuning objective."""

import numpy as np
import pytest
from sklearn.datasets import make_moons

from trainwell.exceptions import InvalidParameterError
from trainwell.nn import BatchNorm, Dense, Dropout, Network
from trainwell.optim import Adam, InverseTimeDecay, Momentum
from trainwell.sklearn import MLPClassifier
from trainwell.training import EarlyStopping, build_network, build_training, fit_arguments
from trainwell.tuning import NetworkObjective

X, Y = make_moons(120, noise=0.2, random_state=0)


def test_the_network_is_the_one_written_by_hand():
    settings = {"hidden_units": [5, 3], "keep_prob": [0.8, 1.0], "batch_norm": True,
                "activation": "tanh", "init": "auto", "l2": 0.1, "l1": 0.01}  # fmt: skip
    net = build_network(settings, input_dim=2, n_outputs=1, loss="binary_crossentropy",
                        random_state=3)  # fmt: skip
    hand = Network(
        [Dense(5, "tanh", "xavier"), BatchNorm(), Dropout(0.8), Dense(3, "tanh", "xavier"),
         BatchNorm(), Dense(1, "sigmoid", "xavier")],
        loss="binary_crossentropy", l2=0.1, l1=0.01, random_state=3, input_dim=2,
    )  # fmt: skip
    assert net.get_config() == hand.get_config()
    np.testing.assert_array_equal(net.theta, hand.theta)
    relu = build_network({"init": "auto", "layers": 2}, input_dim=2, n_outputs=3,
                         loss="categorical_crossentropy")  # fmt: skip
    assert [layer.init.name for layer in relu.layers] == ["he"] * 3
    assert relu.layers[-1].activation.name == "softmax" and relu.parameters()["W2"].shape == (
        10,
        10,
    )


def test_fit_arguments():
    kw = fit_arguments({"optimizer": "momentum", "beta": 0.8, "decay_rate": 1.0,
                        "learning_rate": 0.2, "patience": 3, "batch_size": "full"})  # fmt: skip
    assert isinstance(kw["optimizer"], Momentum) and kw["optimizer"].beta == 0.8
    assert isinstance(kw["schedule"], InverseTimeDecay) and kw["schedule"](1) == 0.1
    assert kw["batch_size"] == "full" and kw["epochs"] == 100
    (stop,) = kw["callbacks"]
    assert isinstance(stop, EarlyStopping) and stop.patience == 3 and stop.restore_best
    plain = fit_arguments({})
    assert isinstance(plain["optimizer"], Adam) and plain["schedule"] is None
    assert "callbacks" not in plain


def test_unknown_settings_are_named():
    with pytest.raises(InvalidParameterError, match=r"Unknown setting\(s\) \['max_epochs'\]"):
        fit_arguments({"max_epochs": 3})


@pytest.mark.filterwarnings("ignore::trainwell.exceptions.ConvergenceWarning")
def test_estimator_and_objective_build_the_same_run():
    settings = {"hidden_units": [6], "activation": "relu", "init": "he", "optimizer": "adam",
                "learning_rate": 0.01, "epochs": 5, "batch_size": 32}  # fmt: skip
    net, kw = build_training(settings, input_dim=2, n_outputs=1, loss="binary_crossentropy",
                             random_state=0)  # fmt: skip
    objective = NetworkObjective(X[:90], Y[:90], X[90:], Y[90:], fixed={"hidden_units": 6})
    tuned, tuned_kw, _ = objective.build(
        {k: v for k, v in settings.items() if k != "hidden_units"}, random_state=0
    )
    clf = MLPClassifier((6,), init="he", learning_rate=0.01, epochs=5, batch_size=32,
                        normalize_inputs=False, random_state=0).fit(X, Y)  # fmt: skip
    for other in (tuned, clf.network_):
        assert other.get_config() == net.get_config()
    np.testing.assert_array_equal(tuned.theta, net.theta)
    assert {k: v for k, v in tuned_kw.items() if k != "optimizer"} == {
        k: v for k, v in kw.items() if k != "optimizer"
    }
    assert tuned_kw["optimizer"] == kw["optimizer"]
