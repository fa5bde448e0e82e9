"""The shared figures: built without pyplot, rendered to the same PNG bytes every time."""

import numpy as np

from trainwell import plots
from trainwell._gradient_norms import gradient_norms
from trainwell.nn import Dense, Network

PNG = b"\x89PNG\r\n\x1a\n"


def test_cost_curves_thin_long_runs_and_keep_mapping_keys():
    fig = plots.cost_curves(
        {"long": np.linspace(1, 0, 15000), "every 1000": {0: 1.0, 1000: 0.5}}, logy=True, logx=False
    )
    long, sparse = fig.axes[0].get_lines()
    assert len(long.get_xdata()) <= 600 and long.get_xdata()[-1] > 14000
    assert sparse.get_xdata().tolist() == [0.0, 1000.0]
    assert long.get_linestyle() != sparse.get_linestyle()
    assert fig.axes[0].get_yscale() == "log"


def test_png_is_deterministic():
    a = plots.to_png(plots.cost_curves({"a": [3.0, 2.0, 1.0]}))
    b = plots.to_png(plots.cost_curves({"a": [3.0, 2.0, 1.0]}))
    assert a.startswith(PNG) and a == b


def test_optimizer_paths_moving_averages_search_and_norms():
    path = np.array([[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]])
    fig = plots.optimizer_paths(
        lambda a, b: a**2 + b**2,
        {"gd": path},
        xlim=(-1, 2),
        ylim=(-1, 2),
        minimum=(0, 0),
        title="bowl",
    )
    assert fig.axes[0].get_title() == "bowl"
    days = np.arange(1, 51)
    series = np.sin(days / 5.0)
    fig = plots.moving_averages(
        days, series, {"β=0.9 uncorrected": series * 0.5, "β=0.9 corrected": series}, zoom=10
    )
    styles = [ln.get_linestyle() for ln in fig.axes[0].get_lines()]
    assert styles == ["--", "-"]
    fig = plots.search_scatter(
        {
            "one": ([1e-3, 1e-2], [np.nan, np.nan], [0.5, 0.9]),
            "two": ([1e-3, 1e-1], [1e-8, 1e-9], [0.6, 0.8]),
        },
        logy=True,
    )
    assert fig.axes[0].get_xscale() == "log" and fig.axes[1].get_yscale() == "log"
    rng = np.random.RandomState(0)
    net = Network([Dense(4), Dense(4), Dense(1, "sigmoid")], random_state=0, input_dim=3)
    norms = gradient_norms(net, rng.randn(10, 3), rng.randint(0, 2, 10))
    fig = plots.layer_norms({"he": norms})
    assert len(fig.axes) == 3 and all(ax.get_yscale() == "log" for ax in fig.axes)


def test_the_callers_backend_is_left_alone():
    import matplotlib

    before = matplotlib.get_backend()
    plots.to_png(plots.cost_curves({"a": [1.0, 0.5]}))
    assert matplotlib.get_backend() == before


def test_every_figure_displays_inline_as_png_without_pyplot():
    """A cell ending in a figure shows one PNG (IPython calls _repr_png_), not its text."""
    import sys

    from trainwell.plots import cost_curves, to_png

    fig = cost_curves({"gd": [0.7, 0.5, 0.4]})
    assert fig._repr_png_() == to_png(fig)
    assert "matplotlib.pyplot" not in sys.modules or fig.canvas.manager is None
