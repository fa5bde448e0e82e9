"""Message checks: every field against its range and options, before anything acts."""

from __future__ import annotations

import json
import math

import pytest

from trainwell.lab.protocol import (
    DEFAULT_CONFIG,
    LIMITS,
    MAX_MESSAGE_BYTES,
    ProtocolError,
    check_config,
    parse_message,
)


def test_defaults_pass_their_own_checks():
    assert check_config(DEFAULT_CONFIG) == DEFAULT_CONFIG


@pytest.mark.parametrize(
    "update, words",
    [
        ({"layers": [{"units": -1}]}, "hidden layer 1: 'units' must be in [1, 32]; got -1."),
        ({"layers": [{"units": 10**9}]}, "got 1000000000"),
        ({"layers": [{"units": 2.5}]}, "'units' must be an integer"),
        ({"layers": [{"activation": "swish"}]}, "'activation' must be one of"),
        ({"layers": [{"keep_prob": 0}]}, "'keep_prob' must be in (0, 1]"),
        ({"layers": [{"units": 2, "colour": "red"}]}, "unknown fields ['colour']"),
        ({"layers": [{}] * 31}, "at most 30 hidden layers"),
        ({"learning_rate": math.nan}, "finite"),
        ({"learning_rate": math.inf}, "finite"),
        ({"learning_rate": 0}, "(0, 100]"),
        ({"learning_rate": "0.1"}, "must be a number"),
        ({"learning_rate": True}, "must be a number"),
        ({"beta": 1.0}, "[0, 1)"),
        ({"batch_size": 0}, "'batch_size' must be in"),
        ({"batch_size": "half"}, "full, auto or a count"),
        ({"dataset": "/etc/passwd"}, "'dataset' must be one of"),
        ({"optimizer": "lbfgs"}, "'optimizer'"),
        ({"standardize": "yes"}, "true or false"),
        ({"speed": 9}, "'speed'"),
        ({"magic": 1}, "unknown setting 'magic'"),
    ],
)
def test_out_of_range_fields_are_refused_with_their_name(update, words):
    with pytest.raises(ProtocolError) as err:
        check_config(update)
    assert words in str(err.value)


def test_a_refused_update_leaves_the_base_untouched():
    base = check_config({"learning_rate": 0.2})
    with pytest.raises(ProtocolError):
        check_config({"learning_rate": 0.5, "l2": -1}, base)
    assert base["learning_rate"] == 0.2 and base["l2"] == 0.0


def test_layers_get_their_defaults_and_batch_words_or_counts():
    cfg = check_config({"layers": [{"units": 3}], "batch_size": "16"})
    assert cfg["layers"] == [
        {"units": 3, "activation": "tanh", "batch_norm": False, "keep_prob": 1.0}
    ]
    assert cfg["batch_size"] == 16
    assert check_config({"batch_size": "full"})["batch_size"] == "full"


def test_every_limit_is_enforced_at_both_ends():
    for name, (kind, low, high, low_open, high_open) in LIMITS.items():
        step = 1 if kind == "int" else 1e-9 * max(1.0, abs(high))
        below = low if low_open else low - step
        above = high if high_open else high + step
        if kind == "int":
            below, above = int(below), int(above)
        for bad in (below, above):
            with pytest.raises(ProtocolError):
                if name in ("units", "keep_prob"):
                    check_config({"layers": [{name: bad}]})
                elif name == "steps":
                    parse_message(json.dumps({"type": "control", "action": "step", name: bad}))
                else:
                    check_config({name: bad})


def test_parse_message_shapes():
    assert parse_message('{"type":"control","action":"step","steps":3}') == {
        "type": "control",
        "action": "step",
        "steps": 3,
    }
    assert parse_message(b'{"type":"config","config":{"l2":0.5}}') == {
        "type": "config",
        "config": {"l2": 0.5},
    }
    for raw, words in [
        ("[1, 2]", "JSON object"),
        ('{"type":"control","action":"explode"}', "'action'"),
        ('{"type":"config","config":[1]}', "must be an object"),
        (b"\xff\xfe", "not valid JSON"),
        ("{" + " " * MAX_MESSAGE_BYTES + "}", "refused"),
    ]:
        with pytest.raises(ProtocolError, match=None) as err:
            parse_message(raw)
        assert words in str(err.value)
