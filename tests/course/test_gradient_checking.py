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


def test_the_fixed_check_gap_is_the_course_cost_not_the_relu_kink():
    """The 1.19e-7 comes from log(A3) after the sigmoid; the logit form gives ~1e-9."""
    import numpy as np

    from trainwell.course.gradient_checking import cost_and_grads, course_test_case
    from trainwell.gradcheck import gradient_check

    x, y, params = course_test_case()
    course = cost_and_grads(x, y, buggy=False)

    def logit_form(p):
        _, grads = course(p)
        relu = lambda z: np.maximum(0, z)  # noqa: E731
        Z3 = p["W3"] @ relu(p["W2"] @ relu(p["W1"] @ x + p["b1"]) + p["b2"]) + p["b3"]
        return float(np.sum(np.logaddexp(0, Z3) - y * Z3) / x.shape[1]), grads

    assert 1e-7 < gradient_check(course, params).difference < 2e-7
    assert gradient_check(logit_form, params).difference < 1e-8
    Z1 = params["W1"] @ x + params["b1"]
    Z2 = params["W2"] @ np.maximum(0, Z1) + params["b2"]
    assert min(np.abs(Z1).min(), np.abs(Z2).min()) > 0.07  # no kink within epsilon
