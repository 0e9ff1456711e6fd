"""The notes' statements, as executable checks on every backend.

Each test states one claim of the notes in its docstring and checks it on the NumPy
reference, PyTorch and JAX through their public functions (or, for derivatives, through each
framework's own autodiff). Expected values are closed forms or the notes' own numbers, never
numbers read off an implementation.
"""

from __future__ import annotations

import numpy as np
import pytest

from parity import make_data, relative_error, tolerance
from nn_contract import ModelSpec, init_logistic_params, init_params

from .helpers import backend_params, builtin_names, needs

F64 = tolerance("float64", "cpu")
LEAKY_SLOPE = 0.01


# ----------------------------------------------------------------------------- symmetry


def _unit_spread(params: dict, L: int) -> float:
    """How far apart the hidden units of each layer are, relative to the weights' size: the
    largest difference between unit j and unit 0 of any hidden layer l, in W[l]'s row,
    b[l]'s entry and W[l+1]'s column (the unit's outgoing weights), each over that array's
    largest entry."""
    spread = 0.0
    for l in range(1, L):
        W, b, W_next = params[f"W{l}"], params[f"b{l}"], params[f"W{l + 1}"]
        for diff, arr in ((W - W[:1], W), (b - b[:1], b), (W_next - W_next[:, :1], W_next)):
            spread = max(spread, np.abs(diff).max() / max(np.abs(arr).max(), 1e-300))
    return spread


@pytest.mark.parametrize("backend", backend_params())
@needs(activation="sigmoid", function="train")
def test_zero_initialisation_keeps_hidden_units_identical(backend):
    """Claim: initialised to zeros, every hidden unit of a layer computes the same function,
    receives the same gradient and so stays identical to the others through training
    (symmetry is never broken); a random initialisation breaks it."""
    spec = ModelSpec((3, 4, 4, 1), hidden_activation="sigmoid", output="sigmoid")
    X, Y = make_data("sigmoid", 3, 1, 20, seed=5)
    params = init_params(spec, seed=0, method="zeros")
    for _ in range(3):  # look between chunks of training, not just at the end
        params, _ = backend.train("deep", params, X, Y, spec, learning_rate=5.0, num_epochs=10)
        # Identical units run the same arithmetic; allow only rounding, in case a BLAS kernel
        # sums different rows in different orders.
        assert _unit_spread(params, spec.num_layers) <= 1e-12
    # ... and the claim is not vacuous: training moved every layer's weights and biases
    # (zeros stay identical trivially).
    assert min(np.abs(v).max() for v in params.values()) > 1e-2

    trained, _ = backend.train("deep", init_params(spec, seed=0, method="xavier"), X, Y, spec,
                               learning_rate=5.0, num_epochs=30)
    assert _unit_spread(trained, spec.num_layers) > 0.1


# ----------------------------------------------------------------------------- linear hidden layers


@pytest.mark.parametrize("output", ["linear", "sigmoid", "softmax"])
@pytest.mark.parametrize("layer_dims", [(4, 6, 3), (4, 6, 5, 7, 3)], ids=["2-layers", "4-layers"])
@pytest.mark.parametrize("backend", backend_params())
@needs("output", activation="linear", function="predict_proba")
def test_linear_hidden_layers_collapse_to_one_layer(backend, layer_dims, output):
    """Claim: with linear hidden activations the network is one linear layer:
    W' = W[L]···W[1], b' = W[L](···(W[2]b[1] + b[2])···) + b[L] (for two layers
    W' = W[2]W[1], b' = W[2]b[1] + b[2]); its logits and predictions are those of the
    one-layer network (W', b')."""
    spec = ModelSpec(layer_dims, hidden_activation="linear", output=output)
    rng = np.random.RandomState(3)
    params = init_params(spec, seed=1, method="xavier")
    params = {k: (0.3 * rng.randn(*v.shape) if k.startswith("b") else v) for k, v in params.items()}
    W, b = params["W1"], params["b1"]
    for l in range(2, spec.num_layers + 1):
        W, b = params[f"W{l}"] @ W, params[f"W{l}"] @ b + params[f"b{l}"]
    X, _ = make_data(output, layer_dims[0], layer_dims[-1], 15, seed=2)

    deep_out = backend.predict_proba("deep", params, X, spec)
    one_layer = ModelSpec((layer_dims[0], layer_dims[-1]), output=output)
    one_out = backend.predict_proba("deep", {"W1": W, "b1": b}, X, one_layer)
    # The two compute the same products in a different association order: rounding only,
    # a few u·L relative for these well-scaled (Xavier) weights; the cost bound covers it.
    assert relative_error(deep_out, one_out) <= F64.cost
    if output == "linear":  # ŷ = Z' = W'X + b', the closed form
        assert relative_error(deep_out, W @ X + b) <= F64.cost


