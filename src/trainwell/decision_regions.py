"""Decision regions of 2-D classifiers: a prediction grid and the regions it splits.

Part of :mod:`trainwell.plots` (which re-exports both functions); the regions split at
the decision rule of :mod:`trainwell.nn.decision`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ._figures import CLASS_COLORS, figure_grid, style

__all__ = ["decision_boundaries", "decision_grid"]


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
    with style():
        fig, axes = figure_grid(ncols, nrows, width=3.3 * ncols, height=3.2 * nrows + 0.3)
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
