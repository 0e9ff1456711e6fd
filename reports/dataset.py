"""The report's data (``--data``; default the notes' flower) and the deep model fitted to it.

``resolve_dataset`` is called before any work starts, so that bad data exits 2 with the
loader's message; ``DataCase`` makes the data set a parity case of its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nn_contract import ModelSpec, init_params
from parity.data import load_dataset

from .errors import ReportError

__all__ = ["ReportData", "DataCase", "resolve_dataset", "PARITY_MAX_EXAMPLES"]

# Parity is about the arithmetic, not the size: a user's data set is capped for its case.
PARITY_MAX_EXAMPLES = 5000


@dataclass(frozen=True)
class DataCase:
    """A parity case on a loaded data set: duck-types ``parity.Case`` (name, model, spec,
    data(dtype), params(dtype)) for the parity section.

    X: (n_x, m) float64, Y: (n_y, m) float64 in the layout ``spec.output`` expects.
    """

    name: str
    spec: ModelSpec
    X: np.ndarray
    Y: np.ndarray
    init: str = "xavier"
    seed: int = 0
    model: str = "deep"

    def data(self, dtype="float64"):
        return self.X.astype(dtype), self.Y.astype(dtype)

    def params(self, dtype="float64"):
        return init_params(self.spec, self.seed, self.init, dtype=dtype)


@dataclass(frozen=True)
class ReportData:
    """The data set and its model. X: (n_x, m), Y: (n_y, m), float64; ``spec`` the deep
    model trained on it at ``learning_rate`` (``spec_note`` says so in words); ``task`` and
    ``task_note`` how its labels were read."""

    name: str
    description: str
    X: np.ndarray
    Y: np.ndarray
    output: str
    spec: ModelSpec
    learning_rate: float
    spec_note: str
    task: str = ""
    task_note: str = ""

    def case(self) -> DataCase:
        """The data set's own parity case (at most ``PARITY_MAX_EXAMPLES`` examples)."""
        m = min(self.X.shape[1], PARITY_MAX_EXAMPLES)
        return DataCase(f"data-{self.name}", self.spec, self.X[:, :m], self.Y[:, :m])


def resolve_dataset(data: str | os.PathLike | None, *, task: str | None = None,
                    label_column: str | None = None) -> ReportData:
    """The report's data (``--data``; default the notes' flower) and the deep model fitted
    to it. Raises ``ReportError`` with the loader's message for bad data."""
    try:
        ds = load_dataset("flower" if data is None else (str(data) if isinstance(data, Path) else data),
                          task=task, label_column=label_column)
    except (ValueError, TypeError, OSError, ImportError) as exc:
        raise ReportError(f"cannot use --data {str(data)!r}: {exc}") from None
    if ds.name == "flower":
        # The notes' planar model: 4 tanh hidden units, learning rate 1.2.
        spec = ModelSpec((ds.n_x, 4, ds.n_y), "tanh", "sigmoid")
        lr, note = 1.2, "(2, 4, 1) with tanh hidden units, as the notes' planar-data model; learning rate 1.2"
    else:
        spec = ModelSpec((ds.n_x, 8, 4, ds.n_y), "tanh", ds.output)
        lr = 0.05 if ds.output == "linear" else 0.3
        note = (f"({ds.n_x}, 8, 4, {ds.n_y}): two tanh hidden layers fitted to the data's shape, "
                f"{ds.output} output; learning rate {lr}")
    return ReportData(ds.name, ds.description, ds.X, ds.Y, ds.output, spec, lr, note, ds.task, ds.task_note)
