"""Course 2's training methods on every backend: momentum, RMSprop, Adam, learning-rate
decay, L2 and dropout (CONTRACT.md, "Training methods").

What is proven here:
- the reference against the course's formulas, written out in this file;
- the course-2 mini-batch order and the documented dropout draw, held to their definitions;
- the defaults are course 1 bit for bit (the native gradient-descent step, repeated);
- cost, gradient and trajectory parity of torch and JAX with the reference, over cases that
  cover optimizer × L2 × dropout × decay × batch mode × dtype (not their full product);
- central finite differences through the L2 term and with fixed dropout masks;
- random architectures and hyperparameters (hypothesis);
- bad options refused, naming the argument;
- each framework mapping (torch.optim, optax) equals the course, and the framework's
  default, as a user calls it, does not where the conventions differ.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from parity import BACKENDS, dict_relative_error, relative_error, tolerance
from nn_contract import ModelSpec, init_logistic_params, init_params
from reference_numpy import optim
from nn_contract.batches import epoch_permutations
from nn_contract.dropout import dropout_masks

from .helpers import DTYPES, backend_params, cuda_params, framework_params, require

REFERENCE = BACKENDS["numpy"]
SPEC = ModelSpec((4, 6, 5, 1), hidden_activation="tanh")
M = 20
FD_EPS = 1e-6
# As in test_finite_differences: central differences at ε = 1e-6 are good to about 1e-10
# relative in float64; 1e-7 leaves a margin for curvature.
FD_RTOL = 1e-7


def data(dtype="float64", m=M, spec=SPEC, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(spec.n_x, m)
    Y = (rng.rand(spec.n_y, m) > 0.5).astype(np.float64)
    return X.astype(dtype), Y.astype(dtype)


def start(dtype="float64", spec=SPEC):
    return init_params(spec, 1, "xavier", dtype=dtype)


def masks_for(spec, keep_prob, m, seed=3, dtype="float64"):
    """One step's masks, as train would draw them for a full batch in epoch 0."""
    return next(dropout_masks(spec, keep_prob, m, 1, None, seed, dtype))


# --- The course's formulas, written out ---------------------------------------------------


def course_update(opt, params, grads, state, t, lr):
    """One update by the course's formulas (CONTRACT.md), on dicts keyed W1, b1, ...; state
    holds v and s keyed like grads; t counts updates from 1."""
    new = {}
    for key, p in params.items():
        g = grads["d" + key]
        v, s = state.get(("v", key), 0.0), state.get(("s", key), 0.0)
        if isinstance(opt, optim.GD):
            new[key] = p - lr * g
        elif isinstance(opt, optim.Momentum):
            v = opt.beta * v + (1 - opt.beta) * g
            new[key] = p - lr * v
        elif isinstance(opt, optim.RMSprop):
            s = opt.beta * s + (1 - opt.beta) * g * g
            new[key] = p - lr * g / (np.sqrt(s) + opt.epsilon)
        else:
            v = opt.beta1 * v + (1 - opt.beta1) * g
            s = opt.beta2 * s + (1 - opt.beta2) * g * g
            v_hat, s_hat = v / (1 - opt.beta1**t), s / (1 - opt.beta2**t)
            new[key] = p - lr * v_hat / (np.sqrt(s_hat) + opt.epsilon)
        state[("v", key)], state[("s", key)] = v, s
    return new


def course_masks(spec, keep_prob, m, epoch, seed, batch_size):
    """The documented draw of ``dropout_masks`` for one epoch, written out: the epoch's
    RandomState(seed + e) draws the order first (mini-batches only), then each step's masks."""
    rng = np.random.RandomState(seed + epoch)
    if batch_size < m:
        rng.permutation(m)
    steps = []
    for start_ in range(0, m, batch_size):
        m_t = min(start_ + batch_size, m) - start_
        steps.append({f"D{l}": (rng.rand(spec.layer_dims[l], m_t) < keep_prob[l - 1]).astype(np.float64)
                      for l in range(1, spec.num_layers)})
    return steps


OPTIMIZERS = [optim.GD(), optim.Momentum(0.8), optim.RMSprop(0.9, 1e-7), optim.Adam(0.85, 0.99, 1e-6)]


@pytest.mark.parametrize("opt", OPTIMIZERS, ids=lambda o: o.name)
def test_reference_step_functions_are_the_course_formulas(opt):
    rng = np.random.RandomState(0)
    params = start()
    state = optim.init_state(opt, params)
    expected, hand_state = dict(params), {}
    for t in range(1, 4):
        grads = {"d" + k: rng.randn(*v.shape) for k, v in params.items()}
        params, state = optim.update_parameters_with(opt, params, grads, state, 0.05)
        expected = course_update(opt, expected, grads, hand_state, t, 0.05)
        assert dict_relative_error(params, expected) <= 1e-15
    if isinstance(opt, optim.Adam):
        assert state["t"] == 3


def test_course_named_functions_and_state_layout():
    params = start()
    before = {k: v.copy() for k, v in params.items()}
    v = optim.initialize_velocity(params)
    v2, s2 = optim.initialize_adam(params)
    assert list(v) == list(v2) == list(s2) == ["dW1", "db1", "dW2", "db2", "dW3", "db3"]
    assert all(v[k].shape == params[k[1:]].shape and not v[k].any() for k in v)
    grads = {"d" + k: np.ones_like(p) for k, p in params.items()}
    new, v = optim.update_parameters_with_momentum(params, grads, v, 0.9, 0.1)
    np.testing.assert_allclose(v["dW1"], 0.1)  # (1-β) dW from v = 0
    np.testing.assert_allclose(new["W1"], params["W1"] - 0.1 * 0.1)
    new, v2, s2 = optim.update_parameters_with_adam(params, grads, v2, s2, 1, 0.1, 0.9, 0.999, 1e-8)
    # at t = 1, v̂ = dW and ŝ = dW², so every entry moves by α dW / (|dW| + ε)
    np.testing.assert_allclose(new["b2"], params["b2"] - 0.1 / (1 + 1e-8), rtol=1e-14)
    for key in params:  # nothing was written into the arguments
        np.testing.assert_array_equal(params[key], before[key])


