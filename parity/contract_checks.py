"""Conformance checks of what every backend shares with the reference: the mini-batch order,
the dropout draw, the labels at a tie, the caller's biases, L2 in logistic regression, and
refusals of the course-2 options.

A defect in code the backends share with the reference (``nn_contract.batches``,
``dropout``, ``labels``, ``checks``) makes them agree with it, so parity cannot see it.
These checks hold a backend to the contract as CONTRACT.md writes it, computed here from
first principles (the documented draws, ``against``'s ``cost_and_grads`` and a plain
gradient step), never through the shared helpers.
"""

from __future__ import annotations

import math

import numpy as np

from nn_contract import ModelSpec

from .cases import Case, training_cases
from .tolerance import dict_relative_error, relative_error, tolerance

__all__ = ["contract_checks"]

_SEED, _EPOCHS, _BATCH, _LR, _KEEP = 3, 2, 6, 0.1, 0.8


def _case() -> Case:
    # The trajectories' own case and mini-batch size, so a compiling backend reuses its epoch.
    return next(c for c in training_cases() if c.name == "deep-relu-sigmoid")


def _expected_run(runner, case, masks_for_epoch=None):
    """(params, costs) of plain gradient descent with batches of ``_BATCH`` taken in the order
    RandomState(seed + e).permutation(m), the last smaller batch kept, each step's gradient
    from ``against``; ``masks_for_epoch(e, rng, bounds)`` gives each step's dropout masks."""
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


def _compare_run(runner, name, case, expected, **options):
    X, Y = case.data("float64")
    params, costs = runner.backend.train("deep", case.params("float64"), X, Y, case.spec, learning_rate=_LR,
                                         num_epochs=_EPOCHS, batch_size=_BATCH, seed=_SEED, **options)
    tol = tolerance("float64").grad
    ref_params, ref_costs = expected
    costs = np.asarray(costs, dtype=np.float64).ravel()
    if costs.size != len(ref_costs):
        runner.add("contract", name, "costs", "float64", "cpu", "failed", math.inf, tol,
                   f"costs: {costs.size} update steps, the contract's batches make {len(ref_costs)} "
                   f"({_EPOCHS} epochs of ceil(m / {_BATCH}), the last smaller batch kept)")
        return
    error = relative_error(costs, ref_costs)
    error = max(error, dict_relative_error({k: np.asarray(v) for k, v in params.items()}, ref_params))
    ok = error <= tol
    runner.add("contract", name, "costs and params", "float64", "cpu", "passed" if ok else "failed", error, tol,
               "" if ok else f"{name}: the trajectory differs from the one CONTRACT.md defines (relative error "
                             f"{error:.3g}); epoch e must take RandomState(seed + e).permutation(m)")


def _features(case, **more) -> dict:
    from .conformance import _features as features

    return {**features(case, "float64", "cpu"), **more}


def _batch_order(runner):
    case = _case()
    name = "mini-batch order RandomState(seed + e)"
    reason = runner.skip_reason(**_features(case, function="train", training="batch_size"))
    if reason:
        runner.add("contract", name, "costs", "float64", "cpu", "skipped", detail=reason)
        return
    runner.guarded("contract", name, "costs", "float64", "cpu",
                   lambda: _compare_run(runner, name, case, _expected_run(runner, case)))


def _mask_draw(runner):
    case = _case()
    name = "dropout draw after the epoch's order"
    reason = runner.skip_reason(**_features(case, function="train", training=("batch_size", "keep_prob")))
    if reason:
        runner.add("contract", name, "costs", "float64", "cpu", "skipped", detail=reason)
        return
    hidden = case.spec.layer_dims[1:-1]

    def masks(rng, bounds):
        # CONTRACT.md: the epoch's RandomState(seed + e) draws the order, then each step's masks.
        return [{f"D{l}": (rng.rand(n, hi - lo) < _KEEP).astype(np.float64) for l, n in enumerate(hidden, start=1)}
                for lo, hi in bounds]

    runner.guarded("contract", name, "costs", "float64", "cpu",
                   lambda: _compare_run(runner, name, case, _expected_run(runner, case, masks), keep_prob=_KEEP))


