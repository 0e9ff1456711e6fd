"""Data sets in the contract's layout: built-in ones (no download) and the user's files.

    from parity.data import load_dataset
    ds = load_dataset("flower")                 # the notes' planar data: X (2, 400), Y (1, 400)
    ds = load_dataset("my_data.csv", label_column="label", task="multiclass")
    spec = ModelSpec((ds.n_x, 4, ds.n_y), hidden_activation="tanh", output=ds.output)
    print(ds.task_note)    # task inferred: 3 distinct integer labels ... -> multiclass; ...

Every loader returns a ``Dataset``: ``X: (n_x, m)`` float64, one column per example, and
``Y: (n_y, m)`` float64 in the layout its ``task`` calls for:

============== ============= =============================================
task           ``output``    ``Y``
============== ============= =============================================
``binary``     ``sigmoid``   ``(1, m)`` of 0/1 (1 for ``classes[1]``)
``multiclass`` ``softmax``   ``(K, m)`` one-hot columns, K >= 2
``multilabel`` ``sigmoid``   ``(n_y, m)`` of 0/1, n_y >= 2 independent labels
``regression`` ``linear``    ``(n_y, m)`` reals
============== ============= =============================================

The task is given (``task=``) or inferred from the labels by ``infer_task``, the one rule
for every file type and every built-in set (its docstring is the rule). ``Dataset.task_note``
says which, and how to override it. Bad input is refused with a ``ValueError`` (or
``TypeError`` for the wrong kind of argument) that names the argument or the file and says
what was expected.

Files
-----
``.npz``  arrays ``X`` and ``Y``. ``X`` is ``(n_x, m)``, the contract's layout (never
          ``(m, n_x)``: a transposed ``X`` is refused, with a hint). ``Y`` is ``(m,)`` or
          ``(1, m)`` labels, or ``(n_y, m)`` targets (one-hot, multi-label 0/1 or reals).
          Loaded with ``allow_pickle=False``: object arrays are refused, never unpickled.
``.csv``  a header row, one row per example, numeric feature columns and one label column
          (``label_column``, default the last column).
``.h5``   the notes' HDF5 layout (``train_catvnoncat.h5``): ``train_set_x`` ``(m, 64, 64, 3)``
          ``uint8`` images and ``train_set_y`` ``(m,)`` labels (or the ``test_set_*`` pair),
          optionally ``list_classes``. Images are flattened to ``(64*64*3, m)`` and scaled
          to [0, 1] (integer pixels are divided by 255; float pixels must already lie in
          [0, 1]). Needs the optional h5py: ``pip install 'nn-parity[hdf5]'``.

Layout: ``tasks`` (the task rule: ``infer_task``, ``make_targets``), ``dataset`` (``Dataset``),
``builtin`` (the built-in sets), ``files`` (the file loaders); this module joins them in
``load_dataset``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path

from .builtin import BUILTIN_SOURCES, load_planar_dataset
from .dataset import Dataset
from .files import FILE_EXTENSIONS, FILE_LOADERS
from .tasks import (
    MAX_INFERRED_CLASSES,
    TASK_OUTPUT,
    TASKS,
    Targets,
    TaskInference,
    check_task,
    infer_task,
    make_targets,
    max_inferred_classes,
)

__all__ = [
    "BUILTIN_DATASETS",
    "Dataset",
    "FILE_EXTENSIONS",
    "MAX_INFERRED_CLASSES",
    "TASKS",
    "TASK_OUTPUT",
    "TaskInference",
    "Targets",
    "infer_task",
    "load_dataset",
    "load_planar_dataset",
    "make_targets",
    "max_inferred_classes",
]


def load_dataset(name_or_path, *, label_column: str | None = None, task: str | None = None) -> Dataset:
    """A built-in name (``BUILTIN_DATASETS``) or a path to an ``.npz``, ``.csv`` or ``.h5``
    file -> ``Dataset`` with ``X: (n_x, m)`` float64 and ``Y: (n_y, m)`` in the layout of its task.

    label_column: the CSV column holding the labels (default: the last column); CSV only.
    task: ``binary``, ``multiclass``, ``multilabel`` or ``regression``; None infers it by
        ``infer_task``'s rule, the same for files and built-in sets. A given task must fit
        the labels (``make_targets``), else a ``ValueError`` naming ``task``.
    """
    if isinstance(name_or_path, bytes) or not isinstance(name_or_path, (str, os.PathLike)):
        raise TypeError(f"name_or_path must be a built-in name or a file path, got {name_or_path!r}")
    task = check_task(task)
    if isinstance(name_or_path, str) and name_or_path in BUILTIN_SOURCES:
        if label_column is not None:
            raise ValueError(f"label_column applies to .csv files only, not to the built-in data set {name_or_path!r}")
        name, source, argument = name_or_path, BUILTIN_SOURCES[name_or_path](), f"the labels of {name_or_path!r}"
    else:
        path = Path(name_or_path)
        suffix = path.suffix.lower()
        if suffix not in FILE_LOADERS:
            if isinstance(name_or_path, str) and not suffix and os.sep not in name_or_path and not path.exists():
                raise ValueError(
                    f"unknown built-in data set {name_or_path!r}; built-ins: {', '.join(BUILTIN_DATASETS)} "
                    f"(or give a path to a {', '.join(FILE_EXTENSIONS)} file)"
                )
            raise ValueError(
                f"{str(path)!r}: unknown file extension {suffix or '(none)'!r}; expected one of {', '.join(FILE_EXTENSIONS)}"
            )
        if not path.is_file():
            raise ValueError(f"data file {str(path)!r} does not exist (or is not a file)")
        source, argument = FILE_LOADERS[suffix](path, label_column)
        name = path.name
    targets = make_targets(source.labels, task, argument=argument, class_names=source.class_names)
    return Dataset(name, source.X, targets.Y, targets.task, targets.classes, source.description,
                   targets.inferred, targets.note)


# Each built-in name -> a loader with load_dataset's keywords: BUILTIN_DATASETS["digits"]().
BUILTIN_DATASETS: dict[str, Callable[..., Dataset]] = {
    name: functools.partial(load_dataset, name) for name in BUILTIN_SOURCES
}

