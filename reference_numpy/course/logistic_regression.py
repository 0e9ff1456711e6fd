"""Course 1, week 2, "Logistic Regression with a Neural Network mindset": the graded functions
under the course's names and signatures.

    sigmoid(z)                                    σ(z), the activation alone
    initialize_with_zeros(dim)                    w: (n_x, 1) of zeros, b = 0.0
    propagate(w, b, X, Y) -> (grads, cost)        grads {"dw": (n_x, 1), "db": float}
    optimize(w, b, X, Y, num_iterations, learning_rate, print_cost=False)
                                                  -> (params, grads, costs every 100 iterations)
    predict(w, b, X)                              (1, m) of 0.0/1.0, σ(wᵀX + b) > 0.5
    model(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5, print_cost=False)
                                                  -> d {"costs", "Y_prediction_test",
                                                  "Y_prediction_train", "w", "b", "learning_rate",
                                                  "num_iterations"}

The cost is the course's, from A = σ(wᵀX + b); ``logistic.cost_and_grads`` computes it from z and
stays finite where σ saturates. Nothing here writes into the caller's arrays.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

import reference_numpy.logistic as logistic  # the reference's math: course sits above it
from ..activations import sigmoid as _sigmoid
from ._common import array, cross_entropy, order
from ._common import sigmoid
from nn_contract.checks import check_count, check_learning_rate, check_X, check_Y
from nn_contract.init import init_logistic_params
from nn_contract.labels import labels_from_proba

__all__ = ["sigmoid", "initialize_with_zeros", "propagate", "optimize", "predict", "model"]


def initialize_with_zeros(dim):
    """dim = n_x -> w: (n_x, 1) of zeros, b = 0.0."""
    if isinstance(dim, bool) or not isinstance(dim, Integral):
        raise TypeError(f"dim must be an int, got {dim!r}{order('initialize_with_zeros(dim)')}")
    params = init_logistic_params(int(dim), method="zeros")
    return params["w"], params["b"]


def _logistic_args(w, b, X, call: str):
    """w: (n_x, 1) (or (n_x,), reshaped as the notes' predict does), b: a real scalar,
    X: (n_x, m) -> (w, b, X), checked."""
    w = array(w, "w", call, ndim=None)
    if isinstance(b, (bool, np.bool_)) or not isinstance(b, (Real, np.ndarray)) or np.ndim(b) != 0:
        raise TypeError(f"b must be a real scalar, got {type(b).__name__}{order(call)}")
    X = check_X(array(X, "X", call))
    if w.size != X.shape[0] or w.ndim > 2 or (w.ndim == 2 and w.shape[1] != 1):
        raise ValueError(f"w must have shape (n_x, 1) = ({X.shape[0]}, 1), one weight per row of X; "
                         f"got {w.shape}")
    if not np.isfinite(b):
        raise ValueError("b is NaN or inf")
    return w.reshape(X.shape[0], 1), b, X


def propagate(w, b, X, Y):
    """w: (n_x, 1), b: scalar, X: (n_x, m), Y: (1, m) of 0/1 -> (grads {"dw": (n_x, 1),
    "db": float}, cost), the notes' formulas from A = σ(wᵀX + b):
    J = -(1/m) Σ (Y log A + (1-Y) log(1-A)), dw = (1/m) X (A-Y)ᵀ, db = (1/m) Σ (A-Y)."""
    call = "propagate(w, b, X, Y)"
    w, b, X = _logistic_args(w, b, X, call)
    Y = check_Y(array(Y, "Y", call), X, "sigmoid", 1)
    m = X.shape[1]
    A = _sigmoid(logistic.forward(w, b, X))
    if not ((A > 0) & (A < 1)).all():
        raise ValueError("σ(wᵀX + b) is 0 or 1 to machine precision for some example (|z| > ~37), "
                         "where the notes' cost takes log(0); logistic.cost_and_grads computes J "
                         "from z and stays finite there")
    cost = cross_entropy(A, Y)
    dw = np.dot(X, (A - Y).T) / m
    db = np.float64(np.sum(A - Y) / m)
    return {"dw": dw, "db": db}, cost


def optimize(w, b, X, Y, num_iterations, learning_rate, print_cost=False):
    """Gradient descent from (w, b): ``num_iterations`` steps of w -= α dw, b -= α db.

    Returns (params {"w", "b"}, grads {"dw", "db"} of the last step, costs): the cost of
    every 100th iteration (0, 100, ...), as the notes record it; ``print_cost`` prints them.
    """
    call = "optimize(w, b, X, Y, num_iterations, learning_rate, print_cost=False)"
    w, b, X = _logistic_args(w, b, X, call)
    Y = check_Y(array(Y, "Y", call), X, "sigmoid", 1)
    if isinstance(num_iterations, bool) or not isinstance(num_iterations, Integral):
        raise TypeError(f"num_iterations must be an int, got {num_iterations!r}{order(call)}")
    num_iterations = check_count(num_iterations, "num_iterations")
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, Real):
        raise TypeError(f"learning_rate must be a real number, got {learning_rate!r}{order(call)}")
    learning_rate = check_learning_rate(learning_rate, X.dtype)
    if not isinstance(print_cost, (bool, np.bool_)):
        raise TypeError(f"print_cost must be True or False, got {print_cost!r}{order(call)}")
    costs = []
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        dw, db = grads["dw"], grads["db"]
        w = w - learning_rate * dw
        b = b - learning_rate * db
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print("Cost after iteration %i: %f" % (i, cost))
    return {"w": w, "b": b}, {"dw": dw, "db": db}, costs


def predict(w, b, X) -> np.ndarray:
    """w: (n_x, 1), b: scalar, X: (n_x, m) -> Y_prediction: (1, m), 1.0 where σ(wᵀX + b) > 0.5, else 0.0."""
    w, b, X = _logistic_args(w, b, X, "predict(w, b, X)")
    A = _sigmoid(logistic.forward(w, b, X))
    return labels_from_proba(A, "sigmoid")


def model(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5, print_cost=False) -> dict:
    """X_train: (n_x, m), Y_train: (1, m), X_test: (n_x, m_test), Y_test: m_test labels -> d, the
    course's dict: w, b after ``optimize`` from zeros, both sets' predictions, the costs."""
    call = "model(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5, print_cost=False)"
    X_train = check_X(array(X_train, "X_train", call))
    X_test = check_X(array(X_test, "X_test", call), "X_test")
    Y_test = array(Y_test, "Y_test", call, ndim=None)
    if X_test.shape[0] != X_train.shape[0]:
        raise ValueError(f"X_test must have X_train's {X_train.shape[0]} rows (n_x); got shape {X_test.shape}")
    if Y_test.size != X_test.shape[1]:
        raise ValueError(f"Y_test must hold one label per column of X_test ({X_test.shape[1]}); "
                         f"got shape {Y_test.shape}")
    w, b = initialize_with_zeros(X_train.shape[0])
    params, _, costs = optimize(w, b, X_train, Y_train, num_iterations, learning_rate, print_cost)
    w, b = params["w"], params["b"]
    Y_prediction_test = predict(w, b, X_test)
    Y_prediction_train = predict(w, b, X_train)
    if print_cost:
        for name, prediction, Y in (("train", Y_prediction_train, Y_train), ("test", Y_prediction_test, Y_test)):
            accuracy = 100 - np.mean(np.abs(prediction - np.reshape(Y, prediction.shape))) * 100
            print(f"{name} accuracy: {accuracy} %")
    return {"costs": costs, "Y_prediction_test": Y_prediction_test, "Y_prediction_train": Y_prediction_train,
            "w": w, "b": b, "learning_rate": learning_rate, "num_iterations": num_iterations}
