"""The course's helper modules (reference_numpy.course_modules) against the graded functions
(reference_numpy.course): where the course's helper file computes what a graded function
computes, the helper is that function (served, not written again); where the file differs (its
seed, its return form, where it divides by m), the numbers say by how much, and bad input is
named as the graded functions name it."""

from __future__ import annotations

import numpy as np
import pytest

from reference_numpy import course
from reference_numpy.course import deep_application, deep_step_by_step, gradient_checking, initialization
from reference_numpy.course import regularization
from reference_numpy.course_modules import dnn_app_utils_v3, dnn_utils, gc_utils, init_utils, opt_utils, reg_utils

THREE_LAYER = (reg_utils, init_utils, opt_utils)


def _network(seed=0, m=6, dtype=np.float64):
    """The gradient-checking assignment's 4-5-3-1 network, nonzero biases, and 0/1 labels."""
    rng = np.random.default_rng(seed)
    dims = (4, 5, 3, 1)
    params = {}
    for l in range(1, 4):
        params[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])).astype(dtype)
        params[f"b{l}"] = (rng.standard_normal((dims[l], 1)) * 0.1).astype(dtype)
    X = rng.standard_normal((4, m)).astype(dtype)
    Y = (rng.random((1, m)) > 0.5).astype(dtype)
    return params, X, Y


@pytest.mark.parametrize("served, graded", [
    (dnn_utils.sigmoid, deep_step_by_step.sigmoid), (dnn_utils.relu, deep_step_by_step.relu),
    (dnn_utils.sigmoid_backward, course.sigmoid_backward), (dnn_utils.relu_backward, course.relu_backward),
    (dnn_app_utils_v3.L_model_forward, course.L_model_forward),
    (dnn_app_utils_v3.L_model_backward, course.L_model_backward),
    (gc_utils.dictionary_to_vector, gradient_checking.dictionary_to_vector),
    (gc_utils.vector_to_dictionary, gradient_checking.vector_to_dictionary),
    (gc_utils.gradients_to_vector, gradient_checking.gradients_to_vector),
    (reg_utils.update_parameters, course.update_parameters),
], ids=lambda f: f"{f.__module__.rsplit('.', 1)[-1]}.{f.__name__}")
def test_a_helper_the_course_computes_is_the_graded_function(served, graded):
    assert served is graded


def test_the_three_layer_forward_pass_is_gradient_checkings():
    params, X, Y = _network()
    cost, cache = gradient_checking.forward_propagation_n(X, Y, params)
    for module in THREE_LAYER:
        a3, helper_cache = module.forward_propagation(X, params)
        assert len(helper_cache) == 12
        for ours, theirs in zip(helper_cache, cache):
            np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_allclose(reg_utils.compute_cost(a3, Y), cost, rtol=1e-14)
    np.testing.assert_allclose(opt_utils.compute_cost(a3, Y), X.shape[1] * cost, rtol=1e-14)


def test_the_helper_costs_are_the_l2_costs_cross_entropy():
    params, X, Y = _network(seed=1)
    a3, _ = reg_utils.forward_propagation(X, params)
    m, lambd = X.shape[1], 0.7
    l2 = lambd / (2 * m) * sum(float(np.sum(params[f"W{l}"] ** 2)) for l in (1, 2, 3))
    for cost in (reg_utils.compute_cost(a3, Y), init_utils.compute_loss(a3, Y)):
        np.testing.assert_allclose(regularization.compute_cost_with_regularization(a3, Y, params, lambd), cost + l2,
                                   rtol=1e-14)


def test_saturated_outputs_count_zero_log_zero_as_zero_without_a_warning():
    a3, Y = np.array([[0.0, 1.0, 0.5]]), np.array([[0.0, 1.0, 1.0]])
    np.testing.assert_allclose(reg_utils.compute_cost(a3, Y), np.log(2) / 3, rtol=1e-15)
    assert np.isnan(opt_utils.compute_cost(a3, Y))  # the course's plain sum: 0 * inf, no nansum
    with pytest.warns(RuntimeWarning):  # the gradient check's cost sums without hiding log 0
        gradient_checking.forward_propagation_n(np.zeros((4, 1)), np.array([[1.0]]),
                                                {**_network()[0], "b3": np.array([[-800.0]])})


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_the_helper_backward_pass_differs_from_the_graded_one_in_rounding_only(dtype):
    # The helper files scale dz3 by 1/m before the products; backward_propagation_n scales dW.
    params, X, Y = _network(seed=2, dtype=dtype)
    _, cache = gradient_checking.forward_propagation_n(X, Y, params)
    graded = gradient_checking.backward_propagation_n(X, Y, cache)
    helper = reg_utils.backward_propagation(X, Y, cache)
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    for key in ("dW1", "db1", "dW2", "db2", "dW3", "db3"):
        assert helper[key].dtype == dtype
        np.testing.assert_allclose(helper[key], graded[key], rtol=rtol, atol=rtol * 1e-3)
    np.testing.assert_allclose(helper["dz3"] * X.shape[1], graded["dZ3"], rtol=rtol)


def test_the_initialisers_are_the_graded_draws_where_the_file_draws_them():
    dims = [4, 5, 3, 1]
    he, opt = initialization.initialize_parameters_he(dims), opt_utils.initialize_parameters(dims)
    assert list(opt) == list(he) and all(np.array_equal(opt[k], he[k]) for k in he)
    X = np.random.default_rng(3).standard_normal((4, 8))
    Y = np.array([[0.0, 1.0] * 4])
    start, costs = deep_application.L_layer_model(X, Y, dims, num_iterations=0)  # 0 steps: the start
    app = dnn_app_utils_v3.initialize_parameters_deep(dims)
    assert costs == [] and all(np.array_equal(start[k], app[k]) for k in app)
    # reg_utils draws as the application does, after seed 3 instead of 1: a different W1.
    assert not np.array_equal(reg_utils.initialize_parameters(dims)["W1"], app["W1"])
    np.testing.assert_allclose(reg_utils.initialize_parameters(dims)["W1"] * 2,
                               np.random.RandomState(3).randn(5, 4), rtol=1e-15)  # / sqrt(4)


@pytest.mark.parametrize("call, error, argument", [
    (lambda: dnn_app_utils_v3.initialize_parameters_deep([3, 0]), ValueError, "layer_dims"),
    (lambda: dnn_app_utils_v3.initialize_parameters_deep("3, 5"), TypeError, "layer_dims"),
    (lambda: reg_utils.initialize_parameters([3]), ValueError, "layer_dims"),
    (lambda: opt_utils.initialize_parameters([3, True]), ValueError, "layers_dims"),
    (lambda: reg_utils.forward_propagation(np.ones((4, 2)), [np.ones((5, 4))]), TypeError, "parameters"),
    (lambda: init_utils.forward_propagation(np.ones((4, 2)), {"W1": np.ones((5, 4))}), ValueError, "parameters"),
    (lambda: gc_utils.dictionary_to_vector([np.ones((5, 4))]), TypeError, "parameters"),
    (lambda: gc_utils.vector_to_dictionary(np.ones((46, 1))), ValueError, "theta"),
], ids=["deep_zero_units", "deep_string", "reg_one_layer", "opt_bool", "reg_list", "init_missing",
        "gc_list", "gc_short_theta"])
def test_bad_input_to_a_helper_is_named(call, error, argument):
    with pytest.raises(error, match=f"^{argument}\\b"):
        call()
