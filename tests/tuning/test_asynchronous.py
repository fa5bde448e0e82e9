"""The search loop: retries, failures recorded with their reason, timeouts, quorum, logs."""

from __future__ import annotations

import os

import pytest

from trainwell.tuning import Journal, LogUniform, SyntheticObjective, random_search

SPACE = {"learning_rate": LogUniform(1e-4, 1.0)}
OBJECTIVE = SyntheticObjective({"learning_rate": 0.01}, noise=0.05)


class FlakyOnce:
    """Raises on the first call for each config, then works (a transient fault)."""

    def __init__(self):
        self.seen = set()

    def __call__(self, config, *, random_state):
        key = round(config["learning_rate"], 12)
        if key not in self.seen:
            self.seen.add(key)
            raise ConnectionError("transient")
        return OBJECTIVE(config, random_state=random_state)


def always_fails(config, *, random_state):
    raise RuntimeError("broken config")


def exits_above(config, *, random_state):
    """Kills its own process for large learning rates (as a segfault or the OOM killer)."""
    if config["learning_rate"] > 0.1:
        os._exit(3)
    return {"dev_score": -config["learning_rate"], "train_score": 0.0}


def sleeps_without_reporting(config, *, random_state):
    import time

    if config["learning_rate"] > 0.1:
        time.sleep(60)
    return {"dev_score": 0.0, "train_score": 0.0}


def test_a_transient_failure_is_retried_and_counted():
    flaky = FlakyOnce()
    result = random_search(flaky, SPACE, 5, random_state=0, retries=1)
    assert all(t.ok and t.attempts == 2 for t in result.trials)
    plain = random_search(OBJECTIVE, SPACE, 5, random_state=0)
    assert [t.dev_score for t in result.trials] == [t.dev_score for t in plain.trials]


def test_after_its_retries_a_trial_is_failed_with_the_reason_and_the_search_goes_on():
    result = random_search(always_fails, SPACE, 3, random_state=0, retries=2)
    assert [t.status for t in result.trials] == ["failed"] * 3
    assert all(t.attempts == 3 and "broken config" in t.error for t in result.trials)


def test_resume_skips_failed_trials_unless_asked(tmp_path):
    path = tmp_path / "j.jsonl"
    random_search(always_fails, SPACE, 3, random_state=0, retries=0, journal=path)
    again = random_search(OBJECTIVE, SPACE, 3, random_state=0, retries=0, journal=path)
    assert [t.status for t in again.trials] == ["failed"] * 3  # read back, not rerun
    fixed = random_search(
        OBJECTIVE, SPACE, 3, random_state=0, retries=0, journal=path, retry_failed=True
    )
    assert [t.status for t in fixed.trials] == ["ok"] * 3
    assert all(r["status"] == "ok" for r in Journal(path).records.values())


def test_a_reporting_trial_past_its_timeout_fails_with_the_reason():
    slow = SyntheticObjective({"learning_rate": 0.01}, epochs=5, sleep=0.5)
    result = random_search(slow, SPACE, 2, random_state=0, timeout=0.05, retries=0)
    assert all(t.status == "failed" and "TrialTimeout" in t.error for t in result.trials)


def test_a_quorum_starts_the_next_round_on_the_first_trials_in_and_resumes_the_same(tmp_path):
    path = tmp_path / "j.jsonl"
    result = random_search(OBJECTIVE, SPACE, 8, random_state=0, rounds=2, quorum=0.5, journal=path)
    # serial: the first half of round 0 is what round 1 zoomed on
    assert result.rounds[1].zoom_from == [0, 1, 2, 3]
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:11]) + "\n")  # header + 10 trials: stop in round 1
    resumed = random_search(OBJECTIVE, SPACE, 8, random_state=0, rounds=2, quorum=0.5, journal=path)
    strip = lambda r: [{**t.to_dict(), "time_s": None} for t in r.trials]  # noqa: E731
    assert strip(resumed) == strip(result)


def test_each_trial_says_where_it_ran():
    import socket

    result = random_search(OBJECTIVE, SPACE, 2, random_state=0)
    assert {(t.worker, t.host) for t in result.trials} == {("main", socket.gethostname())}


def test_a_log_line_reports_progress_when_asked(capsys):
    random_search(OBJECTIVE, SPACE, 3, random_state=0, progress="log")
    out = capsys.readouterr().out
    assert "tune: 3/3 trials done, 0 running, 0 failed, 0 pruned; best dev score" in out


@pytest.mark.slow
def test_a_local_worker_that_dies_costs_only_its_trial():
    result = random_search(exits_above, SPACE, 8, random_state=3, n_jobs=2, retries=1)
    killers = [t for t in result.trials if t.config["learning_rate"] > 0.1]
    others = [t for t in result.trials if t.config["learning_rate"] <= 0.1]
    assert killers and others
    assert all(t.status == "failed" and "WorkerLost" in t.error for t in killers)
    assert all(t.attempts == 2 for t in killers)
    assert all(t.ok for t in others)
    assert all(t.worker.startswith("pid ") for t in others)


@pytest.mark.slow
def test_a_local_trial_that_ignores_its_timeout_is_cancelled():
    result = random_search(
        sleeps_without_reporting, SPACE, 4, random_state=2, n_jobs=2, timeout=0.2, retries=0
    )
    stuck = [t for t in result.trials if t.config["learning_rate"] > 0.1]
    assert stuck and all("TrialTimeout" in t.error for t in stuck)
    assert all(t.ok for t in result.trials if t.config["learning_rate"] <= 0.1)