def test_learning_rate_decay_formulas():
    assert optim.update_lr(0.5, 3, 0.3) == pytest.approx(0.5 / (1 + 0.3 * 3), rel=1e-15)
    assert optim.schedule_lr_decay(0.5, 2500, 0.3, 1000) == pytest.approx(0.5 / (1 + 0.3 * 2), rel=1e-15)
    assert optim.schedule_lr_decay(0.5, 999, 0.3, 1000) == 0.5
    assert optim.schedule_lr_decay(0.0075, 7, 0.0, 1) == 0.0075  # no decay: α0 exactly


@pytest.mark.parametrize("opt", OPTIMIZERS, ids=lambda o: o.name)
def test_reference_train_is_the_course_loop(opt):
    """Order RandomState(seed + e), masks by the documented draw, L2 with the step's m, α per
    epoch, t counted across epochs: train against the loop written out."""
    X, Y = data()
    keep, lambd, seed, batch, epochs = (0.8, 0.6), 0.4, 5, 8, 3
    params, costs = REFERENCE.module("deep").train(
        start(), X, Y, SPEC, learning_rate=0.02, num_epochs=epochs, batch_size=batch, seed=seed, optimizer=opt,
        lambd=lambd, keep_prob=keep, decay_rate=0.5, time_interval=2)
    deep = REFERENCE.module("deep")
    p, state, t, expected_costs = start(), {}, 0, []
    for e in range(epochs):
        lr = 0.02 / (1 + 0.5 * (e // 2))
        order = np.random.RandomState(seed + e).permutation(M)
        for (lo, hi), D in zip([(0, 8), (8, 16), (16, 20)], course_masks(SPEC, keep, M, e, seed, batch)):
            idx = order[lo:hi]
            cost, grads = deep.cost_and_grads(p, X[:, idx], Y[:, idx], SPEC, lambd=lambd, keep_prob=keep, masks=D)
            t += 1
            p = course_update(opt, p, grads, state, t, lr)
            expected_costs.append(cost)
    assert relative_error(costs, expected_costs) <= 1e-14
    assert dict_relative_error(params, p) <= 1e-14


def test_l2_and_dropout_written_out():
    """J and dW with L2 and dropout against the course's formulas on a one-hidden-layer net."""
    spec = ModelSpec((3, 4, 1), hidden_activation="tanh")
    X, Y = data(spec=spec, m=6)
    p = start(spec=spec)
    D = masks_for(spec, 0.7, 6)
    cost, grads = REFERENCE.module("deep").cost_and_grads(p, X, Y, spec, lambd=0.9, keep_prob=0.7, masks=D)
    A1 = np.tanh(p["W1"] @ X + p["b1"]) * D["D1"] / 0.7
    Z2 = p["W2"] @ A1 + p["b2"]
    A2 = 1 / (1 + np.exp(-Z2))
    l2 = 0.9 / (2 * 6) * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))
    assert cost == pytest.approx(-np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) + l2, rel=1e-13)
    dZ2 = A2 - Y
    np.testing.assert_allclose(grads["dW2"], dZ2 @ A1.T / 6 + 0.9 / 6 * p["W2"], rtol=1e-12)
    dZ1 = (p["W2"].T @ dZ2) * D["D1"] / 0.7 * (1 - np.tanh(p["W1"] @ X + p["b1"]) ** 2)
    np.testing.assert_allclose(grads["dW1"], dZ1 @ X.T / 6 + 0.9 / 6 * p["W1"], rtol=1e-12)
    np.testing.assert_allclose(grads["db1"], dZ1.mean(axis=1, keepdims=True), rtol=1e-12)  # no L2 on b


# --- Mini-batch order and dropout masks, held to their definitions ------------------------


def test_epoch_order_is_randomstate_seed_plus_epoch():
    rows = epoch_permutations(M, seed=11, num_epochs=4)
    for e in range(4):
        np.testing.assert_array_equal(rows[e], np.random.RandomState(11 + e).permutation(M))


def test_epochs_use_different_permutations():
    rows = epoch_permutations(M, seed=0, num_epochs=5)
    assert len({tuple(r) for r in rows}) == 5
    assert not any((r == np.arange(M)).all() for r in rows)


@pytest.mark.parametrize("backend", backend_params())
def test_every_backend_takes_the_course_two_batches_and_masks(backend):
    """An epoch's first recorded cost is the cost, L2 term included, of the first batch of
    RandomState(seed + e).permutation(m) under the first masks of the documented draw. The
    second epoch of seed 7 is the first of seed 8, so it is replayed from epoch 1's start."""
    require(backend, training=("lambd", "keep_prob"))
    X, Y = data()
    deep = backend.module("deep")
    options = {"learning_rate": 0.01, "num_epochs": 1, "batch_size": 8, "optimizer": optim.Adam(), "lambd": 0.5,
               "keep_prob": 0.86}
    params, costs = deep.train(start(), X, Y, SPEC, seed=7, **options)
    _, costs8 = deep.train(params, X, Y, SPEC, seed=8, **options)
    for p, seed, got in ((start(), 7, costs[0]), (params, 8, costs8[0])):
        idx = np.random.RandomState(seed).permutation(M)[:8]
        D = course_masks(SPEC, (0.86, 0.86), M, 0, seed, 8)[0]
        cost, _ = REFERENCE.cost_and_grads("deep", p, X[:, idx], Y[:, idx], SPEC, lambd=0.5, keep_prob=0.86, masks=D)
        assert got == pytest.approx(cost, rel=1e-12)


