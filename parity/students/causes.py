"""The typical mistakes of the course's graded functions, each a name and a cheap detector on
the student's output against the reference's (or on what the student's call raised).

    cause = probable_cause(Evidence(function, case, difference, ...))   # a Cause, or None
    cause.name, cause.text     # "missing or extra 1/m", "dW is the reference's times m or 1/m"

A detector looks at one failed case: the first difference (``compare.Difference``) with the
student's and the reference's values there, the case's inputs and what it knows (m, L, the
activation), and, where it needs one, a second reference output on another formula (the other
activation, another ReLU derivative) computed with the reference's course module. The first
detector that fires names the cause; none firing leaves the cause empty. Each cause is
demonstrated by a fixture with that one mistake (parity_tests/test_student_causes.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .cases import Case
from .compare import Difference, first_difference

__all__ = ["Cause", "Evidence", "CAUSES", "probable_cause", "WRITES_INTO_CALLER", "REBINDS_CALLER",
           "FLOAT32_AS_FLOAT64"]


@dataclass(frozen=True)
class Evidence:
    """What a detector may look at, for one failed case of one course function."""

    function: str
    case: Case
    difference: Difference | None = None
    student: object = None  # the whole output, in the reference's form
    reference: object = None
    module: object = None  # the reference's course module
    exception: str | None = None  # "KeyError: 'W3'" where the call raised
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Cause:
    name: str
    text: str
    detect: Callable[[Evidence], bool] = field(repr=False, compare=False, default=lambda e: False)


def _close(a, b, rtol=1e-6) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=1e-9 * max(1.0, float(np.max(np.abs(b),
                                                                                                      initial=0)))))


def _values(e: Evidence):
    d = e.difference
    if d is None or d.kind != "value":
        return None
    s, r = np.asarray(d.student, dtype=float), np.asarray(d.reference, dtype=float)
    return (s, r) if s.shape == r.shape and np.isfinite(s).all() else None


def _one_over_m(e: Evidence) -> bool:
    pair, m = _values(e), e.case.info.get("m")
    if pair is None or not m or m == 1:
        return False
    s, r = pair
    return _close(s, r * m) or _close(s, r / m)


def _transposed(e: Evidence) -> bool:
    d = e.difference
    if d is None or d.kind not in ("shape", "value"):
        return False
    s, r = np.asarray(d.student), np.asarray(d.reference)
    return s.ndim == 2 and r.ndim == 2 and s.shape == r.T.shape and r.shape[0] != r.shape[1] and _close(s, r.T)


def _flipped(e: Evidence) -> bool:
    pair = _values(e)
    return pair is not None and bool(np.any(pair[1] != 0)) and _close(pair[0], -pair[1])


def _other_reference(e: Evidence, change) -> bool:
    """Whether the student's whole output equals the reference's on the changed case."""
    try:
        other = change()
    except Exception:  # the changed formula does not apply to this case
        return False
    return other is not None and first_difference(e.function, e.student, other, e.case.dtype, "output") is None


def _swapped_branches(e: Evidence) -> bool:
    activation = e.case.info.get("activation")
    if e.function not in ("linear_activation_forward", "linear_activation_backward") or activation is None:
        return False
    other = "relu" if activation == "sigmoid" else "sigmoid"
    args = (*e.case.args[:-1], other)
    return _other_reference(e, lambda: getattr(e.module, e.function)(*args))


def _backward_with(e: Evidence, derivative) -> bool:
    """The student's output against dZ = dA * derivative(Z), then (where a linear step follows)
    the reference's linear_backward."""
    if e.function in ("relu_backward", "sigmoid_backward"):
        dA, Z = e.case.args
        return _other_reference(e, lambda: np.asarray(dA) * derivative(np.asarray(Z)))
    if e.function == "linear_activation_backward":
        dA, (linear_cache, Z), _ = e.case.args
        return _other_reference(e, lambda: e.module.linear_backward(dA * derivative(Z), linear_cache))
    return False


