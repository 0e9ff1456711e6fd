"""Values between the checker and a student's process: JSON for the structure, one arrays file
for the arrays, never a pickle.

A value is encoded as a JSON tree whose leaves are JSON scalars (None, bool, int, float, str) or
references ``{"__array__": "a0"}`` to an entry of the arrays file. Tuples and lists keep
their kind (``{"__tuple__": [...]}``, ``{"__list__": [...]}``), dicts are lists of pairs with
string keys (``{"__dict__": [[key, value], ...]}``), and a NumPy scalar is a 0-d array, so its
dtype travels (a float32 cost stays float32). Anything else a student's function returns (an
object array, a class instance, a dict with a non-string key) becomes
``{"__unencodable__": "<type>: <repr, cut short>"}``: reported, not transported.

The arrays file is ``MAGIC``, the byte length of a JSON index (8 bytes, little-endian), the
index (per array: name, dtype string, shape, Fortran order, offset, byte count) and the arrays'
bytes. Read back, a dtype must be a plain number kind (``biufc``), so nothing in the file can
make an object; the arrays come back as ``np.load`` gives them (their dtype, byte order, shape,
memory order, each its own writable copy). An ``.npz`` carried the same, but its zip members and
per-array headers cost milliseconds a call, twice (the student's process writes the results,
the checker reads them), over the hundreds of calls of a class's files.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np

__all__ = ["Unencodable", "encode", "decode", "save_arrays", "load_arrays", "MAGIC"]

_ARRAY_KINDS = "biufc"  # bool, ints, floats, complex: plain bytes, never an object
_REPR_LIMIT = 200
MAGIC = b"NNPARITY-ARRAYS-1\n"
_LENGTH_BYTES = 8


class Unencodable(str):
    """What stands for a value that could not be transported: its type and a short repr."""


def _unencodable(value) -> dict:
    try:
        text = repr(value)
    except Exception as exc:  # a student's __repr__ may raise anything
        text = f"<repr raised {type(exc).__name__}>"
    if len(text) > _REPR_LIMIT:
        text = text[:_REPR_LIMIT] + "..."
    return {"__unencodable__": f"{type(value).__name__}: {text}"}


def encode(value, arrays: dict[str, np.ndarray], _depth: int = 0):
    """``value`` as a JSON tree; its arrays are added to ``arrays`` (name -> array)."""
    if _depth > 50:
        return _unencodable(value)
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value if abs(value) < 2**63 else _unencodable(value)
    if isinstance(value, float):
        return value
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.dtype.kind not in _ARRAY_KINDS:
            return _unencodable(value)
        name = f"a{len(arrays)}"
        arrays[name] = array
        return {"__array__": name}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v, arrays, _depth + 1) for v in value]}
    if isinstance(value, list):
        return {"__list__": [encode(v, arrays, _depth + 1) for v in value]}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            return _unencodable(value)
        return {"__dict__": [[k, encode(v, arrays, _depth + 1)] for k, v in value.items()]}
    return _unencodable(value)


def decode(tree, arrays):
    """The value a tree from ``encode`` stands for, its arrays read from ``arrays``."""
    if not isinstance(tree, dict):
        return tree
    if "__array__" in tree:
        array = np.asarray(arrays[tree["__array__"]])
        # np.savez keeps a 0-d array 0-d; a NumPy scalar went in as one, and comes back as one.
        return array[()] if array.ndim == 0 else array
    if "__tuple__" in tree:
        return tuple(decode(v, arrays) for v in tree["__tuple__"])
    if "__list__" in tree:
        return [decode(v, arrays) for v in tree["__list__"]]
    if "__dict__" in tree:
        return {k: decode(v, arrays) for k, v in tree["__dict__"]}
    if "__unencodable__" in tree:
        return Unencodable(tree["__unencodable__"])
    raise ValueError(f"not an encoded value: {tree!r}")


def save_arrays(path: Path | str, arrays: dict[str, np.ndarray]) -> None:
    """The arrays to one file (module docstring), written whole, then renamed into place."""
    index, chunks, offset = [], [], 0
    for name, value in arrays.items():
        array = np.asarray(value)
        # As np.save decides: Fortran order only where the array is that and not also C-ordered.
        fortran = bool(array.flags.f_contiguous and not array.flags.c_contiguous)
        data = array.T if fortran else np.ascontiguousarray(array)  # C-ordered either way: its bytes as they lie
        index.append([name, array.dtype.str, list(array.shape), fortran, offset, data.nbytes])
        chunks.append(data)
        offset += data.nbytes
    header = json.dumps(index).encode()
    tmp = f"{path}.tmp"
    with open(tmp, "wb") as f:
        f.write(MAGIC + len(header).to_bytes(_LENGTH_BYTES, "little") + header)
        for data in chunks:
            if data.nbytes:
                f.write(data.reshape(-1).view(np.uint8).data)  # as bytes: any byte order, bool, complex
    os.replace(tmp, path)


def load_arrays(path: Path | str) -> dict[str, np.ndarray]:
    """The arrays of a file written by ``save_arrays`` ({} where there is none). A file that is
    not one (the student's code can write over it) raises ValueError; no dtype but a number's is
    read, so no object is ever made from it."""
    if not os.path.exists(path):
        return {}
    with open(path, "rb") as f:
        raw = f.read()
    start = len(MAGIC) + _LENGTH_BYTES
    if not raw.startswith(MAGIC) or len(raw) < start:
        raise ValueError(f"{path} is not an arrays file of the checker's")
    length = int.from_bytes(raw[len(MAGIC):start], "little")
    try:
        index = json.loads(raw[start:start + length])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: its index does not read: {exc}") from None
    if not isinstance(index, list):
        raise ValueError(f"{path}: its index is not a list of arrays")
    body = memoryview(raw)[start + length:]
    return dict(_array(entry, body, path) for entry in index)


def _array(entry, body: memoryview, path) -> tuple[str, np.ndarray]:
    """One entry of the index, ``[name, dtype, shape, fortran, offset, nbytes]``: (name, its own array)."""
    try:
        name, descr, shape, fortran, offset, nbytes = entry
        if not isinstance(name, str) or not isinstance(descr, str):
            raise TypeError("a name and a dtype must be strings")
        dtype = np.dtype(descr)
        shape, offset, nbytes, fortran = tuple(int(n) for n in shape), int(offset), int(nbytes), bool(fortran)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{path}: a bad index entry {str(entry)[:100]}: {exc}") from None
    if dtype.kind not in _ARRAY_KINDS or dtype.hasobject or dtype.fields is not None or min(shape, default=0) < 0:
        raise ValueError(f"{path}: entry {name!r} is not an array of numbers ({descr!r:.40}, shape {shape})")
    count = math.prod(shape)
    if count * dtype.itemsize != nbytes or not 0 <= offset <= len(body) - nbytes:
        raise ValueError(f"{path}: entry {name!r} does not fit the file")
    flat = np.frombuffer(body, dtype, count, offset) if count else np.empty(0, dtype)
    # The reversed shape of C-ordered bytes, transposed, is the Fortran-ordered array they were.
    array = flat.reshape(shape[::-1]).T if fortran else flat.reshape(shape)
    return name, array.copy(order="K")
