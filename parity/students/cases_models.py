"""The inputs of the course's planar network (one tanh hidden layer), of its training functions
(``model``, ``nn_model``, ``two_layer_model``, ``L_layer_model``, on a few iterations) and of
gradient checking.

    CASE_MAKERS_MODELS[("planar", "backward_propagation")](reference, rng)

A training function is run for tens of iterations, not thousands: the same arithmetic as the
course's run, at a fraction of its time, compared step for step through its final parameters and
recorded costs.
"""

from __future__ import annotations

import numpy as np

from .cases import Case
from .cases_course2 import three_layer

__all__ = ["CASE_MAKERS_MODELS"]


def _planar_data(rng, n_x, n_y, m):
    X = rng.standard_normal((n_x, m))
    Y = (rng.random((n_y, m)) > 0.5).astype(float)
    Y[:, 0] = 1.0
    return X, Y


def _planar_params(rng, n_x, n_h, n_y):
    return {"W1": rng.standard_normal((n_h, n_x)), "b1": rng.standard_normal((n_h, 1)) * 0.3,
            "W2": rng.standard_normal((n_y, n_h)), "b2": rng.standard_normal((n_y, 1)) * 0.3}


_PLANAR = ((2, 4, 1, 5, "the course's sizes n_x = 2, n_h = 4, n_y = 1, m = 5"), (3, 5, 1, 1, "n_x = 3, n_h = 5, m = 1"),
           (4, 2, 1, 7, "n_x = 4, n_h = 2, m = 7"))


def _layer_sizes(reference, rng):
    return [Case(f"X {n_x} x {m}, Y {n_y} x {m}", _planar_data(rng, n_x, n_y, m))
            for n_x, n_y, m in ((5, 2, 3), (2, 1, 7))]


def _planar_init(reference, rng):
    return [Case("the course's n_x = 2, n_h = 4, n_y = 1", (2, 4, 1)), Case("n_x = 3, n_h = 5, n_y = 2", (3, 5, 2))]


def _planar_forward(reference, rng):
    cases = []
    for n_x, n_h, n_y, m, label in _PLANAR:
        X, _ = _planar_data(rng, n_x, n_y, m)
        cases.append(Case(label, (X, _planar_params(rng, n_x, n_h, n_y)), info={"m": m}))
    return cases


def _planar_cost(reference, rng):
    cases = []
    for m in (3, 1, 8):
        cases.append(Case(f"m = {m}", (rng.uniform(0.05, 0.95, (1, m)), _planar_data(rng, 1, 1, m)[1]), info={"m": m}))
    return cases


def _planar_backward(reference, rng):
    cases = []
    for n_x, n_h, n_y, m, label in _PLANAR:
        X, Y = _planar_data(rng, n_x, n_y, m)
        params = _planar_params(rng, n_x, n_h, n_y)
        _, cache = reference.forward_propagation(X, params)
        cases.append(Case(label, (params, cache, X, Y), info={"m": m}))
    return cases


def _planar_update(reference, rng):
    cases = []
    for n_x, n_h, n_y, m, label in _PLANAR[:2]:
        params = _planar_params(rng, n_x, n_h, n_y)
        grads = {"d" + k: rng.standard_normal(v.shape) * 0.1 for k, v in params.items()}
        cases.append(Case(f"{label}, the default learning_rate", (params, grads)))
    return cases


def _nn_model(reference, rng):
    X, Y = _planar_data(rng, 2, 1, 20)
    return [Case("n_x = 2, m = 20, n_h = 4, 50 iterations", (X, Y, 4, 50))]


def _planar_predict(reference, rng):
    cases = []
    for n_x, n_h, n_y, m, label in _PLANAR[:2]:
        X, _ = _planar_data(rng, n_x, n_y, m)
        cases.append(Case(label, (_planar_params(rng, n_x, n_h, n_y), X)))
    return cases


def _logistic_model(reference, rng):
    X = rng.standard_normal((4, 12))
    Y = (rng.random((1, 12)) > 0.5).astype(float)
    Xt = rng.standard_normal((4, 5))
    Yt = (rng.random((1, 5)) > 0.5).astype(float)
    return [Case("n_x = 4, m = 12 and 5; 201 iterations, learning_rate = 0.05", (X, Y, Xt, Yt, 201, 0.05),
                 info={"m": 12})]


def _app_model(dims):
    def make(reference, rng):
        X = rng.standard_normal((dims[0], 9))
        Y = (rng.random((1, 9)) > 0.5).astype(float)
        return [Case(f"layers_dims {list(dims)}, m = 9, 101 iterations, learning_rate = 0.05",
                     (X, Y, list(dims), 0.05, 101), info={"m": 9, "L": len(dims) - 1})]
    return make


def _scalar_check(reference, rng):
    return [Case("the course's x = 3, theta = 4", (3.0, 4.0)), Case("x = -2, theta = 0.5", (-2.0, 0.5))]


def _gc_data(rng, m):
    X, Y, params = three_layer(rng, (4, 5, 3, 1), m)
    return X, Y, params


def _forward_n(reference, rng):
    return [Case(f"the course's sizes [4, 5, 3, 1], m = {m}", _gc_data(rng, m), info={"m": m}) for m in (3, 1)]


def _backward_n(reference, rng):
    cases = []
    for m in (3, 1):
        X, Y, params = _gc_data(rng, m)
        _, cache = reference.forward_propagation_n(X, Y, params)
        cases.append(Case(f"the course's sizes [4, 5, 3, 1], m = {m}", (X, Y, cache), info={"m": m}))
    return cases


def _gradient_check_n(reference, rng):
    X, Y, params = _gc_data(rng, 3)
    _, cache = reference.forward_propagation_n(X, Y, params)
    gradients = reference.backward_propagation_n(X, Y, cache)
    return [Case("the course's sizes [4, 5, 3, 1], m = 3, the reference's gradients", (params, gradients, X, Y),
                 info={"m": 3})]


CASE_MAKERS_MODELS = {
    ("planar", "layer_sizes"): _layer_sizes,
    ("planar", "initialize_parameters"): _planar_init,
    ("planar", "forward_propagation"): _planar_forward,
    ("planar", "compute_cost"): _planar_cost,
    ("planar", "backward_propagation"): _planar_backward,
    ("planar", "update_parameters"): _planar_update,
    ("planar", "nn_model"): _nn_model,
    ("planar", "predict"): _planar_predict,
    ("logistic_regression", "model"): _logistic_model,
    ("deep_application", "two_layer_model"): _app_model((4, 3, 1)),
    ("deep_application", "L_layer_model"): _app_model((4, 5, 3, 1)),
    ("gradient_checking", "forward_propagation"): _scalar_check,
    ("gradient_checking", "backward_propagation"): _scalar_check,
    ("gradient_checking", "gradient_check"): _scalar_check,
    ("gradient_checking", "forward_propagation_n"): _forward_n,
    ("gradient_checking", "backward_propagation_n"): _backward_n,
    ("gradient_checking", "gradient_check_n"): _gradient_check_n,
}
