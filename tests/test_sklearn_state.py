"""A pickled estimator carries its network as arrays and keeps its resolved settings."""

from __future__ import annotations

import pickle

import numpy as np

from trainwell.sklearn import MLPClassifier


def test_a_pickled_sklearn_style_estimator_predicts_and_continues_the_same():
    rng = np.random.RandomState(0)
    X = rng.randn(80, 3)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    args = {"hidden_layer_sizes": (6,), "solver": "sgd", "momentum": 0.5, "random_state": 0}
    clf = MLPClassifier(**args, max_iter=5, warm_start=True, nesterovs_momentum=False).fit(X, y)
    state = clf.__getstate__()
    assert "network_" not in state and "_packed_network" in state
    copy = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(copy.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(copy.fit(X, y).coefs_[0], clf.fit(X, y).coefs_[0])
