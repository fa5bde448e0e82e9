"""The MAT v5 structure check that runs before scipy parses a file.

A matrix whose data element has type code 0 (or 14, or 99) made ``scipy.io.loadmat`` die
with SIGSEGV. The crafted files are generated here from a good one. The loading test runs
in a child process, so a regression fails the test instead of killing the test run.
"""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib

import numpy as np
import pytest
import scipy.io
import scipy.sparse

from trainwell.data import load_mat
from trainwell.data._filecheck import check_mat_file
from trainwell.exceptions import DataError

REAL_PART_TAG = 176  # byte offset of X's data tag in the uncompressed file written below


def good_file(path, compress=False):
    scipy.io.savemat(
        path, {"X": np.arange(6.0).reshape(2, 3), "y": [[1, 0, 1]]}, do_compression=compress
    )
    return path


def crafted(path, offset=REAL_PART_TAG, value=0):
    data = bytearray(good_file(path).read_bytes())
    assert struct.unpack("<I", data[offset : offset + 4])[0] == 9  # miDOUBLE: X's values
    data[offset : offset + 4] = struct.pack("<I", value)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("code", [0, 14, 99])
def test_a_data_element_of_no_numeric_type_is_refused_before_scipy(tmp_path, code):
    path = crafted(tmp_path / "crafted.mat", value=code)
    with pytest.raises(DataError, match=rf"crafted.mat.*real part has data type {code}"):
        check_mat_file(path)


def test_load_mat_of_the_crashing_file_gives_a_message_in_a_child_process(tmp_path):
    path = crafted(tmp_path / "crash.mat")
    code = (
        "import sys\nfrom trainwell.data import load_mat\nfrom trainwell.exceptions import "
        "DataError\ntry:\n    load_mat(sys.argv[1])\nexcept DataError as e:\n    print(e)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr  # -11 was SIGSEGV
    assert "crash.mat" in run.stdout and "could not be read as a MATLAB .mat file" in run.stdout


def test_compressed_element_with_a_bad_inner_tag_is_refused(tmp_path):
    raw = good_file(tmp_path / "plain.mat").read_bytes()
    size = struct.unpack("<I", raw[132:136])[0]
    inner = bytearray(raw[128 : 136 + size])
    inner[REAL_PART_TAG - 128 : REAL_PART_TAG - 124] = struct.pack("<I", 0)
    packed = zlib.compress(bytes(inner))
    path = tmp_path / "packed.mat"
    path.write_bytes(raw[:128] + struct.pack("<II", 15, len(packed)) + packed)
    with pytest.raises(DataError, match="packed.mat.*data type 0"):
        load_mat(path, X_test_key=None, y_test_key=None)


@pytest.mark.parametrize(
    ("offset", "value", "match"),
    [(132, 2**31, "claims 2147483648 bytes"), (136, 0, "flags has data type 0")],
)
def test_sizes_and_tags_of_the_matrix_are_checked(tmp_path, offset, value, match):
    data = bytearray(good_file(tmp_path / "f.mat").read_bytes())
    data[offset : offset + 4] = struct.pack("<I", value)
    (tmp_path / "f.mat").write_bytes(bytes(data))
    with pytest.raises(DataError, match=match):
        check_mat_file(tmp_path / "f.mat")


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_well_formed_files_of_every_kind_pass(tmp_path):
    content = {
        "X": np.arange(6.0).reshape(2, 3),
        "text": "hello",
        "cell": np.array([1, "a", np.ones(2)], dtype=object),
        "record": {"a": 1.0, "b": np.eye(2)},
        "complex": np.array([1 + 2j]),
        "flags": np.array([True, False]),
        "small": np.int8([1, 2, 3]),
        "empty": np.zeros((0, 3)),
        "sparse": scipy.sparse.random(5, 4, density=0.3, format="csc", random_state=0),
    }
    for compress in (False, True):
        path = tmp_path / f"all{compress}.mat"
        scipy.io.savemat(path, content, do_compression=compress)
        check_mat_file(path)
        scipy.io.savemat(path, content, do_compression=compress, format="5", oned_as="column")
        check_mat_file(path)


def test_a_v4_file_is_refused_with_a_message(tmp_path):
    path = tmp_path / "old.mat"
    scipy.io.savemat(path, {"X": np.ones((2, 2))}, format="4")
    with pytest.raises(DataError, match="MATLAB v5 to v7.2"):
        check_mat_file(path)
