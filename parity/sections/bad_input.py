"""Bad input refused before any arithmetic, with a ValueError or TypeError that names the
argument: NaN and inf in data, shapes that do not fit, labels outside what the output allows,
parameters of the wrong shape or kind, training options out of range."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from ..cases import REFUSAL_CASE, case_features
from ..runner import Runner, Section, refusal_check

__all__ = ["BAD_INPUT", "bad_inputs"]


def bad_inputs() -> Iterator[tuple[str, str, Callable]]:
    """(name, the argument the error must name, call) for each kind of bad input;
    ``call(backend)`` makes the call."""
    spec, (X, Y), params = REFUSAL_CASE.spec, REFUSAL_CASE.data(), REFUSAL_CASE.params()
    nan_X = X.copy()
    nan_X[1, 2] = np.nan
    bad_W = dict(params, W1=np.zeros((4, 2)))
    missing = {k: v for k, v in params.items() if k != "b2"}
    lp = {"w": np.zeros((3, 1)), "b": 0.0}

    def deep(p=params, x=X, y=Y):
        return lambda b: b.cost_and_grads("deep", p, x, y, spec)

    yield "nan-in-X", "X", deep(x=nan_X)
    yield "inf-in-Y", "Y", deep(y=np.where(Y > 0, np.inf, 0.0))
    yield "X-rows-mismatch", "X", deep(x=X[:2])
    yield "X-1d", "X", deep(x=X[0])
    yield "empty-X", "X", deep(x=np.zeros((3, 0)), y=np.zeros((1, 0)))
    yield "Y-columns-mismatch", "Y", deep(y=Y[:, :3])
    yield "label-outside-0-1", "Y", deep(y=2 * Y)
    yield "params-wrong-shape", "W1", deep(p=bad_W)
    yield "params-missing-key", "b2", deep(p=missing)
    yield "params-not-a-dict", "params", deep(p=[params["W1"]])
    yield "train-negative-learning-rate", "learning_rate", lambda b: b.train(
        "deep", params, X, Y, spec, learning_rate=-0.1, num_epochs=1)
    yield "train-zero-epochs", "num_epochs", lambda b: b.train("deep", params, X, Y, spec, num_epochs=0)
    yield "train-zero-batch-size", "batch_size", lambda b: b.train("deep", params, X, Y, spec, num_epochs=1,
                                                                   batch_size=0)
    yield "logistic-nan-in-X", "X", lambda b: b.cost_and_grads("logistic", lp, nan_X, Y)
    yield "logistic-label-outside-0-1", "Y", lambda b: b.cost_and_grads("logistic", lp, X, 3 * Y)


def _checks(runner: Runner):
    for name, argument, call in bad_inputs():
        model = "logistic" if name.startswith("logistic") else "deep"
        function = "train" if "train" in name else "cost_and_grads"
        needs = case_features(REFUSAL_CASE, "float64", "cpu") if model == "deep" else {"model": model}
        needs = {**needs, "function": function}
        if argument == "batch_size":  # a backend without mini-batches need not judge a batch size
            needs["training"] = "batch_size"
        yield refusal_check(runner, name, argument, needs, call)


BAD_INPUT = Section("bad input", _checks)
