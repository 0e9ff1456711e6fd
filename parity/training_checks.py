"""Conformance checks of the course-2 training methods (CONTRACT.md, "Training methods"):
L2 and dropout in ``cost_and_grads``, and trajectories with each optimizer, L2, dropout and
learning-rate decay. A backend that does not take an option is skipped with the reason."""

from __future__ import annotations

from nn_contract import optim
from nn_contract.dropout import dropout_masks

from .cases import Case
from .tolerance import relative_error, tolerance

__all__ = ["training_method_checks", "OPTIMIZERS"]

OPTIMIZERS = {"GD": optim.GD(), "Momentum": optim.Momentum(beta=0.9), "RMSprop": optim.RMSprop(beta=0.9),
              "Adam": optim.Adam()}
_CASE = Case("course-2", layer_dims=(4, 6, 3, 1), hidden_activation="relu", m=20, init="he")


def _cost_and_grads(runner, name: str, options_for, training: str) -> None:
    from .compare import case_features as _features
    from .conformance import describe_grads

    for dtype in runner.dtypes:
        for device in runner.devices:
            reason = runner.skip_reason(**_features(_CASE, dtype, device), training=training)
            if reason:
                runner.add("training-methods", name, "cost and grads", dtype, device, "skipped", detail=reason)
                continue

            def one(dtype=dtype, device=device):
                X, Y = _CASE.data(dtype)
                options = options_for(dtype)
                ref_cost, ref_grads = runner.against.cost_and_grads("deep", _CASE.params(dtype), X, Y, _CASE.spec,
                                                                    **options)
                cost, grads = runner.backend.cost_and_grads("deep", _CASE.params(dtype), X, Y, _CASE.spec, device,
                                                            **options)
                tol = tolerance(dtype, device)
                error = relative_error(cost, ref_cost)
                runner.add("training-methods", name, "cost", dtype, device, "passed" if error <= tol.cost else "failed",
                           error, tol.cost, "" if error <= tol.cost else f"cost: got {cost!r}, expected {ref_cost!r}")
                error, quantity, detail = describe_grads(grads, ref_grads, tol.grad)
                runner.add("training-methods", name, quantity, dtype, device,
                           "passed" if error <= tol.grad else "failed", error, tol.grad, detail)

            runner.guarded("training-methods", name, "cost and grads", dtype, device, one)


def _masks(dtype):
    """The masks of one full-batch step, drawn by the contract's one function."""
    return next(iter(dropout_masks(_CASE.spec, 0.8, _CASE.m, 1, None, seed=3, dtype=dtype)))


def training_method_checks(runner) -> None:
    """Append the course-2 rows to ``runner`` (a conformance ``_Runner``)."""
    from .compare import case_features as _features

    _cost_and_grads(runner, "L2 (lambd=0.7)", lambda dtype: {"lambd": 0.7}, "lambd")
    _cost_and_grads(runner, "dropout (keep_prob=0.8, fixed masks)",
                    lambda dtype: {"keep_prob": 0.8, "masks": _masks(dtype)}, "keep_prob")
    epochs = 3 if runner.quick else 8
    runs = [(f"optimizer {name}", {"optimizer": opt}, ("optimizer",), name) for name, opt in OPTIMIZERS.items()]
    runs += [
        ("L2 training (lambd=0.7)", {"lambd": 0.7}, ("lambd",), None),
        ("dropout training (keep_prob=0.8)", {"keep_prob": 0.8}, ("keep_prob",), None),
        ("decay (decay_rate=1, time_interval=2) with Adam", {"decay_rate": 1.0, "time_interval": 2,
                                                             "optimizer": OPTIMIZERS["Adam"]},
         ("decay_rate", "optimizer"), "Adam"),
    ]
    for name, options, training, optimizer in runs:
        for dtype in runner.dtypes:
            for device in runner.devices:
                features = {**_features(_CASE, dtype, device), "function": "train", "training": training}
                if optimizer:
                    features["optimizer"] = optimizer
                reason = runner.skip_reason(**features)
                if reason:
                    runner.add("training-methods", name, "costs", dtype, device, "skipped", detail=reason)
                    continue
                runner.guarded("training-methods", name, "costs", dtype, device,
                               lambda o=options, d=dtype, v=device, n=name:
                               runner._trajectory(_CASE, 5, d, v, n, epochs, check="training-methods", **o))
