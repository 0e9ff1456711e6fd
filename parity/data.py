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
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from nn_contract.checks import check_X, check_Y

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

FILE_EXTENSIONS = (".npz", ".csv", ".h5", ".hdf5")
TASKS = ("binary", "multiclass", "multilabel", "regression")
TASK_OUTPUT = {"binary": "sigmoid", "multiclass": "softmax", "multilabel": "sigmoid", "regression": "linear"}
MAX_INFERRED_CLASSES = 20


@dataclass(frozen=True, eq=False)
class Dataset:
    """One data set in the contract's layout.

    name: the built-in name or the file's name.
    X: (n_x, m) float64, finite, one column per example.
    Y: (n_y, m) float64 in the layout of ``task`` (module docstring's table).
    task: one of ``TASKS``; ``output`` (the output layer it calls for) follows from it.
    classes: the original class labels: ``(label of Y = 0, label of Y = 1)`` for ``binary``,
        the label of each of Y's rows for ``multiclass`` (``(0, ..., K-1)`` for a one-hot Y
        given as it stands); None for ``regression`` and (unnamed rows) ``multilabel``.
    description: where the data come from and what was done to them.
    task_inferred: True where ``infer_task`` chose the task, False where it was given.
    task_note: one line saying how the task was decided and how to override it.

    The arrays are checked on construction (shapes, dtype, NaN/inf, Y fits the task).
    Equality is identity (``eq=False``): arrays have no single truth value.
    """

    name: str
    X: np.ndarray
    Y: np.ndarray
    task: str
    classes: tuple | None = None
    description: str = ""
    task_inferred: bool = False
    task_note: str = ""

    def __post_init__(self) -> None:
        _check_task(self.task, allow_none=False)
        if not isinstance(self.task_inferred, bool):
            raise TypeError(f"task_inferred must be a bool, got {self.task_inferred!r}")
        X = check_X(self.X, "X")
        if X.dtype != np.float64:
            raise TypeError(f"X must be float64, got {X.dtype}")
        Y = np.asarray(self.Y)
        if Y.ndim != 2:
            raise ValueError(f"Y must be 2-D (n_y, m); got shape {Y.shape}")
        check_Y(Y, X, self.output, Y.shape[0], "Y")
        if Y.dtype != np.float64:
            raise TypeError(f"Y must be float64, got {Y.dtype}")
        n_y = Y.shape[0]
        if self.task == "binary" and n_y != 1:
            raise ValueError(f"a binary Y is one row (1, m) of 0/1; got shape {Y.shape}")
        if self.task in ("multiclass", "multilabel") and n_y < 2:
            raise ValueError(f"a {self.task} Y needs n_y >= 2 rows; got shape {Y.shape}")
        if self.classes is not None:
            if self.task == "regression":
                raise ValueError("a regression has no classes: classes must be None")
            n_classes = 2 if self.task == "binary" else n_y
            if len(self.classes) != n_classes:
                raise ValueError(f"classes has {len(self.classes)} entries but Y needs {n_classes}")

    @property
    def output(self) -> str:
        """The output layer the task calls for: ``sigmoid``, ``softmax`` or ``linear``."""
        return TASK_OUTPUT[self.task]

    @property
    def n_x(self) -> int:
        return self.X.shape[0]

    @property
    def n_y(self) -> int:
        return self.Y.shape[0]

    @property
    def m(self) -> int:
        return self.X.shape[1]


# ---------------------------------------------------------------------------------------
# the task: one rule for every source


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
    given = _check_task(task)
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


def _check_task(task, allow_none: bool = True) -> str | None:
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


# ---------------------------------------------------------------------------------------
# built-in data sets: X and raw labels, turned into targets by the same rule as a file's


class _Source(NamedTuple):
    X: np.ndarray  # (n_x, m) float64
    labels: np.ndarray  # (m,) or (n_y, m), as a file would hold them
    class_names: tuple | None
    description: str


