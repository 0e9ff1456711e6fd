"""The two forms of a data set: ``Source``, as a built-in set or a file holds it (X and the raw
labels), and ``Dataset``, checked and in the layout of its task."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from nn_contract.checks import check_X, check_Y

from .tasks import TASK_OUTPUT, check_task

__all__ = ["Dataset", "Source"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """One data set in the contract's layout.

    name: the built-in name or the file's name.
    X: (n_x, m) float64, finite, one column per example.
    Y: (n_y, m) float64 in the layout of ``task`` (``parity.data``'s table).
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
        check_task(self.task, allow_none=False)
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


class Source(NamedTuple):
    """X and the labels as a source holds them, before ``make_targets``."""

    X: np.ndarray  # (n_x, m) float64
    labels: np.ndarray  # (m,) or (n_y, m), as a file would hold them
    class_names: tuple | None
    description: str

