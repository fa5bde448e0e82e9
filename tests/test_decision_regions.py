"""Decision regions: the prediction grid and the regions split by the decision rule."""

import numpy as np

from trainwell import decision_regions, plots

PNG = b"\x89PNG\r\n\x1a\n"


def test_decision_boundaries_from_grids(tmp_path):
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    y = np.array([0, 1, 1, 0])
    grid = plots.decision_grid(lambda P: P[:, 1] > 0.5, X, resolution=20)
    assert grid[2].shape == (20, 20) and set(np.unique(grid[2])) == {0.0, 1.0}
    fig = plots.decision_boundaries({"a": grid, "b": grid}, X, y, title="t", ncols=3)
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    path = plots.save_png(fig, tmp_path / "b.png")
    assert path.read_bytes().startswith(PNG)


def test_a_grid_of_probabilities_is_drawn_as_regions():
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    xx, yy, zz = decision_regions.decision_grid(lambda P: P[:, 0], X, resolution=5, margin=0.0)
    assert zz[0].tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]  # probabilities of class 1
    fig = decision_regions.decision_boundaries({"p": (xx, yy, zz)}, X, np.array([0, 1]))
    assert [ax.get_title() for ax in fig.axes] == ["p"]
    assert plots.decision_grid is decision_regions.decision_grid
