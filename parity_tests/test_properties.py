"""Property tests over random architectures: for any spec hypothesis draws, every backend
agrees with the reference, and the reference's gradients have the shapes of the params."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from parity import BACKENDS, Case, compare_case
from nn_contract import ACTIVATION_NAMES

from .helpers import DTYPES

OUTPUTS = [("sigmoid", None), ("softmax", None), ("linear", "squared_error"), ("linear", "l1")]


@st.composite
def cases(draw):
    depth = draw(st.integers(1, 4))
    n_x = draw(st.integers(1, 6))
    output, loss = draw(st.sampled_from(OUTPUTS))
    n_y = draw(st.integers(2, 4)) if output == "softmax" else draw(st.integers(1, 3))
    hidden_dims = tuple(draw(st.lists(st.integers(1, 6), min_size=depth - 1, max_size=depth - 1)))
    per_layer = draw(st.booleans())
    if per_layer and depth > 1:
        hidden = tuple(draw(st.lists(st.sampled_from(ACTIVATION_NAMES), min_size=depth - 1, max_size=depth - 1)))
    else:
        hidden = draw(st.sampled_from(ACTIVATION_NAMES))
    return Case(
        "property",
        layer_dims=(n_x, *hidden_dims, n_y),
        hidden_activation=hidden,
        output=output,
        loss=loss,
        init=draw(st.sampled_from(["random", "xavier", "he"])),
        m=draw(st.integers(1, 9)),
        seed=draw(st.integers(0, 2**16)),
    )


# The dtype is drawn with the architecture, not crossed with it: JAX compiles once per spec,
# shape and dtype (a few tenths of a second each), so the product ran every architecture
# twice for its compilation's sake. Drawn, the 20 examples still sample architecture × dtype
# (hypothesis shrinks a failure to the simplest architecture in the dtype that fails), and the
# dtype changes the precision and the tolerance, not which code an architecture runs.
@pytest.mark.parametrize("name", ["torch", "jax"])
@given(case=cases(), dtype=st.sampled_from(DTYPES))
def test_random_architecture_parity(name, dtype, case):
    row = compare_case(case, BACKENDS[name], "cpu", dtype)
    assert row["cost_rel_err"] <= row["cost_tol"], row
    assert row["grad_rel_err"] <= row["grad_tol"], row
    assert row["passed"], row


@given(case=cases())
def test_reference_gradients_have_parameter_shapes_and_are_finite(case):
    X, Y = case.data()
    params = case.params()
    cost, grads = BACKENDS["numpy"].cost_and_grads("deep", params, X, Y, case.spec)
    assert np.isfinite(cost) and cost >= 0
    assert list(grads) == [f"d{k}" for k in params]
    for key, value in params.items():
        assert grads["d" + key].shape == value.shape
        assert np.isfinite(grads["d" + key]).all()
