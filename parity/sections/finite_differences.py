"""The course's gradient check on the backend's own cost: central differences in float64,
within the course's bound."""

from __future__ import annotations

from functools import partial

from ..cases import Case, case_features
from ..runner import Planned, Runner, Section
from ..verdicts import GRADIENT_CHECK_BOUND, gradient_check

__all__ = ["FINITE_DIFFERENCES"]

_CASES = (Case("fd-tanh", layer_dims=(3, 4, 1), hidden_activation="tanh", m=6),
          Case("fd-softmax", layer_dims=(3, 3, 3), hidden_activation="sigmoid", output="softmax", m=6),
          Case("fd-linear", layer_dims=(2, 3, 2), hidden_activation="tanh", output="linear", m=5),
          Case("fd-logistic", model="logistic", layer_dims=(4, 1), init="random", m=6))


def _checks(runner: Runner):
    for case in _CASES[:2] if runner.quick else _CASES:
        yield Planned("finite-differences", case.name, "grads", "float64", "cpu",
                      case_features(case, "float64", "cpu"), partial(_fd, runner, case))


def _fd(runner: Runner, case):
    X, Y = case.data("float64")
    difference, worst = gradient_check(runner.backend, case.model, case.params(), X, Y, case.spec)
    ok = difference < GRADIENT_CHECK_BOUND
    runner.add("finite-differences", case.name, "grads", "float64", "cpu", "passed" if ok else "failed",
               difference, GRADIENT_CHECK_BOUND,
               "" if ok else f"‖g − g̃‖/(‖g‖ + ‖g̃‖) = {difference:.3g} against central differences; {worst}")


FINITE_DIFFERENCES = Section("finite differences", _checks)
