"""docs/tutorial.ipynb and trainwell's displays, executed for real in a Jupyter kernel."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[1]


def _execute(nb, monkeypatch):
    """Run every cell in a fresh python3 kernel that imports this checkout's trainwell."""
    paths = (str(ROOT / "src"), os.environ.get("PYTHONPATH"))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in paths if p))  # for the kernel
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3")
    client.execute(cwd=str(ROOT))
    return nb


def _outputs(cell):
    return [o for o in cell.outputs if o.output_type in ("execute_result", "display_data")]


@pytest.mark.slow
def test_tutorial_runs_and_every_result_displays_richly(monkeypatch):
    nb = _execute(nbformat.read(ROOT / "docs" / "tutorial.ipynb", as_version=4), monkeypatch)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not any(o.output_type == "error" for o in c.outputs) for c in code)
    shown = {c.source.splitlines()[-1]: _outputs(c) for c in code if _outputs(c)}
    for last_line in ("net", "history", "tw.gradient_check(small, X_train[:20], y_train[:20])"):
        assert "text/html" in shown[last_line][0].data, last_line
    figures = [outs for outs in shown.values() if "image/png" in outs[0].data]
    assert len(figures) == 3 and all(len(outs) == 1 for outs in figures)  # once each
    stderr = "".join(
        o.get("text", "") for c in code for o in c.outputs if o.get("name") == "stderr"
    )
    assert "Warning" not in stderr


@pytest.mark.slow
def test_figures_show_once_beside_pyplot_and_bars_fall_back_to_text(monkeypatch):
    v4 = nbformat.v4
    nb = v4.new_notebook(
        cells=[
            v4.new_code_cell("%matplotlib inline\nimport matplotlib.pyplot as plt"),
            v4.new_code_cell(
                "from trainwell.plots import cost_curves\ncost_curves({'gd': [0.7, 0.5, 0.4]})"
            ),
            v4.new_code_cell(
                "import sys, numpy as np, trainwell as tw\n"
                "sys.modules['ipywidgets'] = None  # as where ipywidgets is not installed\n"
                "X = np.random.RandomState(0).randn(50, 2); y = (X[:, 0] > 0).astype(int)\n"
                "net = tw.Network([tw.Dense(3, 'relu'), tw.Dense(1, 'sigmoid')], random_state=0)\n"
                "h = tw.fit(net, X, y, epochs=5, progress=True)"
            ),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    nb = _execute(nb, monkeypatch)
    figure = _outputs(nb.cells[1])
    assert len(figure) == 1 and "image/png" in figure[0].data
    bar = "".join(o.get("text", "") for o in nb.cells[2].outputs if o.get("name") == "stderr")
    assert "training" in bar and "IProgress" not in bar and "Warning" not in bar
