"""The student's step functions composed: gradient descent with their ``L_model_forward``,
``compute_cost``, ``L_model_backward`` and ``update_parameters``, each fed the previous one's
output, against the reference's same steps.

Each function passing on its own does not prove the four fit together (a cache in another
layout than the backward pass reads, an update that changes the arrays the next forward pass
reuses); a short run does. It runs only once every graded function has passed on its own:
before that, its failure would only repeat theirs.

    status, case, detail = train_composed(box, reference, graded)   # "passed" | "failed" | "error"
"""

from __future__ import annotations

import numpy as np

from .cases import Architecture, deep_parameters
from .compare import first_difference, normalise

__all__ = ["COMPOSED", "STEP_FUNCTIONS", "train_composed"]

COMPOSED = "composed training"
STEP_FUNCTIONS = ("L_model_forward", "compute_cost", "L_model_backward", "update_parameters")
_ARCHITECTURE = Architecture((4, 3, 2, 1), 6)
_STEPS = 5
_LEARNING_RATE = 0.1


def _reference_run(reference, X, Y, params) -> tuple[list[float], dict]:
    costs = []
    for _ in range(_STEPS):
        AL, caches = reference.L_model_forward(X, params)
        costs.append(float(reference.compute_cost(AL, Y)))
        params = reference.update_parameters(params, reference.L_model_backward(AL, Y, caches), _LEARNING_RATE)
    return costs, params


def label() -> str:
    return f"{_ARCHITECTURE.label()}, {_STEPS} steps of gradient descent, learning_rate = {_LEARNING_RATE}"


def train_composed(box, reference, graded: dict[str, str]) -> tuple[str, str, str]:
    """(status, case, detail) of ``_STEPS`` steps with the student's four step functions (their
    names in ``graded``: course name -> theirs) against the reference's."""
    rng = np.random.default_rng(7)
    X, params = deep_parameters(_ARCHITECTURE, rng)
    Y = (rng.random((1, _ARCHITECTURE.m)) > 0.5).astype(float)
    Y[0, :2] = (1.0, 0.0)
    costs, expected = _reference_run(reference, X, Y, {k: v.copy() for k, v in params.items()})
    forward, cost_fn, backward, update = (graded[n] for n in STEP_FUNCTIONS)
    for step in range(_STEPS):
        out = box.call(forward, X, params)
        if not out.verdict.ok or not (isinstance(out.value, tuple) and len(out.value) == 2):
            return _broken(step, forward, out)
        AL, caches = out.value
        cost = box.call(cost_fn, AL, Y)
        if not cost.verdict.ok:
            return _broken(step, cost_fn, cost)
        value = normalise("compute_cost", cost.value, costs[step])
        difference = first_difference("compute_cost", value, np.float64(costs[step]))
        if difference is not None and difference.kind != "dtype":
            return "failed", label(), f"the cost at step {step}: {difference.detail.replace('output', 'J')}"
        grads = box.call(backward, AL, Y, caches)
        if not grads.verdict.ok:
            return _broken(step, backward, grads)
        new = box.call(update, params, grads.value, _LEARNING_RATE)
        if not new.verdict.ok or not isinstance(new.value, dict):
            return _broken(step, update, new)
        params = new.value
    difference = first_difference("update_parameters", params, expected)
    if difference is not None and difference.kind != "dtype":
        return "failed", label(), f"after {_STEPS} steps: {difference.detail}"
    return "passed", label(), ""


def _broken(step: int, function: str, call) -> tuple[str, str, str]:
    if not call.verdict.ok:
        return "error", label(), f"{function} at step {step}: {call.verdict}"
    return "failed", label(), f"{function} at step {step} returned {type(call.value).__name__}, not what the next " \
                              f"step takes"
