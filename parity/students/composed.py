"""The student's step functions composed into a backend of the contract, and run through the
conformance runner (``parity.runner``) in the course's scope, against the reference.

Each function passing on its own does not prove the four fit together (a cache in another
layout than the backward pass reads, an update that changes the arrays the next forward pass
reuses); the runner's checks of the composition do. The backend's ``deep.cost_and_grads`` is
their ``L_model_forward``, ``compute_cost`` and ``L_model_backward``; its ``deep.train`` adds
their ``update_parameters``, full-batch gradient descent as the course's ``L_layer_model``
loops (every call in the student's process, through the sandbox). The course's scope: ReLU
hidden layers, one sigmoid unit out (n[L] = 1), L from 1 to 5, float64 and float32, gradient
descent on the whole batch. The checks: cost and gradients on the course's shapes and on random
architectures with nonzero biases, trajectories of 20 steps, and the course's gradient check
away from ReLU's kink. (``L_layer_model`` itself draws its own parameters, so the runner cannot
start it from its own; it is checked on its own, with the other graded functions.)

It runs only once every step function has passed on its own: before that, its failures would
only repeat theirs.

    verdict_rows = run_composed(box, graded)   # (status, case, detail, rows)
"""

from __future__ import annotations

import itertools
import sys
from types import ModuleType

import numpy as np

from ..cases import Case
from ..registry import Backend, reference_backend
from ..runner import Runner
from ..sections.finite_differences import FD_RELU_SIGMOID, fd_section
from ..sections.parity_cases import parity_section, random_cases
from ..sections.trajectories import trajectory_section

__all__ = ["COMPOSED", "STEP_FUNCTIONS", "SCOPE", "COURSE_SECTIONS", "course_cases", "composed_backend", "forget", "run_composed"]

COMPOSED = "composed training"
STEP_FUNCTIONS = ("L_model_forward", "compute_cost", "L_model_backward", "update_parameters")
# What the composition declares (``nn_contract.protocol``): the course's networks.
SCOPE = {"models": ("deep",), "activations": ("relu",), "outputs": ("sigmoid",), "losses": ("binary_cross_entropy",),
         "dtypes": ("float64", "float32"), "devices": ("cpu",), "training": (), "optimizers": ("GD",)}

_COURSE_CASES = (Case("the course's (5, 4, 3, 1), m = 4", layer_dims=(5, 4, 3, 1), m=4, seed=3, bias=0.5),
                 Case("(12, 7, 1), m = 10", layer_dims=(12, 7, 1), m=10, seed=4, bias=0.5, init="he"))


def course_cases(quick: bool = False) -> list[Case]:
    """The course's shapes, then random networks of the course: L from 1 to 5, widths and m
    from 1, ReLU hidden layers, n[L] = 1, nonzero biases."""
    randoms = random_cases(6 if quick else 12, 2017, ("relu",), (("sigmoid", None),), max_depth=5, n_y=1)
    return [*_COURSE_CASES, *randoms]


COURSE_SECTIONS = (
    parity_section("course cases", "parity", lambda runner: course_cases(runner.quick)),
    trajectory_section("course trajectories", (Case("deep-relu-sigmoid", layer_dims=(4, 6, 3, 1), m=20, bias=0.5),),
                       (("full-batch", None),)),
    fd_section("course finite differences", ((FD_RELU_SIGMOID,),)),
)


class StudentFunctionError(Exception):
    """A student's function raised, or returned what the next step cannot take: the runner's
    row of the check says which and why."""


class _Steps:
    """The student's four functions, called in their process."""

    def __init__(self, box, graded: dict[str, str]):
        self.box, self.names = box, {name: graded[name] for name in STEP_FUNCTIONS}

    def call(self, course_name: str, *args):
        theirs = self.names[course_name]
        out = self.box.call(theirs, *args)
        if not out.verdict.ok:
            raise StudentFunctionError(f"{theirs}: {out.verdict}")
        return out.value

    def forward(self, X, params):
        out = self.call("L_model_forward", X, params)
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            raise StudentFunctionError(f"{self.names['L_model_forward']} returned {type(out).__name__}, not (AL, caches)")
        return out

    def cost(self, AL, Y) -> float:
        cost = np.asarray(self.call("compute_cost", AL, Y), dtype=np.float64)
        if cost.size != 1:
            raise StudentFunctionError(f"{self.names['compute_cost']} returned shape {cost.shape}, not one number")
        return float(cost.reshape(()))

    def grads(self, AL, Y, caches, params: dict) -> dict:
        grads = self.call("L_model_backward", AL, Y, caches)
        missing = [f"d{k}" for k in params if not isinstance(grads, dict) or f"d{k}" not in grads]
        if missing:
            raise StudentFunctionError(f"{self.names['L_model_backward']} returned no {', '.join(missing[:3])}")
        return {f"d{k}": np.asarray(grads[f"d{k}"]) for k in params}