@pytest.mark.parametrize("batch_size", [None, 8], ids=["full-batch", "mini-batch"])
def test_dropout_masks_are_the_documented_draw(batch_size):
    keep = (0.8, 1.0)
    bs = batch_size or M
    drawn = list(dropout_masks(SPEC, keep, M, 3, bs, 4, np.float32))
    expected = [D for e in range(3) for D in course_masks(SPEC, keep, M, e, 4, bs)]
    assert len(drawn) == len(expected) == 3 * (1 if batch_size is None else 3)
    for got, want in zip(drawn, expected):
        assert list(got) == ["D1", "D2"]
        for key in want:
            assert got[key].dtype == np.float32 and got[key].shape == want[key].shape
            np.testing.assert_array_equal(got[key], want[key])
        assert (got["D2"] == 1).all()  # keep_prob 1 keeps every unit
    assert 0.6 < np.mean([D["D1"].mean() for D in drawn]) < 0.95


# --- Defaults: course 1, bit for bit ---------------------------------------------------------


def native_gd_loop(backend, params, X, Y, lr, epochs):
    """Course 1's training: the package's native gradient-descent step, repeated (full batch)."""
    deep = backend.module("deep")
    if backend.name == "torch":
        from torch_impl.convert import precision, to_float_list, to_tensor
        import torch

        with precision(X.dtype):
            model = deep.DeepNetwork.from_params(params, SPEC)
            A0, Yt = to_tensor(X.T, "cpu"), to_tensor(Y, "cpu")
            costs = [model.gd_step_(A0, Yt, lr) for _ in range(epochs)]
            return model.to_params(), to_float_list(torch.stack(costs))
    if backend.name == "jax":
        from jax_impl.convert import params_to_device, params_to_numpy, precision, to_device

        with precision(X.dtype):
            cpu = _jax_cpu()
            p, Xd, Yd = params_to_device(params, cpu), to_device(X, cpu), to_device(Y, cpu)
            lr_d = to_device(np.asarray(lr, dtype=X.dtype), cpu)
            costs = []
            for _ in range(epochs):
                p, cost = deep.gd_step(p, Xd, Yd, SPEC, lr_d)
                costs.append(float(cost))
            return params_to_numpy(p, SPEC.param_shapes()), costs
    costs = []
    for _ in range(epochs):
        params, cost = deep.train_step(params, X, Y, SPEC, lr)
        costs.append(cost)
    return params, costs


def _jax_cpu():
    import jax

    return jax.devices("cpu")[0]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("backend", backend_params(("numpy", "torch", "jax")))
def test_defaults_are_course_one_bit_for_bit(backend, dtype):
    X, Y = data(dtype)
    deep = backend.module("deep")
    default = deep.train(start(dtype), X, Y, SPEC, learning_rate=0.1, num_epochs=6)
    explicit = deep.train(start(dtype), X, Y, SPEC, learning_rate=0.1, num_epochs=6, optimizer=optim.GD(),
                          lambd=0.0, keep_prob=1.0, decay_rate=0.0, time_interval=1)
    native = native_gd_loop(backend, start(dtype), X, Y, 0.1, 6)
    for params, costs in (explicit, native):
        assert costs == default[1]
        for key in params:
            np.testing.assert_array_equal(params[key], default[0][key])
            assert default[0][key].dtype == np.dtype(dtype)


# --- Parity with the reference ----------------------------------------------------------------


COST_CASES = [
    pytest.param({"lambd": 0.7}, id="L2"),
    pytest.param({"keep_prob": (0.8, 0.6)}, id="dropout-per-layer"),
    pytest.param({"lambd": 0.3, "keep_prob": 0.86}, id="L2-dropout"),
]


@pytest.mark.parametrize("options, dtype", [pytest.param(*p.values, "float64", id=f"{p.id}-float64") for p in COST_CASES]
                         + [pytest.param(COST_CASES[2].values[0], "float32", id="L2-dropout-float32")])
@pytest.mark.parametrize("backend", framework_params())
def test_cost_and_grads_parity(backend, dtype, options):
    require(backend, training=tuple(options), dtype=dtype)
    X, Y = data(dtype)
    kwargs = dict(options)
    if "keep_prob" in kwargs:
        kwargs["masks"] = masks_for(SPEC, kwargs["keep_prob"], M, dtype=dtype)
    ref_cost, ref_grads = REFERENCE.cost_and_grads("deep", start(dtype), X, Y, SPEC, **kwargs)
    cost, grads = backend.cost_and_grads("deep", start(dtype), X, Y, SPEC, **kwargs)
    tol = tolerance(dtype)
    assert relative_error(cost, ref_cost) <= tol.cost
    assert dict_relative_error(grads, ref_grads, 1.0) <= tol.grad
    assert all(g.dtype == np.dtype(dtype) for g in grads.values())


@dataclasses.dataclass(frozen=True)
class TrainCase:
    name: str
    optimizer: object
    lambd: float = 0.0
    keep_prob: object = 1.0
    decay_rate: float = 0.0
    time_interval: int = 1
    batch_size: int | None = None
    epochs: int = 6
    learning_rate: float = 0.05

    def options(self) -> dict:
        return {"optimizer": self.optimizer, "lambd": self.lambd, "keep_prob": self.keep_prob,
                "decay_rate": self.decay_rate, "time_interval": self.time_interval,
                "learning_rate": self.learning_rate, "num_epochs": self.epochs, "batch_size": self.batch_size,
                "seed": 3}


