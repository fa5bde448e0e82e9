"""`trainwell lab` as a process: one line, the token works, Ctrl-C stops it cleanly; and
`import trainwell` / `trainwell --help` stay free of the web stack."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[2] / "src")
ENV = {**os.environ, "PYTHONPATH": SRC}


def _start(*args):
    return subprocess.Popen(
        [sys.executable, "-m", "trainwell.cli", "lab", "--no-browser", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )


def test_prints_one_line_serves_with_the_token_and_stops_on_ctrl_c():
    proc = _start("--port", "0")
    try:
        line = proc.stdout.readline()
        assert line.startswith("trainwell lab: http://127.0.0.1:") and "/?token=" in line
        url = line.split("trainwell lab: ", 1)[1].strip()
        with urllib.request.urlopen(url, timeout=30) as r:
            assert r.status == 200 and b'data-testid="boundary"' in r.read()
        bare = url.split("?")[0]
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(bare, timeout=30)
        assert err.value.code == 403
    finally:
        proc.send_signal(signal.SIGINT)
        out, err_text = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert out == ""  # exactly one line in all
    assert "Traceback" not in err_text


def test_all_interfaces_warns_and_bad_data_fails_early(tmp_path):
    proc = _start("--host", "0.0.0.0")
    try:
        assert proc.stdout.readline().startswith("trainwell lab: http://127.0.0.1:")
    finally:
        proc.send_signal(signal.SIGINT)
        _, err_text = proc.communicate(timeout=60)
    assert "warning" in err_text and "every network interface" in err_text
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1\n")
    done = subprocess.run(
        [sys.executable, "-m", "trainwell.cli", "lab", "--no-browser", "--data", str(bad)],
        capture_output=True, text=True, env=ENV, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2 and "bad.csv" in done.stderr and done.stdout == ""


def test_import_and_help_do_not_load_the_web_stack():
    code = (
        "import sys, trainwell, trainwell.cli\n"
        "try:\n    trainwell.cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
        "web = [m for m in ('starlette', 'uvicorn', 'websockets', 'trainwell.lab') "
        "if m in sys.modules]\n"
        "print('LOADED', web)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV)
    assert "LOADED []" in out.stdout, out.stdout + out.stderr
