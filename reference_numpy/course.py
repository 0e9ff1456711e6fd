"""The notes' own functions, under the notes' names and signatures, built on the reference.

Course 1 of the notes, week 2 ("Logistic Regression with a Neural Network mindset") and
week 4 ("Building your Deep Neural Network: Step by Step"), so that a student can put their
function next to the one of the same name here and diff the two:

    initialize_parameters(n_x, n_h, n_y)          W[1], W[2] = randn * 0.01 after seed 1
    initialize_parameters_deep(layer_dims)        W[l] = randn * 0.01 after seed 3, b[l] = 0
    linear_forward(A, W, b)                       Z[l] = W[l] A[l-1] + b[l]
    linear_activation_forward(A_prev, W, b, activation)
    L_model_forward(X, parameters)                [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID
    compute_cost(AL, Y)                           J = -(1/m) Σ (y log a[L] + (1-y) log(1-a[L]))
    linear_backward(dZ, cache)                    dW[l], db[l], dA[l-1] from dZ[l]
    linear_activation_backward(dA, cache, activation)
    L_model_backward(AL, Y, caches)               grads {"dA{l-1}", "dW{l}", "db{l}"}
    update_parameters(parameters, grads, learning_rate)
    initialize_with_zeros(dim), propagate(w, b, X, Y), optimize(...), predict(w, b, X)
    sigmoid, relu, sigmoid_backward, relu_backward   (the notes' dnn_utils helpers)

They compute as the notes do, not through the reference's shortcuts: the cost comes from
A[L], and backpropagation starts from ``dAL = -(Y/AL - (1-Y)/(1-AL))`` and goes through
``sigmoid_backward`` with the cached Z[L], so the notes' published test values reproduce
(``parity_tests/test_course.py``). For data with saturated outputs use ``deep`` and
``logistic``, whose cost and gradients come from the logits Z[L] and stay finite
(CONTRACT.md).

Two departures from the notes, both invisible in their numbers: the initialisers draw from a
private ``RandomState`` seeded as the notes seed ``np.random`` (the same numbers, without
changing the caller's global NumPy random state), and nothing here writes into the caller's
arrays or dicts (``update_parameters`` returns a new dict). ``sigmoid`` and ``relu`` return
the activation alone, as week 2's graded ``sigmoid`` does; week 4's ``dnn_utils`` versions
also returned Z as the "activation cache", which ``linear_activation_forward`` keeps itself.

Arguments are checked before any arithmetic; a wrong kind of argument (the notes' order
swapped, say) gets a ``TypeError`` that names it and gives the expected order.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from . import deep, logistic  # modules of the same package: course sits above them
from .activations import DERIVATIVES
from .activations import relu as _relu
from .activations import sigmoid as _sigmoid
from nn_contract.checks import check_count, check_deep_params, check_learning_rate, check_X, check_Y
from nn_contract.init import init_logistic_params, init_params
from nn_contract.labels import labels_from_proba
from nn_contract.spec import ACTIVATION_NAMES, ModelSpec

__all__ = [
    "sigmoid",
    "relu",
    "sigmoid_backward",
    "relu_backward",
    "initialize_parameters",
    "initialize_parameters_deep",
    "linear_forward",
    "linear_activation_forward",
    "L_model_forward",
    "compute_cost",
    "linear_backward",
    "linear_activation_backward",
    "L_model_backward",
    "update_parameters",
    "initialize_with_zeros",
    "propagate",
    "optimize",
    "predict",
]

# The notes' seeds: np.random.seed(1) in initialize_parameters, 3 in initialize_parameters_deep.
_SEED_TWO_LAYER = 1
_SEED_DEEP = 3


# -- argument checks: each names the argument and the call's order -------------------------


def _order(call: str) -> str:
    return f"; the order is {call}"


def _array(value, argument: str, call: str, ndim: int | None = 2) -> np.ndarray:
    """A real-valued array (``ndim`` dimensions unless None); anything else is a TypeError
    that names ``argument`` and gives ``call``, the function's signature."""
    if isinstance(value, (str, bytes, dict, list, tuple, ModelSpec)) or value is None:
        # A list is refused too: in the notes every argument that is data is an ndarray,
        # and a list here is almost always the caches or layer_dims in the wrong place.
        raise TypeError(f"{argument} must be a numpy array, got {type(value).__name__}{_order(call)}")
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{argument} must hold real numbers, got {type(value).__name__} "
                        f"of dtype {arr.dtype}{_order(call)}")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{argument} must be a {ndim}-D array, got shape {arr.shape}{_order(call)}")
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError(f"{argument} contains NaN or inf")
    return arr


