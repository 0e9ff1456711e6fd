"""The course-2 training methods (CONTRACT.md, "Training methods"): L2 and dropout in
``cost_and_grads``, and trajectories with each optimizer, L2, dropout and learning-rate
decay. A backend that does not take an option is skipped with the reason."""

from __future__ import annotations

from functools import partial

from nn_contract import dropout_masks, optim

from ..cases import Case, case_features
from ..runner import Planned, Runner, Section
from ..tolerance import relative_error, tolerance
from ..verdicts import compare_trajectory, describe_grads

__all__ = ["TRAINING_METHODS", "OPTIMIZERS"]

OPTIMIZERS = {"GD": optim.GD(), "Momentum": optim.Momentum(beta=0.9), "RMSprop": optim.RMSprop(beta=0.9),
              "Adam": optim.Adam()}
_CASE = Case("course-2", layer_dims=(4, 6, 3, 1), hidden_activation="relu", m=20, init="he")


def _masks(dtype):
    """The masks of one full-batch step, drawn by the contract's one function."""
    return next(iter(dropout_masks(_CASE.spec, 0.8, _CASE.m, 1, None, seed=3, dtype=dtype)))


# (name, the options of cost_and_grads by dtype, the training option it needs)
_COST_AND_GRADS = (
    ("L2 (lambd=0.7)", lambda dtype: {"lambd": 0.7}, "lambd"),
    ("dropout (keep_prob=0.8, fixed masks)", lambda dtype: {"keep_prob": 0.8, "masks": _masks(dtype)}, "keep_prob"),
)
# (name, the options of train, the training options it needs, the optimizer it needs)
_RUNS = tuple((f"optimizer {name}", {"optimizer": opt}, ("optimizer",), name) for name, opt in OPTIMIZERS.items()) + (
    ("L2 training (lambd=0.7)", {"lambd": 0.7}, ("lambd",), None),
    ("dropout training (keep_prob=0.8)", {"keep_prob": 0.8}, ("keep_prob",), None),
    ("decay (decay_rate=1, time_interval=2) with Adam", {"decay_rate": 1.0, "time_interval": 2,
                                                         "optimizer": OPTIMIZERS["Adam"]},
     ("decay_rate", "optimizer"), "Adam"),
)


def _checks(runner: Runner):
    for name, options_for, training in _COST_AND_GRADS:
        for dtype in runner.dtypes:
            for device in runner.devices:
                yield Planned("training-methods", name, "cost and grads", dtype, device,
                              {**case_features(_CASE, dtype, device), "training": training},
                              partial(_cost_and_grads, runner, name, options_for, dtype, device))
    epochs = 3 if runner.quick else 8
    for name, options, training, optimizer in _RUNS:
        for dtype in runner.dtypes:
            for device in runner.devices:
                # in mini-batches of 5 (of m = 20): batch_size too
                needs = {**case_features(_CASE, dtype, device), "function": "train",
                         "training": ("batch_size", *training)}
                if optimizer:
                    needs["optimizer"] = optimizer
                yield Planned("training-methods", name, "costs", dtype, device, needs,
                              partial(compare_trajectory, runner, _CASE, 5, dtype, device, name, epochs,
                                      check="training-methods", **options))


def _cost_and_grads(runner: Runner, name: str, options_for, dtype: str, device: str) -> None:
    X, Y = _CASE.data(dtype)
    options = options_for(dtype)
    ref_cost, ref_grads = runner.against.cost_and_grads("deep", _CASE.params(dtype), X, Y, _CASE.spec, **options)
    cost, grads = runner.backend.cost_and_grads("deep", _CASE.params(dtype), X, Y, _CASE.spec, device, **options)
    tol = tolerance(dtype, device)
    error = relative_error(cost, ref_cost)
    runner.add("training-methods", name, "cost", dtype, device, "passed" if error <= tol.cost else "failed",
               error, tol.cost, "" if error <= tol.cost else f"cost: got {cost!r}, expected {ref_cost!r}")
    error, quantity, detail = describe_grads(grads, ref_grads, tol.grad)
    runner.add("training-methods", name, quantity, dtype, device,
               "passed" if error <= tol.grad else "failed", error, tol.grad, detail)


TRAINING_METHODS = Section("training methods", _checks, needs={"model": "deep"})
