"""Input validation shared by every backend: bad input is refused before any arithmetic.

Each check raises ``TypeError`` (wrong kind of thing) or ``ValueError`` (right kind, wrong
value) with a message that names the argument. Checks return *new* arrays where they must
convert, and never write into the caller's arrays.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

from .spec import ModelSpec

__all__ = [
    "SUPPORTED_DTYPES",
    "DEVICE_NAMES",
    "check_device_name",
    "check_dtype",
    "check_seed",
    "check_X",
    "check_Y",
    "check_deep_params",
    "check_logistic_params",
    "check_learning_rate",
    "check_count",
    "check_batch_size",
    "check_train_args",
    "check_spec",
    "check_deep_inputs",
    "check_deep_predict_inputs",
    "check_logistic_inputs",
    "check_logistic_predict_inputs",
    "check_argument_kinds",
]

SUPPORTED_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
DEVICE_NAMES = ("cpu", "cuda")


def check_device_name(device) -> str:
    """``"cpu"`` or ``"cuda"``; whether the device is present is the backend's to check."""
    if not isinstance(device, str):
        raise TypeError(f"device must be 'cpu' or 'cuda', got {device!r}")
    if device not in DEVICE_NAMES:
        raise ValueError(f"unknown device {device!r}; expected 'cpu' or 'cuda'")
    return device


def check_dtype(dtype, argument: str = "dtype") -> np.dtype:
    """A supported floating dtype (float32 or float64) from a name or dtype."""
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"{argument} must be float32 or float64, got {dtype!r}") from exc
    if dt not in SUPPORTED_DTYPES:
        raise TypeError(f"{argument} must be float32 or float64, got {dt}")
    return dt


def check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, Integral):
        raise TypeError(f"seed must be an int, got {seed!r}")
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed!r}")
    return int(seed)


def _as_array(value, argument: str, order: str = "") -> np.ndarray:
    """``value`` as an array of real numbers, else a TypeError that names ``argument``.

    ``order`` ("; the order is f(params, X, ...)") ends the message of a wrong kind of
    thing, where the caller knows the signature: a dict or a ModelSpec where an array
    belongs is nearly always an argument in the wrong place.
    """
    if isinstance(value, (str, bytes, dict)) or value is None:
        raise TypeError(f"{argument} must be a numeric array, got {type(value).__name__}{order}")
    try:
        arr = np.asarray(value)
    except ValueError as exc:  # ragged nested sequences
        raise ValueError(f"{argument} must be a rectangular numeric array: {exc}") from exc
    if arr.dtype.kind == "O" and not isinstance(value, np.ndarray):
        raise TypeError(f"{argument} must be a numeric array, got {type(value).__name__}{order}")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{argument} must hold real numbers, got dtype {arr.dtype}{order}")
    return arr


def _check_finite(arr: np.ndarray, argument: str) -> None:
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError(f"{argument} contains NaN or inf")


def _check_fits(arr: np.ndarray, dtype: np.dtype, argument: str) -> None:
    """Finite values that would overflow to inf when cast to X's dtype (1e39 in float32)
    are refused here, rather than turning into inf or NaN inside a framework."""
    limit = np.finfo(dtype).max
    if arr.size and np.abs(arr.astype(np.float64)).max() > limit:
        raise ValueError(f"{argument} has values beyond the range of {np.dtype(dtype)} (the dtype of X)")