def _dict(value, argument: str, example: str, call: str) -> dict:
    if not isinstance(value, dict):
        raise TypeError(f"{argument} must be a dict of arrays {example}, got {type(value).__name__}{_order(call)}")
    return value


def _activation(activation, leaky_slope, call: str) -> str:
    if not isinstance(activation, str):
        raise TypeError(f"activation must be a name (str), got {type(activation).__name__}{_order(call)}")
    if activation not in ACTIVATION_NAMES:
        raise ValueError(f"unknown activation {activation!r}; expected one of: {', '.join(ACTIVATION_NAMES)}")
    if isinstance(leaky_slope, bool) or not isinstance(leaky_slope, Real) or not np.isfinite(leaky_slope):
        raise TypeError(f"leaky_slope must be a finite real number, got {leaky_slope!r}")
    if leaky_slope < 0:
        raise ValueError(f"leaky_slope must be >= 0, got {leaky_slope!r}")
    return activation


def _linear_parts(A_prev, W, b, names: tuple[str, str, str], call: str):
    """A_prev: (n[l-1], m), W: (n[l], n[l-1]), b: (n[l], 1), each checked under its name."""
    A_prev = _array(A_prev, names[0], call)
    W = _array(W, names[1], call)
    b = _array(b, names[2], call)
    if W.shape[1] != A_prev.shape[0] or b.shape != (W.shape[0], 1):
        raise ValueError(f"{names[1]} {W.shape}, {names[0]} {A_prev.shape} and {names[2]} {b.shape} do not "
                         f"fit W: (n[l], n[l-1]), A_prev: (n[l-1], m), b: (n[l], 1)")
    return A_prev, W, b


def _linear_cache(cache, argument: str, call: str):
    """The tuple (A_prev, W, b) that linear_forward returns as its cache."""
    if not isinstance(cache, tuple) or len(cache) != 3:
        raise TypeError(f"{argument} must be the tuple (A_prev, W, b) that linear_forward returns, "
                        f"got {type(cache).__name__}{_order(call)}")
    names = (f"{argument}[0] (A_prev)", f"{argument}[1] (W)", f"{argument}[2] (b)")
    return _linear_parts(*cache, names, call)


def _activation_cache(cache, argument: str, call: str):
    """((A_prev, W, b), Z) as linear_activation_forward returns it; Z: (n[l], m)."""
    if not isinstance(cache, tuple) or len(cache) != 2:
        raise TypeError(f"{argument} must be the tuple (linear_cache, Z) that linear_activation_forward "
                        f"returns, got {type(cache).__name__}{_order(call)}")
    A_prev, W, b = _linear_cache(cache[0], f"{argument}[0]", call)
    Z = _array(cache[1], f"{argument}[1] (Z)", call)
    if Z.shape != (W.shape[0], A_prev.shape[1]):
        raise ValueError(f"{argument}[1] (Z) must have shape (n[l], m) = {(W.shape[0], A_prev.shape[1])}; "
                         f"got {Z.shape}")
    return (A_prev, W, b), Z


def _same_shape(a: np.ndarray, a_name: str, shape: tuple, what: str) -> None:
    if a.shape != shape:
        raise ValueError(f"{a_name} must have the shape of {what}, {shape}; got {a.shape}")