def _relu_derivative(e: Evidence) -> bool:
    if e.function not in ("relu_backward", "linear_activation_backward") or \
            e.case.info.get("activation", "relu") != "relu":
        return False
    return _backward_with(e, lambda Z: (Z >= 0).astype(Z.dtype)) or _backward_with(e, lambda Z: np.ones_like(Z))


def _sigmoid_as_s(e: Evidence) -> bool:
    if e.function not in ("sigmoid_backward", "linear_activation_backward") or \
            e.case.info.get("activation", "sigmoid") != "sigmoid":
        return False
    return _backward_with(e, lambda Z: 1 / (1 + np.exp(-Z)))


def _epsilon_in_log(e: Evidence) -> bool:
    if e.function != "compute_cost" or e.case.saturated:
        return False
    AL, Y = (np.asarray(a, dtype=float) for a in e.case.args)
    m = Y.shape[1]
    for eps in (1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-12, 1e-15):
        for cost in (-np.sum(Y * np.log(AL + eps) + (1 - Y) * np.log(1 - AL + eps)) / m,
                     -np.sum(Y * np.log(AL + eps) + (1 - Y) * np.log(1 - AL - eps)) / m):
            if _close(np.asarray(e.student, dtype=float), cost, rtol=1e-10):
                return True
    return False


_KEY = re.compile(r"KeyError: '(d?[WbA])(-?\d+)'")


def _missing_key(e: Evidence) -> tuple[str, int] | None:
    found = _KEY.search(e.exception or "")
    return (found.group(1), int(found.group(2))) if found else None


def _len_parameters(e: Evidence) -> bool:
    key, L = _missing_key(e), e.case.info.get("L")
    if key is not None and L is not None:
        return key[1] > L + 1 or (key[0] in ("W", "b", "dW", "db") and key[1] > L and
                                  e.function in ("L_model_forward", "update_parameters"))
    d = e.difference
    return e.function == "L_model_forward" and d is not None and d.kind in ("length", "shape") and L is not None \
        and isinstance(e.student, tuple) and len(e.student) == 2 and isinstance(e.student[1], list) \
        and len(e.student[1]) == 2 * L


def _off_by_one(e: Evidence) -> bool:
    key, L = _missing_key(e), e.case.info.get("L")
    if key is not None and L is not None and (key[1] <= 0 or key[1] == L + 1 or key[0] == "dA"):
        return True
    d = e.difference
    if d is None or not isinstance(e.student, dict) or not isinstance(e.reference, dict):
        return False
    if d.kind == "keys" and L is not None:
        numbers = [int(m.group(2)) for k in e.student if (m := re.fullmatch(r"(d?[WbA])(-?\d+)", str(k)))
                   and m.group(1) != "dA"]
        return any(n <= 0 or n > L for n in numbers)
    found = re.search(r"\['(d?[WbA])(\d+)'\]", d.where)
    if not found:
        return False
    name, l = found.group(1), int(found.group(2))
    shifted = [e.student.get(f"{name}{k}") for k in (l - 1, l + 1)]
    return any(v is not None and _close(v, d.reference) for v in shifted) or \
        any(_close(d.student, e.reference.get(f"{name}{k}", np.nan)) for k in (l - 1, l + 1))


def _forward_shifted(e: Evidence) -> bool:
    """L_model_forward whose loop or last layer is off by one: an AL of the wrong shape, or the
    number of caches not L."""
    d, L = e.difference, e.case.info.get("L")
    if e.function != "L_model_forward" or d is None or L is None or not isinstance(e.student, tuple):
        return False
    caches = e.student[1] if len(e.student) == 2 else None
    return isinstance(caches, list) and len(caches) in (L - 1, L + 1)


# -- course 2 ----------------------------------------------------------------------------------


