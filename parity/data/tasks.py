"""The task of a data set, one rule for every source: ``infer_task`` reads it from the labels,
``make_targets`` encodes the labels in the layout the task calls for (``parity.data``'s table).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = [
    "MAX_INFERRED_CLASSES",
    "TASKS",
    "TASK_OUTPUT",
    "TaskInference",
    "Targets",
    "check_task",
    "infer_task",
    "make_targets",
    "max_inferred_classes",
]

TASKS = ("binary", "multiclass", "multilabel", "regression")
TASK_OUTPUT = {"binary": "sigmoid", "multiclass": "softmax", "multilabel": "sigmoid", "regression": "linear"}
MAX_INFERRED_CLASSES = 20


def max_inferred_classes(m: int) -> int:
    """The most distinct whole-number labels among m examples that ``infer_task`` reads as
    classes: ``min(20, max(3, m // 10))``.

    ``m // 10``: a softmax learns a class from about ten examples or more; whole numbers
        that repeat less (diabetes: 214 distinct targets among 442 examples) are measurements.
    ``max(3, ...)``: three whole-number values are classes even in a small file (a toy iris
        of a dozen rows); a regression target seldom takes only three values.
    ``20``: more distinct whole numbers are counts, scores or measurements far more often than
        classes (the notes' sets and scikit-learn's bundled ones have at most 10 classes);
        data with more classes says ``task="multiclass"``.
    """
    return min(MAX_INFERRED_CLASSES, max(3, m // 10))


class TaskInference(NamedTuple):
    """What ``infer_task`` decided: the ``task``, the ``reason`` in words, and the
    ``alternative``: the other task the same labels most plausibly mean (None where no other
    task fits them)."""

    task: str
    reason: str
    alternative: str | None


def infer_task(Y, argument: str = "Y") -> TaskInference:
    """The task of a data set from its labels: the one rule for every file type and built-in set.

    Y: (m,) labels, (1, m) labels (the same as (m,)), or (n_y, m) targets with n_y >= 2.

    1. Several rows (n_y >= 2): 0/1 with exactly one 1 in every column (one-hot) ->
       multiclass; other 0/1 -> multilabel; anything else -> regression.
    2. One label per example, k distinct values among m examples:
       a. strings -> classes: binary if k == 2, multiclass if k > 2;
       b. numbers not all whole -> regression;
       c. whole numbers (booleans count as 0/1): k == 2 -> binary;
          3 <= k <= min(20, max(3, m // 10)) -> multiclass; more -> regression.
       A single distinct value is refused (a classifier needs two classes); a given
       task="regression" takes it.

    So 214 distinct whole-number targets among 442 examples (diabetes) are a regression; iris'
    and wine's 3 classes, digits' 10 and breast cancer's 2 are classifications, whether the
    labels come as an .npz vector or (1, m) row, a CSV column or an HDF5 dataset. A given
    ``task`` overrides the rule (``make_targets``, ``load_dataset``).
    """
    return _infer(_as_labels(Y, argument), argument)


def _infer(y: np.ndarray, argument: str) -> TaskInference:
    if y.ndim == 2:
        n_y = y.shape[0]
        if not np.isin(y, (0, 1)).all():
            return TaskInference("regression", f"{n_y} rows of real targets", None)
        if (y.sum(axis=0) == 1).all():
            return TaskInference("multiclass", f"{n_y} rows of 0/1, one-hot columns", "multilabel")
        return TaskInference("multilabel", f"{n_y} rows of 0/1, not one-hot", "regression")
    classes = np.unique(y)
    k, m = len(classes), y.shape[0]
    if k < 2:
        raise ValueError(
            f"{argument} holds a single distinct value ({_python_label(classes[0])!r}) for all {m} "
            "examples: a classifier needs two or more classes (task='regression' takes it)"
        )
    if y.dtype.kind == "U":
        if k == 2:
            return TaskInference("binary", f"2 distinct string labels ({_preview(classes)})", "multiclass")
        return TaskInference("multiclass", f"{k} distinct string labels", None)
    if not _integral(y):
        return TaskInference("regression", "labels that are not all whole numbers", None)
    if k == 2:
        return TaskInference("binary", f"2 distinct labels ({_preview(classes)})", "multiclass")
    limit = max_inferred_classes(m)
    counted = f"{k} distinct whole-number labels among {m} examples"
    if k <= limit:
        return TaskInference("multiclass", f"{counted} (at most {limit})", "regression")
    return TaskInference("regression", f"{counted} (more than {limit})", "multiclass")


class Targets(NamedTuple):
    """``make_targets``' answer: ``Y: (n_y, m)`` float64 in the layout of ``task``, the
    ``classes`` (as ``Dataset.classes``), whether the task was ``inferred``, and the ``note``
    (``Dataset.task_note``)."""

    Y: np.ndarray
    task: str
    classes: tuple | None
    inferred: bool
    note: str


def make_targets(Y, task: str | None = None, *, argument: str = "Y", class_names=None) -> Targets:
    """Y: (m,) labels, (1, m) labels or (n_y, m) targets -> ``Targets`` in the task's layout.

    task: one of ``TASKS``, or None to infer it by ``infer_task``'s rule. A given task must
        fit the labels: ``binary`` needs exactly 2 classes, ``binary``/``multiclass`` need
        whole-number or string labels (a 2-D Y: one-hot columns for ``multiclass``),
        ``multilabel`` a 2-D Y of 0/1, ``regression`` numbers.
    argument: how error messages name Y (a file and its dataset or column).
    class_names: names of the integer classes 0..K-1 (an HDF5 file's ``list_classes``, a
        built-in set's target names); used where the classes are exactly 0..K-1 and K names
        are given.
    """
    given = check_task(task)
    y = _as_labels(Y, argument)
    try:
        inference = _infer(y, argument)
    except ValueError:
        if given is None:
            raise
        inference = None  # a single value: no rule to compare the given task with
    task = given if given is not None else inference.task
    Y_out, classes = _encode(y, task, argument)
    if class_names is not None and classes is not None and classes == tuple(range(len(classes))):
        names = tuple(n.decode() if isinstance(n, bytes) else str(n) for n in class_names)
        if len(names) == len(classes):
            classes = names
    return Targets(Y_out, task, classes, given is None, _note(task, inference, given is None))


def _note(task: str, inference: TaskInference | None, inferred: bool) -> str:
    if inferred:
        note = f"task inferred: {inference.reason} -> {task}"
        if inference.alternative is None:
            return note + "; no other task fits these labels"
        return note + f"; pass --task {inference.alternative} to override"
    if inference is None:
        return f"task given: {task} (the labels hold a single value; no task could be inferred)"
    if inference.task == task:
        return f"task given: {task}, as the labels alone give it ({inference.reason})"
    return f"task given: {task}; the labels alone would give {inference.task} ({inference.reason})"


def _encode(y: np.ndarray, task: str, argument: str) -> tuple[np.ndarray, tuple | None]:
    """Labels y in ``_as_labels``' form -> (Y: (n_y, m) float64, classes) for the task."""
    if y.ndim == 2:
        n_y = y.shape[0]
        if task == "regression":
            return y, None
        if task == "binary":
            raise ValueError(
                f"task='binary' needs one label per example; {argument} has {n_y} rows "
                "(task='multilabel' takes independent 0/1 rows, task='multiclass' one-hot columns)"
            )
        if not np.isin(y, (0, 1)).all():
            raise ValueError(f"task={task!r} needs 0/1 in {argument}; it holds other values (task='regression' takes reals)")
        if task == "multiclass":
            bad = int((y.sum(axis=0) != 1).sum())
            if bad:
                raise ValueError(
                    f"task='multiclass' needs one-hot columns (exactly one 1 each) in {argument}; "
                    f"{bad} of {y.shape[1]} columns are not (task='multilabel' takes independent labels)"
                )
            return y, tuple(range(n_y))
        return y, None  # multilabel
    if task == "multilabel":
        raise ValueError(
            f"task='multilabel' needs several 0/1 label rows, a 2-D (n_y, m) Y with n_y >= 2 "
            f"(an .npz array); {argument} has one label per example (task='binary' or 'multiclass' takes it)"
        )
    if task == "regression":
        if y.dtype.kind == "U":
            raise ValueError(f"task='regression' needs numeric {argument}; got string labels such as {str(y[0])!r}")
        return y.astype(np.float64).reshape(1, -1), None
    if y.dtype.kind != "U" and not _integral(y):
        example = float(y[np.mod(y, 1) != 0][0])
        raise ValueError(
            f"task={task!r} needs whole-number or string class labels in {argument}; got non-integer "
            f"reals such as {example} (task='regression' takes them)"
        )
    classes = np.unique(y)  # sorted
    k = len(classes)
    if k < 2:
        raise ValueError(
            f"task={task!r} needs two or more classes; {argument} holds a single value ({_python_label(classes[0])!r})"
        )
    if task == "binary" and k != 2:
        raise ValueError(
            f"task='binary' needs exactly 2 distinct labels in {argument}; got {k} ({_preview(classes)}) "
            "(task='multiclass' takes them)"
        )
    index = np.searchsorted(classes, y)
    class_tuple = tuple(_python_label(c) for c in classes)
    if task == "binary":
        return index.astype(np.float64).reshape(1, -1), class_tuple
    return np.eye(k)[:, index], class_tuple


def check_task(task, allow_none: bool = True) -> str | None:
    if task is None and allow_none:
        return None
    if not isinstance(task, str):
        raise TypeError(f"task must be a name (str){' or None' if allow_none else ''}, got {task!r}")
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; expected one of: {', '.join(TASKS)}")
    return task


def _as_labels(Y, argument: str) -> np.ndarray:
    """Y -> (m,) labels (integers, float64 or str) or (n_y, m) float64 targets, n_y >= 2.

    A (1, m) row becomes an (m,) vector: the same labels give the same task whether a file
    stores them as a row or a vector."""
    arr = np.asarray(Y)
    if arr.ndim == 2 and arr.shape[0] == 1:
        arr = arr[0]
    if arr.ndim not in (1, 2):
        raise ValueError(f"{argument} must be (m,) labels or (n_y, m) targets; got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{argument} is empty")
    kind = arr.dtype.kind
    if kind == "b":
        arr = arr.astype(np.int64)
    elif kind == "S":
        try:
            arr = np.char.decode(arr, "utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{argument}: byte-string labels that are not UTF-8 ({exc})") from exc
    elif kind == "O":
        if not all(isinstance(v, str) for v in arr.ravel()):
            raise TypeError(f"{argument} must hold numbers or strings; got other objects")
        arr = arr.astype(str)
    elif kind not in "iufU":
        raise TypeError(f"{argument} must hold numbers or strings; got dtype {arr.dtype}")
    if arr.dtype.kind == "U":
        if arr.ndim == 2:
            raise TypeError(f"a 2-D {argument} (n_y, m) must hold real numbers; got strings")
        return arr
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError(f"{argument} contains NaN or inf")
    return arr.astype(np.float64) if arr.ndim == 2 else arr


def _integral(y: np.ndarray) -> bool:
    return y.dtype.kind in "iu" or bool(np.all(np.mod(y, 1) == 0))


def _python_label(value):
    """A class label as a plain Python value: 1.0 -> 1, np.str_ -> str."""
    if isinstance(value, (np.floating, float)) and float(value).is_integer():
        return int(value)
    return value.item() if isinstance(value, np.generic) else value


def _preview(classes: np.ndarray, n: int = 5) -> str:
    shown = ", ".join(repr(_python_label(c)) for c in classes[:n])
    return shown + (", ..." if len(classes) > n else "")