def _deep_spec(parameters: dict, n_x: int) -> ModelSpec:
    """The notes' network, [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID, read off the
    parameters' keys and shapes (L = len(parameters) // 2, as the notes count it)."""
    L = max(len(parameters) // 2, 1)
    expected = [f"{name}{l}" for l in range(1, L + 1) for name in ("W", "b")]
    if set(parameters) != set(expected):
        raise ValueError(f"parameters must have the keys {expected}; got {list(parameters)}")
    for l in range(1, L + 1):
        if np.ndim(parameters[f"W{l}"]) != 2:
            raise ValueError(f"parameters['W{l}'] must be a 2-D array (n[l], n[l-1]); "
                             f"got shape {np.shape(parameters[f'W{l}'])}")
    return ModelSpec((n_x, *(int(np.shape(parameters[f"W{l}"])[0]) for l in range(1, L + 1))))


# -- the notes' dnn_utils helpers -----------------------------------------------------------


def sigmoid(Z) -> np.ndarray:
    """Z: any shape -> σ(Z) = 1 / (1 + e^-Z), the same shape (the reference's overflow-free form)."""
    return _sigmoid(_array(Z, "Z", "sigmoid(Z)", ndim=None))


def relu(Z) -> np.ndarray:
    """Z: any shape -> max(0, Z), the same shape."""
    return _relu(_array(Z, "Z", "relu(Z)", ndim=None))


def sigmoid_backward(dA, cache) -> np.ndarray:
    """dA, cache = Z: (n[l], m) -> dZ = dA * σ'(Z) = dA * s (1 - s), s = σ(Z)."""
    call = "sigmoid_backward(dA, cache)"
    dA = _array(dA, "dA", call, ndim=None)
    Z = _array(cache, "cache (Z)", call, ndim=None)
    _same_shape(dA, "dA", Z.shape, "cache (Z)")
    return dA * DERIVATIVES["sigmoid"](Z, _sigmoid(Z), 0.0)


def relu_backward(dA, cache) -> np.ndarray:
    """dA, cache = Z: (n[l], m) -> dZ = dA where Z > 0, else 0 (relu'(0) = 0, as the notes)."""
    call = "relu_backward(dA, cache)"
    dA = _array(dA, "dA", call, ndim=None)
    Z = _array(cache, "cache (Z)", call, ndim=None)
    _same_shape(dA, "dA", Z.shape, "cache (Z)")
    return dA * DERIVATIVES["relu"](Z, None, 0.0)


# -- week 4: the L-layer network, step by step ----------------------------------------------


def initialize_parameters(n_x, n_h, n_y) -> dict:
    """The 2-layer network's ``{"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (n_y, n_h), "b2": (n_y, 1)}``:
    randn * 0.01 after the notes' seed 1, biases zero."""
    for name, value in (("n_x", n_x), ("n_h", n_h), ("n_y", n_y)):
        if isinstance(value, bool) or not isinstance(value, Integral):
            raise TypeError(f"{name} must be an int, got {value!r}{_order('initialize_parameters(n_x, n_h, n_y)')}")
    return init_params(ModelSpec((n_x, n_h, n_y)), _SEED_TWO_LAYER, "random")


def initialize_parameters_deep(layer_dims) -> dict:
    """layer_dims = [n_x, n[1], ..., n[L]] -> ``{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}``:
    W[l] = randn(n[l], n[l-1]) * 0.01 in layer order after the notes' seed 3, b[l] = 0."""
    if isinstance(layer_dims, (str, bytes, dict)) or not hasattr(layer_dims, "__iter__"):
        raise TypeError(f"layer_dims must be a list of ints [n_x, n[1], ..., n[L]], got {layer_dims!r}"
                        f"{_order('initialize_parameters_deep(layer_dims)')}")
    return init_params(ModelSpec(tuple(layer_dims)), _SEED_DEEP, "random")


def linear_forward(A, W, b):
    """A: (n[l-1], m), W: (n[l], n[l-1]), b: (n[l], 1) -> Z = W A + b: (n[l], m), cache (A, W, b)."""
    A_prev, W, b = _linear_parts(A, W, b, ("A", "W", "b"), "linear_forward(A, W, b)")
    return deep.linear_forward(A_prev, W, b)


def linear_activation_forward(A_prev, W, b, activation, *, leaky_slope: float = 0.01):
    """A_prev: (n[l-1], m) -> A = g(W A_prev + b): (n[l], m), cache ((A_prev, W, b), Z).

    activation: ``"sigmoid"`` or ``"relu"`` as in the notes, or the reference's ``"tanh"``,
    ``"leaky_relu"`` (slope ``leaky_slope``), ``"linear"``.
    """
    call = "linear_activation_forward(A_prev, W, b, activation)"
    A_prev, W, b = _linear_parts(A_prev, W, b, ("A_prev", "W", "b"), call)
    activation = _activation(activation, leaky_slope, call)
    return deep.linear_activation_forward(A_prev, W, b, activation, leaky_slope)


def L_model_forward(X, parameters):
    """X: (n_x, m), parameters {"W1", "b1", ..., "WL", "bL"} -> A[L]: (n[L], m) and caches,
    one ``((A[l-1], W[l], b[l]), Z[l])`` per layer: ReLU for l < L, sigmoid for l = L."""
    call = "L_model_forward(X, parameters)"
    X = _array(X, "X", call)
    parameters = _dict(parameters, "parameters", "{'W1': ..., 'b1': ..., ...}", call)
    X = check_X(X)
    spec = _deep_spec(parameters, X.shape[0])
    params = check_deep_params(parameters, spec, X.dtype)
    L = spec.num_layers
    caches = []
    A = X
    for l in range(1, L):
        A, cache = deep.linear_activation_forward(A, params[f"W{l}"], params[f"b{l}"], "relu")
        caches.append(cache)
    AL, cache = deep.linear_activation_forward(A, params[f"W{L}"], params[f"b{L}"], "sigmoid")
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y) -> float:
    """AL, Y: (1, m) -> J = -(1/m) Σ (Y log AL + (1-Y) log(1-AL)), the notes' formula from A[L].

    Returned as ``np.float64``: a Python float with ``shape == ()``, as the notes' ``np.squeeze``
    gives. AL must lie strictly between 0 and 1: a saturated σ gives log(0); the reference's
    ``deep.cost_and_grads`` computes J from Z[L] instead and stays finite there.
    """
    call = "compute_cost(AL, Y)"
    AL = _array(AL, "AL", call)
    Y = _array(Y, "Y", call)
    _same_shape(Y, "Y", AL.shape, "AL")
    if not ((AL > 0) & (AL < 1)).all():
        raise ValueError("AL must lie strictly between 0 and 1 (log(AL) and log(1 - AL) are taken); "
                         "deep.cost_and_grads computes J from Z[L] and stays finite at saturation")
    Y = check_Y(Y, check_X(AL, "AL"), "sigmoid", AL.shape[0])
    return _cross_entropy(AL, Y)