# Each optimizer; L2, dropout (one value and one per layer) and decay each in at least two;
# full, stochastic and mini-batches, with and without a smaller last batch (whose m is L2's
# λ/m). JAX compiles once per (optimizer, batch size, L2 on, dropout on, dtype), about a
# second each, so the cases cover rather than enumerate. float32 runs once, on Adam with
# every option: the dtype changes the precision and the tolerance, not which update an
# optimizer makes, except Adam's bias correction 1 − βᵗ, which float32 alone would round
# (test_optax_float32_bias_correction_is_computed_in_double); the other optimizers' float32
# trajectories are test_training's (GD) and the same update code as their float64 ones.
TRAIN_CASES = [
    TrainCase("GD-L2-decay-full", optim.GD(), lambd=0.7, decay_rate=0.5, time_interval=2, epochs=8, learning_rate=0.1),
    TrainCase("Momentum-dropout-decay-stochastic", optim.Momentum(0.9), keep_prob=(0.8, 0.6), decay_rate=1.0,
              batch_size=1, epochs=2, learning_rate=0.05),
    TrainCase("RMSprop-L2-dropout-minibatch10", optim.RMSprop(0.95, 1e-6), lambd=0.3, keep_prob=0.8, batch_size=10,
              epochs=4, learning_rate=0.01),
    TrainCase("Adam-L2-dropout-decay-minibatch8", optim.Adam(), lambd=0.5, keep_prob=0.86, decay_rate=0.3,
              time_interval=2, batch_size=8, epochs=4, learning_rate=0.01),
]
FLOAT32_CASES = {"Adam-L2-dropout-decay-minibatch8"}


def training_params():
    params = []
    for case in TRAIN_CASES:
        for dtype in DTYPES:
            if dtype == "float32" and case.name not in FLOAT32_CASES:
                continue
            params.append(pytest.param(case, dtype, id=f"{case.name}-{dtype}"))
    return params


def _features(case: TrainCase) -> dict:
    training = ["optimizer"] + [k for k, on in (("lambd", case.lambd), ("keep_prob", case.keep_prob != 1.0),
                                                ("decay_rate", case.decay_rate)) if on]
    return {"training": tuple(training), "optimizer": case.optimizer.name}


@pytest.mark.parametrize("case, dtype", training_params())
@pytest.mark.parametrize("backend", framework_params())
def test_trajectory_parity(backend, case, dtype):
    require(backend, dtype=dtype, **_features(case))
    X, Y = data(dtype)
    ref_params, ref_costs = REFERENCE.train("deep", start(dtype), X, Y, SPEC, **case.options())
    params, costs = backend.train("deep", start(dtype), X, Y, SPEC, **case.options())
    tol = tolerance(dtype).grad
    assert len(costs) == len(ref_costs) == case.epochs * math.ceil(M / (case.batch_size or M))
    assert np.isfinite(costs).all()
    assert relative_error(costs, ref_costs) <= tol
    assert dict_relative_error(params, ref_params) <= tol
    # the options took effect: the reference without them ends elsewhere
    plain, _ = REFERENCE.train("deep", start(dtype), X, Y, SPEC, learning_rate=case.learning_rate,
                               num_epochs=case.epochs, batch_size=case.batch_size, seed=3)
    assert dict_relative_error(plain, ref_params) > 100 * tol


# Each optimizer once (JAX compiles one per optimizer, L2 on and dtype), L2 on and off, and
# float32 on Adam, whose bias correction is where float32 could differ (as above); Adam's
# float64 update is the one the deep trajectories hold (Adam-L2-dropout-decay-minibatch8),
# the same course transformation logistic regression steps with.
LOGISTIC_CASES = [
    pytest.param(optim.GD(), 0.5, "float64", id="GD-L2-float64"),
    pytest.param(optim.Momentum(0.9), 0.0, "float64", id="Momentum-float64"),
    pytest.param(optim.RMSprop(), 0.2, "float64", id="RMSprop-L2-float64"),
    pytest.param(optim.Adam(), 0.2, "float32", id="Adam-L2-float32"),
]


@pytest.mark.parametrize("opt, lambd, dtype", LOGISTIC_CASES)
@pytest.mark.parametrize("backend", framework_params())
def test_logistic_trajectory_parity(backend, opt, lambd, dtype):
    require(backend, model="logistic", dtype=dtype, training=("optimizer", "lambd"), optimizer=opt.name)
    X, Y = data(dtype, spec=ModelSpec((4, 1)))
    p0 = init_logistic_params(4, 2, "xavier", dtype=dtype)
    options = {"learning_rate": 0.05, "num_iterations": 12, "optimizer": opt, "lambd": lambd}
    ref_params, ref_costs = REFERENCE.train("logistic", p0, X, Y, **options)
    params, costs = backend.train("logistic", p0, X, Y, **options)
    tol = tolerance(dtype).grad
    assert relative_error(costs, ref_costs) <= tol
    assert relative_error(params["w"], ref_params["w"]) <= tol
    assert relative_error(params["b"], ref_params["b"]) <= tol
    if lambd:
        cost, grads = backend.cost_and_grads("logistic", p0, X, Y, lambd=lambd)
        ref_cost, ref_grads = REFERENCE.cost_and_grads("logistic", p0, X, Y, lambd=lambd)
        assert relative_error(cost, ref_cost) <= tolerance(dtype).cost
        assert dict_relative_error(grads, ref_grads, 1.0) <= tol


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("backend", cuda_params())
def test_trajectory_parity_on_gpu(backend, dtype):
    case = TRAIN_CASES[3]
    X, Y = data(dtype)
    ref_params, ref_costs = REFERENCE.train("deep", start(dtype), X, Y, SPEC, **case.options())
    params, costs = backend.train("deep", start(dtype), X, Y, SPEC, device="cuda", **case.options())
    tol = tolerance(dtype, "cuda").grad
    assert relative_error(costs, ref_costs) <= tol
    assert dict_relative_error(params, ref_params) <= tol


