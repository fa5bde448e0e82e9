"""Atomic writes: a crash mid-write leaves the old file whole and no temporary behind."""

from __future__ import annotations

import os
import stat

import pytest

from trainwell._files import atomic_writer, write_atomic


def test_writes_text_and_bytes_creating_folders(tmp_path):
    path = write_atomic(tmp_path / "a" / "b" / "x.txt", "héllo")
    assert path.read_text(encoding="utf-8") == "héllo"
    assert write_atomic(path, b"\x00\x01").read_bytes() == b"\x00\x01"
    assert os.listdir(path.parent) == ["x.txt"]


def test_permissions_follow_the_umask_not_owner_only(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_atomic(tmp_path / "report.md", "# r")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


@pytest.mark.parametrize("error", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_a_failure_mid_write_keeps_the_old_file(tmp_path, error):
    path = write_atomic(tmp_path / "results.json", '{"good": true}')
    with pytest.raises(type(error)):
        with atomic_writer(path) as fh:
            fh.write(b'{"half": ')
            raise error
    assert path.read_text() == '{"good": true}'
    assert os.listdir(tmp_path) == ["results.json"]


def test_a_figure_whose_saving_fails_midway_keeps_the_saved_one(tmp_path):
    from matplotlib.figure import Figure

    from trainwell.tuning.plots import _save

    fig = Figure()
    fig.subplots().plot([0, 1], [1, 0])
    path = tmp_path / "search.png"
    _save(fig, path)
    before = path.read_bytes()
    assert before.startswith(b"\x89PNG")

    def savefig_dies_midway(fh, **kw):
        fh.write(before[:100])
        raise MemoryError("renderer died")

    fig.savefig = savefig_dies_midway
    with pytest.raises(MemoryError):
        _save(fig, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["search.png"]


def test_figures_take_their_format_from_the_suffix_as_matplotlib_does(tmp_path):
    from matplotlib.figure import Figure

    from trainwell._files import save_figure

    fig = Figure()
    fig.subplots().plot([0, 1], [1, 0])
    assert save_figure(fig, tmp_path / "my.dir" / "c").name == "c.png"  # no suffix: .png
    assert (tmp_path / "my.dir" / "c.png").read_bytes().startswith(b"\x89PNG")
    assert save_figure(fig, tmp_path / "c.SVG").read_text().lstrip().startswith("<?xml")
    assert sorted(p.name for p in (tmp_path / "my.dir").iterdir()) == ["c.png"]


def test_a_killed_writers_temporary_is_removed_by_the_next_write(tmp_path):
    """SIGKILL mid-write leaves .NAME.PID.HEX.tmp behind; the next write of that target
    removes it (the process is gone), and leaves other files alone."""
    import signal
    import subprocess
    import sys

    target = tmp_path / "model.npz"
    code = (
        "import sys, time\nfrom trainwell._files import atomic_writer\n"
        "with atomic_writer(sys.argv[1]) as fh:\n    fh.write(b'half'); fh.flush()\n"
        "    print('writing', flush=True); time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code, str(target)], stdout=subprocess.PIPE)
    try:
        assert child.stdout.readline().strip() == b"writing"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].endswith(".tmp") and not target.exists()
    (tmp_path / ".model.npz.mine.tmp").write_bytes(b"a user's file")
    write_atomic(target, b"whole")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".model.npz.mine.tmp", "model.npz"]


def test_a_live_writers_temporary_is_kept(tmp_path):
    from trainwell._files import remove_stale_temporaries

    mine = tmp_path / f".a.txt.{os.getpid()}.0123abcd.tmp"
    mine.write_bytes(b"in progress")
    assert remove_stale_temporaries(tmp_path / "a.txt") == []
    assert mine.exists()


def test_refuse_foreign_names_the_file_and_keeps_it(tmp_path):
    from trainwell._files import refuse_foreign

    path = tmp_path / "notes.txt"
    path.write_text("precious")
    with pytest.raises(FileExistsError, match="notes.txt' exists and trainwell did not write"):
        refuse_foreign(path, "--json", lambda p: False)
    refuse_foreign(path, "--json", lambda p: True)
    refuse_foreign(tmp_path / "new.txt", "--json", lambda p: False)
    assert path.read_text() == "precious"