def load_planar_dataset(seed: int = 1):
    """The notes' "flower": X (2, 400), Y (1, 400) of 0/1, 200 examples per class.

    The notes' ``load_planar_dataset``, drawn from ``np.random.RandomState(seed)`` rather than
    the global ``np.random.seed(1)`` (the same stream, without touching global state).
    """
    rng = np.random.RandomState(seed)
    m, N, a = 400, 200, 4  # examples, examples per class, maximum ray of the flower
    X = np.zeros((m, 2))
    Y = np.zeros((m, 1))
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * 0.2  # theta
        r = a * np.sin(4 * t) + rng.randn(N) * 0.2  # radius
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X.T.copy(), Y.T.copy()



def _flower() -> _Source:
    X, Y = load_planar_dataset(1)
    return _Source(
        X, Y, None,
        "The notes' planar 'flower' data: 400 points in 2-D, 200 per class (red 0, blue 1) "
        "in petals r = 4 sin(4t) + noise; drawn from RandomState(1), as the notes' np.random.seed(1).",
    )


def _standardise(X: np.ndarray) -> np.ndarray:
    """X: (n_x, m) -> each feature (row) to mean 0, standard deviation 1 over the m examples
    (scikit-learn's ``scale``, which works on columns, applied to the transpose)."""
    from sklearn.preprocessing import scale

    return np.ascontiguousarray(scale(X.T).T)



def _breast_cancer() -> _Source:
    from sklearn.datasets import load_breast_cancer  # bundled with scikit-learn: no download

    raw = load_breast_cancer()
    return _Source(
        _standardise(raw.data.T.astype(np.float64)), raw.target, tuple(str(c) for c in raw.target_names),
        "scikit-learn's Wisconsin breast-cancer set: 569 examples, 30 features, each "
        "standardised to mean 0 and standard deviation 1 over the whole set; "
        "Y = 1 for benign, 0 for malignant.",
    )


def _digits() -> _Source:
    from sklearn.datasets import load_digits  # bundled with scikit-learn: no download

    raw = load_digits()
    return _Source(
        raw.data.T.astype(np.float64) / 16.0, raw.target, None,  # pixel intensities 0..16 -> [0, 1]
        "scikit-learn's handwritten digits: 1797 images of 8x8 pixels (64 features) scaled "
        "from 0..16 to [0, 1]; 10 classes, one-hot Y.",
    )


def _synthetic_binary() -> _Source:
    # Labels drawn from the logistic model itself: overlapping classes (not separable), so
    # the maximum-likelihood fit is finite and unique.
    rng = np.random.RandomState(0)
    m, w, b = 300, np.array([[1.0], [-0.5], [0.25]]), 0.2
    X = rng.randn(3, m)
    p = 1.0 / (1.0 + np.exp(-(w.T @ X + b)))
    Y = (rng.rand(1, m) < p).astype(np.float64)
    return _Source(
        X, Y, None,
        "Seeded (RandomState(0)) binary set: X (3, 300) standard normal, Y ~ Bernoulli(σ(wᵀx + b)) "
        "with w = (1, -0.5, 0.25), b = 0.2: overlapping classes, not separable.",
    )


def _synthetic_softmax() -> _Source:
    rng = np.random.RandomState(0)
    m, K = 300, 3
    centres = np.array([[2.0, -1.0, -1.0], [0.0, 1.7, -1.7]])  # (n_x, K), on a circle
    labels = np.arange(m) % K
    X = centres[:, labels] + rng.randn(2, m)
    return _Source(
        X, labels, None,
        "Seeded (RandomState(0)) 3-class set: X (2, 300), 100 per class, unit Gaussian blobs "
        "around three centres 2 apart; one-hot Y.",
    )


def _synthetic_regression() -> _Source:
    rng = np.random.RandomState(0)
    m = 200
    X = rng.randn(4, m)
    Y = np.array([[1.5, -2.0, 0.5, 0.0]]) @ X + 0.3 + 0.1 * rng.randn(1, m)
    return _Source(
        X, Y, None,
        "Seeded (RandomState(0)) regression set: X (4, 200) standard normal, "
        "y = (1.5, -2, 0.5, 0)·x + 0.3 + N(0, 0.1²) noise.",
    )


