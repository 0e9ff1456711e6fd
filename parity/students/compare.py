"""A student's function's output against the reference's: the first difference, with where.

Both return forms the course has used are accepted: ``sigmoid``/``relu`` as ``A`` or as
dnn_utils' ``(A, cache)``; a cost as a float, a 0-d or a 1-element array; ``L_model_backward``'s
``dA`` keys numbered ``dA{l-1}`` (the course's later notebooks) or ``dA{l}`` (its earlier ones).

    difference = first_difference("linear_backward", student, reference, "float64")
    difference.where      # "dW[1, 0]"
    str(difference)       # "dW[1, 0] = 0.25, the reference 0.5 (relative error 0.5)"
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

__all__ = ["Difference", "OUTPUT_NAMES", "normalise", "first_difference", "same_value", "TOLERANCES"]

# (rtol, atol) per dtype: the student's formula in another order than the reference's rounds
# differently, by a few ulps per operation; a mistake is of the size of the values.
TOLERANCES = {"float64": (1e-9, 1e-12), "float32": (2e-4, 1e-6)}

OUTPUT_NAMES: dict[str, tuple[str, ...]] = {
    "linear_forward": ("Z", "cache"),
    "linear_activation_forward": ("A", "cache"),
    "L_model_forward": ("AL", "caches"),
    "linear_backward": ("dA_prev", "dW", "db"),
    "linear_activation_backward": ("dA_prev", "dW", "db"),
    "initialize_with_zeros": ("w", "b"),
    "propagate": ("grads", "cost"),
    "optimize": ("params", "grads", "costs"),
    "forward_propagation_with_dropout": ("A3", "cache"),
    "update_parameters_with_momentum": ("parameters", "v"),
    "update_parameters_with_adam": ("parameters", "v", "s"),
    "initialize_adam": ("v", "s"),
    "forward_propagation": ("A2", "cache"),
    "forward_propagation_n": ("cost", "cache"),
    "two_layer_model": ("parameters", "costs"),
    "L_layer_model": ("parameters", "costs"),
}

# A gradient check's difference is a quotient of centred differences (of J at θ ± ε, ε = 1e-7): a
# rounding of J by one ulp moves it by 1e-9 of its size or more; its verdict is its size.
_TOLERANCES_BY_FUNCTION = {"gradient_check": (1e-5, 1e-12), "gradient_check_n": (0.05, 1e-9)}

_DICT_NAMES = {"L_model_backward": "grads", "update_parameters": "parameters", "initialize_velocity": "v",
               "backward_propagation_with_regularization": "gradients", "update_parameters_with_gd": "parameters",
               "backward_propagation_with_dropout": "gradients",
               "initialize_parameters": "parameters", "initialize_parameters_deep": "parameters"}


@dataclass(frozen=True)
class Difference:
    """The first place where the outputs differ. kind: ``type``, ``length``, ``keys``, ``shape``,
    ``value``, ``dtype`` (a float32 case answered in float64: a warning); student, reference:
    the values there (arrays where they are arrays); index: the worst entry's; error: its
    relative error."""

    where: str
    kind: str
    detail: str
    student: object = None
    reference: object = None
    index: tuple | None = None
    error: float | None = None

    def __str__(self) -> str:
        return self.detail


def _as_number(value):
    if isinstance(value, (np.ndarray, np.generic)) and np.size(value) == 1 and np.asarray(value).dtype.kind in "biuf":
        return np.asarray(value).reshape(())[()]
    return value


def normalise(name: str, value, reference):
    """The student's ``value`` in the reference's form, where the course allowed two."""
    if name in ("sigmoid", "relu") and isinstance(value, tuple) and len(value) == 2:
        return value[0]  # dnn_utils' (A, cache)
    if name in ("compute_cost", "compute_cost_with_regularization"):
        return _as_number(value)
    if name == "propagate" and isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], dict):
        grads = {k: (_as_number(v) if k == "db" else v) for k, v in value[0].items()}
        return grads, _as_number(value[1])
    if name == "optimize" and isinstance(value, tuple) and len(value) == 3:
        params, grads, costs = value
        if isinstance(params, dict):
            params = {k: (_as_number(v) if k == "b" else v) for k, v in params.items()}
        if isinstance(grads, dict):
            grads = {k: (_as_number(v) if k == "db" else v) for k, v in grads.items()}
        if isinstance(costs, (list, tuple)):
            costs = [_as_number(c) for c in costs]
        return params, grads, costs
    if name == "update_parameters_with_adam" and isinstance(value, tuple) and len(value) == 5:
        return value[:3]  # the course's later form adds v_corrected and s_corrected
    if name in ("update_lr", "schedule_lr_decay"):
        return _as_number(value)
    if name == "model" and isinstance(value, dict):
        return {k: ([_as_number(c) for c in v] if k == "costs" and isinstance(v, (list, tuple)) else
                    _as_number(v) if k in ("b", "learning_rate", "num_iterations") else v) for k, v in value.items()}
    if name in ("two_layer_model", "L_layer_model") and isinstance(reference, tuple):
        if isinstance(value, dict):
            return value  # the course's earlier form: the parameters alone (compared with those)
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], (list, tuple)):
            return value[0], [_as_number(c) for c in value[1]]
    if name in ("gradient_check", "gradient_check_n", "forward_propagation"):
        return _as_number(value)
    if name == "forward_propagation_n" and isinstance(value, tuple) and len(value) == 2:
        return _as_number(value[0]), value[1]
    if name == "initialize_with_zeros" and isinstance(value, tuple) and len(value) == 2:
        return value[0], _as_number(value[1])
    if name == "L_model_backward" and isinstance(value, dict) and isinstance(reference, dict):
        return _renumbered(value, reference)
    return value


def _renumbered(grads: dict, reference: dict) -> dict:
    """The course's earlier numbering (``dA{l}`` for dJ/dA[l-1]) renumbered to the later one."""
    numbers = sorted(int(m.group(1)) for k in grads if (m := re.fullmatch(r"dA(\d+)", k)))
    wanted = sorted(int(m.group(1)) for k in reference if (m := re.fullmatch(r"dA(\d+)", k)))
    if numbers and wanted and numbers == [n + 1 for n in wanted]:
        return {(f"dA{int(k[2:]) - 1}" if re.fullmatch(r"dA\d+", k) else k): v for k, v in grads.items()}
    return grads


