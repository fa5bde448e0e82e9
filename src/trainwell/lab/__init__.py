"""``trainwell lab``: train a network live in the browser, on trainwell's own Trainer.

A local Starlette app served by uvicorn (:mod:`~trainwell.lab.server`), a worker thread per
page that drives :class:`trainwell.training.Trainer` (:mod:`~trainwell.lab.session`), and a
plain HTML/CSS/JS front end in ``static/`` (no CDN, no library). ``import trainwell`` does
not import this package; ``trainwell lab`` does, and only then the web stack.
"""

from __future__ import annotations

__all__ = ["Lab", "cli_lab", "serve"]


def __getattr__(name: str):
    if name == "Lab":
        from .notebook import Lab

        return Lab
    if name in __all__:
        from . import runner

        return getattr(runner, name)
    raise AttributeError(f"module 'trainwell.lab' has no attribute {name!r}")
