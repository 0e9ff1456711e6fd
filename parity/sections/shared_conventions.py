"""What every backend shares with the reference, held to the contract itself: the mini-batch
order, the dropout draw, the labels at a tie, the caller's biases, L2 in logistic regression,
and refusals of the course-2 options.

A defect in code the backends share with the reference (``nn_contract.batches``,
``dropout``, ``labels``, ``checks``) makes them agree with it, so parity cannot see it.
These checks hold a backend to the contract as CONTRACT.md writes it, computed here from
first principles (the documented draws, ``against``'s ``cost_and_grads`` and a plain
gradient step), never through the shared helpers.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np

from nn_contract import ModelSpec

from ..cases import REFUSAL_CASE, Case, case_features, first_supported, training_cases
from ..runner import Planned, Runner, Section, refusal_check
from ..tolerance import dict_relative_error, relative_error, tolerance
from ..verdicts import compare_trajectory

__all__ = ["SHARED_CONVENTIONS"]

_SEED, _EPOCHS, _BATCH, _LR, _KEEP = 3, 2, 6, 0.1, 0.8


def _case() -> Case:
    # The trajectories' own case and mini-batch size, so a compiling backend reuses its epoch.
    return next(c for c in training_cases() if c.name == "deep-relu-sigmoid")


def _expected_run(runner: Runner, case, masks_for_epoch=None):
    """(params, costs) of plain gradient descent with batches of ``_BATCH`` taken in the order
    RandomState(seed + e).permutation(m), the last smaller batch kept, each step's gradient
    from ``against``; ``masks_for_epoch(rng, bounds)`` gives the epoch's steps' dropout masks."""
    X, Y = case.data("float64")
    p = case.params("float64")
    m = X.shape[1]
    bounds = [(lo, min(lo + _BATCH, m)) for lo in range(0, m, _BATCH)]
    costs = []
    for e in range(_EPOCHS):
        rng = np.random.RandomState(_SEED + e)
        order = rng.permutation(m)
        masks = masks_for_epoch(rng, bounds) if masks_for_epoch else [None] * len(bounds)
        for (lo, hi), D in zip(bounds, masks):
            idx = order[lo:hi]
            options = {} if D is None else {"keep_prob": _KEEP, "masks": D}
            cost, grads = runner.against.cost_and_grads("deep", p, X[:, idx], Y[:, idx], case.spec, **options)
            p = {k: v - _LR * np.asarray(grads["d" + k]) for k, v in p.items()}
            costs.append(cost)
    return p, costs


def _compare_run(runner: Runner, name, case, expected, **options):
    X, Y = case.data("float64")
    params, costs = runner.backend.train("deep", case.params("float64"), X, Y, case.spec, learning_rate=_LR,
                                         num_epochs=_EPOCHS, batch_size=_BATCH, seed=_SEED, **options)
    tol = tolerance("float64").grad
    ref_params, ref_costs = expected
    costs = np.asarray(costs, dtype=np.float64).ravel()
    if costs.size != len(ref_costs):
        runner.add("contract", name, "costs", "float64", "cpu", "failed", math.inf, tol,
                   f"{costs.size} update steps, the contract's batches make {len(ref_costs)} "
                   f"({_EPOCHS} epochs of ceil(m / {_BATCH}), the last smaller batch kept)")
        return
    error = relative_error(costs, ref_costs)
    error = max(error, dict_relative_error({k: np.asarray(v) for k, v in params.items()}, ref_params))
    ok = error <= tol
    runner.add("contract", name, "costs and params", "float64", "cpu", "passed" if ok else "failed", error, tol,
               "" if ok else f"{name}: the trajectory differs from the one CONTRACT.md defines (relative error "
                             f"{error:.3g}); epoch e must take RandomState(seed + e).permutation(m)")


def _needs(case, **more) -> dict:
    return {**case_features(case, "float64", "cpu"), **more}


def _mask_draw(rng, bounds, hidden):
    # CONTRACT.md: the epoch's RandomState(seed + e) draws the order, then each step's masks.
    return [{f"D{l}": (rng.rand(n, hi - lo) < _KEEP).astype(np.float64) for l, n in enumerate(hidden, start=1)}
            for lo, hi in bounds]


def _batch_order(runner: Runner, name, case):
    _compare_run(runner, name, case, _expected_run(runner, case))


def _masks_drawn(runner: Runner, name, case):
    masks = partial(_mask_draw, hidden=case.spec.layer_dims[1:-1])
    _compare_run(runner, name, case, _expected_run(runner, case, masks), keep_prob=_KEEP)


def _softmax_tie(runner: Runner, name):
    spec = ModelSpec((2, 3), output="softmax")
    params = {"W1": np.zeros((3, 2)), "b1": np.array([[0.0], [1.0], [1.0]])}
    labels = np.asarray(runner.backend.predict("deep", params, np.array([[1.0, -2.0], [0.5, 3.0]]), spec))
    ok = labels.shape == (3, 2) and np.array_equal(labels, [[0, 0], [1, 1], [0, 0]])
    runner.add("contract", name, "labels", "float64", "cpu", "passed" if ok else "failed",
               detail="" if ok else f"classes 2 and 3 tie: got columns {labels.T.tolist()}, the contract "
                                    f"says one-hot at the first of them, [0, 1, 0]")


def _biases(runner: Runner, model, name, case):
    """Every built-in case starts from zero biases, so a backend that drops the caller's b goes unseen."""
    tol = tolerance("float64")
    X, Y = case.data("float64")
    params = case.params("float64")
    if model == "deep":
        params = {k: (v + np.linspace(-0.5, 0.5, v.size).reshape(v.shape) if k[0] == "b" else v)
                  for k, v in params.items()}
    else:
        params = {**params, "b": 0.7}
    cost, grads = runner.backend.cost_and_grads(model, params, X, Y, case.spec)
    ref_cost, ref_grads = runner.against.cost_and_grads(model, params, X, Y, case.spec)
    as_arrays = lambda g: {k: np.asarray(v) for k, v in g.items()}  # noqa: E731
    errors = {"cost": (relative_error(cost, ref_cost), tol.cost),
              "grads": (dict_relative_error(as_arrays(grads), as_arrays(ref_grads), 1.0), tol.grad)}
    if runner.backend.function(model, "predict_proba") is not None:
        proba = runner.backend.predict_proba(model, params, X, case.spec)
        errors["A[L]"] = (relative_error(proba, runner.against.predict_proba(model, params, X, case.spec)),
                          tol.grad)
    wrong = [f"{q} (relative error {e:.3g} > {t:.0e})" for q, (e, t) in errors.items() if not e <= t]
    runner.add("contract", name, ", ".join(errors), "float64", "cpu", "failed" if wrong else "passed",
               max(e / t for e, t in errors.values()), 1.0,
               f"{name}: {', '.join(wrong)} differ from the reference; are the caller's biases used?"
               if wrong else "")


