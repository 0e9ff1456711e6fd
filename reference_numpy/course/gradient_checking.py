"""Course 2, week 1, "Gradient Checking": the graded functions under the course's names and
signatures, and the ``gc_utils`` helpers they use.

    forward_propagation(x, theta)                 J = θ x (the 1-D example)
    backward_propagation(x, theta)                dJ/dθ = x
    gradient_check(x, theta, epsilon=1e-7, print_msg=False)
    forward_propagation_n(X, Y, parameters) -> (cost, cache)   the 3-layer ReLU network, 4-5-3-1
    backward_propagation_n(X, Y, cache) -> gradients           {"dZ3", "dW3", "db3", "dA2", ...}
    gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False)
    dictionary_to_vector(parameters) -> (theta: (47, 1), keys), vector_to_dictionary(theta),
    gradients_to_vector(gradients) -> (47, 1)

Both checks return the course's difference ‖grad - gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂),
gradapprox[i] = (J(θ + ε eᵢ) - J(θ - ε eᵢ)) / 2ε, and print which side of 2e-7 (the course's
bound for the n-dimensional check; 1e-7 in the 1-D text) it falls when ``print_msg``.

``backward_propagation_n`` here is the correct one. The course hands students a version with two
planted mistakes (``dW2`` doubled, ``db1`` with ``4/m``) for ``gradient_check_n`` to find; the
course's published difference for that version is reproduced by handing ``gradient_check_n``
those two gradients (``parity_tests/test_course_c2.py``).
"""

from __future__ import annotations

import numpy as np

import reference_numpy.course._three_layer as _three_layer
from ._common import array, dictionary, real

__all__ = ["forward_propagation", "backward_propagation", "gradient_check", "forward_propagation_n",
           "backward_propagation_n", "gradient_check_n", "dictionary_to_vector", "vector_to_dictionary",
           "gradients_to_vector"]

_KEYS = _three_layer.KEYS
# The assignment's network: 4 inputs, 5 and 3 hidden ReLU units, one sigmoid output.
_SHAPES = {"W1": (5, 4), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}
_BOUND = 2e-7  # the course's threshold in gradient_check_n's message


def _difference(grad, gradapprox) -> float:
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    return numerator / denominator


def _report(difference: float, print_msg: bool) -> None:
    if print_msg:
        if difference > _BOUND:
            print("There is a mistake in the backward propagation! difference = " + str(difference))
        else:
            print("Your backward propagation works perfectly fine! difference = " + str(difference))


def forward_propagation(x, theta):
    """x, theta: real numbers -> J = θ x."""
    return theta * x


def backward_propagation(x, theta):
    """x, theta: real numbers -> dθ = dJ/dθ = x."""
    return x


def gradient_check(x, theta, epsilon=1e-7, print_msg=False) -> float:
    """x, theta: real numbers -> the course's relative difference between dJ/dθ and the
    centred difference (J(θ + ε) - J(θ - ε)) / 2ε."""
    call = "gradient_check(x, theta, epsilon=1e-7, print_msg=False)"
    x, theta, epsilon = (real(v, name, call) for v, name in ((x, "x"), (theta, "theta"), (epsilon, "epsilon")))
    J_plus = forward_propagation(x, theta + epsilon)
    J_minus = forward_propagation(x, theta - epsilon)
    gradapprox = (J_plus - J_minus) / (2 * epsilon)
    difference = _difference(backward_propagation(x, theta), gradapprox)
    _report(difference, print_msg)
    return difference


def dictionary_to_vector(parameters):
    """parameters {"W1", "b1", ..., "b3"} -> (theta: (N, 1), keys): each parameter flattened
    (row-major) in the order W1, b1, W2, b2, W3, b3; keys names each entry's parameter."""
    parameters = dictionary(parameters, "parameters", "{'W1', 'b1', ..., 'b3'}", "dictionary_to_vector(parameters)")
    return _roll(parameters, _KEYS)


def vector_to_dictionary(theta) -> dict:
    """theta: (47, 1) -> {"W1": (5, 4), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}."""
    theta = np.asarray(theta)
    total = sum(int(np.prod(shape)) for shape in _SHAPES.values())
    if theta.size != total:
        raise ValueError(f"theta must hold {total} entries (the assignment's network), got shape {theta.shape}")
    flat, parameters, start = theta.reshape(-1), {}, 0
    for key in _KEYS:
        size = int(np.prod(_SHAPES[key]))
        parameters[key] = flat[start:start + size].reshape(_SHAPES[key])
        start += size
    return parameters


