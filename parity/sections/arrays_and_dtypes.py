"""The caller's arrays untouched and the dtype kept, by ``cost_and_grads``, ``train`` and
``predict_proba`` of both models."""

from __future__ import annotations

import copy
from functools import partial

import numpy as np

from ..cases import Case, case_features
from ..runner import Planned, Runner, Section

__all__ = ["ARRAYS_AND_DTYPES"]

_CASES = (Case("contract", layer_dims=(3, 4, 2), hidden_activation="relu", m=7),
          Case("contract-logistic", model="logistic", layer_dims=(3, 1), init="random", m=7))


def _checks(runner: Runner):
    for case in _CASES:
        for function in ("cost_and_grads", "train", "predict_proba"):
            name = f"{case.model}.{function}"
            for check, dtypes in (("arrays-untouched", ("float64",)), ("dtype-kept", runner.dtypes)):
                for dtype in dtypes:
                    method = _untouched if check == "arrays-untouched" else _dtype_kept
                    yield Planned(check, name, "outputs", dtype, "cpu",
                                  {**case_features(case, dtype, "cpu"), "function": function},
                                  partial(method, runner, case, function, dtype))


def _call(runner: Runner, case, function, params, X, Y):
    if function == "cost_and_grads":
        return runner.backend.cost_and_grads(case.model, params, X, Y, case.spec)
    if function == "train":
        hyper = ({"num_iterations": 2} if case.model == "logistic" else
                 {"num_epochs": 2, "batch_size": None, "seed": 0})
        return runner.backend.train(case.model, params, X, Y, case.spec, learning_rate=0.1, **hyper)
    return runner.backend.predict_proba(case.model, params, X, case.spec)


def _untouched(runner: Runner, case, function, dtype):
    params = case.params(dtype)
    X, Y = case.data(dtype)
    before = copy.deepcopy((params, X, Y))
    _call(runner, case, function, params, X, Y)
    changed = [f"params[{k!r}]" for k in before[0] if not np.array_equal(params[k], before[0][k])]
    changed += [name for name, a, b in (("X", X, before[1]), ("Y", Y, before[2])) if not np.array_equal(a, b)]
    ok = not changed
    name = f"{case.model}.{function}"
    runner.add("arrays-untouched", name, "params, X, Y", dtype, "cpu", "passed" if ok else "failed",
               detail="" if ok else f"{name} changed the caller's {', '.join(changed)} in place")


def _dtype_kept(runner: Runner, case, function, dtype):
    X, Y = case.data(dtype)
    out = _call(runner, case, function, case.params(dtype), X, Y)
    # A scalar b/db crosses the boundary as a Python float (CONTRACT.md): only arrays carry X's dtype.
    arrays = lambda d: [(k, np.asarray(v).dtype) for k, v in d.items() if np.ndim(v) > 0]  # noqa: E731
    if function == "cost_and_grads":
        cost, grads = out
        found = arrays(grads)
        if not isinstance(cost, float):
            found.append(("cost", f"{type(cost).__name__} (the contract returns a Python float)"))
    elif function == "train":
        found = arrays(out[0])
    else:
        found = [("A[L]", np.asarray(out).dtype)]
    wrong = [(k, d) for k, d in found if str(d) != dtype]
    ok = not wrong
    runner.add("dtype-kept", f"{case.model}.{function}", "outputs", dtype, "cpu", "passed" if ok else "failed",
               detail="" if ok else f"{wrong[0][0]}: got {wrong[0][1]}, the contract keeps {dtype}")


ARRAYS_AND_DTYPES = Section("arrays and dtypes", _checks)