def _softmax_tie(runner):
    name = "predict takes the first class on a tie"
    reason = runner.skip_reason(model="deep", function="predict", output="softmax", loss="categorical_cross_entropy",
                                dtype="float64")
    if reason:
        runner.add("contract", name, "labels", "float64", "cpu", "skipped", detail=reason)
        return

    def one():
        spec = ModelSpec((2, 3), output="softmax")
        params = {"W1": np.zeros((3, 2)), "b1": np.array([[0.0], [1.0], [1.0]])}
        labels = np.asarray(runner.backend.predict("deep", params, np.array([[1.0, -2.0], [0.5, 3.0]]), spec))
        ok = labels.shape == (3, 2) and np.array_equal(labels, [[0, 0], [1, 1], [0, 0]])
        runner.add("contract", name, "labels", "float64", "cpu", "passed" if ok else "failed",
                   detail="" if ok else f"classes 2 and 3 tie: got columns {labels.T.tolist()}, the contract "
                                        f"says one-hot at the first of them, [0, 1, 0]")

    runner.guarded("contract", name, "labels", "float64", "cpu", one)


def _biases(runner):
    """Every built-in case starts from zero biases, so a backend that drops the caller's b goes unseen."""
    tol = tolerance("float64")
    for model in ("deep", "logistic"):
        name = f"{model} with nonzero biases"
        case = Case(name, model=model, layer_dims=(4, 5, 1), hidden_activation="tanh", m=9)
        reason = runner.skip_reason(**_features(case))
        if reason:
            runner.add("contract", name, "cost and grads", "float64", "cpu", "skipped", detail=reason)
            continue

        def one(model=model, name=name, case=case):
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

        runner.guarded("contract", name, "cost and grads", "float64", "cpu", one)


def _logistic_l2(runner):
    name = "logistic training with L2 (lambd=0.5)"
    case = next(c for c in training_cases() if c.model == "logistic")
    reason = runner.skip_reason(**_features(case, function="train", training="lambd"))
    if reason:
        runner.add("contract", name, "costs", "float64", "cpu", "skipped", detail=reason)
        return
    runner.guarded("contract", name, "costs", "float64", "cpu",
                   lambda: runner._trajectory(case, None, "float64", "cpu", name, 6, check="contract", lambd=0.5))


def _bad_options(runner):
    """Refusals the contract asks for, beyond ``_bad_inputs``: naming the argument."""
    spec = ModelSpec((3, 4, 1), hidden_activation="tanh")
    rng = np.random.RandomState(0)
    X, Y = rng.randn(3, 5), (rng.rand(1, 5) > 0.5).astype(float)
    from nn_contract import init_params

    params = init_params(spec, 0, "xavier")
    inf_X = X.copy()
    inf_X[0, 1] = np.inf
    half_mask = {"D1": np.full((4, 5), 0.5)}
    cases = [
        ("inf-in-X", "X", {}, lambda b: b.cost_and_grads("deep", params, inf_X, Y, spec)),
        ("train-zero-learning-rate", "learning_rate", {"function": "train"},
         lambda b: b.train("deep", params, X, Y, spec, learning_rate=0.0, num_epochs=1)),
        ("negative-lambd", "lambd", {"training": "lambd"},
         lambda b: b.cost_and_grads("deep", params, X, Y, spec, lambd=-0.1)),
        ("masks-not-0-1", "masks", {"training": "keep_prob"},
         lambda b: b.cost_and_grads("deep", params, X, Y, spec, keep_prob=0.8, masks=half_mask)),
    ]
    for name, argument, features, call in cases:
        reason = runner.backend.unsupported(model="deep", activation="tanh", **{"function": "cost_and_grads",
                                                                                 **features})
        if reason:
            runner.add("bad-input", name, argument, "float64", "cpu", "skipped", detail=reason)
            continue
        runner.refusal(name, argument, call)


def contract_checks(runner) -> None:
    """Append the shared-convention rows to ``runner`` (a conformance ``_Runner``)."""
    _batch_order(runner)
    _mask_draw(runner)
    _softmax_tie(runner)
    _biases(runner)
    _logistic_l2(runner)
    _bad_options(runner)