# ----------------------------------------------------------------------------- activation derivatives

# A grid through the kinks: z = 0 exactly, and points either side of it at every scale.
GRID = np.unique(np.concatenate([np.linspace(-4.0, 4.0, 33), [0.0, -1e-12, 1e-12, -1e-300, 1e-300]]))
assert (GRID == 0.0).any()


def _closed_form(name: str, z: np.ndarray) -> np.ndarray:
    """The notes' derivatives, written from their formulas."""
    if name == "sigmoid":
        s = 1.0 / (1.0 + np.exp(-z))
        return s * (1 - s)  # σ'(z) = σ(z)(1 − σ(z))
    if name == "tanh":
        return 1 - np.tanh(z) ** 2  # tanh'(z) = 1 − tanh²(z)
    if name == "relu":
        return np.where(z > 0, 1.0, 0.0)  # relu'(0) = 0 by the contract
    if name == "leaky_relu":
        return np.where(z > 0, 1.0, LEAKY_SLOPE)  # leaky_relu'(0) = slope by the contract
    return np.ones_like(z)


def _forward_and_derivative(backend: str, name: str, z: np.ndarray, derivative: bool = True):
    """g(z) and g'(z) (None unless ``derivative``) elementwise in float64: the reference's
    DERIVATIVES table, torch autograd on torch_impl.activations, jax.vmap(jax.grad) on
    jax_impl.activations."""
    if backend == "numpy":
        from reference_numpy.activations import ACTIVATIONS, DERIVATIVES

        a = ACTIVATIONS[name](z, LEAKY_SLOPE)
        return a, DERIVATIVES[name](z, a, LEAKY_SLOPE) if derivative else None
    if backend == "torch":
        import torch

        from torch_impl.activations import ACTIVATIONS

        t = torch.tensor(z, dtype=torch.float64, requires_grad=derivative)
        a = ACTIVATIONS[name](t, LEAKY_SLOPE)
        if not derivative:
            return a.numpy(), None
        (grad,) = torch.autograd.grad(a.sum(), t)  # elementwise g, so d(Σ g)/dz_i = g'(z_i)
        return a.detach().numpy(), grad.numpy()
    import jax
    import jax.numpy as jnp

    from jax_impl.activations import ACTIVATIONS
    from jax_impl.convert import precision

    with precision(np.float64):
        g = lambda s: ACTIVATIONS[name](s, LEAKY_SLOPE)  # noqa: E731
        zj = jnp.asarray(z)
        return np.asarray(g(zj)), np.asarray(jax.vmap(jax.grad(g))(zj)) if derivative else None


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "linear"])
@pytest.mark.parametrize("backend", builtin_names())  # each framework's own activations
def test_activation_derivatives_are_the_closed_forms(backend, name):
    """Claim: σ'(z) = σ(z)(1 − σ(z)), tanh'(z) = 1 − tanh²(z), relu'(z) = 1 for z > 0 and 0
    otherwise, leaky_relu'(z) = 1 for z > 0 and the slope otherwise, linear' = 1; at z = 0
    the contract's choices (0 and the slope) hold."""
    a, da = _forward_and_derivative(backend, name, GRID)
    expected = _closed_form(name, GRID)
    assert da.dtype == np.float64 and da.shape == GRID.shape
    if name in ("sigmoid", "tanh"):
        # 1 − σ and 1 − tanh² cancel as |z| grows: an ulp of difference between libraries'
        # σ or tanh grows by at most σ/(1−σ) <= e^4 ≈ 55, resp. 2/(1−tanh²(4)) ≈ 1.5e3,
        # on this grid: ~3e-13 relative at worst.
        np.testing.assert_allclose(da, expected, rtol=1e-12, atol=0)
    else:  # piecewise constant: exactly, kinks included
        np.testing.assert_array_equal(da, expected)
    assert da[GRID == 0.0][0] == {"sigmoid": 0.25, "tanh": 1.0, "relu": 0.0, "leaky_relu": LEAKY_SLOPE, "linear": 1.0}[name]
    # The closed form is the derivative of the backend's own g: central differences off
    # the kink (truncation O(h²) ~ 1e-12, rounding O(u/h) ~ 1e-10 at h = 1e-6). g alone, on
    # the whole grid, then the smooth points: JAX runs each op eagerly, compiled once per
    # shape, so the grid's shape reuses the compilations of g above.
    h = 1e-6
    smooth = np.abs(GRID) > 1e-3
    a_plus, _ = _forward_and_derivative(backend, name, GRID + h, derivative=False)
    a_minus, _ = _forward_and_derivative(backend, name, GRID - h, derivative=False)
    np.testing.assert_allclose(((a_plus - a_minus) / (2 * h))[smooth], expected[smooth], rtol=1e-7, atol=1e-9)


