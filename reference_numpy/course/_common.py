"""What the course's assignments share: argument checks that name the argument and the call's
order, the activations alone (week 2's graded ``sigmoid``), the notes' cross-entropy from A, and
the layer-by-layer draws of the course's initialisers.

Private to ``reference_numpy.course`` and to ``reference_numpy.course_modules``, whose helper
files re-export the course's functions and draw with these same pieces rather than again.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from ..activations import relu as _relu
from ..activations import sigmoid as _sigmoid
from nn_contract.spec import ACTIVATION_NAMES, ModelSpec

__all__ = [
    "sigmoid", "relu", "order", "array", "dictionary", "activation_name", "linear_parts", "linear_cache",
    "activation_cache", "same_shape", "deep_spec", "cross_entropy", "integer", "real", "probability",
    "plain", "layers_dims", "drawn_parameters", "fan_in_parameters", "app_parameters_deep",
]

# dnn_app_utils_v3.initialize_parameters_deep seeds 1 (the step-by-step one seeds 3).
_SEED_APP_DEEP = 1

# -- argument checks: each names the argument and the call's order -------------------------


def order(call: str) -> str:
    return f"; the order is {call}"


def array(value, argument: str, call: str, ndim: int | None = 2) -> np.ndarray:
    """A real-valued array (``ndim`` dimensions unless None); anything else is a TypeError
    that names ``argument`` and gives ``call``, the function's signature."""
    if isinstance(value, (str, bytes, dict, list, tuple, ModelSpec)) or value is None:
        # A list is refused too: in the notes every argument that is data is an ndarray,
        # and a list here is almost always the caches or layer_dims in the wrong place.
        raise TypeError(f"{argument} must be a numpy array, got {type(value).__name__}{order(call)}")
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{argument} must hold real numbers, got {type(value).__name__} "
                        f"of dtype {arr.dtype}{order(call)}")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{argument} must be a {ndim}-D array, got shape {arr.shape}{order(call)}")
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError(f"{argument} contains NaN or inf")
    return arr


def dictionary(value, argument: str, example: str, call: str) -> dict:
    if not isinstance(value, dict):
        raise TypeError(f"{argument} must be a dict of arrays {example}, got {type(value).__name__}{order(call)}")
    return value


def activation_name(activation, leaky_slope, call: str) -> str:
    if not isinstance(activation, str):
        raise TypeError(f"activation must be a name (str), got {type(activation).__name__}{order(call)}")
    if activation not in ACTIVATION_NAMES:
        raise ValueError(f"unknown activation {activation!r}; expected one of: {', '.join(ACTIVATION_NAMES)}")
    if isinstance(leaky_slope, bool) or not isinstance(leaky_slope, Real) or not np.isfinite(leaky_slope):
        raise TypeError(f"leaky_slope must be a finite real number, got {leaky_slope!r}")
    if leaky_slope < 0:
        raise ValueError(f"leaky_slope must be >= 0, got {leaky_slope!r}")
    return activation


def linear_parts(A_prev, W, b, names: tuple[str, str, str], call: str):
    """A_prev: (n[l-1], m), W: (n[l], n[l-1]), b: (n[l], 1), each checked under its name."""
    A_prev = array(A_prev, names[0], call)
    W = array(W, names[1], call)
    b = array(b, names[2], call)
    if W.shape[1] != A_prev.shape[0] or b.shape != (W.shape[0], 1):
        raise ValueError(f"{names[1]} {W.shape}, {names[0]} {A_prev.shape} and {names[2]} {b.shape} do not "
                         f"fit W: (n[l], n[l-1]), A_prev: (n[l-1], m), b: (n[l], 1)")
    return A_prev, W, b


def linear_cache(cache, argument: str, call: str):
    """The tuple (A_prev, W, b) that linear_forward returns as its cache."""
    if not isinstance(cache, tuple) or len(cache) != 3:
        raise TypeError(f"{argument} must be the tuple (A_prev, W, b) that linear_forward returns, "
                        f"got {type(cache).__name__}{order(call)}")
    names = (f"{argument}[0] (A_prev)", f"{argument}[1] (W)", f"{argument}[2] (b)")
    return linear_parts(*cache, names, call)


def activation_cache(cache, argument: str, call: str):
    """((A_prev, W, b), Z) as linear_activation_forward returns it; Z: (n[l], m)."""
    if not isinstance(cache, tuple) or len(cache) != 2:
        raise TypeError(f"{argument} must be the tuple (linear_cache, Z) that linear_activation_forward "
                        f"returns, got {type(cache).__name__}{order(call)}")
    A_prev, W, b = linear_cache(cache[0], f"{argument}[0]", call)
    Z = array(cache[1], f"{argument}[1] (Z)", call)
    if Z.shape != (W.shape[0], A_prev.shape[1]):
        raise ValueError(f"{argument}[1] (Z) must have shape (n[l], m) = {(W.shape[0], A_prev.shape[1])}; "
                         f"got {Z.shape}")
    return (A_prev, W, b), Z