def _in_scope(spec) -> None:
    if spec.output != "sigmoid" or set(spec.activations[:-1]) - {"relu"} or spec.layer_dims[-1] != 1:
        raise NotImplementedError("the course's networks: ReLU hidden layers and one sigmoid unit out")


def _deep_module(name: str, steps: _Steps) -> ModuleType:
    deep = ModuleType(f"{name}.deep", "The student's step functions, composed.")

    def cost_and_grads(params, X, Y, spec):
        """X: (n_x, m), Y: (1, m) -> (J, grads): their forward pass, cost and backward pass."""
        _in_scope(spec)
        AL, caches = steps.forward(X, params)
        return steps.cost(AL, Y), steps.grads(AL, Y, caches, params)

    def train(params, X, Y, spec, learning_rate=0.0075, num_epochs=2500, batch_size=None, seed=0):
        """Full-batch gradient descent with their four functions -> (params, costs), one cost per
        step before its update, as the course's ``L_layer_model`` loops."""
        _in_scope(spec)
        if batch_size is not None and batch_size < X.shape[1]:
            raise NotImplementedError("the course's step functions train on the whole batch")
        costs = []
        for _ in range(num_epochs):
            AL, caches = steps.forward(X, params)
            costs.append(steps.cost(AL, Y))
            params = steps.call("update_parameters", params, steps.grads(AL, Y, caches, params), learning_rate)
        return params, costs

    deep.cost_and_grads, deep.train = cost_and_grads, train
    return deep


_SERIAL = itertools.count()


def composed_backend(box, graded: dict[str, str]) -> Backend:
    """A backend (``parity.registry.Backend``) whose deep model is the student's four step
    functions (``graded``: course name -> theirs), declared in the course's scope (``SCOPE``).
    Its modules live in ``sys.modules`` under a fresh name; ``forget(backend)`` removes them."""
    name = f"_nn_parity_composed_{next(_SERIAL)}"
    package = ModuleType(name, "A student's step functions as a backend of the contract.")
    package.__path__ = []
    declaration = ModuleType(f"{name}.backend")
    declaration.NAME, declaration.CAPABILITIES = "student", SCOPE
    declaration.LABEL = " + ".join(graded[n] for n in STEP_FUNCTIONS)
    package.deep, package.backend = _deep_module(name, _Steps(box, graded)), declaration
    sys.modules.update({name: package, f"{name}.deep": package.deep, f"{name}.backend": declaration})
    return Backend("student", name, "a student's file")


def forget(backend: Backend) -> None:
    """Remove a ``composed_backend``'s modules from ``sys.modules``."""
    for key in (backend.package, f"{backend.package}.deep", f"{backend.package}.backend"):
        sys.modules.pop(key, None)


def run_composed(box, graded: dict[str, str], *, quick: bool = False) -> tuple[str, str, str, list]:
    """The composition through ``COURSE_SECTIONS`` against the reference -> (status, case of the
    first failed row, its detail, the runner's rows (``parity.runner.Check``))."""
    backend = composed_backend(box, graded)
    try:
        runner = Runner(backend, reference_backend(), quick=quick)
        for section in COURSE_SECTIONS:
            runner.run(section)
    finally:
        forget(backend)
    failed = [row for row in runner.rows if row.status == "failed"]
    if failed:
        first = failed[0]
        return "failed", first.case, f"{first.check}, {first.quantity} ({first.dtype}): {first.detail}", runner.rows
    return "passed", "", _PASSED, runner.rows


_PASSED = ("the conformance runner's cost and gradients (the course's shapes; random networks, L 1 to 5, nonzero "
           "biases), 20 steps of gradient descent and the gradient check, float64 and float32")
