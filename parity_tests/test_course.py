"""``reference_numpy.course``: the notes' functions reproduce the notes' published test values,
and agree with the reference's own ``cost_and_grads`` on the same inputs.

Published values, copied from the "Expected output" cells of the course's notebooks (the
course's own numbers, not this code's output):

- Week 4, "Building your Deep Neural Network: Step by Step" (v8a): github.com/KashmalCh/
  Building_your_Deep_Neural_Network_Step_by_Step_v8a, file
  Building_your_Deep_Neural_Network_Step_by_Step_v8a.ipynb (commit f3f22f662b3e). Its test
  inputs come from the notes' testCases_v4a.py, as in github.com/MohammadMdv/DNN-from-scratch,
  file testCases_v4a.py (commit 4be5dd2d4c8d): each draws ``np.random.randn`` after a seed;
  here a ``RandomState`` of that seed draws the same numbers in the same order.
- Week 2, "Logistic Regression with a Neural Network mindset" (v6a): github.com/KashmalCh/
  Logistic_Regression_with_a_Neural_Network_mindset_v6a, file
  Logistic_Regression_with_a_Neural_Network_mindset_v6a.ipynb (commit 04f578a48740); its
  test inputs are written out in the notebook.
"""

from __future__ import annotations

import numpy as np
import pytest

from parity import GRAD_SCALE_FLOOR, dict_relative_error, relative_error, tolerance
from nn_contract import ModelSpec, init_logistic_params, init_params
from reference_numpy import course, deep, logistic

TOL = tolerance("float64")


def assert_printed(actual, expected, decimals: int) -> None:
    """``actual`` agrees with a value the notes printed to ``decimals`` decimals (NumPy prints
    arrays to 8): within half a unit of the last printed decimal, plus 4 ulp of the value for
    those printed in full (exp and log may round differently in the last bit)."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    bound = 0.5 * 10.0**-decimals + 4 * np.finfo(np.float64).eps * np.abs(expected)
    assert (np.abs(actual - expected) <= bound).all(), f"{actual} != {expected} to {decimals} decimals"


def draws(seed: int, *shapes):
    """The notes' test-case inputs: ``np.random.seed(seed)`` then one ``randn`` per shape."""
    rng = np.random.RandomState(seed)
    return [rng.randn(*shape) for shape in shapes]


# -- week 4: the notes' published test values --------------------------------------------


def test_initialize_parameters_deep_reproduces_the_notes():
    state = np.random.get_state()[1].copy()
    parameters = course.initialize_parameters_deep([5, 4, 3])
    assert list(parameters) == ["W1", "b1", "W2", "b2"]
    assert_printed(parameters["W1"], [[0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388],
                                      [-0.00354759, -0.00082741, -0.00627001, -0.00043818, -0.00477218],
                                      [-0.01313865, 0.00884622, 0.00881318, 0.01709573, 0.00050034],
                                      [-0.00404677, -0.0054536, -0.01546477, 0.00982367, -0.01101068]], 8)
    assert_printed(parameters["W2"], [[-0.01185047, -0.0020565, 0.01486148, 0.00236716],
                                      [-0.01023785, -0.00712993, 0.00625245, -0.00160513],
                                      [-0.00768836, -0.00230031, 0.00745056, 0.01976111]], 8)
    np.testing.assert_array_equal(parameters["b1"], np.zeros((4, 1)))
    np.testing.assert_array_equal(parameters["b2"], np.zeros((3, 1)))
    # Same numbers as the notes' np.random.seed(3), without moving the caller's global state.
    np.testing.assert_array_equal(np.random.get_state()[1], state)


def test_initialize_parameters_reproduces_the_notes():
    parameters = course.initialize_parameters(3, 2, 1)
    assert_printed(parameters["W1"], [[0.01624345, -0.00611756, -0.00528172],
                                      [-0.01072969, 0.00865408, -0.02301539]], 8)
    assert_printed(parameters["W2"], [[0.01744812, -0.00761207]], 8)
    np.testing.assert_array_equal(parameters["b1"], np.zeros((2, 1)))
    np.testing.assert_array_equal(parameters["b2"], np.zeros((1, 1)))