# --- Finite differences ------------------------------------------------------------------------


def numerical_gradient(cost, params):
    grads = {}
    for key, value in params.items():
        g = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            shifted = {k: v.copy() for k, v in params.items()}
            shifted[key][idx] += FD_EPS
            plus = cost(shifted)
            shifted[key][idx] -= 2 * FD_EPS
            g[idx] = (plus - cost(shifted)) / (2 * FD_EPS)
        grads["d" + key] = g
    return grads


@pytest.mark.parametrize("backend", backend_params())
def test_finite_differences_through_l2_and_fixed_dropout_masks(backend):
    require(backend, training=("lambd", "keep_prob"))
    spec = ModelSpec((3, 4, 3, 1), hidden_activation=("tanh", "sigmoid"))
    X, Y = data(m=7, spec=spec)
    params = start(spec=spec)
    options = {"lambd": 0.8, "keep_prob": (0.7, 0.5), "masks": masks_for(spec, (0.7, 0.5), 7)}
    _, grads = backend.cost_and_grads("deep", params, X, Y, spec, **options)
    numeric = numerical_gradient(lambda p: backend.cost_and_grads("deep", p, X, Y, spec, **options)[0], params)
    for key in numeric:
        err = np.max(np.abs(grads[key] - numeric[key])) / max(np.max(np.abs(numeric[key])), 1e-8)
        assert err < FD_RTOL, (key, err)
    # the L2 gradient is there: without it, dW differs by (λ/m) W
    _, plain = backend.cost_and_grads("deep", params, X, Y, spec, keep_prob=(0.7, 0.5), masks=options["masks"])
    np.testing.assert_allclose(grads["dW2"] - plain["dW2"], 0.8 / 7 * params["W2"], rtol=1e-9, atol=1e-15)
    np.testing.assert_array_equal(grads["db2"], plain["db2"])


# --- Random architectures and hyperparameters ----------------------------------------------------


@st.composite
def architectures(draw):
    hidden = draw(st.lists(st.integers(1, 5), min_size=1, max_size=3))
    spec = ModelSpec((draw(st.integers(1, 4)), *hidden, 1),
                     hidden_activation=draw(st.sampled_from(("tanh", "sigmoid", "relu", "leaky_relu", "linear"))))
    keep = tuple(draw(st.floats(0.3, 1.0)) for _ in hidden)
    return spec, keep, draw(st.floats(0.0, 3.0)), draw(st.integers(0, 2**16))


def _assert_cost_and_grads_parity(backend, spec, keep, lambd, seed, m=6):
    X, Y = data(m=m, spec=spec, seed=seed)
    params = init_params(spec, seed, "xavier")
    options = {"lambd": lambd, "keep_prob": keep, "masks": masks_for(spec, keep, m, seed=seed)}
    ref_cost, ref_grads = REFERENCE.cost_and_grads("deep", params, X, Y, spec, **options)
    cost, grads = backend.cost_and_grads("deep", params, X, Y, spec, **options)
    tol = tolerance("float64")
    assert relative_error(cost, ref_cost) <= tol.cost
    assert dict_relative_error(grads, ref_grads, 1.0) <= tol.grad


@given(architectures())
def test_random_architectures_and_hyperparameters_torch(case):
    _assert_cost_and_grads_parity(BACKENDS["torch"], *case)


# JAX compiles once per architecture (about a second): its random cases vary the
# hyperparameters, masks and data on one architecture, which is one compilation, the same
# as test_cost_and_grads_parity's L2-dropout-float64 (SPEC, m = M, L2 and dropout on).
@given(st.lists(st.floats(0.3, 0.99), min_size=2, max_size=2), st.floats(0.01, 3.0), st.integers(0, 2**16))
def test_random_hyperparameters_jax(keep, lambd, seed):
    _assert_cost_and_grads_parity(BACKENDS["jax"], SPEC, tuple(keep), lambd, seed, m=M)


@given(st.sampled_from(["Momentum", "RMSprop", "Adam"]), st.floats(0.0, 0.999), st.floats(0.0, 0.9999),
       st.floats(1e-10, 1e-2), st.floats(1e-4, 1.0), st.integers(0, 2**16))
def test_random_hyperparameters_reference_is_the_course(name, beta1, beta2, epsilon, lr, seed):
    opt = {"Momentum": optim.Momentum(beta1), "RMSprop": optim.RMSprop(beta1, epsilon),
           "Adam": optim.Adam(beta1, beta2, epsilon)}[name]
    rng = np.random.RandomState(seed)
    params = start()
    state, expected, hand = optim.init_state(opt, params), dict(params), {}
    for t in range(1, 4):
        grads = {"d" + k: rng.randn(*v.shape) for k, v in params.items()}
        params, state = optim.update_parameters_with(opt, params, grads, state, lr)
        expected = course_update(opt, expected, grads, hand, t, lr)
    assert dict_relative_error(params, expected, 1.0) <= 1e-14


# --- Bad options refused, naming the argument ----------------------------------------------------