# ----------------------------------------------------------------------------- computation graph


def _graph_numpy(a, b, c):
    """J = 3(a + bc) forward, then the chain rule backward, by hand as the notes draw it."""
    u = b * c
    v = a + u
    J = 3 * v
    dJ_dv = 3.0
    dJ_da = dJ_dv * 1.0  # dv/da = 1
    dJ_du = dJ_dv * 1.0  # dv/du = 1
    dJ_db = dJ_du * c  # du/db = c
    dJ_dc = dJ_du * b  # du/dc = b
    return J, (dJ_da, dJ_db, dJ_dc)


def _graph_torch(a, b, c):
    import torch

    a, b, c = (torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in (a, b, c))
    J = 3 * (a + b * c)
    grads = torch.autograd.grad(J, (a, b, c))
    return J.item(), tuple(g.item() for g in grads)


def _graph_jax(a, b, c):
    import jax

    from jax_impl.convert import precision

    def J(a, b, c):
        return 3 * (a + b * c)

    with precision(np.float64):
        value, grads = jax.value_and_grad(J, argnums=(0, 1, 2))(a, b, c)
        return float(value), tuple(float(g) for g in grads)


@pytest.mark.parametrize("backend", builtin_names())  # each framework's own autodiff
def test_computation_graph_of_the_notes(backend):
    """Claim: the computation graph J = 3(a + bc) at a = 5, b = 3, c = 2 gives J = 33 and,
    by the chain rule, dJ/da = 3, dJ/db = 3c = 6, dJ/dc = 3b = 9."""
    graph = {"numpy": _graph_numpy, "torch": _graph_torch, "jax": _graph_jax}[backend]
    J, (da, db, dc) = graph(5.0, 3.0, 2.0)
    # Small integers are exact in float64: equality, not closeness.
    assert (J, da, db, dc) == (33.0, 3.0, 6.0, 9.0)


# ----------------------------------------------------------------------------- exploding / vanishing


@pytest.mark.parametrize("scale", [1.5, 0.5], ids=["exploding-1.5I", "vanishing-0.5I"])
@pytest.mark.parametrize("backend", backend_params())
@needs(activation="linear", output="linear", function="predict_proba")
def test_deep_linear_network_explodes_or_vanishes(backend, scale):
    """Claim: in a deep linear network with W[l] = s·I, activations grow (s > 1) or shrink
    (s < 1) as s^l, and so do the back-propagated gradients: dZ[l] = s^(L−l) dZ[L], so
    db[1] = s^(L−1) db[L] (1.5^9 ≈ 38 times larger, 0.5^9 ≈ 1/512 times smaller for L = 10).

    dW[l] = dZ[l] A[l−1]ᵀ/m = s^(L−1) dZ[L] Xᵀ/m is the same for every l here: A[l−1]
    grows exactly as fast as dZ[l] shrinks. Its size, s^(L−1)·(s^L X − Y)Xᵀ/m, is what
    explodes or vanishes with the depth L.
    """
    n, L, m = 3, 10, 5
    spec = ModelSpec((n,) * (L + 1), hidden_activation="linear", output="linear")
    params = {}
    for l in range(1, L + 1):
        params[f"W{l}"], params[f"b{l}"] = scale * np.eye(n), np.zeros((n, 1))
    rng = np.random.RandomState(0)
    X, Y = rng.randn(n, m), rng.randn(n, m)

    # Forward: A[L] = s^L X (s = 1.5 or 0.5 and its powers are exact binary fractions, so
    # only the products' rounding, ~L·u, separates the two).
    AL = backend.predict_proba("deep", params, X, spec)
    assert relative_error(AL, scale**L * X) <= 1e-13
    assert np.linalg.norm(AL) / np.linalg.norm(X) == pytest.approx(scale**L, rel=1e-13)

    # Backward, against the closed forms with dZ[L] = A[L] − Y (squared error, linear output).
    _, grads = backend.cost_and_grads("deep", params, X, Y, spec)
    dZL = scale**L * X - Y
    for l in range(1, L + 1):
        assert relative_error(grads[f"db{l}"], scale ** (L - l) * dZL.sum(axis=1, keepdims=True) / m) <= F64.grad
        assert relative_error(grads[f"dW{l}"], scale ** (L - 1) * dZL @ X.T / m) <= F64.grad
    ratio = np.linalg.norm(grads["db1"]) / np.linalg.norm(grads[f"db{L}"])
    assert ratio == pytest.approx(scale ** (L - 1), rel=1e-12)
    assert (ratio > 38) if scale > 1 else (ratio < 1 / 500)