def check_X(X, argument: str = "X") -> np.ndarray:
    """X: (n_x, m), m >= 1, finite. Floating X keeps its dtype (float32 or float64);
    integer or boolean X becomes float64. Returns an array, never a view that the
    caller could see written to."""
    arr = _as_array(X, argument)
    if arr.ndim != 2:
        raise ValueError(
            f"{argument} must be 2-D (n_x, m), one column per example; got shape {arr.shape}"
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{argument} is empty: shape {arr.shape}")
    if arr.dtype.kind == "f":
        check_dtype(arr.dtype, f"{argument}.dtype")
    else:
        arr = arr.astype(np.float64)
    _check_finite(arr, argument)
    return arr


def check_Y(Y, X: np.ndarray, output: str, n_y: int, argument: str = "Y") -> np.ndarray:
    """Y: (n_y, m) in X's dtype, with labels the output can take:
    0/1 for ``sigmoid``, one-hot columns for ``softmax``, finite reals for ``linear``."""
    arr = _as_array(Y, argument)
    if arr.ndim != 2:
        raise ValueError(f"{argument} must be 2-D (n_y, m); got shape {arr.shape}")
    m = X.shape[1]
    if arr.shape != (n_y, m):
        raise ValueError(f"{argument} must have shape (n_y, m) = ({n_y}, {m}); got {arr.shape}")
    _check_finite(arr, argument)
    _check_fits(arr, X.dtype, argument)
    arr = arr.astype(X.dtype)  # always a copy: the caller's Y is never touched
    if output in ("sigmoid", "softmax") and not np.isin(arr, (0, 1)).all():
        raise ValueError(f"{argument} must hold 0/1 labels for a {output} output")
    if output == "softmax" and not (arr.sum(axis=0) == 1).all():
        raise ValueError(f"{argument} must have one-hot columns (exactly one 1 each) for a softmax output")
    return arr


def _check_param(params: dict, key: str, shape: tuple, dtype: np.dtype) -> np.ndarray:
    arr = _as_array(params[key], f"params[{key!r}]")
    if arr.shape != shape:
        raise ValueError(f"params[{key!r}] must have shape {shape}; got {arr.shape}")
    if arr.dtype != dtype:
        raise TypeError(f"params[{key!r}] has dtype {arr.dtype}, expected {dtype} (the dtype of X)")
    _check_finite(arr, f"params[{key!r}]")
    return arr.copy()


def _check_keys(params, expected: list[str] | None, order: str = "") -> None:
    """params: a dict (else a TypeError that shows the layout wanted and ends with
    ``order``) with exactly the keys ``expected``. ``expected=None`` checks the kind alone,
    for the deep layout before the spec that gives its keys is known."""
    if not isinstance(params, dict):
        if expected is None:
            layout = "{'W1': ..., 'b1': ..., ...}"
        else:
            layout = "{" + ", ".join(f"{k!r}: ..." for k in expected[:2]) + (", ...}" if len(expected) > 2 else "}")
        raise TypeError(f"params must be a dict of arrays {layout}, got {type(params).__name__}{order}")
    if expected is None:
        return
    missing = [k for k in expected if k not in params]
    extra = [k for k in params if k not in expected]
    if missing or extra:
        raise ValueError(
            f"params must have keys {expected}; missing {missing}, unexpected {extra}"
        )


def check_deep_params(params, spec, dtype: np.dtype) -> dict[str, np.ndarray]:
    """params: ``{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}`` in ``dtype``, finite; copied."""
    shapes = spec.param_shapes()
    _check_keys(params, list(shapes))
    return {key: _check_param(params, key, shape, dtype) for key, shape in shapes.items()}


def check_logistic_params(params, n_x: int, dtype: np.dtype) -> dict:
    """params: ``{"w": (n_x, 1), "b": scalar}``; returns ``w`` copied and ``b`` as float."""
    _check_keys(params, ["w", "b"])
    w = _check_param(params, "w", (n_x, 1), dtype)
    b = params["b"]
    b_arr = _as_array(b, "params['b']")
    if b_arr.size != 1:
        raise ValueError(f"params['b'] must be a scalar; got shape {b_arr.shape}")
    _check_finite(b_arr.astype(np.float64), "params['b']")
    _check_fits(b_arr, dtype, "params['b']")
    return {"w": w, "b": float(b_arr.reshape(()))}


def check_learning_rate(learning_rate, dtype=np.float64) -> float:
    """A finite learning rate > 0 that ``dtype`` can hold."""
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, Real):
        raise TypeError(f"learning_rate must be a real number, got {learning_rate!r}")
    if not math.isfinite(learning_rate) or learning_rate <= 0:
        raise ValueError(f"learning_rate must be finite and > 0, got {learning_rate!r}")
    _check_fits(np.asarray(learning_rate), dtype, "learning_rate")
    return float(learning_rate)


