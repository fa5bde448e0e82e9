"""Figures built without pyplot display once in Jupyter and render deterministically."""

from __future__ import annotations

import pickle

from trainwell._figures import new_figure, to_png


def test_a_new_figure_displays_as_png_and_survives_a_pickle():
    fig = new_figure(3, 2)
    fig.add_subplot().plot([0, 1], [1, 0])
    assert fig._repr_png_().startswith(b"\x89PNG")
    assert fig._repr_png_() == to_png(fig)  # once laid out, the same bytes (no timestamp)
    assert fig.canvas.manager is None  # not managed by pyplot: never shown a second time
    assert pickle.loads(pickle.dumps(fig))._repr_png_().startswith(b"\x89PNG")
