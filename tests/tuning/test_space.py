"""Search-space distributions: validation, sampling scale, grids, narrowing, serialization."""

from __future__ import annotations

import json
import math
from collections import Counter

import numpy as np
import pytest

from trainwell.exceptions import InvalidParameterError
from trainwell.tuning import (
    Choice,
    IntLogUniform,
    IntUniform,
    LogUniform,
    OneMinusLogUniform,
    SearchSpace,
    Uniform,
    distribution_from_dict,
)

ALL = [
    Uniform(0.5, 1.0),
    LogUniform(1e-4, 1.0),
    OneMinusLogUniform(0.9, 0.999),
    IntUniform(1, 4),
    IntLogUniform(1, 1000),
    Choice([64, 128, 256, 512]),
    Choice(["adam", "momentum", "gd"]),
]


def draws(dist, n=4000, seed=0):
    rng = np.random.RandomState(seed)
    return [dist.sample(rng) for _ in range(n)]


@pytest.mark.parametrize("dist", ALL, ids=repr)
def test_samples_stay_in_range_and_have_python_types(dist):
    values = draws(dist, 500)
    if dist.numeric:
        assert all(dist.low <= v <= dist.high for v in values)
        kind = int if dist.kind.startswith("int") else float
        assert all(type(v) is kind for v in values)
    else:
        assert set(values) == set(dist.values)


@pytest.mark.parametrize("dist", ALL, ids=repr)
def test_dict_round_trip_through_json(dist):
    data = json.loads(json.dumps(dist.to_dict()))
    assert distribution_from_dict(data) == dist
    assert repr(distribution_from_dict(data)) == repr(dist)


def test_reprs_are_readable():
    assert repr(LogUniform(1e-4, 1)) == "LogUniform(low=0.0001, high=1.0)"
    assert repr(IntLogUniform(1, 100)) == "IntLogUniform(low=1, high=100)"
    assert repr(Choice(["adam"])) == "Choice(values=('adam',))"


def test_log_uniform_spends_the_same_share_on_each_decade():
    values = np.log10(draws(LogUniform(1e-4, 1.0)))
    counts = np.histogram(values, bins=4, range=(-4, 0))[0]
    assert counts.min() > 0.22 * len(values)  # 25 % each, four sigma ~ 2.7 %
    # a uniform draw would put ~90 % in [0.1, 1]
    assert np.mean(values > -1) < 0.3


def test_log_uniform_is_the_courses_formula_draw_for_draw():
    rng, course = np.random.RandomState(7), np.random.RandomState(7)
    ours = [LogUniform(1e-4, 1.0).sample(rng) for _ in range(50)]
    theirs = [10 ** (-4 * course.rand()) for _ in range(50)]
    np.testing.assert_allclose(ours, theirs, rtol=1e-13)


def test_one_minus_log_uniform_explores_each_decade_of_one_minus_beta_equally():
    values = np.array(draws(OneMinusLogUniform(0.9, 0.999)))
    in_first = np.mean(values < 0.99)  # 0.9..0.99 and 0.99..0.999: half each
    assert 0.46 < in_first < 0.54
    # uniform sampling would put only 1 % of the draws in 0.99..0.999
    r = np.log10(1 - values)
    assert r.min() >= -3 and r.max() <= -1


def test_int_uniform_is_uniform_over_both_ends():
    counts = Counter(draws(IntUniform(1, 4)))
    assert sorted(counts) == [1, 2, 3, 4]
    assert min(counts.values()) > 0.22 * 4000


def test_int_log_uniform_gives_each_decade_about_the_same_share():
    values = np.array(draws(IntLogUniform(1, 1000), 6000))
    shares = [np.mean((values >= lo) & (values < 10 * lo)) for lo in (1, 10, 100)]
    assert all(0.27 < s < 0.40 for s in shares), shares


def test_choice_draws_each_value_about_equally():
    counts = Counter(draws(Choice([64, 128, 256, 512])))
    assert sorted(counts) == [64, 128, 256, 512]
    assert min(counts.values()) > 0.22 * 4000


def test_grids_are_evenly_spaced_in_each_scale():
    assert LogUniform(1e-4, 1).grid(5) == [1e-4, 1e-3, 1e-2, 1e-1, 1.0]
    assert OneMinusLogUniform(0.9, 0.999).grid(3) == [0.9, 0.99, 0.999]
    assert Uniform(0, 1).grid(3) == [0.0, 0.5, 1.0]
    assert IntUniform(1, 3).grid(7) == [1, 2, 3]
    assert IntLogUniform(1, 100).grid(3) == [1, 10, 100]
    assert Choice(["a", "b"]).grid(9) == ["a", "b"]


def test_narrow_works_in_log_scale_and_pads_by_margin():
    # best trials at 1e-3 and 1e-2 over 4 decades, margin 0.1: 0.4 decade each side
    box = LogUniform(1e-4, 1.0).narrow([1e-3, 1e-2], margin=0.1)
    assert math.log10(box.low) == pytest.approx(-3.4)
    assert math.log10(box.high) == pytest.approx(-1.6)
    # in linear scale the same trials would give a box starting near 0, not 4e-4
    lin = Uniform(1e-4, 1.0).narrow([1e-3, 1e-2], margin=0.1)
    assert lin.low == 1e-4


