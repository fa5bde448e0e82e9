"""Where trials run: serial, local processes with limited BLAS threads, a Dask cluster."""

from __future__ import annotations

import os
import sys

import pytest

from tests.conftest import require
from trainwell.exceptions import InvalidParameterError
from trainwell.tuning import Choice, LogUniform, SyntheticObjective, random_search
from trainwell.tuning.executors import (
    LocalExecutor,
    SerialExecutor,
    make_executor,
    run_trial,
)

SPACE = {"learning_rate": LogUniform(1e-4, 1.0), "batch_size": Choice([64, 128])}
OBJECTIVE = SyntheticObjective(
    {"learning_rate": 0.01}, noise=0.05, diverge_above={"learning_rate": 0.3}
)


def records(result):
    return [{**t.to_dict(), "time_s": None, "worker": None} for t in result.trials]


def blas_threads(config, *, random_state):
    """An objective reporting the BLAS pool size of the process it runs in."""
    from threadpoolctl import threadpool_info

    pools = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
    return {"dev_score": 0.0, "train_score": 0.0, "threads": max(pools, default=0)}


def where(config, *, random_state):
    """An objective reporting the process it ran in."""
    import os

    return {"dev_score": float(config["learning_rate"]), "train_score": 0.0, "pid": os.getpid()}


def test_make_executor_picks_the_backend():
    assert isinstance(make_executor(None, None), SerialExecutor)
    assert isinstance(make_executor(1, None), SerialExecutor)
    local = make_executor(2, None)
    assert isinstance(local, LocalExecutor) and local.n_workers == 2
    with pytest.raises(InvalidParameterError, match="'n_jobs'"):
        make_executor(True, None)
    with pytest.raises(InvalidParameterError, match="'scheduler' parameter must be"):
        make_executor(None, 8786)


def test_local_workers_limit_blas_threads_to_their_share_of_the_cores():
    from joblib import cpu_count

    result = random_search(blas_threads, SPACE, 4, random_state=0, n_jobs=2)
    threads = {t.metrics["threads"] for t in result.trials}
    assert threads == {max(1, cpu_count() // 2)}
    pids = random_search(where, SPACE, 6, random_state=0, n_jobs=2)
    assert os.getpid() not in {t.metrics["pid"] for t in pids.trials}


def test_run_trial_limits_blas_threads_when_asked():
    trial = run_trial(blas_threads, (0, 0, {}, 0), blas_threads=1)
    assert trial.ok and trial.metrics["threads"] == 1


def test_missing_distributed_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"pip install trainwell\[dask\]"):
        random_search(OBJECTIVE, SPACE, 2, random_state=0, scheduler="tcp://127.0.0.1:8786")


def test_an_unreachable_scheduler_is_a_clear_error():
    require("distributed")
    from trainwell.tuning.executors import DaskExecutor

    with pytest.raises(OSError, match="Could not reach a Dask scheduler at 'tcp://127.0.0.1:9'"):
        DaskExecutor("tcp://127.0.0.1:9", timeout="1s")


@pytest.mark.timeout(120)
def test_dask_local_cluster_gives_the_serial_results():
    distributed = require("distributed")
    serial = random_search(OBJECTIVE, SPACE, 6, random_state=9, rounds=2)
    assert serial.n_failed > 0  # the cluster must also carry failures back
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        with distributed.Client(cluster, set_as_default=False) as client:
            on_client = random_search(
                OBJECTIVE, SPACE, 6, random_state=9, rounds=2, scheduler=client
            )
            pids = random_search(where, SPACE, 6, random_state=0, scheduler=client)
            assert client.status != "closed"  # a client we pass in stays open
        worker_pids = {t.metrics["pid"] for t in pids.trials}
        assert os.getpid() not in worker_pids and len(worker_pids) <= 2
        # an address: the search opens its own client and closes it
        on_address = random_search(
            OBJECTIVE, SPACE, 6, random_state=9, rounds=2, scheduler=cluster.scheduler_address
        )
    assert records(on_client) == records(serial)
    assert records(on_address) == records(serial)
    assert [r.box for r in on_client.rounds] == [r.box for r in serial.rounds]


KILLED_SEARCH = """
import sys, time
from trainwell.tuning import LogUniform, random_search

def slow(config, *, random_state):
    time.sleep(120)
    return {"dev_score": 0.0, "train_score": 0.0}

random_search(slow, {"learning_rate": LogUniform(1e-4, 1.0)}, 4, random_state=0, n_jobs=2)
"""


@pytest.mark.slow
def test_sigkill_of_the_search_leaves_no_worker_running(tmp_path):
    import signal
    import subprocess
    import time

    psutil = require("psutil")
    script = tmp_path / "search.py"
    script.write_text(KILLED_SEARCH)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    main = subprocess.Popen([sys.executable, str(script)], env=env)
    workers = []
    try:
        parent = psutil.Process(main.pid)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(workers) < 2:
            workers = [p for p in parent.children(recursive=True) if "python" in p.name().lower()]
            time.sleep(0.2)
        assert len(workers) >= 2, "the loky workers never started"
        time.sleep(1.0)  # let them pick up their trials
        os.kill(main.pid, signal.SIGKILL)
        main.wait(timeout=10)
        gone, alive = psutil.wait_procs(workers, timeout=20)
        assert alive == [], f"workers outlived the killed search: {alive}"
    finally:
        if main.poll() is None:
            main.kill()
            main.wait(timeout=10)
        for p in workers:  # the killed search's workers, if any were left
            if p.is_running():
                p.kill()


def test_import_trainwell_and_its_tuning_import_no_dask():
    import subprocess

    code = (
        "import sys, trainwell, trainwell.tuning, trainwell.cli; "
        "trainwell.cli.build_parser(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed', "
        "'optuna')))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