@pytest.mark.parametrize("cls, kwargs, error, name", [
    (optim.Momentum, {"beta": 1.0}, ValueError, "beta"),
    (optim.Momentum, {"beta": -0.1}, ValueError, "beta"),
    (optim.Momentum, {"beta": True}, TypeError, "beta"),
    (optim.RMSprop, {"epsilon": 0.0}, ValueError, "epsilon"),
    (optim.RMSprop, {"beta": float("nan")}, ValueError, "beta"),
    (optim.Adam, {"beta2": 1.0}, ValueError, "beta2"),
    (optim.Adam, {"beta1": "0.9"}, TypeError, "beta1"),
    (optim.Adam, {"epsilon": -1e-8}, ValueError, "epsilon"),
], ids=lambda v: v.__name__ if isinstance(v, type) else None)
def test_bad_optimizer_hyperparameters_refused(cls, kwargs, error, name):
    with pytest.raises(error, match=name):
        cls(**kwargs)


def test_optimizer_descriptions_are_frozen_and_hashable():
    assert optim.Adam() == optim.Adam(np.float64(0.9), 0.999, 1e-8)
    assert hash(optim.Momentum(np.float32(0.5))) == hash(optim.Momentum(0.5))
    assert len({optim.GD(), optim.GD(), optim.Momentum(), optim.RMSprop(), optim.Adam()}) == 4
    with pytest.raises(dataclasses.FrozenInstanceError):
        optim.Adam().beta1 = 0.5


BAD_TRAIN = [
    pytest.param({"optimizer": "adam"}, TypeError, "optimizer", id="optimizer-a-string"),
    pytest.param({"optimizer": optim.Adam}, TypeError, "optimizer", id="optimizer-the-class"),
    pytest.param({"lambd": -0.1}, ValueError, "lambd", id="lambd-negative"),
    pytest.param({"lambd": "0.1"}, TypeError, "lambd", id="lambd-a-string"),
    pytest.param({"keep_prob": 0.0}, ValueError, "keep_prob", id="keep_prob-0"),
    pytest.param({"keep_prob": 1.5}, ValueError, "keep_prob", id="keep_prob-above-1"),
    pytest.param({"keep_prob": (0.5,)}, ValueError, "keep_prob", id="keep_prob-wrong-length"),
    pytest.param({"keep_prob": (0.5, None)}, TypeError, "keep_prob", id="keep_prob-not-a-number"),
    pytest.param({"decay_rate": -1.0}, ValueError, "decay_rate", id="decay_rate-negative"),
    pytest.param({"time_interval": 0}, ValueError, "time_interval", id="time_interval-0"),
    pytest.param({"time_interval": 2.5}, TypeError, "time_interval", id="time_interval-a-float"),
    pytest.param({"seed": 2**32 - 2, "batch_size": 4, "num_epochs": 3}, ValueError, "seed",
                 id="seed-plus-epochs-beyond-2**32"),
]


@pytest.mark.parametrize("options, error, name", BAD_TRAIN)
@pytest.mark.parametrize("backend", backend_params())
def test_bad_training_options_refused(backend, options, error, name):
    require(backend, training=("optimizer", "lambd", "keep_prob", "decay_rate"))
    X, Y = data()
    kwargs = {"learning_rate": 0.1, "num_epochs": 2, **options}
    with pytest.raises(error, match=name):
        backend.train("deep", start(), X, Y, SPEC, **kwargs)


def _bad_masks():
    good = masks_for(SPEC, 0.8, M)
    return [
        pytest.param({"keep_prob": 0.8}, ValueError, "masks", id="masks-missing"),
        pytest.param({"keep_prob": 0.8, "masks": {"D1": good["D1"]}}, ValueError, "masks", id="masks-key-missing"),
        pytest.param({"keep_prob": 0.8, "masks": {**good, "D3": good["D2"]}}, ValueError, "masks", id="masks-extra-key"),
        pytest.param({"keep_prob": 0.8, "masks": {**good, "D1": good["D1"][:, :5]}}, ValueError, "masks",
                     id="masks-wrong-shape"),
        pytest.param({"keep_prob": 0.8, "masks": {**good, "D2": good["D2"] * 0.5}}, ValueError, "masks",
                     id="masks-not-0-1"),
        pytest.param({"keep_prob": (1.0, 0.8), "masks": {**good, "D1": 1 - good["D1"]}}, ValueError, "masks",
                     id="masks-drop-where-keep_prob-is-1"),
        pytest.param({"keep_prob": 0.8, "masks": [good["D1"], good["D2"]]}, TypeError, "masks", id="masks-a-list"),
        pytest.param({"lambd": float("inf")}, ValueError, "lambd", id="lambd-inf"),
    ]


@pytest.mark.parametrize("options, error, name", _bad_masks())
@pytest.mark.parametrize("backend", backend_params())
def test_bad_cost_and_grads_options_refused(backend, options, error, name):
    require(backend, training=("lambd", "keep_prob"))
    X, Y = data()
    with pytest.raises(error, match=name):
        backend.cost_and_grads("deep", start(), X, Y, SPEC, **options)


@pytest.mark.parametrize("backend", backend_params())
def test_bad_logistic_options_refused(backend):
    require(backend, model="logistic", training=("optimizer", "lambd"))
    X, Y = data(spec=ModelSpec((4, 1)))
    p0 = init_logistic_params(4)
    with pytest.raises(TypeError, match="optimizer"):
        backend.train("logistic", p0, X, Y, num_iterations=2, optimizer="sgd")
    with pytest.raises(ValueError, match="lambd"):
        backend.train("logistic", p0, X, Y, num_iterations=2, lambd=-1.0)
    with pytest.raises(ValueError, match="lambd"):
        backend.cost_and_grads("logistic", p0, X, Y, lambd=-1.0)


def test_keep_prob_needs_a_hidden_layer():
    spec = ModelSpec((4, 1))
    X, Y = data(spec=spec)
    with pytest.raises(ValueError, match="keep_prob"):
        REFERENCE.train("deep", init_params(spec, 0), X, Y, spec, num_epochs=1, keep_prob=0.5)


