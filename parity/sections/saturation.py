"""Saturation: the built-in cases whose logits are in the hundreds give a finite cost and
finite gradients (cross-entropy from the logits Z[L]), in every dtype."""

from __future__ import annotations

from functools import partial

import numpy as np

from ..cases import builtin_cases, case_features
from ..runner import Planned, Runner, Section

__all__ = ["SATURATION"]


def _checks(runner: Runner):
    for case in (c for c in builtin_cases() if c.saturate):
        for dtype in runner.dtypes:
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