def _l2_parts(e: Evidence):
    """(the cross-entropy, each ‖W[l]‖², λ, m) of a compute_cost_with_regularization case."""
    A3, Y, params, lambd = e.case.args
    m = np.shape(Y)[1]
    terms = [float(np.sum(np.square(params[f"W{l}"]))) for l in range(1, len(params) // 2 + 1)]
    return float(e.reference) - lambd / (2 * m) * sum(terms), terms, lambd, m


def _l2_weight_terms(e: Evidence, scale: float) -> bool:
    """backward_propagation_with_regularization: the differing dW[l] is the reference's minus
    scale · (λ/m) W[l] (scale 1: the layer's term left out; 1/2: λ/2m for λ/m)."""
    d = e.difference
    found = re.search(r"\['dW(\d+)'\]", d.where) if d is not None else None
    if e.function != "backward_propagation_with_regularization" or found is None or _values(e) is None:
        return False
    X, Y, cache, lambd = e.case.args
    W = {1: cache[2], 2: cache[6], 3: cache[10]}[int(found.group(1))]
    m = np.shape(X)[1]
    return _close(d.student, np.asarray(d.reference) - scale * lambd / m * W)


def _l2_missing_layer(e: Evidence) -> bool:
    if e.function == "compute_cost_with_regularization":
        ce, terms, lambd, m = _l2_parts(e)
        return any(_close(e.student, ce + lambd / (2 * m) * (sum(terms) - t)) for t in terms)
    return _l2_weight_terms(e, 1.0)


def _l2_over_m(e: Evidence) -> bool:
    if e.function == "compute_cost_with_regularization":
        ce, terms, lambd, m = _l2_parts(e)
        return _close(e.student, ce + lambd / m * sum(terms))
    return _l2_weight_terms(e, 0.5) or _l2_weight_terms(e, -1.0)


def _dropout_forward(X, params, keep_prob, rescale: bool) -> tuple:
    W1, b1, W2, b2, W3, b3 = (params[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    rng = np.random.RandomState(1)  # the course's seed, as the reference draws its masks
    Z1 = W1 @ X + b1
    A1 = np.maximum(Z1, 0)
    D1 = (rng.rand(*A1.shape) < keep_prob).astype(A1.dtype)
    A1 = A1 * D1 / (keep_prob if rescale else 1)
    Z2 = W2 @ A1 + b2
    A2 = np.maximum(Z2, 0)
    D2 = (rng.rand(*A2.shape) < keep_prob).astype(A2.dtype)
    A2 = A2 * D2 / (keep_prob if rescale else 1)
    Z3 = W3 @ A2 + b3
    A3 = 1 / (1 + np.exp(-Z3))
    return A3, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)


def _dropout_backward(X, Y, cache, keep_prob, mask: bool, rescale: bool) -> dict:
    Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3 = cache
    m = X.shape[1]
    scale = keep_prob if rescale else 1
    dZ3 = A3 - Y
    dA2 = (W3.T @ dZ3) * (D2 if mask else 1) / scale
    dZ2 = dA2 * (A2 > 0)
    dA1 = (W2.T @ dZ2) * (D1 if mask else 1) / scale
    dZ1 = dA1 * (A1 > 0)
    return {"dZ3": dZ3, "dW3": dZ3 @ A2.T / m, "db3": dZ3.sum(1, keepdims=True) / m, "dA2": dA2, "dZ2": dZ2,
            "dW2": dZ2 @ A1.T / m, "db2": dZ2.sum(1, keepdims=True) / m, "dA1": dA1, "dZ1": dZ1,
            "dW1": dZ1 @ X.T / m, "db1": dZ1.sum(1, keepdims=True) / m}


def _dropout_not_rescaled(e: Evidence) -> bool:
    if e.function == "forward_propagation_with_dropout":
        return _other_reference(e, lambda: _dropout_forward(*e.case.args, rescale=False))
    if e.function == "backward_propagation_with_dropout":
        return _other_reference(e, lambda: _dropout_backward(*e.case.args, mask=True, rescale=False))
    return False


def _mask_not_reused(e: Evidence) -> bool:
    if e.function != "backward_propagation_with_dropout":
        return False
    if _other_reference(e, lambda: _dropout_backward(*e.case.args, mask=False, rescale=True)):
        return True
    d = e.difference  # masks drawn again: dA[l] zero where the forward pass kept the unit, or the reverse
    return d is not None and bool(re.search(r"'d[AZW][12]'|'db[12]'", d.where)) and \
        first_difference(e.function, {k: v for k, v in e.student.items() if k in ("dZ3", "dW3", "db3")},
                         {k: e.reference[k] for k in ("dZ3", "dW3", "db3")}, e.case.dtype, "output") is None


def _adam_uncorrected(e: Evidence) -> bool:
    if e.function != "update_parameters_with_adam":
        return False
    params, grads, v, s, t, lr, beta1, beta2, eps = e.case.args

    def step():
        new_v = {k: beta1 * v[k] + (1 - beta1) * grads[k] for k in v}
        new_s = {k: beta2 * s[k] + (1 - beta2) * grads[k] ** 2 for k in s}
        return ({k: p - lr * new_v["d" + k] / (np.sqrt(new_s["d" + k]) + eps) for k, p in params.items()}, new_v, new_s)

    return _other_reference(e, step)


def _adam_t(e: Evidence) -> bool:
    if e.function != "update_parameters_with_adam":
        return False
    args = list(e.case.args)
    t = args[4]
    return any(_other_reference(e, lambda t2=t2: e.module.update_parameters_with_adam(*args[:4], t2, *args[5:]))
               for t2 in (t + 1, t - 1) if t2 >= 1)


def _momentum_without(e: Evidence) -> bool:
    if e.function != "update_parameters_with_momentum":
        return False
    params, grads, v, beta, lr = e.case.args

    def step():
        new_v = {k: beta * v[k] + grads[k] for k in v}
        return {k: p - lr * new_v["d" + k] for k, p in params.items()}, new_v

    return _other_reference(e, step)


def _decay_formula(e: Evidence) -> bool:
    if e.function not in ("update_lr", "schedule_lr_decay"):
        return False
    lr0, epoch, decay, *rest = e.case.args
    k = epoch // rest[0] if rest else epoch
    steps = (epoch / rest[0], epoch, k) if rest else (epoch,)
    wrong = [lr0 / 1 + decay * n for n in steps] + [lr0 / (1 + decay) * n for n in steps] + \
        [lr0 * decay ** n for n in steps] + [lr0 / (1 + decay * n) for n in steps if n != k] + \
        [lr0 * (1 + decay * n) for n in steps] + [lr0 / (decay * n) for n in steps if n]
    return any(_close(e.student, w) for w in wrong)


def _model_costs(function: str, value):
    """The costs a model function returns, in its normalised form, or None."""
    if function in ("two_layer_model", "L_layer_model") and isinstance(value, tuple) and len(value) == 2:
        return value[1]
    if function == "optimize" and isinstance(value, tuple) and len(value) == 3:
        return value[2]
    if function == "model" and isinstance(value, dict):
        return value.get("costs")
    return None


def _never_updated(e: Evidence) -> bool:
    """The parameters come back as they went in (optimize), or the costs never change across
    iterations while the reference's do: the update's result is not kept."""
    if e.function == "optimize":
        w, b = e.case.args[:2]
        params, ref_params = e.student[0], e.reference[0]
        return _close(params["w"], w) and _close(params["b"], b) and not _close(ref_params["w"], w)
    costs, ref_costs = _model_costs(e.function, e.student), _model_costs(e.function, e.reference)
    if not costs or not ref_costs or len(costs) < 2:
        return False
    return len(set(np.asarray(costs, dtype=float).tolist())) == 1 and len(set(np.asarray(ref_costs, dtype=float)
                                                                              .tolist())) > 1


CAUSES: tuple[Cause, ...] = (
    Cause("swapped activation branches", "the output is the other activation's: the sigmoid and relu branches "
          "are swapped", _swapped_branches),
    Cause("ReLU's derivative from A or with Z < 0", "relu'(Z) is taken as 1 where Z <= 0 (from A, or with "
          "Z < 0 where the course's is Z <= 0): dZ must be 0 where Z <= 0", _relu_derivative),
    Cause("sigmoid's derivative as s", "sigmoid'(Z) is taken as s = sigmoid(Z); it is s * (1 - s)", _sigmoid_as_s),
    Cause("epsilon inside the log", "the cost adds an epsilon inside log(); the course's formula has none (its "
          "inputs are strictly between 0 and 1)", _epsilon_in_log),
    Cause("L = len(parameters)", "L counts the entries of parameters; the network has len(parameters) // 2 "
          "layers (a W and a b each)", _len_parameters),
    Cause("off-by-one layer index", "a layer's index is off by one (range, W + str(l), or a grads key)",
          lambda e: _off_by_one(e) or _forward_shifted(e)),
    Cause("L2 term missing a layer", "the L2 term leaves out one layer's weights: it sums ‖W[l]‖² (or adds "
          "(λ/m) W[l] to dW[l]) for every l = 1..L", _l2_missing_layer),
    Cause("λ/m for λ/2m", "the L2 cost is (λ/2m) Σ ‖W[l]‖², and its gradient (λ/m) W[l]: a factor 2 off",
          _l2_over_m),
    Cause("dropout not rescaled by keep_prob", "the kept activations (and their gradients) are not divided by "
          "keep_prob: the expected activation shrinks by keep_prob", _dropout_not_rescaled),
    Cause("dropout mask not reused in backward", "backward must apply the forward pass's masks D[l] (from the "
          "cache) to dA[l], not new ones or none", _mask_not_reused),
    Cause("Adam without bias correction", "v and s are used without dividing by (1 - β1ᵗ) and (1 - β2ᵗ)",
          _adam_uncorrected),
    Cause("Adam's t counted from 0", "the bias correction uses t off by one: t counts the updates made, this "
          "one included, from 1", _adam_t),
    Cause("momentum without (1 - β)", "v = β v + (1 - β) dW; the (1 - β) is missing", _momentum_without),
    Cause("the decay formula", "the learning rate is α0 / (1 + decay_rate · epoch_num) (scheduled: "
          "⌊epoch_num / time_interval⌋ in place of epoch_num)", _decay_formula),
    Cause("parameters never updated", "the parameters come back as they started and the cost never moves: the "
          "update's result is not kept (update_parameters' return value dropped, or another name assigned)",
          _never_updated),
    Cause("missing or extra 1/m", "the value is the reference's times m or 1/m: a 1/m missing, or one too many",
          _one_over_m),
    Cause("transposed product", "the value is the reference's transposed: a product's factors in the wrong order "
          "or a missing .T", _transposed),
    Cause("flipped sign", "the value is the reference's with its sign flipped", _flipped),
)

WRITES_INTO_CALLER = Cause("writes into the caller's arrays", "the function wrote into arrays it was given "
                           "(W -= ...): the caller's parameters change behind its back")
REBINDS_CALLER = Cause("rebinds the caller's dict entries", "the function rebound entries of a dict it was given "
                       "(parameters['W1'] = ...): harmless for the course's loop, but a caller's dict changes")
FLOAT32_AS_FLOAT64 = Cause("float32 returned as float64", "a float32 input came back as float64 (a float64 constant "
                           "or np.zeros without dtype)")


def probable_cause(evidence: Evidence) -> Cause | None:
    """The first cause of ``CAUSES`` whose detector fires on ``evidence``, or None."""
    for cause in CAUSES:
        try:
            if cause.detect(evidence):
                return cause
        except Exception:  # a detector that does not apply to this output's shape or type
            continue
    return None
