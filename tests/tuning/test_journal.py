"""The JSON-lines journal: torn lines, resuming, mismatches, and a real SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from trainwell.exceptions import CheckpointError, InvalidParameterError
from trainwell.tuning import Journal, LogUniform, SyntheticObjective, random_search

SPACE = {"learning_rate": LogUniform(1e-4, 1.0)}
OBJECTIVE = SyntheticObjective({"learning_rate": 0.01}, noise=0.05)


class Counting:
    """Wraps an objective and remembers which configs it ran (serial searches only)."""

    def __init__(self, objective):
        self.objective, self.configs = objective, []

    def __call__(self, config, *, random_state):
        self.configs.append(dict(config))
        return self.objective(config, random_state=random_state)


def records(result):
    return [{**t.to_dict(), "time_s": None, "worker": None} for t in result.trials]


def test_every_finished_trial_is_a_flushed_line(tmp_path):
    path = tmp_path / "search.jsonl"
    result = random_search(OBJECTIVE, SPACE, 5, random_state=0, rounds=2, journal=path)
    lines = path.read_text().splitlines()
    assert len(lines) == 1 + 10
    header = json.loads(lines[0])
    assert header["type"] == "header" and header["seed"] == 0 and header["rounds"] == 2
    trials = [json.loads(line) for line in lines[1:]]
    assert sorted(t["index"] for t in trials) == list(range(10))
    assert {t["index"]: t["config"] for t in trials} == {t.index: t.config for t in result.trials}


def test_rerun_with_a_complete_journal_runs_nothing_and_returns_the_same(tmp_path):
    path = tmp_path / "search.jsonl"
    first = random_search(OBJECTIVE, SPACE, 6, random_state=1, rounds=2, journal=path)
    counting = Counting(OBJECTIVE)
    again = random_search(counting, SPACE, 6, random_state=1, rounds=2, journal=path)
    assert counting.configs == []
    assert [t.to_dict() for t in again.trials] == [t.to_dict() for t in first.trials]


def test_resume_runs_only_the_missing_trials(tmp_path):
    full = random_search(OBJECTIVE, SPACE, 6, random_state=2, rounds=2)
    path = tmp_path / "search.jsonl"
    random_search(OBJECTIVE, SPACE, 6, random_state=2, rounds=2, journal=path)
    lines = path.read_text().splitlines(keepends=True)
    kept = [lines[0]] + [line for line in lines[1:] if json.loads(line)["index"] not in (2, 7, 8)]
    path.write_text("".join(kept))
    counting = Counting(OBJECTIVE)
    resumed = random_search(counting, SPACE, 6, random_state=2, rounds=2, journal=path)
    assert counting.configs == [full.trials[i].config for i in (2, 7, 8)]
    assert records(resumed) == records(full)
    assert len(path.read_text().splitlines()) == 13


def test_torn_last_line_is_ignored_then_cut_before_appending(tmp_path):
    path = tmp_path / "search.jsonl"
    random_search(OBJECTIVE, SPACE, 4, random_state=3, journal=path)
    lines = path.read_text().splitlines(keepends=True)
    torn = lines[-1][: len(lines[-1]) // 2]  # the last trial, half written
    path.write_text("".join(lines[:-1]) + torn)
    journal = Journal(path)
    assert journal.torn and sorted(journal.records) == [0, 1, 2]
    counting = Counting(OBJECTIVE)
    random_search(counting, SPACE, 4, random_state=3, journal=path)
    assert len(counting.configs) == 1
    text = path.read_text()
    assert text.endswith("\n")
    # every line parses: the torn prefix was cut, not glued to the new record
    parsed = [json.loads(line) for line in text.splitlines()]
    assert [r["type"] for r in parsed] == ["header"] + ["trial"] * 4
    assert sorted(r["index"] for r in parsed[1:]) == [0, 1, 2, 3]


def test_unparseable_last_line_with_newline_counts_as_torn(tmp_path):
    path = tmp_path / "j.jsonl"
    path.write_text('{"type": "header", "seed": 1}\n{"type": "trial", "index": 0}\n{"typ\n')
    journal = Journal(path)
    assert journal.torn and list(journal.records) == [0]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('{"type": "header"}\n{oops\n{"type": "trial", "index": 0}\n', "corrupted at line 2"),
        ('{"type": "header"}\n{"type": "header"}\n', "second header"),
        ('{"type": "header"}\n{"type": "note"}\n', "neither a header nor a trial"),
        ('{"type": "header"}\n[1, 2]\n{"type": "trial", "index": 0}\n', "not a JSON object"),
    ],
)
def test_corruption_before_the_last_line_is_an_error(tmp_path, text, match):
    path = tmp_path / "j.jsonl"
    path.write_text(text)
    with pytest.raises(CheckpointError, match=match):
        Journal(path)


def test_a_journal_of_another_search_is_refused(tmp_path):
    path = tmp_path / "search.jsonl"
    random_search(OBJECTIVE, SPACE, 3, random_state=0, journal=path)
    with pytest.raises(InvalidParameterError, match="'seed' is 0, this search's is 1"):
        random_search(OBJECTIVE, SPACE, 3, random_state=1, journal=path)
    with pytest.raises(InvalidParameterError, match="'n_trials'"):
        random_search(OBJECTIVE, SPACE, 4, random_state=0, journal=path)
    with pytest.raises(InvalidParameterError, match="'space'"):
        random_search(OBJECTIVE, {"learning_rate": LogUniform(1e-3, 1)}, 3, 0, journal=path)


def test_random_state_none_resumes_with_the_journals_seed(tmp_path):
    path = tmp_path / "search.jsonl"
    first = random_search(OBJECTIVE, SPACE, 4, journal=path)
    again = random_search(OBJECTIVE, SPACE, 4, journal=path)
    assert again.seed == first.seed
    assert records(again) == records(first)


def test_a_trial_that_differs_from_its_record_is_refused(tmp_path):
    path = tmp_path / "search.jsonl"
    random_search(OBJECTIVE, SPACE, 3, random_state=0, journal=path)
    lines = path.read_text().splitlines()
    record = json.loads(lines[2])
    record["config"]["learning_rate"] = 0.5
    lines[2] = json.dumps(record)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InvalidParameterError, match="different trial"):
        random_search(OBJECTIVE, SPACE, 3, random_state=0, journal=path)


KILLED_SEARCH = textwrap.dedent(
    """
    import sys
    from trainwell.tuning import LogUniform, SyntheticObjective, random_search
    objective = SyntheticObjective({"learning_rate": 0.01}, noise=0.05, sleep=0.05)
    random_search(objective, {"learning_rate": LogUniform(1e-4, 1.0)}, 40, random_state=4,
                  journal=sys.argv[1])
    """
)


def test_sigkill_mid_search_loses_only_trials_in_flight(tmp_path):
    path = tmp_path / "search.jsonl"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_SEARCH, str(path)])
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if path.exists() and path.read_text().count("\n") >= 6:  # header + 5 trials
                break
            assert proc.poll() is None, "the search ended before it could be killed"
            time.sleep(0.01)
        else:
            pytest.fail("the journal did not grow within 60 s")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    journal = Journal(path)  # parses: at most the last line torn
    done = set(journal.records)
    assert done == set(range(len(done))) and 5 <= len(done) < 40
    counting = Counting(SyntheticObjective({"learning_rate": 0.01}, noise=0.05))
    resumed = random_search(counting, SPACE, 40, random_state=4, journal=path)
    assert len(counting.configs) == 40 - len(done)
    reference = random_search(SyntheticObjective({"learning_rate": 0.01}, noise=0.05), SPACE, 40, 4)
    assert records(resumed) == records(reference)
    lines = path.read_text().splitlines()
    assert len(lines) == 41 and all(json.loads(line) for line in lines)


@pytest.fixture(scope="module")
def moons():
    from sklearn.datasets import make_moons

    X, y = make_moons(120, noise=0.2, random_state=0)
    return X[:90], y[:90], X[90:], y[90:]


def network(data, **kwargs):
    from trainwell.tuning import NetworkObjective

    return NetworkObjective(*data, **{"fixed": {"epochs": 2}, **kwargs})


def test_a_journal_of_another_objective_is_refused(tmp_path, moons):
    path = tmp_path / "search.jsonl"
    first = random_search(network(moons), SPACE, 3, random_state=0, journal=path)
    header = json.loads(path.read_text().splitlines()[0])
    assert header["objective"]["type"] == "NetworkObjective"
    again = random_search(network(moons), SPACE, 3, random_state=0, journal=path)  # same: reused
    assert records(again) == records(first)
    X, y, Xd, yd = moons
    others = {
        "'data'": network((X[:80], y[:80], Xd, yd)),  # another dataset
        "'metric'": network(moons, metric="neg_cost"),
        "'fixed'": network(moons, fixed={"epochs": 3}),
        "'random_state'": network(moons, random_state=0),
    }
    for what, objective in others.items():
        with pytest.raises(InvalidParameterError, match=f"'objective' differs in {what}"):
            random_search(objective, SPACE, 3, random_state=0, journal=path)
    assert len(path.read_text().splitlines()) == 4  # nothing was added


def test_the_objective_description_survives_json(tmp_path, moons):
    import numpy as np

    fixed = {"epochs": np.int64(2), "hidden_units": (4, 3)}  # read back as 2 and [4, 3]
    path = tmp_path / "search.jsonl"
    random_search(network(moons, fixed=fixed), SPACE, 2, random_state=0, journal=path)
    again = network(moons, fixed=fixed)
    assert random_search(again, SPACE, 2, random_state=0, journal=path).trials[0].ok
    assert len(path.read_text().splitlines()) == 3  # both trials reused, none run again


# --- a journal that cannot lose data -------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"precious notes, no newline", b"a,b\n1,2\n", b'{"type": "trial", "index": 0}\n', b"{"],
)
def test_a_file_that_is_not_a_journal_is_refused_and_left_untouched(tmp_path, content):
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match="is not a trainwell journal"):
        random_search(OBJECTIVE, SPACE, 2, random_state=0, journal=path)
    assert path.read_bytes() == content


def test_a_header_torn_by_a_kill_during_the_first_write_is_a_journal(tmp_path):
    path = tmp_path / "search.jsonl"
    path.write_bytes(b'{"type":"header","vers')
    result = random_search(OBJECTIVE, SPACE, 2, random_state=0, journal=path)
    assert len(result.trials) == 2 and Journal(path).header["seed"] == 0


HOLD = """
import sys, time
from trainwell.tuning import Journal
journal = Journal(sys.argv[1]).open()
print("locked", flush=True)
time.sleep(60)
"""


def test_a_second_search_on_a_journal_in_use_fails_at_once(tmp_path):
    from trainwell.tuning.journal import JournalLockedError

    path = tmp_path / "search.jsonl"
    random_search(OBJECTIVE, SPACE, 2, random_state=0, journal=path)
    before = path.read_bytes()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(JournalLockedError, match="in use by another search"):
            random_search(OBJECTIVE, SPACE, 4, random_state=0, journal=path)
        assert path.read_bytes() == before
    finally:
        holder.kill()
        holder.wait(timeout=10)
    # the operating system released the killed holder's lock: the search resumes
    result = random_search(OBJECTIVE, SPACE, 2, random_state=0, journal=path)
    assert len(result.trials) == 2


def test_open_never_cuts_records_another_writer_appended_after_we_read(tmp_path):
    path = tmp_path / "search.jsonl"
    random_search(OBJECTIVE, SPACE, 2, random_state=0, journal=path)
    stale = Journal(path)  # read now: 2 trials
    with Journal(path) as other:  # another writer appends a third
        other.write({"type": "trial", "index": 7, "config": {}, "seed": 1})
    stale.open()  # read again under the lock: nothing to cut
    stale.write({"type": "trial", "index": 8, "config": {}, "seed": 2})
    stale.close()
    assert sorted(Journal(path).records) == [0, 1, 7, 8]
