"""Cost and gradient parity: every backend against the reference, same inputs, same dtype.

The built-in catalogue covers each model, activation, output/loss, init, zero-logit and
saturated case (in float64, and the saturated cases in float32 too); the cases below cross
hidden activation × output/loss (every pair, each hidden activation and each output in both
dtypes), and model × init × dtype, on every framework.
"""

from __future__ import annotations

import numpy as np
import pytest

from parity import BACKENDS, Case, builtin_cases, compare_case, tolerance
from nn_contract import ACTIVATION_NAMES

from .helpers import DTYPES, cuda_params, framework_params, needs

OUTPUT_LOSSES = [
    ("sigmoid", None, 1),
    ("sigmoid", None, 3),
    ("softmax", None, 3),
    ("linear", "squared_error", 2),
    ("linear", "l1", 2),
]
OUTPUT_IDS = ["binary", "multilabel", "softmax", "linear-squared", "linear-l1"]
HIDDEN = list(ACTIVATION_NAMES) + [("tanh", "relu")]
HIDDEN_IDS = list(ACTIVATION_NAMES) + ["per-layer"]
# The built-in catalogue's deep shape (4, 5, 3, n_y) and m = 12: JAX compiles once per spec,
# shape and dtype (about half a second each), so a product cell whose spec is a catalogue
# case's (each single hidden activation with the binary output is a "hidden-*" case) reuses its
# compilation instead of making one of its own.
PRODUCT_DIMS, PRODUCT_M = (4, 5, 3), 12


def product_params():
    """Every hidden activation × output/loss pair, once, in one dtype on a checkerboard (float64
    where the row and column indices sum to an even number): each hidden activation and each
    output then runs in both dtypes (a row of 5 and a column of 6 alternate).

    The full product with dtype adds nothing: the dtype changes the arrays' precision and the
    tolerance, not which code an activation or a loss runs, so a dtype's effect on an
    activation shows in any output it is paired with (and on an output, with any activation).
    These are the float32 runs of the catalogue's activations and outputs (builtin_params)."""
    params = []
    for i, (hidden, hidden_id) in enumerate(zip(HIDDEN, HIDDEN_IDS)):
        for j, ((output, loss, n_y), output_id) in enumerate(zip(OUTPUT_LOSSES, OUTPUT_IDS)):
            dtype = DTYPES[(i + j) % 2]
            params.append(pytest.param(hidden, output, loss, n_y, dtype, id=f"{hidden_id}-{output_id}-{dtype}"))
    return params


def assert_parity(row: dict) -> None:
    assert np.isfinite(row["cost"])
    assert row["cost_rel_err"] <= row["cost_tol"], row
    assert row["grad_rel_err"] <= row["grad_tol"], row
    assert row["passed"]


def _compiled_as(case: Case) -> tuple:
    """What JAX compiles a case's cost and gradients for: its spec and its shapes."""
    return case.model, case.layer_dims, case.hidden_activation, case.output, case.loss, case.m


def builtin_params():
    """Every catalogue case in float64; in float32, the saturated cases and those compiled as
    one of them (logistic regression, hidden-tanh, out-softmax, the inits: JAX compiles once
    per spec, shape and dtype, so these come free).

    A saturated case is about float32's range (exp(500) overflows it: only a formula from the
    logits stays finite), so it runs in both. Every other case's float32 run would be the
    product's (test_activation_by_output: the same activations and outputs/losses on the
    catalogue's shapes, each in float32) or test_model_by_init's, for a compilation each."""
    float32 = {_compiled_as(case) for case in builtin_cases() if case.saturate}
    return [pytest.param(case, dtype, id=f"{case.name}-{dtype}") for case in builtin_cases() for dtype in DTYPES
            if dtype == "float64" or _compiled_as(case) in float32]


@pytest.mark.parametrize("case, dtype", builtin_params())
@pytest.mark.parametrize("backend", framework_params())
@needs("case", "dtype")
def test_builtin_case(backend, case, dtype):
    assert_parity(compare_case(case, backend, "cpu", dtype))


@pytest.mark.parametrize("hidden, output, loss, n_y, dtype", product_params())
@pytest.mark.parametrize("backend", framework_params())
@needs("hidden", "output", "loss", "dtype")
def test_activation_by_output(backend, hidden, output, loss, n_y, dtype):
    case = Case("product", layer_dims=(*PRODUCT_DIMS, n_y), hidden_activation=hidden, output=output, loss=loss,
                m=PRODUCT_M)
    assert_parity(compare_case(case, backend, "cpu", dtype))


