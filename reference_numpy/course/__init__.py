"""The course's graded functions, under the course's names and signatures, built on the reference.

One module per programming assignment that the notes cover, so that a student can put their
function next to the one of the same name and diff the two, and the checker of students'
notebooks has the reference for each:

    logistic_regression   course 1 week 2: sigmoid, initialize_with_zeros, propagate, optimize, predict, model
    planar                course 1 week 3: the one-hidden-layer tanh network
    deep_step_by_step     course 1 week 4: the L-layer network step by step, and dnn_utils' activations
    deep_application      course 1 week 4: two_layer_model, L_layer_model
    initialization        course 2 week 1: initialize_parameters_zeros / _random / _he
    regularization        course 2 week 1: L2 and dropout on the 3-layer ReLU network
    gradient_checking     course 2 week 1: the 1-D and n-dimensional gradient checks
    optimization          course 2 week 2: mini-batches, momentum, Adam, learning-rate decay

``ASSIGNMENTS`` maps each assignment to its graded function names in dependency order (a
function after those it calls); ``assignment_module(name)`` gives the module. Each function
computes as the course does, with the course's seeds (drawn from a private ``RandomState``, the
caller's global state untouched), and its published test values are tests
(``parity_tests/test_course*.py``).

This package also exports, as before, the week-4 step-by-step functions and week 2's logistic
regression under their names (``course.L_model_forward``, ``course.propagate``, ...). Here
``sigmoid`` and ``relu`` return the activation alone, as week 2's graded ``sigmoid`` does; the
``dnn_utils`` forms, which also return the cache Z, are ``deep_step_by_step.sigmoid`` / ``relu``.
"""

from __future__ import annotations

from types import ModuleType

from . import (deep_application, deep_step_by_step, gradient_checking, initialization, logistic_regression,
               optimization, planar, regularization)
from ._common import relu, sigmoid
from .deep_step_by_step import (L_model_backward, L_model_forward, compute_cost, initialize_parameters,
                                initialize_parameters_deep, linear_activation_backward,
                                linear_activation_forward, linear_backward, linear_forward, relu_backward,
                                sigmoid_backward, update_parameters)
from .logistic_regression import initialize_with_zeros, optimize, predict, propagate

_MODULES: dict[str, ModuleType] = {
    "logistic_regression": logistic_regression,
    "planar": planar,
    "deep_step_by_step": deep_step_by_step,
    "deep_application": deep_application,
    "initialization": initialization,
    "regularization": regularization,
    "gradient_checking": gradient_checking,
    "optimization": optimization,
}

# The week-4 names as deep_step_by_step lists them (sigmoid and relu bound here to the
# activations alone, as the module docstring says), week 2's four, then the assignment modules.
__all__ = [
    "ASSIGNMENTS",
    "assignment_module",
    *deep_step_by_step.__all__,
    "initialize_with_zeros",
    "propagate",
    "optimize",
    "predict",
    *_MODULES,
]

# Assignment -> its graded functions, each after the ones it calls. deep_step_by_step starts
# with dnn_utils' activations: not graded in the course, checked where a student defines them.
ASSIGNMENTS: dict[str, tuple[str, ...]] = {
    "logistic_regression": ("sigmoid", "initialize_with_zeros", "propagate", "optimize", "predict", "model"),
    "planar": ("layer_sizes", "initialize_parameters", "forward_propagation", "compute_cost",
               "backward_propagation", "update_parameters", "nn_model", "predict"),
    "deep_step_by_step": ("sigmoid", "relu", "sigmoid_backward", "relu_backward", "initialize_parameters",
                          "initialize_parameters_deep", "linear_forward", "linear_activation_forward",
                          "L_model_forward", "compute_cost", "linear_backward", "linear_activation_backward",
                          "L_model_backward", "update_parameters"),
    "deep_application": ("two_layer_model", "L_layer_model"),
    "initialization": ("initialize_parameters_zeros", "initialize_parameters_random", "initialize_parameters_he"),
    "regularization": ("compute_cost_with_regularization", "backward_propagation_with_regularization",
                       "forward_propagation_with_dropout", "backward_propagation_with_dropout"),
    "gradient_checking": ("forward_propagation", "backward_propagation", "gradient_check",
                          "forward_propagation_n", "backward_propagation_n", "gradient_check_n"),
    "optimization": ("update_parameters_with_gd", "random_mini_batches", "initialize_velocity",
                     "update_parameters_with_momentum", "initialize_adam", "update_parameters_with_adam",
                     "update_lr", "schedule_lr_decay"),
}


def assignment_module(name: str) -> ModuleType:
    """The module of assignment ``name`` (a key of ``ASSIGNMENTS``), which defines its functions."""
    if not isinstance(name, str):
        raise TypeError(f"name must be an assignment name (str), got {type(name).__name__}")
    if name not in _MODULES:
        raise ValueError(f"unknown assignment {name!r}; expected one of: {', '.join(_MODULES)}")
    return _MODULES[name]
