import math

import numpy as np
import pytest

from trainwell.exceptions import InvalidParameterError
from trainwell.optim import (
    Constant,
    ExponentialDecay,
    ExponentialMovingAverage,
    FixedIntervalDecay,
    InverseSqrtDecay,
    InverseTimeDecay,
    StaircaseDecay,
    bias_correct,
    ewa_step,
    get_schedule,
)


@pytest.mark.parametrize("epoch", [0, 1, 7, 999, 1000, 2500])
def test_each_schedule_against_its_formula(epoch):
    a0 = 0.2
    assert Constant(a0)(epoch) == a0
    assert InverseTimeDecay(a0, 0.5)(epoch) == pytest.approx(a0 / (1 + 0.5 * epoch))
    assert ExponentialDecay(a0, 0.95)(epoch) == pytest.approx(a0 * 0.95**epoch)
    assert StaircaseDecay(a0, 0.5, 10)(epoch) == pytest.approx(a0 * 0.5 ** math.floor(epoch / 10))
    assert InverseSqrtDecay(a0, 2.0)(epoch) == pytest.approx(a0 * 2.0 / math.sqrt(epoch + 1))
    assert FixedIntervalDecay(a0, 1.0, 1000)(epoch) == pytest.approx(
        a0 / (1 + 1.0 * math.floor(epoch / 1000))
    )


def test_schedules_validate_print_and_round_trip():
    s = FixedIntervalDecay(0.1, decay_rate=1.0, time_interval=1000)
    assert repr(s) == "FixedIntervalDecay(initial=0.1, decay_rate=1.0, time_interval=1000)"
    assert get_schedule(s.get_config()) == s
    with pytest.raises(InvalidParameterError, match="'initial' parameter of InverseTimeDecay"):
        InverseTimeDecay(initial=-1)
    with pytest.raises(InvalidParameterError, match="'time_interval'"):
        FixedIntervalDecay(time_interval=0)
    with pytest.raises(InvalidParameterError, match="'fixed_interval'"):
        get_schedule("cosine")


def test_ewa_step_and_bias_correction_by_hand():
    v = np.zeros(2)
    ewa_step(v, np.array([10.0, 20.0]), 0.9)
    np.testing.assert_allclose(v, [1.0, 2.0])
    ewa_step(v, np.array([10.0, 20.0]), 0.9, scratch=np.empty(2))
    np.testing.assert_allclose(v, [1.9, 3.8])
    # corrected: v_2 / (1 - 0.81) = 10, 20 exactly the constant input
    np.testing.assert_allclose(bias_correct(v, 0.9, 2), [10.0, 20.0])


def test_moving_average_bias_correction_removes_the_startup_dip():
    days = np.arange(365)
    temps = 15 + 10 * np.sin(2 * np.pi * (days - 100) / 365)
    raw = ExponentialMovingAverage(0.98).apply(temps)
    corrected = ExponentialMovingAverage(0.98, bias_correction=True).apply(temps)
    assert raw[0] == pytest.approx(0.02 * temps[0])  # the dip: far below the temperature
    assert corrected[0] == pytest.approx(temps[0])
    assert np.abs(corrected[:10] - temps[:10]).max() < 1.0
    np.testing.assert_allclose(raw[-1], corrected[-1], rtol=1e-3)  # converge later