# ----------------------------------------------------------------------------- logistic = one layer


@pytest.mark.parametrize("backend", backend_params())
@needs(model=("logistic", "deep"), function="predict_proba")
def test_logistic_regression_is_the_one_layer_network(backend):
    """Claim: logistic regression ŷ = σ(wᵀx + b) is the network with layer_dims (n_x, 1)
    and a sigmoid output, W[1] = wᵀ, b[1] = [[b]]: same ŷ, same cost, and dw = dW[1]ᵀ,
    db = db[1]."""
    n_x = 5
    X, Y = make_data("sigmoid", n_x, 1, 20, seed=4)
    logistic_params = init_logistic_params(n_x, seed=2, method="xavier")
    logistic_params["b"] = 0.3
    deep_params = {"W1": logistic_params["w"].T.copy(), "b1": np.array([[0.3]])}
    spec = ModelSpec((n_x, 1), output="sigmoid")

    cost_lr, grads_lr = backend.cost_and_grads("logistic", logistic_params, X, Y)
    cost_nn, grads_nn = backend.cost_and_grads("deep", deep_params, X, Y, spec)
    assert abs(cost_lr - cost_nn) <= F64.cost * abs(cost_nn)
    assert relative_error(grads_lr["dw"], grads_nn["dW1"].T) <= F64.grad
    assert relative_error(grads_lr["db"], grads_nn["db1"][0, 0]) <= F64.grad
    assert relative_error(
        backend.predict_proba("logistic", logistic_params, X), backend.predict_proba("deep", deep_params, X, spec)
    ) <= F64.cost


# ----------------------------------------------------------------------------- dL/dz = a − y


@pytest.mark.parametrize(
    "output, K", [("sigmoid", 1), ("sigmoid", 3), ("softmax", 3)], ids=["sigmoid", "multilabel", "softmax"]
)
@pytest.mark.parametrize("backend", backend_params())
@needs("output")
def test_output_delta_is_a_minus_y(backend, output, K):
    """Claim: for a sigmoid output with binary cross-entropy, and for softmax with
    categorical cross-entropy, the derivative of the loss with respect to the logits is
    dL/dz = a − y.

    Seen through a depth-1 network with X = I (one example per input unit): Z = W + b, so
    dW = (1/m) dZ Iᵀ exposes dZ itself, m·dW = A − Y, and m·db = Σ_i (a⁽ⁱ⁾ − y⁽ⁱ⁾)."""
    m = 6
    spec = ModelSpec((m, K), output=output)
    rng = np.random.RandomState(11)
    params = {"W1": 1.5 * rng.randn(K, m), "b1": 0.2 * rng.randn(K, 1)}
    X = np.eye(m)
    _, Y = make_data(output, m, K, m, seed=8)

    Z = params["W1"] + params["b1"]  # = W X + b for X = I
    if output == "sigmoid":
        A = 1.0 / (1.0 + np.exp(-Z))
    else:
        E = np.exp(Z)
        A = E / E.sum(axis=0, keepdims=True)
    _, grads = backend.cost_and_grads("deep", params, X, Y, spec)
    assert relative_error(m * grads["dW1"], A - Y) <= F64.grad
    assert relative_error(m * grads["db1"], (A - Y).sum(axis=1, keepdims=True)) <= F64.grad
