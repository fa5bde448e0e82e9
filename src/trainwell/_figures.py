"""Figures that Jupyter shows once, inline, without pyplot.

trainwell builds :class:`matplotlib.figure.Figure` objects directly, never through pyplot,
so nothing changes the caller's backend and no figure is shown twice (pyplot's inline
backend would show every figure it manages at the end of a cell, and then the returned
value again). A figure made here carries ``_repr_png_``, so a notebook cell that ends with
it displays the picture once, instead of the text ``<Figure size ... with 1 Axes>``.
matplotlib is imported only when a figure is made.
"""

from __future__ import annotations

import io
from functools import partial
from typing import Any

__all__ = ["DPI", "new_figure", "to_png"]

DPI = 110


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
