"""The pool that runs ``trainwell reproduce``'s jobs: the serial run's bits, in the serial
order, and a failing job or a dying worker reported by name."""

import json
import os
import sys
import time
import types

import pytest

from trainwell.cli import main
from trainwell.course import EXPERIMENTS
from trainwell.course._base import ExperimentResult, Job, Settings
from trainwell.course.runner import reproduce
from trainwell.course.scheduler import ExperimentError, run_parallel, workers_for
from trainwell.report import results_json

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="the fake experiments reach the workers through fork"
)


def _nap(seconds):
    time.sleep(seconds)
    return seconds


def _boom(message):
    raise ZeroDivisionError(message)


def _die(_):
    os._exit(3)  # as if the OS killed the worker


def _assemble(settings, jobs, out):
    return ExperimentResult("fake", "Fake", "", results={"order": list(out), "out": out})


@pytest.fixture
def fake(monkeypatch):
    """Register experiment ``fake`` whose jobs the test chooses; two workers."""
    monkeypatch.setattr("trainwell.course.scheduler.os.cpu_count", lambda: 2)
    module = types.ModuleType("trainwell.course.fake")
    module.NAME = "fake"
    module.assemble = _assemble
    monkeypatch.setitem(sys.modules, "trainwell.course.fake", module)
    monkeypatch.setitem(EXPERIMENTS, "fake", "a test's experiment")

    def define(**jobs):
        module.jobs = lambda settings: dict(jobs)

    return define


def test_outputs_reach_assemble_in_the_jobs_order_whatever_finishes_first(fake):
    # the longest job starts first and finishes last
    fake(a=Job(_nap, 0.6, cost=9.0), b=Job(_nap, 0.0, cost=1.0), c=Job(_nap, 0.1, cost=2.0))
    finished = []
    (result,) = run_parallel(["fake"], Settings(n_jobs=2), done=finished.append)
    assert result.results["order"] == ["a", "b", "c"]
    assert result.results["out"] == {"a": 0.6, "b": 0.0, "c": 0.1}
    assert finished == [result] and result.seconds >= 0.7


def test_a_failing_job_names_its_experiment_and_job(fake):
    fake(ok=Job(_nap, 0.0), bad=Job(_boom, "no luck"))
    with pytest.raises(ExperimentError, match="experiment 'fake' \\(job 'bad'\\)") as info:
        run_parallel(["fake"], Settings(n_jobs=2))
    err = info.value
    assert (err.experiment, err.job) == ("fake", "bad")
    assert "ZeroDivisionError: no luck" in str(err)
    assert "_boom" in err.details  # the worker's traceback


def test_a_dying_worker_is_reported(fake):
    fake(ok=Job(_nap, 0.0), dies=Job(_die, None, cost=5.0))
    with pytest.raises(ExperimentError, match="worker process died") as info:
        run_parallel(["fake"], Settings(n_jobs=2))
    assert "experiment 'fake' (job 'dies')" in str(info.value)


def test_the_command_reports_a_workers_failure(fake, tmp_path, capsys):
    fake(bad=Job(_boom, "no luck"), ok=Job(_nap, 0.0))
    out = tmp_path / "report"
    assert main(["reproduce", "--only", "fake", "--out", str(out), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "trainwell reproduce: error: experiment 'fake' (job 'bad') failed" in err
    assert "ZeroDivisionError: no luck" in err and "The worker's traceback" in err
    assert not (out / "results.json").exists()


def test_parallel_and_serial_runs_write_the_same_bits(monkeypatch):
    monkeypatch.setattr("trainwell.course.scheduler.os.cpu_count", lambda: 2)
    names = ["initialization", "regularization", "optimization", "batchnorm_softmax"]
    small = Settings(scale=0.01, figures=True)
    serial = reproduce(names, small)
    parallel = reproduce(names, Settings(scale=0.01, figures=True, n_jobs=2))
    assert [r.name for r in parallel] == names
    assert results_json(parallel) == results_json(serial)
    for one, other in zip(serial, parallel):
        assert list(one.figures) == list(other.figures)  # drawn in the workers, as PNG
        assert all(png[:4] == b"\x89PNG" for png in other.figures.values())
    json.loads(results_json(parallel))


def test_workers_never_outnumber_the_cores(monkeypatch):
    monkeypatch.setattr("trainwell.course.scheduler.os.cpu_count", lambda: 2)
    assert workers_for(Settings(n_jobs=6)) == 2
    assert workers_for(Settings(n_jobs=1)) == 1
