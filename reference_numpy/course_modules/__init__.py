"""The course's helper modules, as a notebook imports them, computed by the reference.

A student's notebook starts with ``from dnn_utils import sigmoid, relu`` or
``from reg_utils import forward_propagation, compute_cost``: modules that the course ships next
to the notebook and that a checked copy often lacks. The math ones are here, one submodule per
course module, under the course's names and with the course's return conventions
(``dnn_utils.sigmoid(Z)`` returns ``(A, cache)`` with ``cache = Z``); the test and data ones
(``testCases*``, ``public_tests``, ``test_utils``, ``lr_utils``) hold no math and are stood in
for by the harness's stubs (``parity.students.helpers``).

The harness finds this package through the reference backend's declaration
(``reference_numpy.backend.COURSE_MODULES``), never by importing it by name.

    MATH_MODULES      course module name -> submodule of this package that computes it
    STUB_MODULES      the course's test and data modules, by exact name
    STUB_PREFIXES     and by prefix (``testCases``, ``testCases_v2``, ``testCases_v4a``, ...)

Within a math module, a name the course uses for plotting or for loading its data sets
(``plot_decision_boundary``, ``load_dataset``, ...) is present but raises
``CourseHelperNotProvided`` when called: those need the course's files, which the student's
folder may hold (a copy there is used as it is).
"""

from __future__ import annotations

from ._common import CourseHelperNotProvided

__all__ = ["MATH_MODULES", "STUB_MODULES", "STUB_PREFIXES", "CourseHelperNotProvided", "is_stub_module"]

MATH_MODULES: dict[str, str] = {
    "dnn_utils": "dnn_utils",
    "dnn_utils_v2": "dnn_utils",  # the same four functions under the course's later file name
    "dnn_app_utils_v3": "dnn_app_utils_v3",
    "dnn_app_utils_v2": "dnn_app_utils_v3",
    "planar_utils": "planar_utils",
    "reg_utils": "reg_utils",
    "init_utils": "init_utils",
    "opt_utils_v1a": "opt_utils",
    "opt_utils": "opt_utils",
    "gc_utils": "gc_utils",
}

STUB_MODULES: tuple[str, ...] = ("public_tests", "test_utils", "lr_utils")
STUB_PREFIXES: tuple[str, ...] = ("testCases",)


def is_stub_module(name: str) -> bool:
    """Whether ``name`` (a top-level module name) is one of the course's test or data modules."""
    return name in STUB_MODULES or name.startswith(STUB_PREFIXES)
