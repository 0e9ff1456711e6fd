"""What the course modules share: the activations alone, as the course's helper files return
them, and the stand-in for a course helper that needs the course's files."""

from __future__ import annotations

from .. import course
from ..course._common import plain

__all__ = ["CourseHelperNotProvided", "not_provided", "plain_sigmoid", "plain_relu"]


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


# Differ from course.sigmoid / relu in the return form only: a scalar in gives a NumPy scalar
# out, as the files' ``1/(1+np.exp(-x))`` and ``np.maximum(0, x)`` give, not a 0-d array.
def plain_sigmoid(x):
    """x: a scalar or an array of any shape -> s = 1 / (1 + e^-x), the same shape."""
    return plain(course.sigmoid(x))


def plain_relu(x):
    """x: a scalar or an array of any shape -> max(0, x), the same shape."""
    return plain(course.relu(x))
