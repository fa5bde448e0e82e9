"""Experiment 3: the course's numbers and verdicts, on the full (millisecond) recipe."""

import pytest

from trainwell.course import gradient_checking


@pytest.fixture(scope="module")
def results():
    return gradient_checking.run().results


def test_course_numbers(results):
    assert results["one_dimensional"]["difference"] == pytest.approx(
        2.919335883291695e-10, rel=1e-6
    )
    assert results["n_dimensional_buggy"]["difference"] == pytest.approx(
        0.2850931567761623, rel=1e-6
    )
    assert results["n_dimensional_fixed"]["difference"] == pytest.approx(
        1.1890913024229996e-07, rel=1e-6
    )


def test_planted_bugs_flagged_by_name(results):
    buggy = results["n_dimensional_buggy"]
    assert buggy["verdict"] == "wrong"
    assert buggy["worst"] in {"W2", "b1"}  # the two planted bugs (b1's 4x is the larger)
    assert buggy["worst"] == "b1"


def test_correct_gradients_pass(results):
    assert results["one_dimensional"]["verdict"] == "correct"
    assert results["n_dimensional_fixed"]["verdict"] != "wrong"
    for r in results.values():
        assert set(r) == {"difference", "verdict", "worst"}


def test_bugs_change_only_dW2_and_db1():
    x, y, params = gradient_checking.course_test_case()
    _, bad = gradient_checking.cost_and_grads(x, y, buggy=True)(params)
    _, good = gradient_checking.cost_and_grads(x, y, buggy=False)(params)
    assert (bad["dW2"] == 2 * good["dW2"]).all() and (bad["db1"] == 4 * good["db1"]).all()
    assert all((bad[k] == good[k]).all() for k in ("dW1", "db2", "dW3", "db3"))