def same_shape(a: np.ndarray, a_name: str, shape: tuple, what: str) -> None:
    if a.shape != shape:
        raise ValueError(f"{a_name} must have the shape of {what}, {shape}; got {a.shape}")


def deep_spec(parameters: dict, n_x: int) -> ModelSpec:
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

def cross_entropy(A: np.ndarray, Y: np.ndarray) -> np.float64:
    """A, Y: (n_y, m) checked, 0 < A < 1 -> the notes' J, as np.float64."""
    m = Y.shape[1]
    # -(1/m) times the sum, in the formula's order: the notes' published costs are of this
    # form to the last bit (the sum divided by -m rounds differently).
    cost = -(1 / m) * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    return np.float64(np.squeeze(cost))



def integer(value, argument: str, call: str, minimum: int = 1) -> int:
    """An int >= ``minimum`` (not a bool); anything else names ``argument`` and the order."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral):
        raise TypeError(f"{argument} must be an int, got {value!r}{order(call)}")
    if value < minimum:
        raise ValueError(f"{argument} must be >= {minimum}, got {value!r}")
    return int(value)


def real(value, argument: str, call: str) -> float:
    """A finite real number (not a bool); anything else names ``argument`` and the order."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (Real, np.ndarray)) or np.ndim(value) != 0:
        raise TypeError(f"{argument} must be a real number, got {type(value).__name__}{order(call)}")
    if not np.isfinite(value):
        raise ValueError(f"{argument} is NaN or inf")
    return value


def probability(value, argument: str, call: str) -> float:
    """A keep probability: a real number in (0, 1]."""
    value = real(value, argument, call)
    if not 0 < value <= 1:
        raise ValueError(f"{argument} must lie in (0, 1], got {value!r}")
    return value


def layers_dims(value, argument: str, call: str) -> list[int]:
    """[n_x, n[1], ..., n[L]]: at least two positive ints; anything else names ``argument``."""
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{argument} must be a list of ints [n_x, n[1], ..., n[L]], "
                        f"got {value!r}{order(call)}")
    dims = list(value)
    if len(dims) < 2 or any(isinstance(n, bool) or not isinstance(n, Integral) or n < 1 for n in dims):
        raise ValueError(f"{argument} must hold at least two positive ints [n_x, n[1], ..., n[L]], "
                         f"got {value!r}")
    return [int(n) for n in dims]


# -- the course's initialisers: the draws, once --------------------------------------------


def drawn_parameters(dims: list[int], seed: int, scale) -> dict:
    """dims = [n_x, n[1], ..., n[L]] (checked) -> {"W1": (n[1], n[0]), "b1": (n[1], 1), ...}:
    W[l] = scale(randn(n[l], n[l-1]), n[l-1]) in layer order from a private ``RandomState(seed)``
    (the course's ``np.random.seed(seed)`` draws, the caller's state untouched), b[l] = 0."""
    rng = np.random.RandomState(seed)
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = scale(rng.randn(dims[l], dims[l - 1]), dims[l - 1])
        parameters[f"b{l}"] = np.zeros((dims[l], 1))
    return parameters


def _divided_by_sqrt_fan_in(W: np.ndarray, n_prev: int) -> np.ndarray:
    # Divided, not multiplied by 1/sqrt: the course's files write it so, and it rounds differently.
    return W / np.sqrt(n_prev)


def fan_in_parameters(dims: list[int], seed: int) -> dict:
    """W[l] = randn(n[l], n[l-1]) / sqrt(n[l-1]) in layer order after ``seed``, b[l] = 0."""
    return drawn_parameters(dims, seed, _divided_by_sqrt_fan_in)


def app_parameters_deep(dims: list[int]) -> dict:
    """dnn_app_utils_v3.initialize_parameters_deep on checked dims, which L_layer_model starts
    from: W[l] = randn(n[l], n[l-1]) / sqrt(n[l-1]) after seed 1, b[l] = 0."""
    return fan_in_parameters(dims, _SEED_APP_DEEP)


# -- the activations alone -----------------------------------------------------------------


def plain(A: np.ndarray):
    """A 0-d result as a NumPy scalar (the course's ``1/(1+np.exp(-z))`` on a float gives one)."""
    return A[()] if A.ndim == 0 else A


def sigmoid(z):
    """z: a scalar or an array of any shape -> σ(z) = 1 / (1 + e^-z), the same shape (week 2's
    graded ``sigmoid``; the reference's overflow-free form)."""
    return _sigmoid(array(z, "z", "sigmoid(z)", ndim=None))


def relu(Z) -> np.ndarray:
    """Z: any shape -> max(0, Z), the same shape."""
    return _relu(array(Z, "Z", "relu(Z)", ndim=None))
