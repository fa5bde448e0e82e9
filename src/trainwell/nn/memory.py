"""The flat buffers of a network, allocated only when they fit in memory.

``Dense(10**12)`` used to end in NumPy's MemoryError; now the network says how many
parameters it has, where most of them are, and how much memory they would need, before
allocating anything.

Examples
--------
>>> size_text(3 * 2**40 + 2**39)
'3.5 TiB'
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ..exceptions import InvalidParameterError

__all__ = ["allocate_flat", "physical_memory", "size_text"]


def allocate_flat(
    backend: Any, n_params: int, dtype: np.dtype, specs: list[Any]
) -> tuple[Any, Any]:
    """``theta`` and ``grad`` (zeros of ``n_params``), after checking that they fit in
    this machine's memory; ``specs`` are the (layer, kind, shape) blocks, for the message.

    Raises
    ------
    InvalidParameterError
        When the two buffers alone would need more than the machine's memory.
    MemoryError
        When the allocation fails all the same, with the same account of the size.
    """
    need = 2 * n_params * dtype.itemsize  # theta and grad
    layer, kind, shape = max(specs, key=lambda s: int(np.prod(s[2], dtype=object)))
    what = (
        f"This network has {n_params:,} parameters (the largest block, {kind}{layer.index} "
        f"of shape {shape}, from {layer!r}); its {dtype.name} parameters and gradients "
        f"alone need {size_text(need)}"
    )
    available = physical_memory()
    if available is not None and need > available:
        raise InvalidParameterError(
            f"{what}, more than this machine's {size_text(available)} of memory. Use fewer "
            "units (or fewer input features)."
        )
    try:
        return backend.zeros(n_params, dtype), backend.zeros(n_params, dtype)
    except MemoryError:
        raise MemoryError(f"{what}, which could not be allocated.") from None


def size_text(n_bytes: int) -> str:
    """``n_bytes`` for people (binary units)."""
    value, unit = float(n_bytes), "bytes"
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if value < 1024 or unit == "EiB":
            break
        value /= 1024
    return f"{value:.1f} {unit}" if unit != "bytes" else f"{n_bytes} bytes"


def physical_memory() -> int | None:
    """The machine's memory in bytes (None where the platform does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None
