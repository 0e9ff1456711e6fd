"""Values between the checker and a student's process: JSON for the structure, one ``.npz`` file
for the arrays, never a pickle.

A value is encoded as a JSON tree whose leaves are JSON scalars (None, bool, int, float, str) or
references ``{"__array__": "a0"}`` to an entry of the ``.npz`` file. Tuples and lists keep
their kind (``{"__tuple__": [...]}``, ``{"__list__": [...]}``), dicts are lists of pairs with
string keys (``{"__dict__": [[key, value], ...]}``), and a NumPy scalar is a 0-d array, so its
dtype travels (a float32 cost stays float32). Anything else a student's function returns (an
object array, a class instance, a dict with a non-string key) becomes
``{"__unencodable__": "<type>: <repr, cut short>"}``: reported, not transported.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

__all__ = ["Unencodable", "encode", "decode", "save_arrays", "load_arrays"]

_ARRAY_KINDS = "biufc"  # bool, ints, floats, complex: what np.load reads without pickles
_REPR_LIMIT = 200


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
    """The arrays to an uncompressed ``.npz`` (written whole, then renamed into place)."""
    tmp = f"{path}.tmp"
    with open(tmp, "wb") as f:
        np.savez(f, **arrays)
    os.replace(tmp, path)


def load_arrays(path: Path | str) -> dict[str, np.ndarray]:
    """The arrays of a ``.npz`` written by ``save_arrays``; pickled objects are refused."""
    if not os.path.exists(path):
        return {}
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}
