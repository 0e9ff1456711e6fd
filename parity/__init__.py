"""The parity harness: one registry of backends, identical inputs, comparison to pandas.

    from parity import parity_table, builtin_cases
    parity_table(builtin_cases())        # one row per case x backend x device x dtype
"""

from .cases import Case, builtin_cases, make_data, training_cases
from .estimators import NeuralNetClassifier, NeuralNetRegressor
from .data import BUILTIN_DATASETS, Dataset, load_dataset
from .compare import compare_case, compare_training, parity_table
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