def check_count(value, argument: str) -> int:
    """A number of iterations or epochs: an int >= 1."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{argument} must be an int, got {value!r}")
    if value < 1:
        raise ValueError(f"{argument} must be >= 1, got {value!r}")
    return int(value)


def check_batch_size(batch_size, m: int) -> int:
    """None means the whole set; a size above m is the whole set too (as scikit-learn clips)."""
    if batch_size is None:
        return m
    if isinstance(batch_size, bool) or not isinstance(batch_size, Integral):
        raise TypeError(f"batch_size must be an int or None, got {batch_size!r}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1 or None, got {batch_size!r}")
    return min(int(batch_size), m)


def check_train_args(learning_rate, num_steps, batch_size, seed, X: np.ndarray, steps_name: str = "num_epochs"):
    """(learning_rate, num_steps, batch_size, seed), each checked against the checked X
    (its m and dtype); batch_size resolved to an int."""
    return (
        check_learning_rate(learning_rate, X.dtype),
        check_count(num_steps, steps_name),
        check_batch_size(batch_size, X.shape[1]),
        check_seed(seed),
    )


def check_spec(spec, order: str = ""):
    """A ``ModelSpec``, else a TypeError ending with ``order`` (the caller's signature)."""
    if not isinstance(spec, ModelSpec):
        hint = " (build one with ModelSpec(layer_dims))" if isinstance(spec, (tuple, list)) else ""
        raise TypeError(f"spec must be a ModelSpec, got {type(spec).__name__}{hint}{order}")
    return spec


def _check_X_for(X, n_x: int, source: str) -> np.ndarray:
    X = check_X(X)
    if X.shape[0] != n_x:
        raise ValueError(f"X has {X.shape[0]} rows but {source} is {n_x}")
    return X


def check_deep_inputs(params, X, Y, spec):
    """(params, X, Y) for the L-layer network, checked against ``spec`` and copied.

    The kind of each argument is checked first, in the signature's order, so arguments
    passed in another order get a TypeError that names the first one out of place and the
    order expected, before any value is looked at.
    """
    order = "; the order is cost_and_grads(params, X, Y, spec) and train(params, X, Y, spec, ...)"
    _check_keys(params, None, order)
    _as_array(X, "X", order)
    _as_array(Y, "Y", order)
    spec = check_spec(spec, order)
    X = _check_X_for(X, spec.n_x, "spec.layer_dims[0] (n_x)")
    Y = check_Y(Y, X, spec.output, spec.n_y)
    return check_deep_params(params, spec, X.dtype), X, Y


def check_deep_predict_inputs(params, X, spec):
    """(params, X) for prediction with the L-layer network; kinds first, as ``check_deep_inputs``."""
    order = "; the order is predict(params, X, spec) and predict_proba(params, X, spec)"
    _check_keys(params, None, order)
    _as_array(X, "X", order)
    spec = check_spec(spec, order)
    X = _check_X_for(X, spec.n_x, "spec.layer_dims[0] (n_x)")
    return check_deep_params(params, spec, X.dtype), X


def _logistic_n_x(params, order: str = "") -> int:
    """n_x from ``params["w"]: (n_x, 1)``; ``order`` ends a wrong kind's message."""
    _check_keys(params, ["w", "b"], order)
    w = _as_array(params["w"], "params['w']", order)
    if w.ndim != 2 or w.shape[1] != 1:
        raise ValueError(f"params['w'] must have shape (n_x, 1); got {w.shape}")
    return w.shape[0]


def check_logistic_inputs(params, X, Y):
    """(params, X, Y) for logistic regression: w (n_x, 1), b scalar, X (n_x, m), Y (1, m) of 0/1.
    Kinds first, in the signature's order, as ``check_deep_inputs``."""
    order = ("; the order is cost_and_grads(params, X, Y) and train(params, X, Y, ...), "
             "with params = {'w': w, 'b': b}")
    n_x = _logistic_n_x(params, order)
    _as_array(X, "X", order)
    _as_array(Y, "Y", order)
    X = _check_X_for(X, n_x, "the length of params['w'] (n_x)")
    Y = check_Y(Y, X, "sigmoid", 1)
    return check_logistic_params(params, X.shape[0], X.dtype), X, Y


def check_logistic_predict_inputs(params, X):
    """(params, X) for prediction with logistic regression; kinds first."""
    order = "; the order is predict(params, X) and predict_proba(params, X), with params = {'w': w, 'b': b}"
    n_x = _logistic_n_x(params, order)
    _as_array(X, "X", order)
    X = _check_X_for(X, n_x, "the length of params['w'] (n_x)")
    return check_logistic_params(params, X.shape[0], X.dtype), X


def check_argument_kinds(order: str, **arguments) -> None:
    """The building blocks' cheap guard against arguments in the wrong place: ``params`` a
    dict, ``X`` an array (not a dict, a spec or None), ``spec`` a ModelSpec; else a TypeError
    that names the argument and ``order``, the function's signature. It converts nothing, so
    it is safe inside a jitted function, where X is a tracer."""
    for name, value in arguments.items():
        if name == "params" and not isinstance(value, dict):
            raise TypeError(f"params must be a dict of arrays {{'W1': ..., 'b1': ..., ...}}, got "
                            f"{type(value).__name__}; the order is {order}")
        if name == "spec" and not isinstance(value, ModelSpec):
            raise TypeError(f"spec must be a ModelSpec, got {type(value).__name__}; the order is {order}")
        if name not in ("params", "spec") and (value is None or isinstance(value, (dict, str, bytes, ModelSpec))):
            raise TypeError(f"{name} must be an array, got {type(value).__name__}; the order is {order}")
