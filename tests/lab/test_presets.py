"""Every guided preset is a setup the protocol accepts, with a note in the course's terms."""

from __future__ import annotations

import pytest

from trainwell.lab.datasets import make_data
from trainwell.lab.presets import PRESETS, presets_for_page
from trainwell.lab.protocol import DEFAULT_CONFIG, check_config
from trainwell.lab.session import build_network


@pytest.mark.parametrize("name", list(PRESETS))
def test_each_preset_is_a_valid_setup_that_builds(name):
    title, setup, note = PRESETS[name]
    config = check_config(setup, DEFAULT_CONFIG)
    net, _ = build_network(config, make_data(config))
    assert len(net.layers) >= 2 and title and 80 < len(note) < 500 and note.endswith(".")


def test_the_course_experiments_are_there():
    by = {p["name"]: p for p in presets_for_page()}
    assert PRESETS["init_large"][1]["init_scale"] == 10
    assert PRESETS["reg_l2"][1]["l2"] == 0.7
    assert {"init_zeros", "init_he", "reg_none", "opt_gd", "opt_adam", "deep_vanish"} <= set(by)
