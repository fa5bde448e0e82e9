"""The ``trainwell`` command line: version, help for every option, one meaning of --json."""

from __future__ import annotations

import json

import pytest

import trainwell
from trainwell.cli import build_parser, main


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"trainwell {trainwell.__version__}"


@pytest.mark.parametrize("command", ["reproduce", "diagnose"])
def test_every_option_has_a_help_line(command):
    sub = build_parser()._subparsers._group_actions[0].choices[command]
    for action in sub._actions:
        assert action.help, f"{command} {action.option_strings} has no help"


def test_json_flag_prints_json_and_the_old_path_form_still_writes(tmp_path, capsys):
    argv = ["diagnose", "--train-error", "0.01", "--dev-error", "0.11"]
    assert main([*argv, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "high variance"
    path = tmp_path / "d.json"
    assert main([*argv, "--json-out", str(path)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Verdict: high variance") and json.loads(path.read_text())
    old = tmp_path / "old.json"
    assert main([*argv, "--json", str(old)]) == 0  # deprecated spelling of --json-out
    captured = capsys.readouterr()
    assert "deprecated" in captured.err and "--json-out" in captured.err
    assert json.loads(old.read_text()) == json.loads(path.read_text())


def test_reproduce_json_keeps_stdout_pure_json(tmp_path, capsys):
    out = tmp_path / "r"
    argv = ["reproduce", "--only", "moving_averages", "--out", str(out), "--no-progress"]
    assert main([*argv, "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == json.loads((out / "results.json").read_text())
    assert "moving_averages" in captured.err


def test_diagnose_never_prints_minus_zero(capsys):
    assert main(["diagnose", "--train-error", "0.08", "--dev-error", "0.0799999"]) == 0
    out = capsys.readouterr().out
    assert "-0.00%" not in out and "variance       0.00%" in out
