"""The inputs each graded function is fed: the course's own shapes and test values, random
architectures (L from 1 to 5, widths and m from 1 up, nonzero biases), exact zeros at ReLU
units, and float32.

    cases_for("L_model_backward", reference)    # [Case(label, args, kwargs, dtype, ...), ...]

``reference`` is the reference's course module (found through the registry by the caller):
inputs that are a step's output (caches, grads) come from the reference's own functions, so a
function is checked on what the reference would give it, never on another student function's
output. Every case is drawn from one seeded generator: the same cases on every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Case", "Architecture", "ARCHITECTURES", "cases_for", "CASE_MAKERS", "deep_parameters"]


@dataclass(frozen=True)
class Case:
    """One call: ``args``/``kwargs`` for the student's function and the reference's alike.

    label: the case in words (``L = 4, m = 7, Z[2] with exact zeros``); dtype: of its arrays;
    saturated: whether it holds an output of exactly 0 or 1, where the course's own formula
    takes log(0) (the reference refuses it; the row is a note, not a failure); info: what
    the causes' detectors need (``m``, ``activation``, ``L``, ...).
    """

    label: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    dtype: str = "float64"
    saturated: bool = False
    info: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Architecture:
    """Layer sizes n[0..L], m examples, the hidden layer whose unit 0 has Z exactly 0 (or None)."""

    dims: tuple[int, ...]
    m: int
    zero_layer: int | None = None
    dtype: str = "float64"
    course: bool = False

    @property
    def L(self) -> int:
        return len(self.dims) - 1

    def label(self) -> str:
        text = "the course's shapes, " if self.course else ""
        text += f"L = {self.L}, m = {self.m}, layers {list(self.dims)}"
        if self.zero_layer is not None:
            text += f", Z[{self.zero_layer}] with exact zeros"
        return text + (", float32" if self.dtype == "float32" else "")


ARCHITECTURES: tuple[Architecture, ...] = (
    Architecture((5, 4, 3, 1), 4, course=True),
    Architecture((3, 1), 5),
    Architecture((2, 3, 1), 1, zero_layer=1),
    Architecture((4, 5, 2, 1), 3, zero_layer=2),
    Architecture((3, 4, 5, 2, 1), 7, zero_layer=2),
    Architecture((2, 1, 3, 2, 4, 1), 2, zero_layer=3),
    Architecture((4, 3, 2, 1), 6, zero_layer=1, dtype="float32"),
)


def _rng() -> np.random.Generator:
    return np.random.default_rng(20150)


def deep_parameters(arch: Architecture, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """X: (n[0], m) and parameters {"W1", "b1", ...} with nonzero biases; unit 0 of layer
    ``zero_layer`` has W and b zero there, so Z[zero_layer][0, :] is exactly 0."""
    X = rng.standard_normal((arch.dims[0], arch.m)).astype(arch.dtype)
    params = {}
    for l in range(1, arch.L + 1):
        W = rng.standard_normal((arch.dims[l], arch.dims[l - 1])) * 0.8
        b = rng.standard_normal((arch.dims[l], 1)) * 0.3
        if l == arch.zero_layer:
            W[0, :], b[0, 0] = 0.0, 0.0
        params[f"W{l}"], params[f"b{l}"] = W.astype(arch.dtype), b.astype(arch.dtype)
    return X, params


def _labels(rng, m: int, dtype: str = "float64") -> np.ndarray:
    Y = (rng.random((1, m)) > 0.5).astype(dtype)
    Y[0, 0] = 1.0  # both classes where m > 1
    if m > 1:
        Y[0, 1] = 0.0
    return Y


def _info(arch: Architecture, **more) -> dict:
    return {"m": arch.m, "L": arch.L, "dims": arch.dims, **more}


# -- deep network, step by step ----------------------------------------------------------------


def _activation_pairs(rng):
    """(Z with some exact zeros, dA), in the shapes of a few layers."""
    for shape, dtype in (((3, 4), "float64"), ((1, 5), "float64"), ((2, 3), "float32")):
        Z = rng.standard_normal(shape)
        Z.flat[:: 3] = 0.0
        yield shape, Z.astype(dtype), rng.standard_normal(shape).astype(dtype), dtype


def _sigmoid_deep(reference, rng):
    return [Case(f"Z of shape {s}" + (", float32" if d == "float32" else ""), (Z,), dtype=d)
            for s, Z, _, d in _activation_pairs(rng)]


def _backward_activation(reference, rng):
    return [Case(f"Z of shape {s} with exact zeros" + (", float32" if d == "float32" else ""), (dA, Z), dtype=d,
                 info={"Z": Z, "dA": dA}) for s, Z, dA, d in _activation_pairs(rng)]


def _initialize_parameters(reference, rng):
    return [Case("the course's sizes n_x = 3, n_h = 2, n_y = 1", (3, 2, 1)),
            Case("n_x = 2, n_h = 4, n_y = 3", (2, 4, 3))]


def _initialize_parameters_deep(reference, rng):
    return [Case("the course's layer_dims [5, 4, 3]", ([5, 4, 3],)), Case("layer_dims [4, 3, 2, 1]", ([4, 3, 2, 1],)),
            Case("layer_dims [3, 1]", ([3, 1],))]


def _layer(rng, n_prev, n, m, dtype="float64"):
    A = rng.standard_normal((n_prev, m)).astype(dtype)
    W = (rng.standard_normal((n, n_prev)) * 0.8).astype(dtype)
    b = (rng.standard_normal((n, 1)) * 0.3).astype(dtype)
    return A, W, b


_LAYER_SHAPES = ((3, 1, 2, "the course's shapes, n[l-1] = 3, n[l] = 1, m = 2"),
                 (4, 3, 5, "n[l-1] = 4, n[l] = 3, m = 5"),
                 (1, 2, 1, "n[l-1] = 1, n[l] = 2, m = 1"), (3, 3, 3, "n[l-1] = n[l] = m = 3"))


def _linear_forward(reference, rng):
    cases = [Case(label, _layer(rng, a, b, m), info={"m": m}) for a, b, m, label in _LAYER_SHAPES]
    cases.append(Case("n[l-1] = 4, n[l] = 3, m = 5, float32", _layer(rng, 4, 3, 5, "float32"), dtype="float32",
                      info={"m": 5}))
    return cases


def _with_zero_unit(A, W, b):
    W, b = W.copy(), b.copy()
    W[0, :], b[0, 0] = 0.0, 0.0
    return A, W, b


def _activation_layers(rng):
    """(activation, A, W, b, m, label) for sigmoid and ReLU on the first three layer shapes,
    drawn from ``rng`` in turn; ReLU's with unit 0's Z exactly 0 (its kink)."""
    for activation in ("sigmoid", "relu"):
        for a, n, m, label in _LAYER_SHAPES[:3]:
            A, W, b = _layer(rng, a, n, m)
            if activation == "relu":
                A, W, b = _with_zero_unit(A, W, b)
                label += ", Z[0, :] exactly 0"
            yield activation, A, W, b, m, label


def _linear_activation_forward(reference, rng):
    cases = []
    for i, (activation, A, W, b, m, label) in enumerate(_activation_layers(rng)):
        cases.append(Case(f"{activation}, {label}", (A, W, b, activation), info={"m": m, "activation": activation}))
        if i % 3 == 2:  # after each activation's three shapes, its float32 case, drawn in turn
            A, W, b = _layer(rng, 4, 3, 5, "float32")
            cases.append(Case(f"{activation}, n[l-1] = 4, n[l] = 3, m = 5, float32", (A, W, b, activation),
                              dtype="float32", info={"m": 5, "activation": activation}))
    return cases


def _L_model_forward(reference, rng):
    cases = []
    for arch in ARCHITECTURES:
        X, params = deep_parameters(arch, rng)
        cases.append(Case(arch.label(), (X, params), dtype=arch.dtype, info=_info(arch)))
    return cases


def _compute_cost(reference, rng):
    cases = []
    for m, dtype in ((3, "float64"), (1, "float64"), (8, "float64"), (5, "float32")):
        AL = rng.uniform(0.05, 0.95, (1, m)).astype(dtype)
        label = f"m = {m}" + (", float32" if dtype == "float32" else "")
        cases.append(Case(label, (AL, _labels(rng, m, dtype)), dtype=dtype, info={"m": m}))
    AL = np.array([[1.0, 0.3, 0.0, 0.8]])
    cases.append(Case("saturated: AL holds an exact 1 and an exact 0", (AL, np.array([[1.0, 0.0, 0.0, 1.0]])),
                      saturated=True, info={"m": 4}))
    return cases


def _linear_backward(reference, rng):
    cases = []
    for a, n, m, label in _LAYER_SHAPES:
        A, W, b = _layer(rng, a, n, m)
        cases.append(Case(label, (rng.standard_normal((n, m)), (A, W, b)), info={"m": m}))
    A, W, b = _layer(rng, 4, 3, 5, "float32")
    cases.append(Case("n[l-1] = 4, n[l] = 3, m = 5, float32", (rng.standard_normal((3, 5)).astype("float32"),
                                                                  (A, W, b)), dtype="float32", info={"m": 5}))
    return cases


def _linear_activation_backward(reference, rng):
    cases = []
    for activation, A, W, b, m, label in _activation_layers(rng):
        Z = W @ A + b
        dA = rng.standard_normal(Z.shape)
        cases.append(Case(f"{activation}, {label}", (dA, ((A, W, b), Z), activation),
                          info={"m": m, "activation": activation, "Z": Z, "dA": dA}))
    return cases


def _forward_for(reference, arch: Architecture, rng):
    X, params = deep_parameters(arch, rng)
    AL, caches = reference.L_model_forward(X, params)
    return X, params, AL, caches


def _L_model_backward(reference, rng):
    cases = []
    for arch in ARCHITECTURES:
        X, params, AL, caches = _forward_for(reference, arch, rng)
        cases.append(Case(arch.label(), (AL, _labels(rng, arch.m, arch.dtype), caches), dtype=arch.dtype,
                          info=_info(arch)))
    return cases


def _update_parameters(reference, rng):
    cases = []
    for arch in ARCHITECTURES[:4]:
        X, params, AL, caches = _forward_for(reference, arch, rng)
        grads = reference.L_model_backward(AL, _labels(rng, arch.m), caches)
        cases.append(Case(arch.label() + ", learning_rate = 0.1", (params, grads, 0.1), dtype=arch.dtype,
                          info=_info(arch)))
    return cases


# -- logistic regression -----------------------------------------------------------------------


def _sigmoid_logistic(reference, rng):
    return [Case("the course's z = [0, 2]", (np.array([0.0, 2.0]),)),
            Case("z of shape (3, 4)", (rng.standard_normal((3, 4)) * 3,)),
            Case("z = 0.0, a float", (0.0,)),
            Case("z of shape (2, 3), float32", (rng.standard_normal((2, 3)).astype("float32"),), dtype="float32")]


def _initialize_with_zeros(reference, rng):
    return [Case("the course's dim = 2", (2,)), Case("dim = 5", (5,)), Case("dim = 1", (1,))]


def _logistic_inputs(rng, n, m, dtype="float64"):
    w = (rng.standard_normal((n, 1)) * 0.5).astype(dtype)
    X = rng.standard_normal((n, m)).astype(dtype)
    return w, 0.3, X, _labels(rng, m, dtype)


def _course_logistic():
    return (np.array([[1.0], [2.0]]), 2.0, np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]]), np.array([[1.0, 0.0, 1.0]]))


def _propagate(reference, rng):
    cases = [Case("the course's w, b, X, Y", _course_logistic(), info={"m": 3})]
    for n, m in ((4, 7), (1, 1), (3, 2)):
        cases.append(Case(f"n_x = {n}, m = {m}", _logistic_inputs(rng, n, m), info={"m": m}))
    cases.append(Case("n_x = 3, m = 4, float32", _logistic_inputs(rng, 3, 4, "float32"), dtype="float32",
                      info={"m": 4}))
    return cases


def _optimize(reference, rng):
    w, b, X, Y = _course_logistic()
    cases = [Case("the course's w, b, X, Y; 100 iterations, learning_rate = 0.009", (w, b, X, Y, 100, 0.009),
                  info={"m": 3})]
    w, b, X, Y = _logistic_inputs(rng, 4, 6)
    cases.append(Case("n_x = 4, m = 6; 201 iterations, learning_rate = 0.05", (w, b, X, Y, 201, 0.05), info={"m": 6}))
    return cases


def _predict(reference, rng):
    w, b, X, _ = _course_logistic()
    cases = [Case("the course's w, b, X", (w, b, X))]
    for n, m in ((4, 7), (2, 1)):
        w, b, X, _ = _logistic_inputs(rng, n, m)
        cases.append(Case(f"n_x = {n}, m = {m}", (w, b, X)))
    return cases


# Course name -> (assignment or None for every assignment) -> maker. A name whose maker is absent is
# skipped with the reason.
CASE_MAKERS = {
    ("deep_step_by_step", "sigmoid"): _sigmoid_deep,
    ("deep_step_by_step", "relu"): _sigmoid_deep,
    ("deep_step_by_step", "sigmoid_backward"): _backward_activation,
    ("deep_step_by_step", "relu_backward"): _backward_activation,
    ("deep_step_by_step", "initialize_parameters"): _initialize_parameters,
    ("deep_step_by_step", "initialize_parameters_deep"): _initialize_parameters_deep,
    ("deep_step_by_step", "linear_forward"): _linear_forward,
    ("deep_step_by_step", "linear_activation_forward"): _linear_activation_forward,
    ("deep_step_by_step", "L_model_forward"): _L_model_forward,
    ("deep_step_by_step", "compute_cost"): _compute_cost,
    ("deep_step_by_step", "linear_backward"): _linear_backward,
    ("deep_step_by_step", "linear_activation_backward"): _linear_activation_backward,
    ("deep_step_by_step", "L_model_backward"): _L_model_backward,
    ("deep_step_by_step", "update_parameters"): _update_parameters,
    ("logistic_regression", "sigmoid"): _sigmoid_logistic,
    ("logistic_regression", "initialize_with_zeros"): _initialize_with_zeros,
    ("logistic_regression", "propagate"): _propagate,
    ("logistic_regression", "optimize"): _optimize,
    ("logistic_regression", "predict"): _predict,
}


def cases_for(assignment: str, name: str, reference) -> list[Case] | None:
    """The cases of course function ``name`` in ``assignment``, or None where there are none yet."""
    maker = CASE_MAKERS.get((assignment, name))
    if maker is None:
        return None
    return maker(reference, _rng())