def test_narrow_one_minus_beta_in_its_scale_and_never_leaves_the_range():
    box = OneMinusLogUniform(0.9, 0.999).narrow([0.99], margin=0.1)
    assert math.log10(1 - box.high) == pytest.approx(-2.2)
    assert math.log10(1 - box.low) == pytest.approx(-1.8)
    edge = OneMinusLogUniform(0.9, 0.999).narrow([0.999], margin=0.1)
    assert edge.high == 0.999
    assert LogUniform(1e-4, 1).narrow([1.0], 0.1).high == 1.0


def test_narrow_integers_and_choices():
    assert IntUniform(1, 11).narrow([5, 6], 0.1) == IntUniform(4, 7)
    assert IntLogUniform(1, 1000).narrow([10, 20], 0.1) == IntLogUniform(5, 40)
    choice = Choice([1, 2, 3])
    assert choice.narrow([1], 0.1) is choice


@pytest.mark.parametrize(
    ("factory", "match"),
    [
        (lambda: Uniform(1.0, 1.0), "low < high"),
        (lambda: Uniform(0.0, math.inf), "finite"),
        (lambda: LogUniform(0.0, 1.0), "0 < low < high"),
        (lambda: LogUniform(-1e-3, 1.0), "0 < low < high"),
        (lambda: OneMinusLogUniform(0.9, 1.0), "0 <= low < high < 1"),
        (lambda: IntUniform(1.5, 3), "integers"),
        (lambda: IntUniform(True, 3), "integers"),
        (lambda: IntLogUniform(0, 10), "1 <= low <= high"),
        (lambda: Choice([]), "non-empty"),
        (lambda: Choice([1, 1]), "distinct"),
        (lambda: Choice([[1, 2]]), "strings, numbers or booleans"),
        (lambda: Choice([math.nan]), "strings, numbers or booleans"),
    ],
)
def test_invalid_ranges_are_rejected_with_the_rule(factory, match):
    with pytest.raises(InvalidParameterError, match=match):
        factory()


def test_error_messages_name_both_bounds_and_the_class():
    with pytest.raises(InvalidParameterError, match=r"LogUniform.*Got low=0\.0, high=1\.0"):
        LogUniform(0.0, 1.0)


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ({"dist": "loguniform", "low": 1, "high": 2}, r"space\.lr\.dist must be one of"),
        ({"dist": "log_uniform", "low": 1}, r"missing key\(s\) \['high'\]"),
        ({"dist": "choice", "values": [1], "low": 0}, r"unknown key\(s\) \['low'\]"),
        ({"dist": "log_uniform", "low": 0, "high": 1}, r"space\.lr: The 'low' and 'high'"),
        ([1e-4, 1], r"space\.lr must be a table"),
    ],
)
def test_from_dict_errors_name_the_key(spec, match):
    with pytest.raises(InvalidParameterError, match=match):
        distribution_from_dict(spec, where="space.lr")


def test_search_space_keeps_order_and_samples_trial_by_trial():
    space = SearchSpace(
        {
            "learning_rate": {"dist": "log_uniform", "low": 1e-4, "high": 1},
            "batch_size": Choice([64, 128]),
        }
    )
    assert list(space) == ["learning_rate", "batch_size"]
    configs = space.sample(np.random.RandomState(3), 4)
    # the same draws, one dimension after the other, trial by trial
    rng = np.random.RandomState(3)
    expected = []
    for _ in range(4):
        lr = space["learning_rate"].sample(rng)
        expected.append({"learning_rate": lr, "batch_size": space["batch_size"].sample(rng)})
    assert configs == expected
    assert SearchSpace.from_dict(json.loads(json.dumps(space.to_dict()))) == space
    assert "LogUniform(low=0.0001, high=1.0)" in repr(space)


def test_search_space_grid_box_and_narrow():
    space = SearchSpace({"lr": LogUniform(1e-3, 1), "opt": Choice(["adam", "gd"])})
    grid = space.grid(4)
    assert len(grid) == 8 and {"lr": 1e-3, "opt": "gd"} in grid
    assert space.grid({"lr": 2}) == [
        {"lr": 1e-3, "opt": "adam"},
        {"lr": 1e-3, "opt": "gd"},
        {"lr": 1.0, "opt": "adam"},
        {"lr": 1.0, "opt": "gd"},
    ]
    assert space.box() == {"lr": [1e-3, 1.0]}
    narrowed = space.narrow([{"lr": 0.01, "opt": "gd"}], margin=0.1)
    assert narrowed["opt"] == space["opt"]
    assert narrowed["lr"].low == pytest.approx(10**-2.3)


@pytest.mark.parametrize("bad", [{}, None, {"": LogUniform(1, 2)}, {3: LogUniform(1, 2)}])
def test_search_space_rejects_empty_or_unnamed(bad):
    with pytest.raises(InvalidParameterError):
        SearchSpace(bad)


def test_grid_n_points_must_name_dimensions_of_the_space():
    space = SearchSpace({"x": Uniform(0, 1)})
    with pytest.raises(InvalidParameterError, match=r"names \['typo'\].*its names are \['x'\]"):
        space.grid({"x": 2, "typo": 3})


@pytest.mark.parametrize(
    "dist", [Uniform(0.5, 1.0), LogUniform(1e-4, 1.0), OneMinusLogUniform(0.9, 0.9999)], ids=repr
)
def test_narrow_keeps_the_range_once_it_cannot_shrink_further(dist):
    value = dist.sample(np.random.RandomState(0))
    for _ in range(40):
        narrowed = dist.narrow([value], margin=0.05)
        lo, hi = narrowed.bounds()
        assert lo < hi and lo <= value <= hi
        dist = narrowed
    assert dist.narrow([value], margin=0.05) == dist