def _fmt(x, error: float | None = None) -> str:
    """A number with enough digits to show a difference of relative size ``error``."""
    if not isinstance(x, (float, np.floating)):
        return repr(x)
    digits = 6 if not error or error >= 1e-5 else min(17, int(np.ceil(-np.log10(error))) + 2)
    return f"{x:.{digits}g}"


def _index(path: str, index: tuple) -> str:
    return f"{path}[{', '.join(str(int(i)) for i in index)}]" if index else path


def _arrays(where: str, s, r, dtype: str) -> Difference | None:
    s_arr, r_arr = np.asarray(s), np.asarray(r)
    if s_arr.dtype.kind not in "biuf":
        return Difference(where, "type", f"{where} is {type(s).__name__} {s!r:.60}, the reference's a number "
                          f"array", s, r)
    if s_arr.shape != r_arr.shape:
        if s_arr.size == r_arr.size == 1:
            s_arr = s_arr.reshape(r_arr.shape)
        else:
            return Difference(where, "shape", f"{where} has shape {s_arr.shape}, the reference's {r_arr.shape}", s, r)
    rtol, atol = _TOLERANCES_BY_FUNCTION.get(dtype) or TOLERANCES.get(dtype, TOLERANCES["float64"])
    s64, r64 = s_arr.astype(np.float64), r_arr.astype(np.float64)
    if not np.isfinite(s64).all() and np.isfinite(r64).all():
        index = tuple(np.argwhere(~np.isfinite(s64))[0]) if s64.ndim else ()
        return Difference(where, "value", f"{_index(where, index)} = {s64[index]}, the reference "
                          f"{_fmt(r64[index])}", s, r, index, float("inf"))
    scale = max(float(np.max(np.abs(r64), initial=0.0)), atol)
    gap = np.abs(s64 - r64)
    worst = float(np.max(gap, initial=0.0))
    if worst > rtol * scale + atol:
        index = tuple(np.unravel_index(int(np.argmax(gap)), gap.shape)) if gap.ndim else ()
        # Against the larger of the two: a reference of zeros (a dead ReLU unit) gives error 1, not 1e12.
        error = worst / max(scale, float(np.max(np.abs(s64), initial=0.0)))
        return Difference(where, "value", f"{_index(where, index)} = {_fmt(s64[index], error)}, the reference "
                          f"{_fmt(r64[index], error)} (relative error {error:.3g})", s, r, index, error)
    if r_arr.dtype == np.float32 and s_arr.dtype == np.float64:
        return Difference(where, "dtype", f"{where} is float64 for float32 inputs (the reference keeps float32)", s, r)
    return None


