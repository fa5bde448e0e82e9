"""Figures shared by the experiments, the report and users: cost curves, decision
boundaries, optimizer paths on contour plots, moving averages, per-layer norms, search
and search scatter plots.

Every function returns a :class:`matplotlib.figure.Figure` built directly (never through
``pyplot``), so nothing here changes the caller's matplotlib backend or opens a window;
:func:`to_png` renders with Agg. matplotlib is imported only when a figure is drawn.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

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

COLORS = ["#1f6fb4", "#e8710a", "#2a9d4b", "#c0392b", "#7b4fb0", "#8c564b", "#d6409f", "#5f6b73"]
CLASS_COLORS = ("#d1495b", "#2e86ab")  # label 0, label 1
DPI = 110
_STYLE = {
    "axes.prop_cycle": None,  # filled in lazily (needs matplotlib's cycler)
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "font.family": "DejaVu Sans",
}


@contextlib.contextmanager
def _style() -> Iterator[None]:
    import matplotlib
    from cycler import cycler

    style = {**_STYLE, "axes.prop_cycle": cycler(color=COLORS)}
    with matplotlib.rc_context(style):
        yield


def _figure(ncols: int = 1, nrows: int = 1, width: float = 7.0, height: float = 4.2, **kw: Any):
    from ._figures import new_figure

    fig = new_figure(width, height)
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    return fig, axes


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
    with _style():
        fig, axes = _figure()
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


def decision_grid(
    predict: Callable[[np.ndarray], Any],
    X: np.ndarray,
    *,
    resolution: int = 200,
    margin: float = 0.25,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Evaluate ``predict`` on a square grid covering the 2-D points X.

    Parameters
    ----------
    predict : callable
        ``predict(points) -> labels or probabilities``, points of shape (k, 2).
    X : array of shape (m, 2)
    resolution : int, default=200
        Grid points per axis.
    margin : float, default=0.25
        Fraction of each axis' range added on both sides.

    Returns
    -------
    xx, yy, zz : ndarrays of shape (resolution, resolution)

    Examples
    --------
    >>> X = np.array([[-1.0, 0.0], [1.0, 1.0]])
    >>> xx, yy, zz = decision_grid(lambda P: P[:, 0] > 0, X, resolution=5)
    >>> zz.shape, zz[0].tolist()
    ((5, 5), [0.0, 0.0, 0.0, 1.0, 1.0])
    """
    X = np.asarray(X, dtype=float)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * (hi - lo)
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    xx, yy = np.meshgrid(xs, ys)
    zz = np.asarray(predict(np.c_[xx.ravel(), yy.ravel()]), dtype=float).reshape(xx.shape)
    return xx, yy, zz


def decision_boundaries(
    panels: Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
    X: np.ndarray,
    y: np.ndarray,
    *,
    title: str = "",
    ncols: int = 3,
) -> Any:
    """Decision regions of several 2-D binary classifiers, side by side, with the data.

    Parameters
    ----------
    panels : mapping of label to (xx, yy, zz)
        Grids from :func:`decision_grid`; ``zz`` holds labels (0/1) or probabilities of
        class 1, split at 0.5.
    X : array of shape (m, 2)
    y : array of shape (m,)
        Labels 0/1, drawn as red / blue points.
    title : str
    ncols : int, default=3

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.colors import ListedColormap

    from .nn.decision import decide

    X, y = np.asarray(X), np.asarray(y).ravel()
    n = len(panels)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fills = ListedColormap(["#f6d5d9", "#d3e7f1"])
    with _style():
        fig, axes = _figure(ncols, nrows, width=3.3 * ncols, height=3.2 * nrows + 0.3)
        for ax, (label, (xx, yy, zz)) in zip(axes.ravel(), panels.items()):
            regions = decide(zz, multiclass=False).astype(float)
            ax.contourf(xx, yy, regions, levels=[-0.5, 0.5, 1.5], cmap=fills)
            ax.contour(xx, yy, regions, levels=[0.5], colors="#444444", linewidths=0.8)
            for k, color in enumerate(CLASS_COLORS):
                ax.scatter(*X[y == k].T, s=12, c=color, edgecolors="white", linewidths=0.4)
            ax.set_title(label)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
        for ax in axes.ravel()[n:]:
            ax.set_axis_off()
        if title:
            fig.suptitle(title, fontweight="bold")
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
    with _style():
        fig, axes = _figure(width=7.0, height=4.4)
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
    with _style():
        fig, axes = _figure(2, 1, width=11.0, height=4.2, width_ratios=[2.2, 1])
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
    with _style():
        fig, axes = _figure(3, 1, width=12.0, height=4.0)
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
    with _style():
        fig, axes = _figure(n, 1, width=3.9 * n, height=3.6)
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