# The init changes the parameters, not the spec or the shapes: the catalogue's shapes
# ((6, 1) for logistic regression, (4, 5, 3, 1) with relu for the network, m = 12) make every
# init share the compilation of the catalogue's "logistic-*" and "hidden-relu" cases.
INIT_DIMS = {"logistic": (6, 1), "deep": (4, 5, 3, 1)}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("init", ["zeros", "random", "xavier", "he"])
@pytest.mark.parametrize("model", ["logistic", "deep"])
@pytest.mark.parametrize("backend", framework_params())
@needs("model", "dtype")
def test_model_by_init(backend, model, init, dtype):
    case = Case("init", model=model, layer_dims=INIT_DIMS[model], init=init, m=12)
    assert_parity(compare_case(case, backend, "cpu", dtype))


def test_reference_against_itself_is_exact():
    # The harness must not hide a difference: the reference equals itself to the bit.
    row = compare_case(builtin_cases()[5], BACKENDS["numpy"])
    assert row["cost_rel_err"] == 0.0 and row["grad_rel_err"] == 0.0


def test_harness_detects_a_wrong_gradient(monkeypatch):
    # A backend whose dW1 is off by one part in 10^7 must fail the float64 bound.
    import reference_numpy.deep as ref_deep

    real = ref_deep.model_backward

    def perturbed(*args, **kwargs):
        grads = real(*args, **kwargs)
        grads["dW1"] = grads["dW1"] * (1 + 1e-7)
        return grads

    case = Case("detect", m=6)
    reference = BACKENDS["numpy"].cost_and_grads("deep", case.params(), *case.data(), case.spec)
    monkeypatch.setattr(ref_deep, "model_backward", perturbed)
    row = compare_case(case, BACKENDS["numpy"], reference=reference)
    assert row["grad_rel_err"] > tolerance("float64").grad and not row["passed"]


def test_harness_detects_a_wrong_small_gradient_array(monkeypatch):
    # The error is measured over the whole gradient, so check that a bug confined to a
    # smaller array still shows: db1 off by a tenth of itself.
    import reference_numpy.deep as ref_deep

    real = ref_deep.model_backward

    def perturbed(*args, **kwargs):
        grads = real(*args, **kwargs)
        grads["db1"] = grads["db1"] * 1.1
        return grads

    case = Case("detect-small", m=6)
    reference = BACKENDS["numpy"].cost_and_grads("deep", case.params(), *case.data(), case.spec)
    ref_grads = reference[1]
    assert np.abs(ref_grads["db1"]).max() < 0.5 * max(np.abs(g).max() for g in ref_grads.values())
    monkeypatch.setattr(ref_deep, "model_backward", perturbed)
    row = compare_case(case, BACKENDS["numpy"], reference=reference)
    assert row["grad_rel_err"] > 1e-5 and not row["passed"]  # above even the float32 bound


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", builtin_cases(), ids=lambda c: c.name)
@pytest.mark.parametrize("backend", cuda_params())
@needs("case", "dtype")
def test_builtin_case_on_gpu(backend, case, dtype):
    assert_parity(compare_case(case, backend, "cuda", dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("backend", [pytest.param(BACKENDS[n], id=n) for n in BACKENDS])
@needs("dtype", model=("deep", "logistic"), function=("train", "predict_proba"), activation="tanh", output="softmax")
def test_dtype_is_kept(backend, dtype):
    # float32 in, float32 out (the comparisons above cast to float64, so they cannot see it).
    # The catalogue's out-softmax spec and shapes, and its logistic ones: their JAX compilations.
    case = Case("dtype", layer_dims=(4, 5, 3), hidden_activation="tanh", output="softmax")
    X, Y = case.data(dtype)
    cost, grads = backend.cost_and_grads("deep", case.params(dtype), X, Y, case.spec)
    assert type(cost) is float
    assert {g.dtype for g in grads.values()} == {np.dtype(dtype)}
    params, costs = backend.train("deep", case.params(dtype), X, Y, case.spec, learning_rate=0.1, num_epochs=2)
    assert {p.dtype for p in params.values()} == {np.dtype(dtype)}
    assert all(type(c) is float for c in costs)
    assert backend.predict_proba("deep", params, X, case.spec).dtype == np.dtype(dtype)
    lcase = Case("dtype", model="logistic", layer_dims=(6, 1))
    Xl, Yl = lcase.data(dtype)
    lcost, lgrads = backend.cost_and_grads("logistic", lcase.params(dtype), Xl, Yl)
    assert type(lcost) is float and type(lgrads["db"]) is float and lgrads["dw"].dtype == np.dtype(dtype)
