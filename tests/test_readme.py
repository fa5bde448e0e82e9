"""Every Python example in the README runs (in a temporary folder)."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_examples_and_two_quick_start_commands():
    text = README.read_text()
    assert len(BLOCKS) >= 5
    assert "pip install -e . && trainwell reproduce" in text
    assert (
        'pip install -e ".[test]" && ruff check . && ruff format --check . && python -m pytest'
        in text
    )


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example_runs(code, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    exec(compile(code, str(README), "exec"), {"__name__": "__readme__"})
    assert capsys.readouterr().out.strip()  # every example prints what it shows
