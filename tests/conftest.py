"""Shared test helpers."""

from __future__ import annotations

import os

import numpy as np
import pytest


def require(module: str):
    """Import an oracle (torch, ...) or skip, unless CI demands it (then fail)."""
    if os.environ.get("TRAINWELL_REQUIRE_ORACLES") == "1":
        return __import__(module)
    return pytest.importorskip(module)


@pytest.fixture
def rng():
    return np.random.RandomState(0)
