"""Progress bars that suit where they run: widgets in Jupyter, text on a terminal.

In a Jupyter kernel with ipywidgets installed the bars are tqdm's notebook widgets; without
ipywidgets they are plain text bars (no "IProgress not found" warning), and they show in
the notebook although its stderr is not a terminal. Elsewhere they are tqdm's text bars,
shown only when stderr is a terminal (``disable=None``). Get the widget bars with
``pip install ipywidgets`` (the ``trainwell[notebook]`` extra).
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["in_notebook", "progress_bar"]


def in_notebook() -> bool:
    """Whether this process is a Jupyter kernel (not a terminal IPython)."""
    if "ipykernel" not in sys.modules:
        return False
    ipython = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return type(ipython).__name__ == "ZMQInteractiveShell"


def _tqdm_class() -> Any:
    if in_notebook():
        try:
            import ipywidgets  # noqa: F401
            from tqdm.notebook import tqdm

            return tqdm
        except ImportError:
            pass
    from tqdm.std import tqdm

    return tqdm


def progress_bar(iterable: Any = None, *, show: bool | None = None, **kwargs: Any) -> Any:
    """A tqdm bar; ``show=None`` shows it on a terminal or in a notebook, False hides it,
    True always shows it.

    Examples
    --------
    >>> with progress_bar(range(3), show=False) as bar:
    ...     sum(bar)
    3
    """
    if show is None:
        disable = False if in_notebook() else None  # None: only when stderr is a terminal
    else:
        disable = not show
    return _tqdm_class()(iterable, disable=disable, **kwargs)