# --- The framework mappings, each against the course and against the framework's default -------


def _grad_sequence(n=4, seed=0):
    rng = np.random.RandomState(seed)
    return [{"dW1": rng.randn(3, 2), "db1": rng.randn(3, 1)} for _ in range(n)]


def _course_run(opt, lr, grads_seq, lambd_over_m=0.0):
    p = {"W1": np.ones((3, 2)), "b1": np.full((3, 1), 0.5)}
    state, out = {}, []
    for t, grads in enumerate(grads_seq, start=1):
        grads = {"dW1": grads["dW1"] + lambd_over_m * p["W1"], "db1": grads["db1"]}
        p = course_update(opt, p, grads, state, t, lr)
        out.append(p)
    return out


def _torch_run(build, opt, lr, grads_seq, lambd_over_m=0.0):
    import torch

    from torch_impl import optim as torch_optim

    W = torch.nn.Parameter(torch.ones(3, 2, dtype=torch.float64))
    b = torch.nn.Parameter(torch.full((3, 1), 0.5, dtype=torch.float64))
    torch_optimizer = build(opt, [W], [b], lr)
    if lambd_over_m:
        torch_optim.set_l2(torch_optimizer, lambd_over_m, 1)
    out = []
    for grads in grads_seq:
        W.grad, b.grad = torch.from_numpy(grads["dW1"].copy()), torch.from_numpy(grads["db1"].copy())
        torch_optimizer.step()
        out.append({"W1": W.detach().numpy().copy(), "b1": b.detach().numpy().copy()})
    return out


def _optax_run(build, opt, lr, grads_seq, lambd_over_m=None):
    import jax
    import optax

    from jax_impl import optim as jax_optim

    with jax.enable_x64(True):
        p = {"W1": np.ones((3, 2)), "b1": np.full((3, 1), 0.5)}
        transform = build(opt, lr, lambd_over_m, jax_optim.weight_mask(p))
        state, out = transform.init(p), []
        for grads in grads_seq:
            updates, state = transform.update({"W1": grads["dW1"], "b1": grads["db1"]}, state, p)
            p = optax.apply_updates(p, updates)
            out.append({k: np.asarray(v) for k, v in p.items()})
        return out


def _differ_from_step(got, expected, first_diff_step):
    """Equal to the course up to first_diff_step (exclusive), then apart."""
    for step, (g, e) in enumerate(zip(got, expected), start=1):
        err = dict_relative_error(g, e)
        assert (err <= 1e-14) if step < first_diff_step else (err > 1e-6), (step, err)


@pytest.mark.parametrize("opt", OPTIMIZERS, ids=lambda o: o.name)
def test_torch_optim_configured_is_the_course(opt):
    from torch_impl import optim as torch_optim

    grads = _grad_sequence()
    expected = _course_run(opt, 0.1, grads)
    for got, e in zip(_torch_run(torch_optim.course_optimizer, opt, 0.1, grads), expected):
        assert dict_relative_error(got, e) <= 1e-14
    default = _torch_run(torch_optim.default_optimizer, opt, 0.1, grads)
    if isinstance(opt, optim.Momentum):
        _differ_from_step(default, expected, 1)  # no (1−β): the first step is α dW, not α(1−β) dW
    else:  # torch's SGD, RMSprop (alpha=β) and Adam are the course's
        _differ_from_step(default, expected, len(grads) + 1)


@pytest.mark.parametrize("opt", OPTIMIZERS, ids=lambda o: o.name)
def test_optax_configured_is_the_course(opt):
    from jax_impl import optim as jax_optim

    grads = _grad_sequence()
    expected = _course_run(opt, 0.1, grads)
    for got, e in zip(_optax_run(jax_optim.course_transform, opt, 0.1, grads), expected):
        assert dict_relative_error(got, e) <= 1e-14
    default = _optax_run(jax_optim.default_transform, opt, 0.1, grads)
    if isinstance(opt, (optim.Momentum, optim.RMSprop)):  # no (1−β); ε inside the √
        _differ_from_step(default, expected, 1)
    else:
        _differ_from_step(default, expected, len(grads) + 1)


def test_optax_rmsprop_default_puts_epsilon_inside_the_root():
    from jax_impl import optim as jax_optim

    opt = optim.RMSprop(0.9, 1e-2)
    g = _grad_sequence(1)[0]
    got = _optax_run(jax_optim.default_transform, opt, 0.1, [g])[0]
    s = 0.1 * g["dW1"] ** 2
    np.testing.assert_allclose(got["W1"], 1 - 0.1 * g["dW1"] / np.sqrt(s + 1e-2), rtol=1e-14)


def test_l2_weight_decay_spares_the_biases_only_in_the_course_mapping():
    from jax_impl import optim as jax_optim
    from torch_impl import optim as torch_optim

    zeros = [{"dW1": np.zeros((3, 2)), "db1": np.zeros((3, 1))}]
    expected = _course_run(optim.GD(), 0.1, zeros, lambd_over_m=0.4)[0]
    assert (expected["b1"] == 0.5).all() and np.allclose(expected["W1"], 1 - 0.1 * 0.4)
    for got in (_torch_run(torch_optim.course_optimizer, optim.GD(), 0.1, zeros, 0.4)[0],
                _optax_run(jax_optim.course_transform, optim.GD(), 0.1, zeros, 0.4)[0]):
        assert dict_relative_error(got, expected) <= 1e-15
    for got in (_torch_run(torch_optim.default_optimizer, optim.GD(), 0.1, zeros, 0.4)[0],
                _optax_run(jax_optim.default_transform, optim.GD(), 0.1, zeros, 0.4)[0]):
        np.testing.assert_allclose(got["b1"], 0.5 * (1 - 0.1 * 0.4), rtol=1e-15)  # biases decayed too


