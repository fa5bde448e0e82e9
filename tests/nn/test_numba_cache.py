"""The compiled kernels' disk cache: numba's own places, else a trainwell folder."""

from __future__ import annotations

import pytest

numba = pytest.importorskip("numba")

from trainwell.nn import _numba_cache  # noqa: E402


def test_a_read_only_install_and_home_get_trainwells_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(numba.config, "CACHE_DIR", "")
    monkeypatch.setattr(_numba_cache, "_numba_can_cache", lambda: False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = _numba_cache.ensure_cache_dir()
    assert folder == str(tmp_path / "trainwell" / "numba") == numba.config.CACHE_DIR
    assert (tmp_path / "trainwell" / "numba").is_dir()


def test_numba_cache_dir_or_a_writable_default_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(numba.config, "CACHE_DIR", str(tmp_path))
    assert _numba_cache.ensure_cache_dir() is None and numba.config.CACHE_DIR == str(tmp_path)
    monkeypatch.setattr(numba.config, "CACHE_DIR", "")
    monkeypatch.setattr(_numba_cache, "_numba_can_cache", lambda: True)
    assert _numba_cache.ensure_cache_dir() is None and numba.config.CACHE_DIR == ""


def test_the_writable_source_tree_is_a_place_numba_can_cache():
    assert _numba_cache._numba_can_cache()  # this checkout's __pycache__ (or ~/.cache)
