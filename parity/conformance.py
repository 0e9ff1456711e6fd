"""The conformance suite: every check of the contract, run against any backend.

``run_conformance(backend, against=reference)`` returns one row per check (``Check``):
cost and gradient parity over the built-in cases and over random architectures, the
conventions at the kinks and at saturation, training trajectories, central finite
differences of the backend's own cost, bad input refused with a clear error, the caller's
arrays untouched, the dtype kept, the course-2 training methods, and what every backend
shares with the reference held to the contract itself. A check the backend cannot take part
in (a model, activation, dtype, device or option it lacks) is skipped with the reason and
counted.

The suite is ``SECTIONS``, run in order by one ``Runner`` (``parity.runner``); each section
is a module of ``parity.sections``. Adding a section is a module there and a line here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from .registry import Backend, reference_backend
from .runner import CHECK_COLUMNS, Check, Runner, Section, summarise
from .sections import (arrays_and_dtypes, bad_input, conventions, data_parallel, finite_differences, parity_cases,
                       predictions, saturation, shared_conventions, trajectories, training_methods)
from .sections.parity_cases import random_cases
from .verdicts import GRADIENT_CHECK_BOUND, describe_grads, gradient_check

__all__ = ["Check", "CHECK_COLUMNS", "GRADIENT_CHECK_BOUND", "Runner", "SECTIONS", "Section", "run_conformance",
           "random_cases", "gradient_check", "describe_grads", "summarise"]

# The sections, in the order they run (and their rows appear).
SECTIONS: tuple[Section, ...] = (
    parity_cases.BUILT_IN_CASES,
    parity_cases.RANDOM_ARCHITECTURES,
    conventions.CONVENTIONS,
    saturation.SATURATION,
    predictions.PREDICTIONS,
    trajectories.TRAJECTORIES,
    finite_differences.FINITE_DIFFERENCES,
    bad_input.BAD_INPUT,
    arrays_and_dtypes.ARRAYS_AND_DTYPES,
    training_methods.TRAINING_METHODS,
    shared_conventions.SHARED_CONVENTIONS,
    data_parallel.DATA_PARALLEL,
)


def run_conformance(backend: Backend, against: Backend | None = None, *, quick: bool = False,
                    dtypes=("float64", "float32"), devices=("cpu",), progress: Callable[[str], None] | None = None,
                    sections: Iterable[Section] = SECTIONS) -> pd.DataFrame:
    """Every check of ``sections`` (all of them by default) of ``backend`` against ``against``
    (the reference by default), as a DataFrame with ``CHECK_COLUMNS``. ``progress``: a callable
    given each section's name as it starts."""
    backend.require()
    against = against or reference_backend()
    against.require()
    runner = Runner(backend, against, dtypes, devices, quick)
    for section in sections:
        if progress is not None:
            progress(section.name)
        runner.run(section)
    return runner.table()
