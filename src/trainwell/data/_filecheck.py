"""Checks of a data file before a parser reads it: that it is a file, and the structure
of MATLAB v5 files.

scipy's ``loadmat`` trusts the element tags of a file: a matrix whose data element has
type code 0 (or any code that names no numeric type) makes it read through a wild
pointer, and the process dies with SIGSEGV, no exception, no message. This module walks
the file's header and every element tag first (the layout of "MAT-File Format",
MathWorks, 2019: a 128-byte header, then tagged data elements, each padded to 8 bytes)
and refuses anything scipy would not parse safely, with a message naming the file.

Only what a data file needs is accepted: numeric and logical arrays, character arrays,
cells and structs of those (sparse arrays too); function handles and objects are refused.
"""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from pathlib import Path

from ..exceptions import DataError

__all__ = ["ZIP_ERRORS", "check_mat_file", "existing_file"]

#: What zipfile raises for a damaged archive besides BadZipFile: an "encrypted" or
#: "unsupported compression" flag flipped by corruption, a broken deflate stream.
ZIP_ERRORS = (zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error)


def existing_file(path: str | os.PathLike[str]) -> Path:
    """``path`` as a Path, if it names a file (a folder or nothing gets its own error)."""
    p = Path(path)
    if p.is_dir():
        raise IsADirectoryError(f"'{p}' is a folder, not a data file; give the file's path.")
    if not p.is_file():
        raise FileNotFoundError(f"No such data file: '{p}'.")
    return p


# mi* data types and their item sizes
_NUMERIC = {1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8}
_TEXT = {16: 1, 17: 2, 18: 4}
_MATRIX, _COMPRESSED = 14, 15
# mx* array classes
_CELL, _STRUCT, _OBJECT, _CHAR, _SPARSE = 1, 2, 3, 4, 5
_NUMERIC_CLASSES = range(6, 16)
_MAX_INFLATED = 1 << 31  # a compressed element that inflates beyond 2 GiB is refused
_MAX_DEPTH = 32


class _Bad(Exception):
    """Why the file is refused (the caller adds the file's name)."""


def check_mat_file(path: Path) -> None:
    """Refuse (DataError naming ``path``) a file that is not a well-formed MAT v5 file.

    A MATLAB v7.3 file (HDF5) gets its own message; v4 files are refused too.

    Examples
    --------
    >>> import tempfile, numpy as np, scipy.io
    >>> p = Path(tempfile.mkdtemp()) / "ok.mat"
    >>> scipy.io.savemat(p, {"X": np.ones((2, 3))}, do_compression=True)
    >>> check_mat_file(p)  # nothing to say
    """
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        _walk_file(data)
    except _V73:
        raise DataError(
            f"'{path}' is a MATLAB v7.3 (HDF5) file, which is not supported; save it "
            "with save(..., '-v7') or load it with h5py."
        ) from None
    except _Bad as exc:
        raise DataError(f"'{path}' could not be read as a MATLAB .mat file ({exc}).") from None


class _V73(Exception):
    pass


def _walk_file(data: bytes) -> None:
    if len(data) < 128:
        raise _Bad(
            f"{len(data)} bytes, shorter than the 128-byte header of the MATLAB v5 to v7.2 "
            "files that are read"
        )
    if data[:128].startswith(b"\x89HDF") or data[512:516] == b"\x89HDF":
        raise _V73()
    marker = data[126:128]
    if marker not in (b"IM", b"MI"):
        raise _Bad("no MAT v5 header (only MATLAB v5 to v7.2 files are read)")
    order = "<" if marker == b"IM" else ">"
    version = struct.unpack(order + "H", data[124:126])[0]
    if version == 0x0200:
        raise _V73()
    if version != 0x0100:
        raise _Bad(f"unknown MAT version 0x{version:04x}")
    _walk_top(data, 128, order)