def _cross_entropy(A: np.ndarray, Y: np.ndarray) -> np.float64:
    """A, Y: (n_y, m) checked, 0 < A < 1 -> the notes' J, as np.float64."""
    m = Y.shape[1]
    # -(1/m) times the sum, in the formula's order: the notes' published costs are of this
    # form to the last bit (the sum divided by -m rounds differently).
    cost = -(1 / m) * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    return np.float64(np.squeeze(cost))


def linear_backward(dZ, cache):
    """dZ: (n[l], m), cache (A_prev, W, b) -> dA_prev = Wᵀ dZ: (n[l-1], m),
    dW = (1/m) dZ A_prevᵀ: (n[l], n[l-1]), db = (1/m) Σ dZ: (n[l], 1)."""
    call = "linear_backward(dZ, cache)"
    dZ = _array(dZ, "dZ", call)
    A_prev, W, b = _linear_cache(cache, "cache", call)
    _same_shape(dZ, "dZ", (W.shape[0], A_prev.shape[1]), "Z = W A_prev + b")
    return deep.linear_backward(dZ, (A_prev, W, b))


def linear_activation_backward(dA, cache, activation, *, leaky_slope: float = 0.01):
    """dA: (n[l], m), cache ((A_prev, W, b), Z) -> (dA_prev, dW, db) with dZ = dA * g'(Z):
    ``sigmoid_backward`` or ``relu_backward`` as the notes, or the reference's other g."""
    call = "linear_activation_backward(dA, cache, activation)"
    dA = _array(dA, "dA", call)
    linear_cache, Z = _activation_cache(cache, "cache", call)
    activation = _activation(activation, leaky_slope, call)
    _same_shape(dA, "dA", Z.shape, "Z in the cache")
    return deep.linear_activation_backward(dA, (linear_cache, Z), activation, leaky_slope)


