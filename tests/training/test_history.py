"""History's notebook views: a one-line repr, an HTML summary, plot()."""

from __future__ import annotations

import numpy as np

from trainwell.nn import Dense, Network
from trainwell.training import History, fit


def _history(**kw):
    X = np.random.RandomState(0).randn(120, 2)
    y = (X[:, 0] > 0).astype(int)
    net = Network([Dense(4, "relu"), Dense(1, "sigmoid")], random_state=0)
    return fit(net, X, y, progress=False, **kw)


def test_repr_is_short_whatever_the_length_of_the_run():
    h = _history(epochs=3000, validation_data=None)
    text = repr(h)
    assert len(text) < 200 and text.startswith("History(epochs=3000")
    assert f"{h.cost[0]:.4g} -> {h.cost[-1]:.4g}" in text
    html = h._repr_html_()
    assert html.startswith("<div>") and "epochs" in html and len(html) < 2000


def test_plot_draws_cost_accuracy_and_a_changing_learning_rate():
    h = History(
        cost=[0.7, 0.5, 0.4],
        val_cost=[0.8, 0.6, 0.5],
        train_accuracy=[0.5, 0.7, 0.8],
        learning_rate=[0.1, 0.05, 0.025],
        epochs=3,
    )
    fig = h.plot()
    assert [ax.get_title() for ax in fig.axes] == ["Cost J", "Accuracy", "Learning rate"]
    cost_lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in cost_lines] == ["train", "validation"]
    np.testing.assert_array_equal(cost_lines[0].get_ydata(), h.cost)
    assert fig._repr_png_().startswith(b"\x89PNG")  # shows inline in Jupyter
