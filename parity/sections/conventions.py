"""The contract's conventions at the kinks and at A[L] = 0.5, on tiny networks where the
answer is known by hand: relu'(0) = 0, leaky_relu'(0) = the slope, |·|'(0) = 0, and label 0
at exactly one half."""

from __future__ import annotations

from functools import partial

import numpy as np

from nn_contract import ModelSpec

from ..runner import Planned, Runner, Section
from ..tolerance import tolerance

__all__ = ["CONVENTIONS"]

_SLOPE = 0.05


def _checks(runner: Runner):
    dtype, device = "float64", "cpu"
    for hidden, contract, says in (("relu", 0.0, "0"), ("leaky_relu", _SLOPE, f"the slope ({_SLOPE})")):
        name = f"{hidden}'(0)"
        yield Planned("convention", f"kink-{hidden}", name, dtype, device,
                      {"model": "deep", "function": "cost_and_grads", "activation": hidden, "dtype": dtype},
                      partial(_kink, runner, hidden, contract, says, name, _SLOPE))
    yield Planned("convention", "kink-l1", "|·|'(0)", dtype, device,
                  {"model": "deep", "function": "cost_and_grads", "output": "linear", "loss": "l1", "dtype": dtype},
                  partial(_l1_kink, runner))
    yield Planned("convention", "predict-at-0.5", "predict at A[L] = 0.5", dtype, device,
                  {"model": "deep", "function": "predict", "output": "sigmoid", "dtype": dtype},
                  partial(_predict_half, runner))


def _kink(runner: Runner, hidden, contract, says, name, slope):
    # W[1] = 0, b[1] = 0: Z[1] = 0 for every example, so g'(0) alone scales db[1]:
    # db[1] = g'(0) · W[2] · mean(dZ[2]), with dZ[2] = σ(W[2] g(0) + b[2]) − Y = 0.5 − 0.
    spec = ModelSpec((2, 1, 1), hidden_activation=hidden, leaky_slope=slope)
    params = {"W1": np.zeros((1, 2)), "b1": np.zeros((1, 1)), "W2": np.array([[1.0]]), "b2": np.zeros((1, 1))}
    X, Y = np.array([[1.0, -2.0, 0.5], [0.3, 1.0, -1.5]]), np.zeros((1, 3))
    _, grads = runner.backend.cost_and_grads("deep", params, X, Y, spec)
    got = float(np.asarray(grads["db1"]).ravel()[0]) / 0.5
    error = abs(got - contract)
    tol = tolerance("float64").grad
    ok = error <= tol
    runner.add("convention", f"kink-{hidden}", name, "float64", "cpu", "passed" if ok else "failed", error, tol,
               "" if ok else f"{name}: got {got:.6g}, the contract says {says}")


def _l1_kink(runner: Runner):
    # A perfect fit: every residual ŷ − y is exactly 0, so dZ[L] = sign'(0)-weighted: 0.
    spec = ModelSpec((1, 1), output="linear", loss="l1")
    params = {"W1": np.array([[2.0]]), "b1": np.zeros((1, 1))}
    X = np.array([[1.0, 2.0, 3.0]])
    _, grads = runner.backend.cost_and_grads("deep", params, X, 2 * X, spec)
    got = max(float(np.max(np.abs(np.asarray(v)))) for v in grads.values())
    tol = tolerance("float64").grad
    ok = got <= tol
    runner.add("convention", "kink-l1", "|·|'(0)", "float64", "cpu", "passed" if ok else "failed", got, tol,
               "" if ok else f"|·|'(0): got a gradient of {got:.6g} at a perfect fit, the contract says 0")


def _predict_half(runner: Runner):
    spec = ModelSpec((2, 1))
    params = {"W1": np.zeros((1, 2)), "b1": np.zeros((1, 1))}
    X = np.array([[1.0, -2.0], [0.5, 3.0]])
    labels = np.asarray(runner.backend.predict("deep", params, X, spec))
    ok = labels.shape == (1, 2) and np.all(labels == 0)
    runner.add("convention", "predict-at-0.5", "predict at A[L] = 0.5", "float64", "cpu",
               "passed" if ok else "failed", detail="" if ok else
               f"predict at A[L] = 0.5 exactly: got {labels.ravel().tolist()}, the contract says 0 "
               f"(label 1 only where A[L] > 0.5)")


CONVENTIONS = Section("conventions", _checks, needs={"model": "deep"})