def test_decay_schedules_are_the_course_schedule():
    import torch

    from jax_impl import optim as jax_optim
    from torch_impl import optim as torch_optim

    W = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    torch_optimizer = torch_optim.course_optimizer(optim.GD(), [W], [], 0.3)
    scheduler = torch_optim.decay_scheduler(torch_optimizer, 0.5, 3)
    schedule = jax_optim.decay_schedule(0.3, 0.5, 3, steps_per_epoch=4)
    for epoch in range(10):
        expected = optim.schedule_lr_decay(0.3, epoch, 0.5, 3)
        assert torch_optimizer.param_groups[0]["lr"] == pytest.approx(expected, rel=1e-15)
        for step in range(4):
            assert float(schedule(np.int32(4 * epoch + step))) == pytest.approx(expected, rel=1e-15)
        torch_optimizer.step()
        scheduler.step()


def test_optax_float32_bias_correction_is_computed_in_double():
    """Why JAX's steps run under hyperparameter_precision: 1 − β2ᵗ in float32 loses 1e-5 of itself."""
    import jax
    import jax.numpy as jnp

    from jax_impl import optim as jax_optim

    correction = jax.jit(lambda count, moment: moment / (1 - 0.999**count).astype(moment.dtype))
    with jax.enable_x64(False):
        one = jnp.ones((), jnp.float32)
        plain = float(correction(jnp.int32(1), one))
        with jax_optim.hyperparameter_precision():
            precise = correction(jnp.int32(1), one)
    assert precise.dtype == jnp.float32
    assert float(precise) == float(np.float32(1) / np.float32(1 - 0.999))
    assert abs(plain - float(precise)) / float(precise) > 1e-5


def test_framework_defaults_name_the_same_things():
    from jax_impl.optim import FRAMEWORK_DEFAULTS as jax_defaults
    from nn_contract.optim import COURSE_FORMULAS
    from torch_impl.optim import FRAMEWORK_DEFAULTS as torch_defaults

    tables = [COURSE_FORMULAS, torch_defaults, jax_defaults]
    assert all(list(t) == ["GD", "Momentum", "RMSprop", "Adam", "L2"] for t in tables)
    assert all(isinstance(v, str) and v for t in tables for v in t.values())


# Where each framework's default, as a user calls it, leaves the course (GD, Adam and torch's
# RMSprop agree with it; momentum's missing (1−β), optax's ε inside the √, and weight decay on
# the biases do not).
# (The formula-level tests above cover every optimizer; these run the trainer end to end.)
DEFAULT_RUNS = [
    pytest.param(optim.Momentum(0.9), 0.0, {"torch": False, "jax": False}, id="Momentum"),
    pytest.param(optim.Adam(), 0.0, {"torch": True, "jax": True}, id="Adam"),
    pytest.param(optim.GD(), 2.0, {"torch": False, "jax": False}, id="L2"),
]


@pytest.mark.parametrize("opt, lambd, agrees", DEFAULT_RUNS)
@pytest.mark.parametrize("backend", backend_params(("torch", "jax")))
def test_train_with_framework_defaults(backend, opt, lambd, agrees):
    import importlib

    defaults = importlib.import_module(f"{backend.package}.deep")
    X, Y = data()
    p0 = {k: v + 0.3 if k[0] == "b" else v for k, v in start().items()}  # biases away from 0, for L2 to reach
    options = {"learning_rate": 0.01, "num_epochs": 5}
    ref_params, ref_costs = REFERENCE.train("deep", p0, X, Y, SPEC, optimizer=opt, lambd=lambd, **options)
    params, costs = defaults.train_with_framework_defaults(p0, X, Y, SPEC, opt, lambd=lambd, **options)
    assert len(costs) == len(ref_costs) == 5
    assert relative_error(costs[:1], ref_costs[:1]) <= 1e-12  # the same start and the same cost measure
    err = dict_relative_error(params, ref_params)
    assert (err <= tolerance("float64").grad) if agrees[backend.name] else (err > 1e-4), err


# --- JAX compiles each configuration once ------------------------------------------------------


def test_jax_epoch_compiled_once_per_configuration():
    from jax_impl import deep, logistic

    X, Y = data()
    case = TRAIN_CASES[3]
    deep.train(start(), X, Y, SPEC, **case.options())
    sizes = deep._train_epoch._cache_size(), deep._fit_step._cache_size()
    # other values of every traced option: learning rate, λ, keep_prob, decay, seed, epochs
    deep.train(start(), X, Y, SPEC, learning_rate=0.2, num_epochs=2, batch_size=8, seed=9, optimizer=optim.Adam(),
               lambd=0.1, keep_prob=0.5, decay_rate=2.0, time_interval=1)
    assert (deep._train_epoch._cache_size(), deep._fit_step._cache_size()) == sizes
    full = TRAIN_CASES[0]
    deep.train(start(), X, Y, SPEC, **full.options())
    size = deep._fit_step._cache_size()
    deep.train(start(), X, Y, SPEC, learning_rate=0.3, num_epochs=3, optimizer=optim.GD(), lambd=2.0, decay_rate=0.1,
               time_interval=5)
    assert deep._fit_step._cache_size() == size

    Xl, Yl = data(spec=ModelSpec((4, 1)))
    p0 = init_logistic_params(4, 2, "xavier")
    logistic.train(p0, Xl, Yl, num_iterations=2, optimizer=optim.Adam(), lambd=0.2)
    size = logistic._fit_step._cache_size()
    logistic.train(p0, Xl, Yl, learning_rate=0.3, num_iterations=3, optimizer=optim.Adam(), lambd=0.7)
    assert logistic._fit_step._cache_size() == size
