"""The TOML schema: suggestions for unknown keys, the help text, defaults in one place."""

from __future__ import annotations

import pytest

from trainwell.exceptions import InvalidParameterError
from trainwell.tuning.config import (
    SCHEMA,
    SEARCH_DEFAULTS,
    describe_schema,
    load_config,
    suggest,
)
from trainwell.tuning.objective import NETWORK_DEFAULTS


def test_suggest_names_the_nearest_key_or_nothing():
    assert suggest("reduction_facter", SEARCH_DEFAULTS) == " (did you mean 'reduction_factor'?)"
    assert suggest("zzz", SEARCH_DEFAULTS) == ""


def test_the_schema_covers_every_fixed_key_and_search_default():
    fixed = {key: default for key, default, _ in SCHEMA["fixed"][1]}
    assert set(fixed) == set(NETWORK_DEFAULTS)
    for key, default in NETWORK_DEFAULTS.items():
        assert fixed[key] == ("(none)" if default is None else default), key
    text = describe_schema()
    assert all(f"  {key} " in text for key in SEARCH_DEFAULTS)


def test_an_unknown_table_gets_a_suggestion(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(
        "[dataset]\nname='moons'\n[serach]\n[space]\nl2={dist='uniform',low=0,high=1}\n"
    )
    with pytest.raises(InvalidParameterError, match="did you mean 'search'"):
        load_config(path)


def _toml(tmp_path, search: str):
    path = tmp_path / "t.toml"
    space = 'l2 = {dist = "uniform", low = 0, high = 1}'
    path.write_text(f'[dataset]\nname = "moons"\n[space]\n{space}\n[search]\n{search}\n')
    return path


def test_search_engine_and_its_deprecated_name(tmp_path):
    assert load_config(_toml(tmp_path, ""))["search"]["engine"] == "auto"
    assert load_config(_toml(tmp_path, 'engine = "numba"'))["search"]["engine"] == "numba"
    with pytest.warns(DeprecationWarning, match='backend is deprecated.*engine = "auto"'):
        config = load_config(_toml(tmp_path, 'backend = "numpy"'))
    assert config["search"]["engine"] == "auto" and "backend" not in config["search"]
    with (
        pytest.warns(DeprecationWarning),
        pytest.raises(InvalidParameterError, match="keep engine"),
    ):
        load_config(_toml(tmp_path, 'backend = "numpy"\nengine = "numba"'))
