"""The compiled engine's public face, for the training loop above ``nn``.

:mod:`trainwell.nn._fast` holds the compiled (numba) path; what the training loop needs of
it lives here under public names, so ``training`` never reaches into ``nn``'s private
modules (``tests/test_architecture.py`` enforces that rule).

- :func:`resolve_engine` checks ``engine=`` ("auto", "numpy", "numba"; "auto" defers to the
  ``TRAINWELL_ENGINE`` variable);
- :func:`plan` gives the compiled epoch runner for a fit, or None for the NumPy path;
- :func:`update_function` gives the optimizer update (one fused pass under "numba").

numba is imported only when a plan compiles: importing this module does not import it.

Examples
--------
>>> from trainwell.nn.compiled import ENGINES, resolve_engine
>>> ENGINES
('auto', 'numpy', 'numba')
>>> resolve_engine("numpy")
'numpy'
"""

from __future__ import annotations

from ._fast import ENGINES, EpochRunner, plan, resolve_engine, update_function

__all__ = ["ENGINES", "EpochRunner", "plan", "resolve_engine", "update_function"]
