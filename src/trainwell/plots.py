"""Figures shared by the experiments, the report and users: cost curves, decision
boundaries, optimizer paths on contour plots, moving averages, per-layer norms, search
and search scatter plots.

Every function returns a :class:`matplotlib.figure.Figure` built directly (never through
``pyplot``), so nothing here changes the caller's matplotlib backend or opens a window;
:func:`to_png` renders with Agg. matplotlib is imported only when a figure is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ._figures import CLASS_COLORS, COLORS, DPI, figure_grid, style  # noqa: F401 (re-exported)
from .decision_regions import decision_boundaries, decision_grid

__all__ = [
    "COLORS",
    "cost_curves",
    "decision_boundaries",
    "decision_grid",
    "layer_norms",
    "moving_averages",
    "optimizer_paths",
    "save_png",
    "search_scatter",
    "to_png",
]


def to_png(fig: Any) -> bytes:
    """The figure as PNG bytes (Agg, 110 dpi, no timestamp: same figure, same bytes)."""
    from ._figures import to_png as png

    return png(fig)


def save_png(fig: Any, path: str | Path) -> Path:
    """Write :func:`to_png` to ``path`` (atomically) and return it."""
    from ._files import write_atomic

    return write_atomic(path, to_png(fig))


def _series(
    curve: Mapping[Any, float] | Sequence[float], max_points: int = 600
) -> tuple[np.ndarray, np.ndarray]:
    """x and y of a curve; long sequences are thinned to about ``max_points`` points."""
    if isinstance(curve, Mapping):
        x = np.array([float(k) for k in curve], dtype=float)
        return x, np.array(list(curve.values()), dtype=float)
    y = np.asarray(curve, dtype=float)
    x = np.arange(y.size, dtype=float)
    step = max(1, -(-y.size // max_points))
    return x[::step], y[::step]


def cost_curves(
    curves: Mapping[str, Mapping[Any, float] | Sequence[float]],
    *,
    title: str = "Cost",
    xlabel: str = "iteration",
    ylabel: str = "cost J",
    logy: bool = False,
    logx: bool = False,
) -> Any:
    """One line per run: the cost against iterations (or epochs).

    Parameters
    ----------
    curves : mapping of label to sequence or to {iteration: cost}
        A sequence is indexed 0, 1, 2, ...; a mapping such as ``history.costs_every(1000)``
        gives its own x values (its keys).
    title, xlabel, ylabel : str
    logy : bool, default=False
        Logarithmic cost axis (useful when one run starts far higher than the others).
    logx : bool, default=False
        Logarithmic x axis (e.g. learning rates).

    Notes
    -----
    Sequences longer than 600 points are drawn every k-th point; line styles cycle
    (solid, dashed, dotted, dash-dot) so that curves lying on top of each other stay
    visible.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = cost_curves({"gd": [0.7, 0.5, 0.4], "adam": {0: 0.7, 2: 0.2}})
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['gd', 'adam']
    """
    with style():
        fig, axes = figure_grid()
        ax = axes[0, 0]
        styles = ("-", "--", ":", "-.")
        for k, (label, curve) in enumerate(curves.items()):
            x, y = _series(curve)
            ax.plot(
                x,
                y,
                label=label,
                linewidth=1.8,
                linestyle=styles[k % len(styles)],
                marker="o" if x.size <= 40 else None,
                markersize=3,
            )
        if logy:
            ax.set_yscale("log")
        if logx:
            ax.set_xscale("log")
        ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
        ax.legend()
    return fig


def optimizer_paths(
    f: Callable[[np.ndarray, np.ndarray], np.ndarray],
    paths: Mapping[str, np.ndarray],
    *,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    title: str = "",
    levels: int | Sequence[float] = 20,
    minimum: Sequence[float] | None = None,
) -> Any:
    """Paths of optimizers drawn on the contour plot of a 2-D cost surface.

    Parameters
    ----------
    f : callable
        ``f(W1, W2) -> J`` on meshgrid arrays.
    paths : mapping of label to array of shape (steps + 1, 2)
    xlim, ylim : pair of float
    title : str
    levels : int or sequence of float, default=20
    minimum : pair of float, optional
        Marked with a star.

    Returns
    -------
    matplotlib.figure.Figure
    """
    w1 = np.linspace(*xlim, 300)
    w2 = np.linspace(*ylim, 300)
    W1, W2 = np.meshgrid(w1, w2)
    with style():
        fig, axes = figure_grid(width=7.0, height=4.4)
        ax = axes[0, 0]
        ax.contour(W1, W2, f(W1, W2), levels=levels, colors="#b8c2cc", linewidths=0.7)
        for (label, path), color in zip(paths.items(), COLORS):
            path = np.asarray(path)
            ax.plot(
                path[:, 0],
                path[:, 1],
                "-o",
                color=color,
                label=label,
                markersize=2.5,
                linewidth=1.3,
            )
        start = np.asarray(next(iter(paths.values())))[0]
        ax.plot(*start, "s", color="black", markersize=6, label="start")
        if minimum is not None:
            ax.plot(*minimum, "*", color="black", markersize=12, label="minimum")
        ax.set(title=title, xlim=xlim, ylim=ylim, xlabel="w1", ylabel="w2")
        ax.grid(False)
        ax.legend(loc="best")
    return fig


def moving_averages(
    days: np.ndarray,
    series: np.ndarray,
    averages: Mapping[str, np.ndarray],
    *,
    zoom: int = 40,
    ylabel: str = "temperature (°F)",
) -> Any:
    """A noisy series with its exponentially weighted averages: the whole series, and a
    zoom on the first ``zoom`` points where the start-up bias shows.

    Parameters
    ----------
    days : array of shape (T,)
    series : array of shape (T,)
    averages : mapping of label to array of shape (T,)
        Labels containing "corrected" are drawn solid, the others dashed.
    zoom : int, default=40
    ylabel : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    with style():
        fig, axes = figure_grid(2, 1, width=11.0, height=4.2, width_ratios=[2.2, 1])
        for ax, stop in zip(axes[0], (len(days), zoom)):
            ax.scatter(
                days[:stop],
                series[:stop],
                s=5 if stop > zoom else 12,
                color="#9aa5b1",
                label="daily value",
            )
            beta_colors: dict[str, str] = {}
            for label, avg in averages.items():
                beta = label.split()[0]
                color = beta_colors.setdefault(beta, COLORS[len(beta_colors) % len(COLORS)])
                corrected = "corrected" in label and "uncorrected" not in label
                ax.plot(
                    days[:stop],
                    avg[:stop],
                    color=color,
                    linewidth=1.6,
                    linestyle="-" if corrected else "--",
                    label=label,
                )
            ax.set(xlabel="day", ylabel=ylabel)
        axes[0, 0].set_title("A year of daily values and their averages")
        axes[0, 1].set_title(f"The first {zoom} days: the start-up dip")
        axes[0, 1].legend(loc="lower right", fontsize=8)
    return fig


