"""Where the compiled kernels are cached on disk, so that only the first fit compiles.

The kernels of :mod:`trainwell.nn._fast_kernels` are ``@numba.njit(cache=True)``: numba
writes them to ``__pycache__`` beside the module, or where that is read-only (a system or
container install) to the user's cache folder (``~/.cache/numba``), or wherever
``NUMBA_CACHE_DIR`` says. When none of those is writable numba refuses to load cached
kernels at all; :func:`ensure_cache_dir` then points it at trainwell's own folder.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ensure_cache_dir"]


def ensure_cache_dir() -> str | None:
    """Give numba a writable cache folder if its own choices fail; return the folder set.

    Returns None (and changes nothing) when ``NUMBA_CACHE_DIR`` is set or numba's default
    places work. Imports numba.
    """
    import numba

    if numba.config.CACHE_DIR or _numba_can_cache():
        return None
    numba.config.CACHE_DIR = str(_fallback_cache_dir())
    return numba.config.CACHE_DIR


def _numba_can_cache() -> bool:
    """Whether numba's own choices (``__pycache__`` beside the module, else the user's
    cache folder) can hold the compiled kernels; if neither, numba would refuse to load."""
    from numba.core.caching import InTreeCacheLocator, UserWideCacheLocator

    source = str(Path(__file__).with_name("_fast_kernels.py"))
    return any(
        locator.from_function(_numba_can_cache, source) is not None
        for locator in (InTreeCacheLocator, UserWideCacheLocator)
    )


def _fallback_cache_dir() -> Path:
    """A writable folder for the kernels when the install and the home folder are not:
    ``$XDG_CACHE_HOME/trainwell/numba``, else one in the temporary folder."""
    import tempfile

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    for folder in (
        Path(base) / "trainwell" / "numba",
        Path(tempfile.gettempdir()) / (f"trainwell-numba-{getattr(os, 'getuid', lambda: 0)()}"),
    ):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if os.access(folder, os.W_OK):
                return folder
        except OSError:
            continue
    return Path(tempfile.mkdtemp(prefix="trainwell-numba-"))
