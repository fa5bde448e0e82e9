"""Trials on a real Dask cluster: scheduler and workers started as subprocesses on 127.0.0.1.

A worker is SIGKILLed mid-search and a trial calls ``os._exit``; the search records every
trial and loses only the work that was on the dead worker.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import require
from trainwell.exceptions import InvalidParameterError
from trainwell.tuning import LogUniform, random_search
from trainwell.tuning.dask_pool import DaskPool, check_address

SPACE = {"learning_rate": LogUniform(1e-4, 1.0)}
ROOT = Path(__file__).resolve().parents[2]


def exits_above(config, *, random_state):
    """Kills its worker process for large learning rates (as a segfault would)."""
    if config["learning_rate"] > 0.1:
        os._exit(3)
    return {"dev_score": -config["learning_rate"], "train_score": 0.0}


def slow(config, *, random_state):
    time.sleep(0.8)
    return {"dev_score": -config["learning_rate"], "train_score": 0.0}


def _wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise TimeoutError(f"gave up waiting for {what} after {timeout} s")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """``(address, worker Popen list)``: a scheduler and two one-thread workers."""
    require("distributed")
    folder = tmp_path_factory.mktemp("dask")
    file = folder / "scheduler.json"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        # a worker death fails its tasks at once: the search's own retries take over
        "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0",
    }
    procs = []
    try:
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                 "--port", "0", "--no-dashboard", "--scheduler-file", str(file)],
                env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        )  # fmt: skip
        _wait_for(lambda: file.exists() and file.stat().st_size > 0, 60, "the scheduler")
        time.sleep(0.2)
        address = json.loads(file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        for _ in range(2):
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "distributed.cli.dask_worker", address,
                     "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard"],
                    env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )
            )  # fmt: skip
        import distributed

        with distributed.Client(address, set_as_default=False, timeout="20s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address, procs[1:]
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)


def test_a_bad_address_fails_at_once_with_a_clear_message():
    with pytest.raises(InvalidParameterError, match="Dask scheduler address"):
        check_address("garbage")
    require("distributed")
    with pytest.raises(OSError, match="Could not reach a Dask scheduler at 'tcp://127.0.0.1:9'"):
        DaskPool("tcp://127.0.0.1:9", timeout="1s")


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_one_thread_workers_run_every_trial_and_say_where(cluster):
    address, _ = cluster
    result = random_search(slow, SPACE, 4, random_state=0, scheduler=address)
    assert all(t.ok for t in result.trials)
    assert all(t.worker.startswith("tcp://127.0.0.1:") for t in result.trials)
    serial = random_search(slow, SPACE, 4, random_state=0)
    assert [t.dev_score for t in result.trials] == [t.dev_score for t in serial.trials]


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_trial_that_kills_its_worker_is_failed_and_the_search_goes_on(cluster):
    address, _ = cluster
    result = random_search(exits_above, SPACE, 6, random_state=1, scheduler=address, retries=1)
    killers = [t for t in result.trials if t.config["learning_rate"] > 0.1]
    others = [t for t in result.trials if t.config["learning_rate"] <= 0.1]
    assert killers and others
    assert all(t.status == "failed" and "WorkerLost" in t.error for t in killers)
    assert all(t.attempts == 2 for t in killers)
    assert all(t.ok for t in others)


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_worker_sigkilled_mid_search_costs_only_its_trials(cluster, tmp_path):
    psutil = require("psutil")
    address, _ = cluster
    import distributed

    with distributed.Client(address, set_as_default=False, timeout="20s") as client:
        client.wait_for_workers(2, timeout=60)  # the nannies restarted the earlier victims
        pids = client.run(os.getpid)  # {worker address: pid}
    journal = tmp_path / "j.jsonl"
    out = {}
    search = threading.Thread(
        target=lambda: out.update(
            result=random_search(
                slow, SPACE, 12, random_state=2, scheduler=address, journal=journal, retries=1
            )
        )
    )
    search.start()
    try:
        _wait_for(
            lambda: journal.exists() and len(journal.read_text().splitlines()) >= 3,
            60,
            "two trials",
        )
        time.sleep(0.4)  # half way through the next trials (each takes 0.8 s)
        victim = psutil.Process(sorted(pids.values())[0])
        assert victim.is_running()
        os.kill(victim.pid, signal.SIGKILL)
    finally:
        search.join(timeout=150)
    assert not search.is_alive()
    result = out["result"]
    assert len(result.trials) == 12 and all(t.ok for t in result.trials)
    assert any(t.attempts == 2 for t in result.trials)  # the trial that was on it


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_the_cli_uses_the_toml_scheduler_and_prints_the_dashboard(cluster, tmp_path, capsys):
    import numpy as np
    from sklearn.datasets import make_moons

    from trainwell.cli import main

    address, _ = cluster
    X, y = make_moons(120, noise=0.2, random_state=0)
    np.savez(tmp_path / "moons.npz", X=X, y=y)
    (tmp_path / "t.toml").write_text(
        "[dataset]\npath = 'moons.npz'\n[fixed]\nepochs = 3\n"
        f"[search]\nn_trials = 3\nscheduler = '{address}'\n"
        "[space]\nlearning_rate = { dist = 'log_uniform', low = 1e-3, high = 0.3 }\n"
    )
    out = tmp_path / "r.json"
    assert (
        main(["tune", str(tmp_path / "t.toml"), "--json-out", str(out), "--out", str(tmp_path)])
        == 0
    )
    text = capsys.readouterr().out
    assert f"the Dask cluster at {address} (from [search] scheduler)" in text
    assert "Dask dashboard:" in text
    trials = json.loads(out.read_text())["result"]["trials"]
    assert all(t["worker"].startswith("tcp://127.0.0.1:") and t["host"] for t in trials)
