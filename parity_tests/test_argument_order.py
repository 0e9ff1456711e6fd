"""Arguments passed in another order, or of the wrong kind, are refused by every backend's
public API with a TypeError that names the argument and gives the order expected, before
any arithmetic (the notes call ``L_model_forward(X, parameters)``; the contract's order is
``params`` first)."""

from __future__ import annotations

import numpy as np
import pytest

from parity import BACKENDS
from nn_contract import ModelSpec, init_logistic_params, init_params

BUILTIN = ("numpy", "torch", "jax")
SPEC = ModelSpec((3, 4, 1))


def _data():
    rng = np.random.RandomState(0)
    X = rng.randn(3, 5)
    Y = (rng.rand(1, 5) > 0.5).astype(float)
    return X, Y


def _cases():
    """(id, model, function, args(params, X, Y, spec), argument named, order expected)."""
    deep_fit = "cost_and_grads(params, X, Y, spec)"
    deep_train = "train(params, X, Y, spec, ...)"
    logistic_fit = "cost_and_grads(params, X, Y)"
    return [
        ("deep.cost_and_grads(X, params, Y, spec)", "deep", "cost_and_grads",
         lambda P, X, Y, S: (X, P, Y, S), "params", deep_fit),
        ("deep.cost_and_grads(spec, X, Y, params)", "deep", "cost_and_grads",
         lambda P, X, Y, S: (S, X, Y, P), "params", deep_fit),
        ("deep.cost_and_grads(params, X, spec, Y)", "deep", "cost_and_grads",
         lambda P, X, Y, S: (P, X, S, Y), "Y", deep_fit),
        ("deep.cost_and_grads(params, X, Y, layer_dims)", "deep", "cost_and_grads",
         lambda P, X, Y, S: (P, X, Y, S.layer_dims), "spec", "ModelSpec(layer_dims)"),
        ("deep.train(X, params, Y, spec)", "deep", "train",
         lambda P, X, Y, S: (X, P, Y, S), "params", deep_train),
        ("deep.train(params, X, Y, learning_rate)", "deep", "train",
         lambda P, X, Y, S: (P, X, Y, 0.01), "spec", deep_train),
        ("deep.predict(X, params, spec)", "deep", "predict",
         lambda P, X, Y, S: (X, P, S), "params", "predict(params, X, spec)"),
        ("deep.predict(params, spec, X)", "deep", "predict",
         lambda P, X, Y, S: (P, S, X), "X", "predict(params, X, spec)"),
        ("deep.predict_proba(X, params, spec)", "deep", "predict_proba",
         lambda P, X, Y, S: (X, P, S), "params", "predict_proba(params, X, spec)"),
        ("logistic.cost_and_grads(X, params, Y)", "logistic", "cost_and_grads",
         lambda P, X, Y, S: (X, P, Y), "params", logistic_fit),
        # The notes' propagate(w, b, X, Y) habit: w where the params dict belongs.
        ("logistic.cost_and_grads(w, X, Y)", "logistic", "cost_and_grads",
         lambda P, X, Y, S: (P["w"], X, Y), "params", "params = {'w': w, 'b': b}"),
        ("logistic.cost_and_grads(params, X, {'Y': Y})", "logistic", "cost_and_grads",
         lambda P, X, Y, S: (P, X, {"Y": Y}), "Y", logistic_fit),
        ("logistic.train(X, params, Y)", "logistic", "train",
         lambda P, X, Y, S: (X, P, Y), "params", "train(params, X, Y, ...)"),
        ("logistic.predict(X, params)", "logistic", "predict",
         lambda P, X, Y, S: (X, P), "params", "predict(params, X)"),
        ("logistic.predict_proba(X, params)", "logistic", "predict_proba",
         lambda P, X, Y, S: (X, P), "params", "predict_proba(params, X)"),
    ]


def _params():
    return [
        pytest.param(name, *case[1:], id=f"{name}-{case[0]}")
        for name in BUILTIN
        for case in _cases()
    ]


@pytest.mark.parametrize("backend_name, model, function, arrange, argument, order", _params())
def test_wrong_order_is_a_type_error_naming_the_argument_and_the_order(
    backend_name, model, function, arrange, argument, order
):
    X, Y = _data()
    params = init_params(SPEC, 0, "xavier") if model == "deep" else init_logistic_params(3, 0, "xavier")
    before = {k: np.array(v, copy=True) for k, v in params.items()}
    fn = getattr(BACKENDS[backend_name].module(model), function)
    with pytest.raises(TypeError) as excinfo:
        fn(*arrange(params, X, Y, SPEC))
    message = str(excinfo.value)
    assert message.startswith(f"{argument} must"), message
    assert order in message, message
    for key, value in before.items():  # refused before anything was written
        np.testing.assert_array_equal(params[key], value)


@pytest.mark.parametrize("backend_name", BUILTIN)
def test_the_right_order_still_runs(backend_name):
    # The kind checks run first on every call: they must let the contract's order through.
    X, Y = _data()
    deep = BACKENDS[backend_name].module("deep")
    cost, grads = deep.cost_and_grads(init_params(SPEC, 0, "xavier"), X, Y, SPEC)
    assert np.isfinite(cost) and set(grads) == {"dW1", "db1", "dW2", "db2"}
    labels = BACKENDS[backend_name].module("logistic").predict(init_logistic_params(3, 0, "xavier"), X)
    assert labels.shape == (1, 5)


@pytest.mark.parametrize("backend", ["numpy", "jax"])
def test_building_blocks_name_arguments_in_the_notes_order(backend):
    # The notes call L_model_forward(X, parameters); the building block is model_forward(params, X, spec).
    from parity import BACKENDS
    from nn_contract import ModelSpec, init_params

    spec = ModelSpec((3, 2, 1))
    params, X = init_params(spec, 0), np.zeros((3, 4))
    model_forward = BACKENDS[backend].module("deep").model_forward
    with pytest.raises(TypeError, match=r"params must be a dict.*the order is model_"):
        model_forward(X, params, spec)
    with pytest.raises(TypeError, match=r"spec must be a ModelSpec.*the order is model_"):
        model_forward(params, X, (3, 2, 1))