def test_linear_forward_reproduces_the_notes():
    A, W, b = draws(1, (3, 2), (1, 3), (1, 1))  # linear_forward_test_case
    Z, cache = course.linear_forward(A, W, b)
    assert_printed(Z, [[3.26295337, -1.23429987]], 8)
    assert cache[0] is A and cache[1] is W and cache[2] is b


def test_linear_activation_forward_reproduces_the_notes():
    A_prev, W, b = draws(2, (3, 2), (1, 3), (1, 1))  # linear_activation_forward_test_case
    A, _ = course.linear_activation_forward(A_prev, W, b, activation="sigmoid")
    assert_printed(A, [[0.96890023, 0.11013289]], 8)
    A, (linear_cache, Z) = course.linear_activation_forward(A_prev, W, b, activation="relu")
    assert_printed(A, [[3.43896131, 0.0]], 8)
    np.testing.assert_array_equal(Z, W @ A_prev + b)


def test_L_model_forward_reproduces_the_notes():
    # L_model_forward_test_case_2hidden
    X, W1, b1, W2, b2, W3, b3 = draws(6, (5, 4), (4, 5), (4, 1), (3, 4), (3, 1), (1, 3), (1, 1))
    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3}
    AL, caches = course.L_model_forward(X, parameters)
    assert_printed(AL, [[0.03921668, 0.70498921, 0.19734387, 0.04728177]], 8)
    assert len(caches) == 3


def test_compute_cost_reproduces_the_notes():
    # compute_cost_test_case; the notes print this cost in full.
    cost = course.compute_cost(np.array([[0.8, 0.9, 0.4]]), np.asarray([[1, 1, 0]]))
    assert_printed(cost, 0.2797765635793422, 16)
    assert isinstance(cost, float) and np.shape(cost) == ()  # as np.squeeze leaves it


def test_linear_backward_reproduces_the_notes():
    dZ, A, W, b = draws(1, (3, 4), (5, 4), (3, 5), (3, 1))  # linear_backward_test_case
    dA_prev, dW, db = course.linear_backward(dZ, (A, W, b))
    assert_printed(dA_prev, [[-1.15171336, 0.06718465, -0.3204696, 2.09812712],
                             [0.60345879, -3.72508701, 5.81700741, -3.84326836],
                             [-0.4319552, -1.30987417, 1.72354705, 0.05070578],
                             [-0.38981415, 0.60811244, -1.25938424, 1.47191593],
                             [-2.52214926, 2.67882552, -0.67947465, 1.48119548]], 8)
    assert_printed(dW, [[0.07313866, -0.0976715, -0.87585828, 0.73763362, 0.00785716],
                        [0.85508818, 0.37530413, -0.59912655, 0.71278189, -0.58931808],
                        [0.97913304, -0.24376494, -0.08839671, 0.55151192, -0.10290907]], 8)
    assert_printed(db, [[-0.14713786], [-0.11313155], [-0.13209101]], 8)


def test_linear_activation_backward_reproduces_the_notes():
    # linear_activation_backward_test_case
    dA, A, W, b, Z = draws(2, (1, 2), (3, 2), (1, 3), (1, 1), (1, 2))
    cache = ((A, W, b), Z)
    dA_prev, dW, db = course.linear_activation_backward(dA, cache, activation="sigmoid")
    assert_printed(dA_prev, [[0.11017994, 0.01105339], [0.09466817, 0.00949723], [-0.05743092, -0.00576154]], 8)
    assert_printed(dW, [[0.10266786, 0.09778551, -0.01968084]], 8)
    assert_printed(db, [[-0.05729622]], 8)
    dA_prev, dW, db = course.linear_activation_backward(dA, cache, activation="relu")
    assert_printed(dA_prev, [[0.44090989, 0.0], [0.37883606, 0.0], [-0.2298228, 0.0]], 8)
    assert_printed(dW, [[0.44513824, 0.37371418, -0.10478989]], 8)
    assert_printed(db, [[-0.20837892]], 8)


