"""Saturation: the built-in cases whose logits are in the hundreds give a finite cost and
finite gradients (cross-entropy from the logits Z[L]), in every dtype. A backend without the
built-in case's hidden activation is checked on the same saturation with ReLU hidden layers
(``first_supported``), with nonzero biases."""

from __future__ import annotations

from functools import partial

import numpy as np

from ..cases import Case, builtin_cases, case_features, first_supported
from ..runner import Planned, Runner, Section

__all__ = ["SATURATION"]


# Where a backend lacks the built-in case's configuration: the same saturation on ReLU hidden
# layers (the course's networks).
_ALTERNATIVES = {"saturated-sigmoid": (Case("saturated-relu-sigmoid", hidden_activation="relu", saturate=500.0,
                                            bias=0.5),)}


def _checks(runner: Runner):
    for builtin in (c for c in builtin_cases() if c.saturate):
        for dtype in runner.dtypes:
            case = first_supported((builtin, *_ALTERNATIVES.get(builtin.name, ())), dtype, "cpu", runner.skip_reason)
            yield Planned("saturation", case.name, "finite cost and grads", dtype, "cpu",
                          case_features(case, dtype, "cpu"), partial(_saturated, runner, case, dtype))


def _saturated(runner: Runner, case, dtype):
    X, Y = case.data(dtype)
    cost, grads = runner.backend.cost_and_grads(case.model, case.params(dtype), X, Y, case.spec)
    bad = [k for k, v in grads.items() if not np.isfinite(np.asarray(v, dtype=np.float64)).all()]
    ok = np.isfinite(cost) and not bad
    detail = "" if ok else ("cost at saturation: got " + repr(cost) + ", the contract says finite "
                            "(cross-entropy from the logits Z[L])" if not np.isfinite(cost)
                            else f"{bad[0]} at saturation is not finite; the contract says finite")
    runner.add("saturation", case.name, "finite cost and grads", dtype, "cpu", "passed" if ok else "failed",
               detail=detail)


SATURATION = Section("saturation", _checks)