_BUILTIN_SOURCES: dict[str, Callable[[], _Source]] = {
    "flower": _flower,
    "breast-cancer": _breast_cancer,
    "digits": _digits,
    "synthetic-binary": _synthetic_binary,
    "synthetic-softmax": _synthetic_softmax,
    "synthetic-regression": _synthetic_regression,
}


# ---------------------------------------------------------------------------------------
# files: each loader gives X and the raw labels; load_dataset turns them into targets


def _numeric_X(X, source: str) -> np.ndarray:
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{source}: X must hold real numbers, got dtype {X.dtype}")
    X = X.astype(np.float64)
    if X.ndim != 2 or 0 in X.shape:
        raise ValueError(f"{source}: X must be a non-empty 2-D (n_x, m) array, one column per example; got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError(f"{source}: X contains NaN or inf")
    return X



def _load_npz(path: Path, label_column) -> tuple[_Source, str]:
    if label_column is not None:
        raise ValueError(f"label_column applies to .csv files only, not to {path.name}")
    source = str(path)
    try:
        archive = np.load(path, allow_pickle=False)
    except (ValueError, OSError) as exc:  # not a zip archive, or a pickle np.load refused
        raise ValueError(f"{source}: not a readable .npz archive ({exc})") from exc
    with archive:
        missing = [k for k in ("X", "Y") if k not in archive.files]
        if missing:
            raise ValueError(f"{source}: an .npz needs arrays 'X' and 'Y'; missing {missing} (has {archive.files})")
        try:
            X, Y = archive["X"], archive["Y"]
        except ValueError as exc:  # "Object arrays cannot be loaded when allow_pickle=False"
            raise ValueError(
                f"{source}: X and Y must be plain numeric arrays; object (pickled) arrays are "
                "refused and never unpickled"
            ) from exc
    X = _numeric_X(X, source)
    m = X.shape[1]
    Y = np.asarray(Y)
    m_y = Y.shape[-1] if Y.ndim in (1, 2) else None
    if m_y != m:
        hint = ""
        if Y.ndim in (1, 2) and X.shape[0] == Y.shape[-1]:
            hint = "; X looks like (m, n_x): store it as (n_x, m), one column per example"
        raise ValueError(
            f"{source}: Y must be (m,) labels or (n_y, m) targets with m = {m} (X's columns); "
            f"got X {X.shape}, Y {Y.shape}{hint}"
        )
    return _Source(X, Y, None, f"loaded from {path}"), f"{source}: Y"


def _load_csv(path: Path, label_column) -> tuple[_Source, str]:
    import pandas as pd

    source = str(path)
    if label_column is not None and not isinstance(label_column, str):
        raise TypeError(f"label_column must be a column name (str) or None, got {label_column!r}")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ValueError(f"{source}: not a readable CSV file with a header row ({exc})") from exc
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    if len(columns) < 2:
        raise ValueError(f"{source}: a CSV needs at least one feature column and a label column; got {columns}")
    if all(_looks_numeric(c) for c in columns):
        raise ValueError(f"{source}: the first row {columns} looks like data; a header row of column names is required")
    if len(frame) == 0:
        raise ValueError(f"{source}: no data rows below the header")
    label = columns[-1] if label_column is None else label_column
    if label not in columns:
        raise ValueError(f"label_column {label!r} is not a column of {source}; columns: {columns}")
    features = [c for c in columns if c != label]
    bad = [c for c in features if frame[c].dtype.kind not in "biuf"]
    if bad:
        raise ValueError(f"{source}: feature columns must be numeric; not numeric: {bad}")
    nan_cols = [c for c in columns if frame[c].isna().any()]
    if nan_cols:
        raise ValueError(f"{source}: missing values (NaN or empty cells) in columns {nan_cols}")
    X = _numeric_X(frame[features].to_numpy(dtype=np.float64).T, source)
    description = f"loaded from {path}, labels from column {label!r}"
    return _Source(X, frame[label].to_numpy(), None, description), f"{source}: label column {label!r}"


def _looks_numeric(name: str) -> bool:
    try:
        float(name)
    except ValueError:
        return False
    return True



def _load_h5(path: Path, label_column) -> tuple[_Source, str]:
    if label_column is not None:
        raise ValueError(f"label_column applies to .csv files only, not to {path.name}")
    try:
        import h5py  # optional: only this loader needs it
    except ImportError as exc:
        raise ImportError(
            f"reading {path.name} needs h5py, which is not installed: pip install 'nn-parity[hdf5]'"
        ) from exc
    source = str(path)
    try:
        handle = h5py.File(path, "r")
    except OSError as exc:
        raise ValueError(f"{source}: not a readable HDF5 file ({exc})") from exc
    with handle:
        pairs = [p for p in ("train_set", "test_set") if f"{p}_x" in handle and f"{p}_y" in handle]
        if len(pairs) != 1:
            raise ValueError(
                f"{source}: expected the notes' layout, one pair of datasets 'train_set_x'/'train_set_y' "
                f"(or 'test_set_x'/'test_set_y'); found keys {sorted(handle.keys())}"
            )
        prefix = pairs[0]
        images = np.asarray(handle[f"{prefix}_x"][()])
        labels = np.asarray(handle[f"{prefix}_y"][()])
        names = tuple(np.asarray(handle["list_classes"][()]).ravel()) if "list_classes" in handle else None
    if images.dtype.kind not in "biuf":
        raise TypeError(f"{source}: {prefix}_x must hold numbers, got dtype {images.dtype}")
    if images.ndim < 2 or images.shape[0] == 0:
        raise ValueError(f"{source}: {prefix}_x must be (m, ...) with m >= 1, e.g. (m, 64, 64, 3); got {images.shape}")
    labels = labels.reshape(-1) if labels.ndim == 2 and 1 in labels.shape else labels
    if labels.ndim != 1 or labels.shape[0] != images.shape[0]:
        raise ValueError(f"{source}: {prefix}_y must be ({images.shape[0]},), one label per image; got {labels.shape}")
    m = images.shape[0]
    flat = images.reshape(m, -1).T.astype(np.float64)  # (m, 64, 64, 3) -> (12288, m), as the notes
    if not np.isfinite(flat).all():
        raise ValueError(f"{source}: {prefix}_x contains NaN or inf")
    if images.dtype.kind in "biu":
        if flat.min() < 0 or flat.max() > 255:
            raise ValueError(f"{source}: integer pixels must lie in 0..255; got {flat.min()}..{flat.max()}")
        flat = flat / 255.0
    elif flat.min() < 0 or flat.max() > 1:
        raise ValueError(f"{source}: float pixels must lie in [0, 1]; got {flat.min()}..{flat.max()}")
    # The notes' files name the classes (b'non-cat', b'cat') for labels 0, 1.
    return _Source(flat, labels, names, f"loaded from {path}"), f"{source}: {prefix}_y"


_FILE_LOADERS = {".npz": _load_npz, ".csv": _load_csv, ".h5": _load_h5, ".hdf5": _load_h5}


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
    task = _check_task(task)
    if isinstance(name_or_path, str) and name_or_path in _BUILTIN_SOURCES:
        if label_column is not None:
            raise ValueError(f"label_column applies to .csv files only, not to the built-in data set {name_or_path!r}")
        name, source, argument = name_or_path, _BUILTIN_SOURCES[name_or_path](), f"the labels of {name_or_path!r}"
    else:
        path = Path(name_or_path)
        suffix = path.suffix.lower()
        if suffix not in _FILE_LOADERS:
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
        source, argument = _FILE_LOADERS[suffix](path, label_column)
        name = path.name
    targets = make_targets(source.labels, task, argument=argument, class_names=source.class_names)
    return Dataset(name, source.X, targets.Y, targets.task, targets.classes, source.description,
                   targets.inferred, targets.note)


# Each built-in name -> a loader with load_dataset's keywords: BUILTIN_DATASETS["digits"]().
BUILTIN_DATASETS: dict[str, Callable[..., Dataset]] = {
    name: functools.partial(load_dataset, name) for name in _BUILTIN_SOURCES
}
