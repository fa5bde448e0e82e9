"""Uploads: stored under the private temp folder only, parsed per label column, cleaned up."""

from __future__ import annotations

import pytest

from trainwell.exceptions import DataError
from trainwell.lab.uploads import Uploads, display_name

CSV = "y,a,b\n" + "".join(f"{i % 2},{i},{(i * 7) % 5}\n" for i in range(12))


def test_receive_writes_only_in_the_temp_folder_and_parses():
    u = Uploads()
    try:
        d = u.receive(CSV.encode(), "../../x/../mine.CSV", label_column=0)
        assert d.name == "mine.CSV" and d.X_train.shape == (12, 2)
        assert [p.name for p in u.folder.iterdir()] == ["upload-1.csv"]
        assert u.dataset(0) is d  # cached per label column
        assert u.dataset(-1).X_train.shape == (12, 2)  # another column: parsed again
    finally:
        u.cleanup()
    assert not u.folder.exists()


def test_a_bad_file_keeps_the_previous_upload():
    u = Uploads()
    try:
        good = u.receive(CSV.encode(), "good.csv", 0)
        with pytest.raises(DataError) as err:
            u.receive(b"a,b\n1\n", "bad.csv")
        assert str(err.value).startswith("'bad.csv':") and str(u.folder) not in str(err.value)
        assert u.dataset(0) is good
        with pytest.raises(DataError, match="CSV, NPZ or MAT"):
            u.receive(b"x", "notes.txt")
    finally:
        u.cleanup()


def test_use_file_reads_the_command_line_file(tmp_path):
    p = tmp_path / "given.csv"
    p.write_text(CSV)
    u = Uploads()
    try:
        assert u.use_file(p, 0).name == "given.csv"
        with pytest.raises(DataError, match="no such file"):
            u.use_file(tmp_path / "missing.csv")
    finally:
        u.cleanup()


def test_display_name_is_harmless():
    assert display_name("C:\\Users\\me\\d<>.csv") == "d__.csv"
    assert display_name("") == "upload"