def gradients_to_vector(gradients) -> np.ndarray:
    """gradients {"dW1", "db1", ..., "db3"} -> (N, 1), flattened in the order dW1, db1, ..., db3."""
    gradients = dictionary(gradients, "gradients", "{'dW1', 'db1', ..., 'db3'}", "gradients_to_vector(gradients)")
    return _roll(gradients, tuple("d" + key for key in _KEYS))[0]


def _roll(dictionary_, keys) -> tuple[np.ndarray, list[str]]:
    missing = [key for key in keys if key not in dictionary_]
    if missing:
        raise ValueError(f"missing {missing}: expected the keys {list(keys)}")
    pieces = [np.reshape(dictionary_[key], (-1, 1)) for key in keys]
    names = [key for key, piece in zip(keys, pieces) for _ in range(piece.shape[0])]
    return np.concatenate(pieces, axis=0), names


def forward_propagation_n(X, Y, parameters):
    """X: (4, m), Y: m labels (1, m) or (m,) -> (cost = (1/m) Σ (-Y log A3 - (1-Y) log(1-A3)),
    cache (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3))."""
    call = "forward_propagation_n(X, Y, parameters)"
    X, Y = array(X, "X", call), array(Y, "Y", call, ndim=None)
    A3, cache = _three_layer.forward(X, *_three_layer.parameter_arrays(parameters, call))
    # np.sum, not reg_utils' nansum: the assignment's cost, which warns at log 0.
    cost = 1.0 / X.shape[1] * np.sum(_three_layer.cross_entropy_terms(A3, Y))
    return cost, cache


def backward_propagation_n(X, Y, cache) -> dict:
    """X: (4, m), Y: m labels, cache from forward_propagation_n -> the gradients of its cost:
    dZ3 = A3 - Y, dW[l] = (1/m) dZ[l] A[l-1]ᵀ, db[l] = (1/m) Σ dZ[l], dZ[l] = dA[l] relu'(Z[l])."""
    call = "backward_propagation_n(X, Y, cache)"
    X, Y = array(X, "X", call), array(Y, "Y", call, ndim=None)
    if not isinstance(cache, tuple) or len(cache) != 12:
        raise TypeError(f"cache must be the 12-tuple that forward_propagation_n returns, "
                        f"got {type(cache).__name__}; the order is {call}")
    Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3 = (np.asarray(c) for c in cache)
    m = X.shape[1]
    dZ3 = A3 - Y
    dW3 = 1.0 / m * np.dot(dZ3, A2.T)
    db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, (A2 > 0).astype(dA2.dtype))
    dW2 = 1.0 / m * np.dot(dZ2, A1.T)
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, (A1 > 0).astype(dA1.dtype))
    dW1 = 1.0 / m * np.dot(dZ1, X.T)
    db1 = 1.0 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
            "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}


def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False) -> float:
    """parameters {"W1", ..., "b3"}, gradients {"dW1", ..., "db3"} (backward_propagation_n's),
    X: (4, m), Y: m labels -> the course's relative difference between the gradients and the
    centred differences of forward_propagation_n's cost, one parameter entry at a time."""
    call = "gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False)"
    epsilon = real(epsilon, "epsilon", call)
    parameters_values, _ = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients)
    num_parameters = parameters_values.shape[0]
    gradapprox = np.zeros((num_parameters, 1))
    for i in range(num_parameters):
        theta_plus = np.copy(parameters_values)
        theta_plus[i][0] = theta_plus[i][0] + epsilon
        J_plus, _ = forward_propagation_n(X, Y, vector_to_dictionary(theta_plus))
        theta_minus = np.copy(parameters_values)
        theta_minus[i][0] = theta_minus[i][0] - epsilon
        J_minus, _ = forward_propagation_n(X, Y, vector_to_dictionary(theta_minus))
        gradapprox[i] = (J_plus - J_minus) / (2 * epsilon)
    difference = _difference(grad, gradapprox)
    _report(difference, print_msg)
    return difference
