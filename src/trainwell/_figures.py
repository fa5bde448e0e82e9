"""Figures that Jupyter shows once, inline, without pyplot.

trainwell builds :class:`matplotlib.figure.Figure` objects directly, never through pyplot,
so nothing changes the caller's backend and no figure is shown twice (pyplot's inline
backend would show every figure it manages at the end of a cell, and then the returned
value again). A figure made here carries ``_repr_png_``, so a notebook cell that ends with
it displays the picture once, instead of the text ``<Figure size ... with 1 Axes>``.
matplotlib is imported only when a figure is made.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from functools import partial
from typing import Any

__all__ = [
    "CLASS_COLORS",
    "COLORS",
    "DPI",
    "figure_grid",
    "new_figure",
    "style",
    "to_png",
]

DPI = 110
COLORS = ["#1f6fb4", "#e8710a", "#2a9d4b", "#c0392b", "#7b4fb0", "#8c564b", "#d6409f", "#5f6b73"]
CLASS_COLORS = ("#d1495b", "#2e86ab")  # label 0, label 1
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
def style() -> Iterator[None]:
    """trainwell's matplotlib style (colors, grid, fonts) for the figures drawn inside."""
    import matplotlib
    from cycler import cycler

    style = {**_STYLE, "axes.prop_cycle": cycler(color=COLORS)}
    with matplotlib.rc_context(style):
        yield


def figure_grid(
    ncols: int = 1, nrows: int = 1, width: float = 7.0, height: float = 4.2, **kw: Any
) -> tuple[Any, Any]:
    """A :func:`new_figure` with an (nrows, ncols) array of axes."""
    fig = new_figure(width, height)
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    return fig, axes


def to_png(fig: Any) -> bytes:
    """The figure as PNG bytes (Agg, 110 dpi, no timestamp: same figure, same bytes)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def new_figure(width: float = 7.0, height: float = 4.2) -> Any:
    """A constrained-layout :class:`~matplotlib.figure.Figure` that displays in Jupyter.

    Examples
    --------
    >>> fig = new_figure(3, 2)
    >>> fig._repr_png_()[:4]
    b'\\x89PNG'
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    fig._repr_png_ = partial(to_png, fig)  # IPython's display hook for the cell's value
    return fig