def L_model_backward_test_case():
    """The notes' case: AL and the caches are random draws, not a forward pass (AL > 1 even)."""
    rng = np.random.RandomState(3)
    AL = rng.randn(1, 2)
    Y = np.array([[1, 0]])
    A1, W1, b1, Z1 = rng.randn(4, 2), rng.randn(3, 4), rng.randn(3, 1), rng.randn(3, 2)
    A2, W2, b2, Z2 = rng.randn(3, 2), rng.randn(1, 3), rng.randn(1, 1), rng.randn(1, 2)
    return AL, Y, (((A1, W1, b1), Z1), ((A2, W2, b2), Z2))


def test_L_model_backward_reproduces_the_notes():
    grads = course.L_model_backward(*L_model_backward_test_case())
    assert_printed(grads["dW1"], [[0.41010002, 0.07807203, 0.13798444, 0.10502167],
                                  [0.0, 0.0, 0.0, 0.0],
                                  [0.05283652, 0.01005865, 0.01777766, 0.0135308]], 8)
    assert_printed(grads["db1"], [[-0.22007063], [0.0], [-0.02835349]], 8)
    assert_printed(grads["dA1"], [[0.12913162, -0.44014127],
                                  [-0.14175655, 0.48317296],
                                  [0.01663708, -0.05670698]], 8)


def test_update_parameters_reproduces_the_notes():
    W1, b1, W2, b2 = draws(2, (3, 4), (3, 1), (1, 3), (1, 1))  # update_parameters_test_case
    dW1, db1, dW2, db2 = draws(3, (3, 4), (3, 1), (1, 3), (1, 1))
    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    before = {k: v.copy() for k, v in parameters.items()}
    new = course.update_parameters(parameters, {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}, 0.1)
    assert_printed(new["W1"], [[-0.59562069, -0.09991781, -2.14584584, 1.82662008],
                               [-1.76569676, -0.80627147, 0.51115557, -1.18258802],
                               [-1.0535704, -0.86128581, 0.68284052, 2.20374577]], 8)
    assert_printed(new["b1"], [[-0.04659241], [-1.28888275], [0.53405496]], 8)
    assert_printed(new["W2"], [[-0.55569196, 0.0354055, 1.32964895]], 8)
    assert_printed(new["b2"], [[-0.84610769]], 8)
    for key, value in before.items():  # a new dict: the caller's parameters are untouched
        np.testing.assert_array_equal(parameters[key], value)


# -- week 2: the notes' published test values --------------------------------------------

W2_w, W2_b = np.array([[1.0], [2.0]]), 2.0
W2_X, W2_Y = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]]), np.array([[1, 0, 1]])


def test_sigmoid_and_initialize_with_zeros_reproduce_the_notes():
    assert_printed(course.sigmoid(np.array([0, 2])), [0.5, 0.88079708], 8)
    w, b = course.initialize_with_zeros(2)
    np.testing.assert_array_equal(w, np.zeros((2, 1)))
    assert b == 0 and isinstance(b, float)


def test_propagate_reproduces_the_notes():
    grads, cost = course.propagate(W2_w, W2_b, W2_X, W2_Y)
    assert_printed(grads["dw"], [[0.99845601], [2.39507239]], 8)
    assert_printed(grads["db"], 0.00145557813678, 14)
    assert_printed(cost, 5.801545319394553, 15)


