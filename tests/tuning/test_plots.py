"""Figures of a search: axes in each hyperparameter's scale, rounds, boxes, PNG files."""

from __future__ import annotations

import pytest

from trainwell.exceptions import InvalidParameterError
from trainwell.tuning import (
    Choice,
    IntUniform,
    LogUniform,
    OneMinusLogUniform,
    SyntheticObjective,
    random_search,
)
from trainwell.tuning.plots import plot_curves, plot_importance, plot_search, plot_zoom

SPACE = {
    "learning_rate": LogUniform(1e-4, 1.0),
    "beta": OneMinusLogUniform(0.9, 0.999),
    "layers": IntUniform(1, 4),
    "batch_size": Choice([64, 128, 256]),
}
OBJECTIVE = SyntheticObjective(
    {"learning_rate": 0.01, "beta": 0.99},
    scales={"beta": "one_minus_log"},
    diverge_above={"learning_rate": 0.3},
)


@pytest.fixture(scope="module")
def result():
    return random_search(OBJECTIVE, SPACE, 10, random_state=0, rounds=3)


def test_one_axis_per_hyperparameter_in_its_scale(result):
    fig = plot_search(result)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_xlabel() for ax in axes] == [
        "learning_rate (log scale)",
        "beta (log scale of 1 - beta)",
        "layers",
        "batch_size",
    ]
    assert [ax.get_xscale() for ax in axes] == ["log", "log", "linear", "linear"]
    lo, hi = axes[1].get_xlim()
    assert lo > hi  # 1 - beta decreasing: beta grows to the right
    ticks = [t.get_text() for t in axes[3].get_xticklabels()]
    assert ticks == ["64", "128", "256"]
    assert all(ax.get_ylabel() == "dev score" for ax in axes)


def test_rounds_are_coloured_failures_crossed_boxes_shaded(result):
    assert result.n_failed > 0
    ax = plot_search(result).axes[0]
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["round 1", "failed", "round 2", "round 3", "best"]
    # one shaded box per round after the first on a numeric axis
    assert len(ax.patches) == 2
    assert len(plot_search(result).axes[3].patches) == 0  # a choice has no box


def test_zoom_draws_each_rounds_box(result):
    fig = plot_zoom(result, "learning_rate", "beta")
    ax = fig.axes[0]
    assert len(ax.patches) == 3
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    first = ax.patches[0]
    assert first.get_x() == pytest.approx(1e-4)
    assert first.get_x() + first.get_width() == pytest.approx(1.0)
    with pytest.raises(InvalidParameterError, match="'batch_size' is not one of"):
        plot_zoom(result, "learning_rate", "batch_size")


def test_files_are_written_when_a_path_is_given(result, tmp_path):
    plot_search(result, tmp_path / "search.png")
    plot_zoom(result, "learning_rate", "layers", tmp_path / "zoom.png")
    plot_curves(result, top=3, path=tmp_path / "curves.png")
    plot_importance(result.importance(), tmp_path / "importance.png")
    result.plot(tmp_path / "again.png")
    for name in ("search", "zoom", "curves", "importance", "again"):
        data = (tmp_path / f"{name}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_curves_and_importance_figures(result):
    ax = plot_curves(result, top=3).axes[0]
    assert len(ax.lines) == 3 and ax.get_xlabel() == "epoch"
    report = result.importance()
    ax = plot_importance(report).axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == "learning_rate (course tier 1)"  # most important on top
    assert len(ax.patches) == len(SPACE)
