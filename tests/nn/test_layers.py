"""Layers: Dropout's course mask layout against the course's own unit test."""

from __future__ import annotations

import numpy as np
import pytest

from trainwell.exceptions import InvalidParameterError
from trainwell.nn import Dense, Dropout, Network


def _course_test_case():
    """The course's forward_propagation_with_dropout_test_case: seed 1, X (3, 5)."""
    np.random.seed(1)
    X = np.random.randn(3, 5)
    shapes = {"W1": (2, 3), "b1": (2, 1), "W2": (3, 2), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}
    return X, {name: np.random.randn(*shape) for name, shape in shapes.items()}


def _course_forward(X, p, keep_prob):
    """The course's forward_propagation_with_dropout, (units, examples) throughout."""
    np.random.seed(1)
    relu = lambda z: np.maximum(0, z)  # noqa: E731
    A1 = relu(p["W1"] @ X + p["b1"])
    A1 = A1 * (np.random.rand(*A1.shape) < keep_prob) / keep_prob
    A2 = relu(p["W2"] @ A1 + p["b2"])
    A2 = A2 * (np.random.rand(*A2.shape) < keep_prob) / keep_prob
    return 1 / (1 + np.exp(-(p["W3"] @ A2 + p["b3"])))


def _net(layout):
    return Network(
        [
            Dense(2, "relu"),
            Dropout(0.7, mask_layout=layout),
            Dense(3, "relu"),
            Dropout(0.7, mask_layout=layout),
            Dense(1, "sigmoid"),
        ],
        input_dim=3,
    )


def test_course_layout_passes_the_course_dropout_unit_test():
    X, params = _course_test_case()
    net = _net("course")
    net.set_parameters(params)
    net.rng = np.random.RandomState(1)  # the course seeds 1 inside the forward pass
    A3 = net.forward(X.T, training=True).T
    # the course's published expected output of its forward_propagation_with_dropout test
    expected = [[0.36974721, 0.00305176, 0.04565099, 0.49683389, 0.36974721]]
    np.testing.assert_allclose(A3, expected, atol=5e-9)
    np.testing.assert_allclose(A3, _course_forward(X, params, 0.7), rtol=1e-14)


def test_examples_layout_draws_the_same_numbers_into_other_units():
    X, params = _course_test_case()
    nets = {layout: _net(layout) for layout in ("examples", "course")}
    for net in nets.values():
        net.set_parameters(params)
        net.rng = np.random.RandomState(1)
        net.forward(X.T, training=True)
    course, examples = (nets[k].layers[1].mask for k in ("course", "examples"))
    assert course.shape == examples.shape == (5, 2)
    np.testing.assert_array_equal(course, examples.reshape(2, 5).T)  # same draws, transposed


def test_course_layout_round_trips_and_is_validated(tmp_path):
    net = _net("course")
    assert "mask_layout='course'" in repr(net.layers[1])
    net.save(tmp_path / "n.npz")
    assert Network.load(tmp_path / "n.npz").layers[1].mask_layout == "course"
    assert "mask_layout" not in Dropout(0.5).get_config()
    with pytest.raises(InvalidParameterError, match="mask_layout"):
        Dropout(0.5, mask_layout="units")