def test_optimize_reproduces_the_notes():
    params, grads, costs = course.optimize(W2_w, W2_b, W2_X, W2_Y, num_iterations=100, learning_rate=0.009,
                                           print_cost=False)
    assert_printed(params["w"], [[0.19033591], [0.12259159]], 8)
    assert_printed(params["b"], 1.92535983008, 11)
    assert_printed(grads["dw"], [[0.67752042], [1.41625495]], 8)
    assert_printed(grads["db"], 0.219194504541, 12)
    # One cost every 100 iterations: here only iteration 0's, propagate's published cost.
    assert len(costs) == 1
    assert_printed(costs[0], 5.801545319394553, 15)


def test_predict_reproduces_the_notes():
    w, b = np.array([[0.1124579], [0.23106775]]), -0.3
    X = np.array([[1.0, -1.1, -3.2], [1.2, 2.0, 0.1]])
    np.testing.assert_array_equal(course.predict(w, b, X), [[1.0, 1.0, 0.0]])


# -- the course functions against the reference's own, float64 ---------------------------


def _deep_problem(layer_dims=(4, 5, 3, 1), m=16, seed=0):
    spec = ModelSpec(layer_dims)
    rng = np.random.RandomState(seed)
    X = rng.randn(layer_dims[0], m)
    Y = (rng.rand(1, m) > 0.5).astype(np.float64)
    return spec, init_params(spec, seed, "he"), X, Y


def test_L_layer_functions_agree_with_the_reference():
    spec, params, X, Y = _deep_problem()
    AL, caches = course.L_model_forward(X, params)
    cost = course.compute_cost(AL, Y)
    grads = course.L_model_backward(AL, Y, caches)
    ref_cost, ref_grads = deep.cost_and_grads(params, X, Y, spec)
    assert relative_error(cost, ref_cost) <= TOL.cost
    course_grads = {key: grads[key] for key in ref_grads}  # the reference has no dA keys
    assert dict_relative_error(course_grads, ref_grads, GRAD_SCALE_FLOOR) <= TOL.grad
    assert relative_error(AL, deep.predict_proba(params, X, spec)) <= TOL.cost


def test_logistic_functions_agree_with_the_reference():
    rng = np.random.RandomState(1)
    X = rng.randn(3, 20)
    Y = (rng.rand(1, 20) > 0.5).astype(np.float64)
    params = init_logistic_params(3, 1, "xavier")
    grads, cost = course.propagate(params["w"], params["b"], X, Y)
    ref_cost, ref_grads = logistic.cost_and_grads(params, X, Y)
    assert relative_error(cost, ref_cost) <= TOL.cost
    assert dict_relative_error(grads, ref_grads, GRAD_SCALE_FLOOR) <= TOL.grad

    # 250 steps: the trajectory, and the cost at iterations 0, 100, 200 the notes record.
    learned, _, costs = course.optimize(params["w"], params["b"], X, Y, 250, 0.1)
    ref_params, ref_costs = logistic.train(params, X, Y, learning_rate=0.1, num_iterations=250)
    assert dict_relative_error(learned, ref_params, GRAD_SCALE_FLOOR) <= TOL.grad
    assert relative_error(costs, ref_costs[::100]) <= TOL.grad
    np.testing.assert_array_equal(course.predict(learned["w"], learned["b"], X), logistic.predict(ref_params, X))


# -- what a student checks their own function against -------------------------------------


def test_L_model_backward_gives_dA_for_every_layer_input():
    spec, params, X, Y = _deep_problem((4, 5, 3, 1))
    AL, caches = course.L_model_forward(X, params)
    grads = course.L_model_backward(AL, Y, caches)
    L = len(caches)
    assert set(grads) == {f"{name}{l}" for l in range(1, L + 1) for name in ("dW", "db")} | {
        f"dA{l}" for l in range(L)
    }
    for l in range(L):
        # dA{l} is the gradient at A[l], the input of layer l + 1 (A[0] = X), per example.
        A_l, W_next = caches[l][0][0], caches[l][0][1]
        assert grads[f"dA{l}"].shape == A_l.shape
        assert grads[f"dW{l + 1}"].shape == W_next.shape
    # At the output the notes' chain (dAL, then σ'(Z[L])) is W[L]ᵀ (A[L] - Y).
    W_L = params[f"W{L}"]
    assert relative_error(grads[f"dA{L - 1}"], W_L.T @ (AL - Y), GRAD_SCALE_FLOOR) <= TOL.grad