def _tag(buf: bytes, pos: int, end: int, order: str) -> tuple[int, int, int, int]:
    """(type, size, data start, next element) of the element at ``pos``."""
    if pos + 8 > end:
        raise _Bad(f"an element tag at byte {pos} runs past its end ({end})")
    first, second = struct.unpack(order + "II", buf[pos : pos + 8])
    small = first >> 16
    if small:  # small data element: size in the upper half, type in the lower
        mtype, size = first & 0xFFFF, small
        if size > 4:
            raise _Bad(f"a small element at byte {pos} claims {size} bytes (at most 4)")
        return mtype, size, pos + 4, pos + 8
    start = pos + 8
    stop = start + second
    if stop > end:
        raise _Bad(f"an element at byte {pos} claims {second} bytes; only {end - start} remain")
    # compressed variables are not padded to 8 bytes
    nxt = stop if first == _COMPRESSED else start + ((second + 7) // 8) * 8
    return first, second, start, min(nxt, end)


def _walk_top(buf: bytes, pos: int, order: str) -> None:
    end = len(buf)
    if pos >= end:
        raise _Bad("no variables")
    while pos < end:
        mtype, size, start, pos = _tag(buf, pos, end, order)
        if mtype == _COMPRESSED:
            inflater = zlib.decompressobj()
            try:
                inner = inflater.decompress(buf[start : start + size], _MAX_INFLATED)
            except zlib.error as exc:
                raise _Bad(f"a compressed variable is corrupt ({exc})") from None
            if inflater.unconsumed_tail:
                raise _Bad("a compressed variable inflates beyond 2 GiB")
            mtype, size, istart, _ = _tag(inner, 0, len(inner), order)
            if mtype != _MATRIX:
                raise _Bad(f"a compressed variable holds data type {mtype}, not a matrix (14)")
            _walk_matrix(inner, istart, istart + size, order, 0)
        elif mtype == _MATRIX:
            _walk_matrix(buf, start, start + size, order, 0)
        else:
            raise _Bad(f"a variable has data type {mtype}; expected a matrix (14 or 15)")


def _walk_matrix(buf: bytes, pos: int, end: int, order: str, depth: int) -> None:
    """The sub-elements of one miMATRIX: flags, dimensions, name, then the class's data."""
    if depth > _MAX_DEPTH:
        raise _Bad(f"cells or structs nested deeper than {_MAX_DEPTH}")
    if pos == end:  # an empty matrix (cells hold these)
        return

    def element(expected: dict[int, int] | set[int], what: str) -> tuple[int, int, int]:
        nonlocal pos
        mtype, size, start, pos = _tag(buf, pos, end, order)
        if mtype not in expected:
            raise _Bad(f"{what} has data type {mtype}; expected one of {sorted(expected)}")
        return mtype, size, start

    _, size, start = element({6}, "an array's flags")
    if size != 8:
        raise _Bad(f"an array's flags take {size} bytes, not 8")
    flags = struct.unpack(order + "I", buf[start : start + 4])[0]
    cls, complex_ = flags & 0xFF, bool(flags & 0x800)
    _, size, start = element({5}, "an array's dimensions")
    if size < 8 or size % 4:
        raise _Bad(f"an array's dimensions take {size} bytes")
    dims = struct.unpack(order + f"{size // 4}i", buf[start : start + size])
    if min(dims) < 0:
        raise _Bad(f"an array has negative dimensions {dims}")
    count = 1
    for d in dims:
        count *= d
    element({1}, "an array's name")
    if cls in _NUMERIC_CLASSES:
        for part in ("real", "imaginary")[: 1 + complex_]:
            mtype, size, _ = element(_NUMERIC, f"an array's {part} part")
            if size != count * _NUMERIC[mtype]:
                raise _Bad(f"an array of {count} values stores {size} bytes of data type {mtype}")
    elif cls == _CHAR:
        mtype, size, _ = element({**_NUMERIC, **_TEXT}, "a character array")
        if mtype in _NUMERIC and size != count * _NUMERIC[mtype]:
            raise _Bad(f"a character array of {count} values stores {size} bytes")
    elif cls == _SPARSE:
        for part in ("row indices", "column offsets"):
            element({5}, f"a sparse array's {part}")
        for part in ("real", "imaginary")[: 1 + complex_]:
            element(_NUMERIC, f"a sparse array's {part} part")
    elif cls == _CELL:
        for _ in range(count):
            _, size, start = element({_MATRIX}, "a cell")
            _walk_matrix(buf, start, start + size, order, depth + 1)
    elif cls == _STRUCT:
        _, size, start = element({5}, "a struct's field-name length")
        if size != 4:
            raise _Bad("a struct's field-name length is not one int32")
        width = struct.unpack(order + "i", buf[start : start + 4])[0]
        _, size, _ = element({1}, "a struct's field names")
        if width <= 0 or size % width:
            raise _Bad(f"a struct's {size} bytes of field names are not in {width}-byte names")
        for _ in range(count * (size // width)):
            _, fsize, fstart = element({_MATRIX}, "a struct's field")
            _walk_matrix(buf, fstart, fstart + fsize, order, depth + 1)
    else:
        raise _Bad(f"an array of class {cls} (objects, functions) is not data")
    if pos < end:
        raise _Bad(f"an array has {end - pos} bytes after its data")
