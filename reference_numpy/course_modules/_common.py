"""What the course modules share: the activations with the course's return forms, and the
stand-in for a course helper that needs the course's files."""

from __future__ import annotations

import numpy as np

from .. import course

__all__ = ["CourseHelperNotProvided", "not_provided", "plain", "sigmoid_with_cache", "relu_with_cache"]


class CourseHelperNotProvided(RuntimeError):
    """A course helper that plots or loads the course's data sets: not computed here."""


def not_provided(module: str, name: str, what: str):
    """A function named ``name`` that raises ``CourseHelperNotProvided`` saying why."""

    def helper(*args, **kwargs):
        raise CourseHelperNotProvided(
            f"{module}.{name} {what}; nn-parity provides only the course's math helpers. "
            f"Put the course's {module}.py next to the notebook to use it.")

    helper.__name__ = helper.__qualname__ = name
    helper.__doc__ = f"Not provided: {module}.{name} {what}."
    return helper


def plain(A: np.ndarray):
    """A 0-d result as a NumPy scalar (the course's ``1/(1+np.exp(-z))`` on a float gives one)."""
    return A[()] if A.ndim == 0 else A


def sigmoid_with_cache(Z):
    """Z: any shape -> (A = σ(Z), cache = Z), the course's ``dnn_utils`` form."""
    return plain(course.sigmoid(Z)), Z


def relu_with_cache(Z):
    """Z: any shape -> (A = max(0, Z), cache = Z), the course's ``dnn_utils`` form."""
    return plain(course.relu(Z)), Z
