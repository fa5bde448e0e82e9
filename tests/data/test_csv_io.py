"""load_csv: good tables load (headers, names, delimiters), malformed ones fail clearly."""

from __future__ import annotations

import numpy as np
import pytest

from trainwell.data import load_csv
from trainwell.exceptions import DataError


def test_csv_with_header_and_named_target(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("label,height,weight\n1,1.5,60\n0,1.8,80\n\n1,1.6,55\n")
    ds = load_csv(path, target="label")
    np.testing.assert_array_equal(ds.X_train, [[1.5, 60], [1.8, 80], [1.6, 55]])
    assert ds.y_train.tolist() == [1, 0, 1] and ds.y_train.dtype == np.int64
    assert ds.feature_names == ("height", "weight") and ds.X_test is None
    assert "column 1 ('label')" in ds.note


def test_csv_without_header_last_column_target_and_delimiter(tmp_path):
    path = tmp_path / "d.tsv"
    path.write_text("1\t2\t0.5\n3\t4\t1.5\n")
    ds = load_csv(path, delimiter="\t")
    assert ds.X_train.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert ds.y_train.dtype == np.float64 and ds.y_train.tolist() == [0.5, 1.5]  # regression
    assert ds.feature_names == ("x1", "x2")
    assert load_csv(path, delimiter="\t", target=0).y_train.tolist() == [1, 3]


def test_csv_class_names_are_encoded(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,b,kind\n1,2,dog\n3,4,cat\n5,6,dog\n")
    ds = load_csv(path)
    assert ds.y_train.tolist() == [1, 0, 1] and ds.target_names == ("cat", "dog")


@pytest.mark.parametrize(
    ("text", "kwargs", "match"),
    [
        ("a,b,y\n1,2,0\n3,4\n", {}, "ragged: line 3 has 2 cells but line 1 has 3"),
        ("a,b,y\n1,2,0\n3,4,1,9\n", {}, "ragged: line 3 has 4 cells"),
        ("a,b,y\n1,two,0\n", {}, "line 2, column 2 holds 'two', which is not a number"),
        ("a,b,y\n1,,0\n", {}, "line 2, column 2 is empty"),
        ("a,b,y\n1,2,0\n1,nan,1\n", {}, "line 3, column 2 is 'nan' \\(NaN or infinity\\)"),
        ("a,b,y\n1,2,\n", {}, "line 2: the target cell is ''"),
        ("a,b,y\n1,2,NaN\n", {}, "line 2: the target cell is 'NaN'"),
        ("a,b,y\n", {}, "holds no data rows"),
        ("", {}, "holds no data rows"),
        ("1\n2\n", {}, "has 1 column"),
        ("a,b,y\n1,2,0\n", {"target": "z"}, "no column named 'z'"),
        ("1,2,0\n", {"target": "y"}, "no column named 'y'; its header is \\(none\\)"),
        ("a,b,y\n1,2,0\n", {"target": 3}, "index in \\[-3, 3\\)"),
    ],
    ids=[
        "short-row",
        "long-row",
        "text-cell",
        "empty-cell",
        "nan-cell",
        "empty-target",
        "nan-target",
        "header-only",
        "empty-file",
        "one-column",
        "unknown-name",
        "name-without-header",
        "index-out-of-range",
    ],
)
def test_csv_malformed(tmp_path, text, kwargs, match):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(DataError, match=match):
        load_csv(path, **kwargs)


@pytest.mark.parametrize(
    ("text", "names", "X"),
    [
        ("1.0,2.0,cat\n3.0,4.0,dog\n5.0,6.0,cat\n", ("x1", "x2"), [[1, 2], [3, 4], [5, 6]]),
        ("cat,1.0,2.0\ndog,3.0,4.0\n", ("x1", "x2"), [[1, 2], [3, 4]]),
        ("1,2,label\n1,2,0\n3,4,1\n", ("1", "2"), [[1, 2], [3, 4]]),  # named by the target
        ("h,w,kind\n1,,cat\n3,4,dog\n", None, "line 2, column 2 is empty"),  # blank ignored
        (",a,y\n0,1,2\n1,3,4\n", ("", "a"), [[0, 1], [1, 3]]),  # unnamed index column
        ("1,,0\n3,4,1\n", None, "line 1, column 2 is empty"),  # a blank is no name
        ("NA,2.0,0\n1.0,3.0,1\n", None, "line 1, column 1 holds 'NA'"),  # a gap, no name
        ("x,y,t\nN/A,2,0\n1,3,1\n", None, "line 2, column 1 holds 'N/A'"),
    ],
    ids=[
        "text-target-last",
        "text-target-first",
        "named-target",
        "blank",
        "index",
        "blank-row1",
        "missing-row1",
        "missing-row2",
    ],
)
def test_csv_auto_header_ignores_text_targets(tmp_path, text, names, X):
    path = tmp_path / "d.csv"
    path.write_text(text)
    target = 0 if text.startswith("cat") else -1
    if names is None:
        with pytest.raises(DataError, match=X):
            load_csv(path, target=target)
        return
    ds = load_csv(path, target=target)
    assert ds.feature_names == names
    np.testing.assert_array_equal(ds.X_train, X)


@pytest.mark.parametrize(
    ("data", "names", "X"),
    [
        (b"h,w,y\r\n1,2,0\r\n3,4,1\r\n", ("h", "w"), [[1, 2], [3, 4]]),
        (b"1.0,2,0\n3,4,1\n", ("x1", "x2"), [[1, 2], [3, 4]]),
    ],
    ids=["header", "no-header"],
)
def test_csv_byte_order_mark_is_dropped(tmp_path, data, names, X):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + data)
    ds = load_csv(path)
    assert ds.feature_names == names
    np.testing.assert_array_equal(ds.X_train, X)
    assert "\ufeff" not in ds.note


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("a,b,y\n1_0,2,0\n", "line 2, column 1 holds '1_0', which is not a number"),
        ("1_0,2,0\n3,4,1\n", "line 1, column 1 holds '1_0'"),  # not taken for a header
        ("a,b,y\n1,2,0\n3,1.0.0,1\n", "line 3, column 2 holds '1.0.0'"),
        ("a,b,y\n1,0x1f,0\n", "line 2, column 2 holds '0x1f'"),
    ],
    ids=["underscore", "underscore-row1", "two-points", "hex"],
)
def test_csv_malformed_numbers_are_refused(tmp_path, text, match):
    path = tmp_path / "d.csv"
    path.write_text(text)
    with pytest.raises(DataError, match=match):
        load_csv(path)


def test_csv_number_spellings_that_load(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,b,y\n+1.,.5,0\n -2e1 ,1.5E-1,1\n")
    np.testing.assert_array_equal(load_csv(path).X_train, [[1.0, 0.5], [-20.0, 0.15]])


def test_csv_binary_file_is_refused(tmp_path):
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x00")
    with pytest.raises(DataError, match="not a UTF-8 text CSV file"):
        load_csv(path)
