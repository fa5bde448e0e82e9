"""Progress bars: widgets in Jupyter when ipywidgets is there, clean text bars otherwise."""

from __future__ import annotations

import sys
import warnings

import tqdm.std

from trainwell import _progress


def test_outside_a_notebook_the_bar_is_text_and_shows_only_on_a_terminal():
    assert not _progress.in_notebook()
    bar = _progress.progress_bar(range(2))
    assert type(bar) is tqdm.std.tqdm and bar.disable  # pytest's stderr is not a terminal
    bar.close()
    bar = _progress.progress_bar(range(2), show=True, file=sys.stdout)
    assert not bar.disable
    bar.close()


def test_a_notebook_without_ipywidgets_gets_a_visible_text_bar_and_no_warning(monkeypatch):
    monkeypatch.setattr(_progress, "in_notebook", lambda: True)
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import ipywidgets fails
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bar = _progress.progress_bar(total=3, file=sys.stdout)
    assert type(bar) is tqdm.std.tqdm and not bar.disable
    bar.close()