def layer_norms(norms: Mapping[str, Any], *, title: str = "") -> Any:
    """Per-layer norms of activations and gradients on log axes, one line per network.

    Parameters
    ----------
    norms : mapping of label to :class:`~trainwell.diagnosis.GradientNorms`
    title : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    panels = (
        ("activation", "activations  ||A[l]||"),
        ("gradient", "gradients  ||dA[l]||"),
        ("weight_gradient", "weight gradients  ||dW[l]||"),
    )
    with style():
        fig, axes = figure_grid(3, 1, width=12.0, height=4.0)
        for ax, (field, name) in zip(axes[0], panels):
            for label, nrm in norms.items():
                ax.plot(nrm.layer[:-1], getattr(nrm, field)[:-1], label=label, linewidth=1.8)
            ax.set_yscale("log")
            ax.set(title=name, xlabel="layer l")
        axes[0, 0].legend()
        if title:
            fig.suptitle(title, fontweight="bold")
    return fig


def search_scatter(
    panels: Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
    *,
    xlabel: str = "learning rate",
    ylabel: str = "",
    logx: bool = True,
    logy: bool = False,
    title: str = "",
    score_label: str = "dev accuracy",
) -> Any:
    """Trials of hyperparameter searches as scatter plots coloured by score.

    Parameters
    ----------
    panels : mapping of label to (x, y, score)
        One panel each; ``y`` may be None-filled (NaN) for one-dimensional searches,
        which are then drawn against the score.
    xlabel, ylabel : str
    logx, logy : bool
    title : str
    score_label : str, default="dev accuracy"
        What the score is (colour bar, and y axis of one-dimensional panels).

    Returns
    -------
    matplotlib.figure.Figure
    """
    n = len(panels)
    with style():
        fig, axes = figure_grid(n, 1, width=3.9 * n, height=3.6)
        for ax, (label, (x, yv, score)) in zip(axes[0], panels.items()):
            x, yv, score = (np.asarray(a, dtype=float) for a in (x, yv, score))
            one_d = np.isnan(yv).all()
            sc = ax.scatter(
                x,
                score if one_d else yv,
                c=score,
                cmap="viridis",
                s=36,
                edgecolors="black",
                linewidths=0.4,
                vmin=np.nanmin(score),
                vmax=np.nanmax(score),
            )
            best = int(np.nanargmax(score))
            ax.scatter(
                x[best],
                score[best] if one_d else yv[best],
                marker="*",
                s=220,
                facecolors="none",
                edgecolors="#c0392b",
                linewidths=1.5,
            )
            if logx:
                ax.set_xscale("log")
            if logy and not one_d:
                ax.set_yscale("log")
            ax.set(title=label, xlabel=xlabel, ylabel=score_label if one_d else ylabel)
        fig.colorbar(sc, ax=axes[0, -1], label=score_label)
        if title:
            fig.suptitle(title, fontweight="bold")
    return fig