def L_model_backward(AL, Y, caches) -> dict:
    """AL: (1, m), Y (reshaped to AL's shape, as the notes do), caches from L_model_forward ->
    grads ``{"dA{L-1}", "dWL", "dbL", ..., "dA0", "dW1", "db1"}``, in the notes' order.

    ``grads["dA" + str(l)]`` is dJ/dA[l] times m (the notes' per-example layout), for
    l = 0..L-1. Starts from dAL = -(Y/AL - (1-Y)/(1-AL)) and the cached Z[L], as the notes.
    """
    call = "L_model_backward(AL, Y, caches)"
    AL = _array(AL, "AL", call)
    Y = _array(Y, "Y", call, ndim=None)
    if not isinstance(caches, (list, tuple)) or not caches:
        raise TypeError(f"caches must be the non-empty list that L_model_forward returns, "
                        f"got {type(caches).__name__}{_order(call)}")
    if Y.size != AL.size:
        raise ValueError(f"Y must have as many entries as AL {AL.shape}; got shape {Y.shape}")
    if ((AL == 0) | (AL == 1)).any():
        raise ValueError("AL has entries equal to 0 or 1, where dAL = -(Y/AL - (1-Y)/(1-AL)) divides by zero")
    L = len(caches)
    checked = [_activation_cache(c, f"caches[{i}]", call) for i, c in enumerate(caches)]
    _same_shape(AL, "AL", checked[-1][1].shape, "Z[L] in caches[-1]")
    Y = Y.reshape(AL.shape)

    grads: dict[str, np.ndarray] = {}
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = deep.linear_activation_backward(
        dAL, checked[L - 1], "sigmoid"
    )
    for l in reversed(range(L - 1)):
        dA_prev, dW, db = deep.linear_activation_backward(grads[f"dA{l + 1}"], checked[l], "relu")
        grads[f"dA{l}"], grads[f"dW{l + 1}"], grads[f"db{l + 1}"] = dA_prev, dW, db
    return grads


def update_parameters(parameters, grads, learning_rate) -> dict:
    """W[l] - α dW[l], b[l] - α db[l] for every l, as a new dict (grads may hold dA keys too)."""
    call = "update_parameters(parameters, grads, learning_rate)"
    parameters = _dict(parameters, "parameters", "{'W1': ..., 'b1': ..., ...}", call)
    grads = _dict(grads, "grads", "{'dW1': ..., 'db1': ..., ...}", call)
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, Real):
        raise TypeError(f"learning_rate must be a real number, got {type(learning_rate).__name__}{_order(call)}")
    learning_rate = check_learning_rate(learning_rate)
    for key, value in parameters.items():
        if "d" + key not in grads:
            raise ValueError(f"grads has no {'d' + key!r} for parameters[{key!r}]")
        p = _array(value, f"parameters[{key!r}]", call)
        _same_shape(_array(grads["d" + key], f"grads['d{key}']", call), f"grads['d{key}']", p.shape,
                    f"parameters[{key!r}]")
    return deep.update_parameters(parameters, grads, learning_rate)


# -- week 2: logistic regression with a neural network mindset ------------------------------


def initialize_with_zeros(dim):
    """dim = n_x -> w: (n_x, 1) of zeros, b = 0.0."""
    if isinstance(dim, bool) or not isinstance(dim, Integral):
        raise TypeError(f"dim must be an int, got {dim!r}{_order('initialize_with_zeros(dim)')}")
    params = init_logistic_params(int(dim), method="zeros")
    return params["w"], params["b"]


def _logistic_args(w, b, X, call: str):
    """w: (n_x, 1) (or (n_x,), reshaped as the notes' predict does), b: a real scalar,
    X: (n_x, m) -> (w, b, X), checked."""
    w = _array(w, "w", call, ndim=None)
    if isinstance(b, (bool, np.bool_)) or not isinstance(b, (Real, np.ndarray)) or np.ndim(b) != 0:
        raise TypeError(f"b must be a real scalar, got {type(b).__name__}{_order(call)}")
    X = check_X(_array(X, "X", call))
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
    Y = check_Y(_array(Y, "Y", call), X, "sigmoid", 1)
    m = X.shape[1]
    A = _sigmoid(logistic.forward(w, b, X))
    if not ((A > 0) & (A < 1)).all():
        raise ValueError("σ(wᵀX + b) is 0 or 1 to machine precision for some example (|z| > ~37), "
                         "where the notes' cost takes log(0); logistic.cost_and_grads computes J "
                         "from z and stays finite there")
    cost = _cross_entropy(A, Y)
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
    Y = check_Y(_array(Y, "Y", call), X, "sigmoid", 1)
    if isinstance(num_iterations, bool) or not isinstance(num_iterations, Integral):
        raise TypeError(f"num_iterations must be an int, got {num_iterations!r}{_order(call)}")
    num_iterations = check_count(num_iterations, "num_iterations")
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, Real):
        raise TypeError(f"learning_rate must be a real number, got {learning_rate!r}{_order(call)}")
    learning_rate = check_learning_rate(learning_rate, X.dtype)
    if not isinstance(print_cost, (bool, np.bool_)):
        raise TypeError(f"print_cost must be True or False, got {print_cost!r}{_order(call)}")
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
