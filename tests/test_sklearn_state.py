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


def test_an_estimator_pickled_before_the_renames_loads_with_the_new_names():
    rng = np.random.RandomState(0)
    X = rng.randn(60, 3)
    y = (X[:, 0] > 0).astype(int)
    clf = MLPClassifier((4,), epochs=3, random_state=0).fit(X, y)
    state = clf.__getstate__()
    for new, old, value in (("epochs", "max_epochs", 3), ("engine", "backend", "numpy")):
        del state[new]
        state[old] = value  # what trainwell wrote before epochs= and engine=
    before = MLPClassifier.__new__(MLPClassifier)
    before.__setstate__(state)
    assert before.epochs == 3 and before.max_epochs is None
    assert before.engine == "auto" and before.backend is None
    np.testing.assert_array_equal(before.predict_proba(X), clf.predict_proba(X))