def _bad_options():
    """(name, argument, what it needs, call): refusals the contract asks for beyond
    ``bad_input.bad_inputs``, each naming the argument."""
    spec, (X, Y), params = REFUSAL_CASE.spec, REFUSAL_CASE.data(), REFUSAL_CASE.params()
    inf_X = X.copy()
    inf_X[0, 1] = np.inf
    half_mask = {"D1": np.full((4, 5), 0.5)}
    return [
        ("inf-in-X", "X", {}, lambda b: b.cost_and_grads("deep", params, inf_X, Y, spec)),
        ("train-zero-learning-rate", "learning_rate", {"function": "train"},
         lambda b: b.train("deep", params, X, Y, spec, learning_rate=0.0, num_epochs=1)),
        ("negative-lambd", "lambd", {"training": "lambd"},
         lambda b: b.cost_and_grads("deep", params, X, Y, spec, lambd=-0.1)),
        ("masks-not-0-1", "masks", {"training": "keep_prob"},
         lambda b: b.cost_and_grads("deep", params, X, Y, spec, keep_prob=0.8, masks=half_mask)),
    ]


def _checks(runner: Runner):
    case = _case()
    name = "mini-batch order RandomState(seed + e)"
    yield Planned("contract", name, "costs", "float64", "cpu", _needs(case, function="train", training="batch_size"),
                  partial(_batch_order, runner, name, case))
    name = "dropout draw after the epoch's order"
    yield Planned("contract", name, "costs", "float64", "cpu",
                  _needs(case, function="train", training=("batch_size", "keep_prob")),
                  partial(_masks_drawn, runner, name, case))
    name = "predict takes the first class on a tie"
    yield Planned("contract", name, "labels", "float64", "cpu",
                  {"model": "deep", "function": "predict", "output": "softmax", "loss": "categorical_cross_entropy",
                   "dtype": "float64"}, partial(_softmax_tie, runner, name))
    for model in ("deep", "logistic"):
        name = f"{model} with nonzero biases"
        biased = Case(name, model=model, layer_dims=(4, 5, 1), hidden_activation="tanh", m=9)
        if model == "deep":  # on ReLU hidden layers where the backend has no tanh
            relu = Case(f"{name} (ReLU)", layer_dims=(4, 5, 1), hidden_activation="relu", m=9)
            biased = first_supported((biased, relu), "float64", "cpu", runner.skip_reason)
        yield Planned("contract", biased.name, "cost and grads", "float64", "cpu", _needs(biased),
                      partial(_biases, runner, model, biased.name, biased))
    name = "logistic training with L2 (lambd=0.5)"
    logistic = next(c for c in training_cases() if c.model == "logistic")
    yield Planned("contract", name, "costs", "float64", "cpu", _needs(logistic, function="train", training="lambd"),
                  partial(compare_trajectory, runner, logistic, None, "float64", "cpu", name, 6, check="contract",
                          lambd=0.5))
    for name, argument, needs, call in _bad_options():
        yield refusal_check(runner, name, argument, {**case_features(REFUSAL_CASE, "float64", "cpu"), **needs}, call)


SHARED_CONVENTIONS = Section("shared conventions", _checks)
