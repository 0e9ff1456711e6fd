"""Predictions: ``predict_proba`` and ``predict`` equal the reference's on one case per output
(and logistic regression), in every dtype."""

from __future__ import annotations

import math
from functools import partial

import numpy as np

from ..cases import builtin_cases, case_features
from ..registry import Backend
from ..runner import Planned, Runner, Section
from ..tolerance import relative_error, tolerance
from ..verdicts import worst_entry

__all__ = ["PREDICTIONS"]

_CASES = ("hidden-relu", "out-softmax", "out-linear-squared", "out-multilabel-sigmoid", "logistic-random")


def _checks(runner: Runner):
    for case in (c for c in builtin_cases() if c.name in _CASES):
        for function in ("predict_proba", "predict"):
            for dtype in runner.dtypes:
                yield Planned("predict", case.name, function, dtype, "cpu",
                              {**case_features(case, dtype, "cpu"), "function": function},
                              partial(_predict, runner, case, function, dtype))


def _predict(runner: Runner, case, function, dtype):
    X, _ = case.data(dtype)
    call = getattr(Backend, function)
    got = np.asarray(call(runner.backend, case.model, case.params(dtype), X, case.spec))
    expected = np.asarray(call(runner.against, case.model, case.params(dtype), X, case.spec))
    tol = tolerance(dtype).cost  # labels: any flip is an error of 1
    if got.shape != expected.shape:
        runner.add("predict", case.name, function, dtype, "cpu", "failed", math.inf, tol,
                   f"{function}: shape {got.shape}, expected {expected.shape}")
        return
    error = relative_error(got, expected, 1.0)
    ok = error <= tol
    runner.add("predict", case.name, function, dtype, "cpu", "passed" if ok else "failed", error, tol,
               "" if ok else f"{function}: {worst_entry(got, expected)}")


PREDICTIONS = Section("predictions", _checks)
