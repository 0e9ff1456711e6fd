"""The parity harness: one registry of backends, identical inputs, comparison to pandas.

    from parity import parity_table, builtin_cases
    parity_table(builtin_cases())        # one row per case x backend x device x dtype
"""

import importlib

from .cases import Case, builtin_cases, make_data, training_cases
from .data import BUILTIN_DATASETS, Dataset, load_dataset
from .registry import (
    BACKENDS,
    MODELS,
    Backend,
    BackendError,
    available_backends,
    get_backend,
    reference_backend,
    register_backend,
)
from .tolerance import GRAD_SCALE_FLOOR, TOLERANCES, Tolerance, dict_relative_error, relative_error, tolerance

__all__ = [
    "BACKENDS",
    "GRAD_SCALE_FLOOR",
    "BUILTIN_DATASETS",
    "Dataset",
    "load_dataset",
    "MODELS",
    "NeuralNetClassifier",
    "NeuralNetRegressor",
    "Backend",
    "Case",
    "TOLERANCES",
    "Tolerance",
    "available_backends",
    "builtin_cases",
    "compare_case",
    "compare_training",
    "BackendError",
    "reference_backend",
    "register_backend",
    "dict_relative_error",
    "get_backend",
    "make_data",
    "parity_table",
    "relative_error",
    "tolerance",
    "training_cases",
]

# Loaded on first use: every pytest session with the nn-parity plugin imports this package, and
# the estimators would bring scikit-learn (about 2 s), the comparison pandas.
_LAZY = {
    "NeuralNetClassifier": "estimators",
    "NeuralNetRegressor": "estimators",
    "compare_case": "compare",
    "compare_training": "compare",
    "parity_table": "compare",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value  # later look-ups skip this hook
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