def first_difference(name: str, student, reference, dtype: str = "float64", where: str | None = None
                     ) -> Difference | None:
    """The first place (depth first, in the reference's order) where ``student`` differs from
    ``reference``; None where they agree within the dtype's tolerance."""
    if where is None:
        student = normalise(name, student, reference)
        where = "output"
    if where == "output":
        reference = normalise(name, reference, reference) if name in ("sigmoid", "relu") else reference
        if name in ("two_layer_model", "L_layer_model") and isinstance(student, dict) and isinstance(reference, tuple):
            reference = reference[0]
        if name in _TOLERANCES_BY_FUNCTION:
            dtype = name  # the function's own bounds (below)
    if isinstance(reference, tuple | list):
        if not isinstance(student, tuple | list):
            return Difference(where, "type", f"{where} is {type(student).__name__}, the reference's a "
                              f"{type(reference).__name__} of {len(reference)}", student, reference)
        if len(student) != len(reference):
            return Difference(where, "length", f"{where} has {len(student)} items, the reference's "
                              f"{len(reference)}", student, reference)
        names = OUTPUT_NAMES.get(name) if where == "output" else None
        for i, (s, r) in enumerate(zip(student, reference)):
            found = first_difference(name, s, r, dtype, names[i] if names else f"{where}[{i}]")
            if found is not None:
                return found
        return None
    if isinstance(reference, dict):
        if not isinstance(student, dict):
            return Difference(where, "type", f"{where} is {type(student).__name__}, the reference's a dict",
                              student, reference)
        missing = [k for k in reference if k not in student]
        if missing:
            return Difference(where, "keys", f"{where} lacks the key(s) {', '.join(map(repr, missing))} "
                              f"(it has {', '.join(map(repr, student))})", student, reference)
        for key, r in reference.items():
            prefix = _DICT_NAMES.get(name, where) if where == "output" else where
            found = first_difference(name, student[key], r, dtype, f"{prefix}[{key!r}]")
            if found is not None:
                return found
        return None
    if reference is None or isinstance(reference, str):
        return None if student == reference else Difference(where, "value", f"{where} is {student!r:.60}, the "
                                                            f"reference's {reference!r}", student, reference)
    return _arrays(where, student, reference, dtype)


def same_value(a, b) -> bool:
    """Whether two decoded values are equal in structure, shapes and every entry (NaN = NaN)."""
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        return (type(a) is type(b) and len(a) == len(b)) and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys() and \
            all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, (np.ndarray, np.generic)) or isinstance(b, (np.ndarray, np.generic)):
        a_arr, b_arr = np.asarray(a), np.asarray(b)
        return a_arr.shape == b_arr.shape and a_arr.dtype.kind in "biufc" and b_arr.dtype.kind in "biufc" and \
            bool(np.array_equal(a_arr, b_arr, equal_nan=a_arr.dtype.kind == "f" and b_arr.dtype.kind == "f"))
    return a == b or (a != a and b != b)
