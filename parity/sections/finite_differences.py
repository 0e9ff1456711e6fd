"""The course's gradient check on the backend's own cost: central differences in float64,
within the course's bound, with nonzero biases. A backend without tanh is checked on ReLU
hidden layers and a sigmoid output (``first_supported``), at points away from ReLU's kink
(every hidden |Z| at least 1e-2, 10^5 times the difference step: ``test_finite_differences``
holds the case to it)."""

from __future__ import annotations

from functools import partial

from ..cases import Case, case_features, first_supported
from ..runner import Planned, Runner, Section
from ..verdicts import GRADIENT_CHECK_BOUND, gradient_check

__all__ = ["FINITE_DIFFERENCES", "FD_RELU_SIGMOID", "fd_section"]

# The course's networks (ReLU hidden layers, a sigmoid output), at a point away from the kink.
FD_RELU_SIGMOID = Case("fd-relu-sigmoid", layer_dims=(3, 4, 3, 1), hidden_activation="relu", m=6, seed=11, bias=0.5)
# Each check, then the configurations it falls back to, in order.
_CASES = ((Case("fd-tanh", layer_dims=(3, 4, 1), hidden_activation="tanh", m=6, bias=0.5), FD_RELU_SIGMOID),
          (Case("fd-softmax", layer_dims=(3, 3, 3), hidden_activation="sigmoid", output="softmax", m=6, bias=0.5),),
          (Case("fd-linear", layer_dims=(2, 3, 2), hidden_activation="tanh", output="linear", m=5, bias=0.5),),
          (Case("fd-logistic", model="logistic", layer_dims=(4, 1), init="random", m=6, bias=0.5),))


def _checks(runner: Runner, checks=_CASES):
    for candidates in checks[:2] if runner.quick else checks:
        case = first_supported(candidates, "float64", "cpu", runner.skip_reason)
        yield Planned("finite-differences", case.name, "grads", "float64", "cpu",
                      case_features(case, "float64", "cpu"), partial(_fd, runner, case))


def _fd(runner: Runner, case):
    X, Y = case.data("float64")
    difference, worst = gradient_check(runner.backend, case.model, case.params(), X, Y, case.spec)
    ok = difference < GRADIENT_CHECK_BOUND
    runner.add("finite-differences", case.name, "grads", "float64", "cpu", "passed" if ok else "failed",
               difference, GRADIENT_CHECK_BOUND,
               "" if ok else f"‖g − g̃‖/(‖g‖ + ‖g̃‖) = {difference:.3g} against central differences; {worst}")


def fd_section(name: str, checks) -> Section:
    """The gradient check of each of ``checks`` (tuples of candidate cases, the first the
    backend runs taken)."""
    return Section(name, partial(_checks, checks=tuple(tuple(c) for c in checks)))


FINITE_DIFFERENCES = Section("finite differences", _checks)