# -- the notes' argument order, checked ---------------------------------------------------


def _swapped_calls():
    spec, params, X, Y = _deep_problem((4, 3, 1), m=4)
    AL, caches = course.L_model_forward(X, params)
    grads = course.L_model_backward(AL, Y, caches)
    w, b = course.initialize_with_zeros(4)
    A, W, bias = X, params["W1"], params["b1"]
    return [
        ("L_model_forward(parameters, X)", lambda: course.L_model_forward(params, X),
         "X", "L_model_forward(X, parameters)"),
        ("linear_forward(W, A, b)", lambda: course.linear_forward(W, A, bias), "W", None),
        ("linear_activation_forward(A_prev, W, activation, b)",
         lambda: course.linear_activation_forward(A, W, "relu", bias),
         "b", "linear_activation_forward(A_prev, W, b, activation)"),
        ("L_model_backward(AL, caches, Y)", lambda: course.L_model_backward(AL, caches, Y),
         "Y", "L_model_backward(AL, Y, caches)"),
        ("linear_activation_backward(cache, dA, activation)",
         lambda: course.linear_activation_backward(caches[0], grads["dA1"], "relu"),
         "dA", "linear_activation_backward(dA, cache, activation)"),
        ("update_parameters(parameters, learning_rate, grads)",
         lambda: course.update_parameters(params, 0.1, grads),
         "grads", "update_parameters(parameters, grads, learning_rate)"),
        ("propagate(X, Y, w, b)", lambda: course.propagate(X, Y, w, b), "b", "propagate(w, b, X, Y)"),
        ("optimize(..., learning_rate, num_iterations)", lambda: course.optimize(w, b, X, Y, 0.009, 100),
         "num_iterations", "optimize(w, b, X, Y, num_iterations, learning_rate"),
        ("predict(X, w, b)", lambda: course.predict(X, w, b), "b", "predict(w, b, X)"),
    ]


@pytest.mark.parametrize("call, argument, order", [pytest.param(*c[1:], id=c[0]) for c in _swapped_calls()])
def test_course_functions_name_the_misplaced_argument(call, argument, order):
    with pytest.raises((TypeError, ValueError), match=f"^{argument}\\b") as excinfo:
        call()
    if order is not None:  # a wrong kind names the order; a wrong shape says which shapes
        assert excinfo.type is TypeError and f"the order is {order}" in str(excinfo.value)


@pytest.mark.parametrize(
    "call, words",
    [
        pytest.param(lambda: course.compute_cost(np.array([[1.0, 0.5]]), np.array([[1, 0]])), "AL",
                     id="compute_cost-saturated"),
        pytest.param(lambda: course.compute_cost(np.array([[0.3, 0.5]]), np.array([[2, 0]])), "Y",
                     id="compute_cost-not-0/1"),
        pytest.param(lambda: course.linear_activation_forward(np.ones((2, 1)), np.ones((1, 2)), np.ones((1, 1)),
                                                              "softplus"), "activation", id="unknown-activation"),
        pytest.param(lambda: course.L_model_forward(np.ones((3, 2)), {"W1": np.ones((1, 3))}), "parameters",
                     id="parameters-missing-b1"),
        pytest.param(lambda: course.propagate(np.ones((2, 1)), 0.0, np.full((2, 3), 40.0), np.ones((1, 3))),
                     "σ", id="propagate-saturated"),
    ],
)
def test_course_functions_refuse_what_the_notes_formulas_cannot_take(call, words):
    with pytest.raises(ValueError, match=words):
        call()
