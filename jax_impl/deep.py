"""The L-layer network as pure, jittable functions of a params pytree; jax.grad backprops.

The notes' forward building blocks, under the reference's names and contracts (caches
included, so the two read side by side), with backpropagation left to
``jax.value_and_grad``, so there are no ``*_backward`` functions:

    linear_forward             Z[l] = W[l] A[l-1] + b[l] -> (Z, cache)
    linear_activation_forward  A[l] = g[l](Z[l]) -> (A, cache)
    model_forward              X = A[0] -> ... -> A[L] -> (A[L], caches)
    update_parameters          W[l] -= α dW[l], b[l] -= α db[l], grads keyed {"dW1", ...}

and the jittable functions of JAX's own (names the reference does not have):

    model_logits               X -> Z[L], the logits the loss reads
    loss_fn                    J from Z[L] and Y, a 0-d array: what jax.value_and_grad takes
    gd_step                    one jitted gradient-descent step -> (params, J), the native step

params is the dict ``{"W1": (n[1], n[0]), "b1": (n[1], 1), ..., "WL", "bL"}`` of jax arrays;
``spec`` (a hashable ``ModelSpec``) is a static argument wherever a function is jitted.

Course 2's methods: ``train`` runs an optax transformation configured to the course's
formulas (``optim``), inside the jitted step, so one compiled epoch serves every learning
rate, λ, decay and keep_prob of a configuration (spec, optimizer, batch size, whether L2 and
dropout are on). Dropout multiplies the hidden activations by the masks the reference draws
(``nn_contract.dropout``), passed in as data, so that every backend drops the same units.
``train(world_size=k)`` runs the same steps data parallel over k devices (``parallel``).
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import optax

from nn_contract.batches import batch_bounds, epoch_permutations
from nn_contract.dropout import check_masks, dropout_masks
from nn_contract.checks import (check_argument_kinds, check_deep_inputs, check_deep_predict_inputs, check_device_name,
                                check_train_args)
from nn_contract.labels import labels_from_proba
from nn_contract.optim import GD, check_training_methods
from nn_contract.shards import check_world_size
from nn_contract.spec import ModelSpec

from . import parallel
from .activations import ACTIVATIONS
from .convert import grads_to_numpy, params_to_device, params_to_numpy, precision, resolve_device, to_device, to_numpy
from .losses import cost_from_logits
from .optim import course_transform, decay_schedule, default_transform, hyperparameter_precision, l2_term, weight_mask, weights

__all__ = [
    "linear_forward",
    "linear_activation_forward",
    "model_forward",
    "update_parameters",
    "model_logits",
    "loss_fn",
    "gd_step",
    "cost_and_grads",
    "train",
    "train_with_framework_defaults",
    "train_with_distributed_defaults",
    "predict_proba",
    "predict",
]


def linear_forward(A_prev: jax.Array, W: jax.Array, b: jax.Array):
    """A_prev: (n[l-1], m), W: (n[l], n[l-1]), b: (n[l], 1) -> Z: (n[l], m), cache (A_prev, W, b)."""
    Z = W @ A_prev + b
    return Z, (A_prev, W, b)


def linear_activation_forward(A_prev, W, b, activation: str, leaky_slope: float = 0.01):
    """A_prev: (n[l-1], m) -> A: (n[l], m) = g(W A_prev + b), cache ((A_prev, W, b), Z).

    Under ``jit`` a cache nobody reads costs nothing: it is references, dropped by XLA."""
    Z, linear_cache = linear_forward(A_prev, W, b)
    A = ACTIVATIONS[activation](Z, leaky_slope)
    return A, (linear_cache, Z)


def _hidden_layers(params: dict, X: jax.Array, spec: ModelSpec, masks: dict | None, keep_prob):
    """X = A[0] -> A[L-1] (dropped where ``masks`` are given) and the caches of layers 1..L-1."""
    A, caches = X, []
    for l, activation in enumerate(spec.activations[:-1], start=1):
        A, cache = linear_activation_forward(A, params[f"W{l}"], params[f"b{l}"], activation, spec.leaky_slope)
        caches.append(cache)
        if masks is not None:
            A = A * masks[f"D{l}"] / keep_prob[l - 1]
    return A, caches


def model_logits(params: dict, X: jax.Array, spec: ModelSpec, masks: dict | None = None,
                 keep_prob: jax.Array | None = None) -> jax.Array:
    """X: (n_x, m) -> Z[L]: (n[L], m), the output layer before its activation.

    ``masks`` {"D1": (n[1], m), ...} of 0/1 and ``keep_prob`` (L-1,): inverted dropout,
    A[l] = A[l] ⊙ D[l] / keep_prob[l] on every hidden layer (autodiff carries it back).
    """
    # Runs at trace time only: a free guard against arguments in the notes' order (X, params).
    check_argument_kinds("model_logits(params, X, spec) / model_forward(params, X, spec)",
                         params=params, X=X, spec=spec)
    A, _ = _hidden_layers(params, X, spec, masks, keep_prob)
    L = spec.num_layers
    return linear_forward(A, params[f"W{L}"], params[f"b{L}"])[0]


def model_forward(params: dict, X: jax.Array, spec: ModelSpec, masks: dict | None = None, keep_prob=()):
    """X: (n_x, m) -> A[L]: (n[L], m) and caches, one per layer l = 1..L, as the reference's.

    ``masks``/``keep_prob`` (one per hidden layer): inverted dropout as in ``model_logits``
    (so the caches hold the dropped A[l] as layer l+1's input).
    """
    check_argument_kinds("model_logits(params, X, spec) / model_forward(params, X, spec)",
                         params=params, X=X, spec=spec)
    A, caches = _hidden_layers(params, X, spec, masks, keep_prob)
    L = spec.num_layers
    AL, cache = linear_activation_forward(A, params[f"W{L}"], params[f"b{L}"], spec.activations[-1], spec.leaky_slope)
    return AL, caches + [cache]


def update_parameters(params: dict, grads: dict, learning_rate) -> dict:
    """W[l] - α dW[l], b[l] - α db[l] for every l, as a new dict; grads {"dW1", "db1", ...}."""
    return {key: value - learning_rate * grads["d" + key] for key, value in params.items()}


def loss_fn(params: dict, X: jax.Array, Y: jax.Array, spec: ModelSpec, masks: dict | None = None,
            keep_prob: jax.Array | None = None, lambd: jax.Array | None = None) -> jax.Array:
    """X: (n_x, m), Y: (n[L], m) -> J, a 0-d array. Reads the logits Z[L], never A[L],
    so a saturated output gives a finite cost and gradient. ``masks``/``keep_prob`` as in
    ``model_logits``; ``lambd`` (None: no L2) adds (λ/2m) Σ ‖W[l]‖²."""
    cost = cost_from_logits(model_logits(params, X, spec, masks, keep_prob), Y, spec.loss)
    if lambd is not None:
        cost = cost + l2_term(weights(params), lambd, Y.shape[1])
    return cost


# (J, grads) with grads keyed as params ({"W1", "b1", ...}); differentiating w.r.t. params
# only means XLA never computes dA[0] = W[1]ᵀ dZ[1], which nothing needs.
_value_and_grad = jax.jit(jax.value_and_grad(loss_fn), static_argnames=("spec",))


@functools.partial(jax.jit, static_argnames=("spec",))
def gd_step(params: dict, X: jax.Array, Y: jax.Array, spec: ModelSpec, learning_rate) -> tuple[dict, jax.Array]:
    """One gradient-descent step on the batch (X, Y) -> (new params, J before the update, a
    0-d array): the native step timing measures.

    Jitted at module level, so it compiles once per spec, shape and dtype and the cache
    outlives any one ``train`` call; the learning rate is traced, so a new rate reuses it.
    """
    cost, grads = jax.value_and_grad(loss_fn)(params, X, Y, spec)
    return update_parameters(params, {"d" + key: grad for key, grad in grads.items()}, learning_rate), cost


def _transform(optimizer, hyper: dict, params: dict, l2: bool, course: bool, m: int, steps_per_epoch: int):
    """The optax transformation of one step on m examples, from the traced ``hyper``
    (learning_rate, decay_rate, time_interval, lambd): the same state layout for any m."""
    schedule = decay_schedule(hyper["learning_rate"], hyper["decay_rate"], hyper["time_interval"], steps_per_epoch)
    build = course_transform if course else default_transform
    return build(optimizer, schedule, hyper["lambd"] / m if l2 else None, weight_mask(params))


def _weighted_loss(params, X, Y, weights, m_t: int, spec, masks, keep_prob):
    """``loss_fn`` of a data-parallel batch laid out k·S wide: Σ_i w_i L_i / m_t."""
    return parallel.weighted_cost(model_logits(params, X, spec, masks, keep_prob), Y, weights, spec.loss, m_t)


def _batch(X, Y, masks, idx, par):
    """The step's batch, columns ``idx`` (m_t,) of X and Y (all, in order, for None), and the
    step's masks -> (X, Y, masks, weights, m_t). One device (``par`` None): as given, weights
    None. Data parallel: laid out over ``par``'s mesh (``parallel``), weights (1, k·S) for the
    contract's step, None for the mean of shard means."""
    if par is None:
        if idx is None:
            return X, Y, masks, None, X.shape[1]
        return jnp.take(X, idx, axis=1), jnp.take(Y, idx, axis=1), masks, None, idx.shape[0]
    m_t = X.shape[1] if idx is None else idx.shape[0]
    if par.exact:
        src, w = parallel.exact_layout(m_t, par.world_size)
        weights = par.shard(jnp.asarray(w, dtype=X.dtype)[None, :], np.arange(w.size))
    else:
        src, weights = parallel.mean_layout(m_t, par.world_size), None
    cols = src if idx is None else jnp.take(idx, src)
    masks = None if masks is None else {key: par.shard(D, src) for key, D in masks.items()}
    return par.shard(X, cols), par.shard(Y, cols), masks, weights, m_t


def _update(params, opt_state, batch, hyper, spec, optimizer, l2, dropout, course, steps_per_epoch, par):
    """One optimizer step on ``batch`` (``_batch``'s) -> (params, opt_state, J before the update).

    L2's gradient is optax's ``add_decayed_weights`` (``optim``), so autodiff sees only the
    data cost; the L2 term joins the recorded cost. Data parallel, the step is the global
    one (XLA's partitioner adds the shards' sums) or, for the framework default, each
    device's mean averaged by ``pmean``.
    """
    X, Y, masks, w, m = batch
    keep_prob = hyper["keep_prob"] if dropout else None
    masks = masks if dropout else None
    if par is None:
        cost, grads = jax.value_and_grad(loss_fn)(params, X, Y, spec, masks, keep_prob)
    elif par.exact:
        cost, grads = jax.value_and_grad(_weighted_loss)(params, X, Y, w, m, spec, masks, keep_prob)
    else:  # (the defaults train plain GD: no dropout, no L2)
        mean_of_means = parallel.shard_mean_cost(functools.partial(loss_fn, spec=spec), par.mesh)
        cost, grads = jax.value_and_grad(mean_of_means)(params, X, Y)
    transform = _transform(optimizer, hyper, params, l2, course, m, steps_per_epoch)
    updates, opt_state = transform.update(grads, opt_state, params)
    if l2:
        cost = cost + l2_term(weights(params), hyper["lambd"], m)
    return optax.apply_updates(params, updates), opt_state, cost


_STATIC = ("spec", "optimizer", "l2", "dropout", "course", "par")


@functools.partial(jax.jit, static_argnames=_STATIC)
def _fit_step(params, opt_state, X, Y, masks, hyper, spec, optimizer, l2, dropout, course, par=None):
    """One full-batch epoch: one optimizer step on all of (X, Y) -> (params, opt_state, J).
    ``par``: None (one device) or a ``parallel.DataParallel``, outputs replicated on its mesh."""
    out = _update(params, opt_state, _batch(X, Y, masks, None, par), hyper, spec, optimizer, l2, dropout, course, 1,
                  par)
    return out if par is None else par.replicate(out)


@functools.partial(jax.jit, static_argnames=_STATIC + ("batch_size",))
def _train_epoch(params, opt_state, X, Y, order, masks, hyper, spec, optimizer, l2, dropout, course, batch_size,
                 par=None):
    """One epoch of mini-batches, examples taken in ``order`` (m,) -> (params, opt_state, costs).

    One dispatch per epoch rather than per batch: a ``lax.scan`` runs the full batches and
    one more step runs the last, smaller one. Columns are gathered on the device. masks:
    {"full": {"D1": (n_full, n[1], batch_size), ...}, "last": {"D1": (n[1], m - n_full
    batch_size), ...} or None}, or None without dropout.
    """
    m = X.shape[1]
    n_full = m // batch_size
    steps_per_epoch = n_full + (m % batch_size > 0)

    def step(carry, xs):
        idx, D = xs
        params, opt_state, cost = _update(*carry, _batch(X, Y, D, idx, par), hyper, spec, optimizer, l2, dropout,
                                          course, steps_per_epoch, par)
        return (params, opt_state), cost

    full_masks = None if masks is None else masks["full"]
    indices = order[: n_full * batch_size].reshape(n_full, batch_size)
    (params, opt_state), costs = jax.lax.scan(step, (params, opt_state), (indices, full_masks))
    if m % batch_size:
        last_masks = None if masks is None else masks["last"]
        (params, opt_state), last_cost = step((params, opt_state), (order[n_full * batch_size:], last_masks))
        costs = jnp.concatenate([costs, last_cost[None]])
    out = params, opt_state, costs
    return out if par is None else par.replicate(out)


def cost_and_grads(params: dict, X, Y, spec: ModelSpec, device: str = "cpu", *, lambd: float = 0.0,
                   keep_prob=1.0, masks: dict | None = None):
    """X: (n_x, m), Y: (n[L], m), params {"W1", "b1", ...} -> (J, grads {"dW1", "db1", ...}).

    ``lambd`` > 0: J += (λ/2m) Σ ‖W[l]‖² (jax.grad gives dW[l] += (λ/m) W[l]). ``keep_prob`` < 1
    needs ``masks`` {"D1": (n[1], m), ...} of 0/1: inverted dropout on A[1] ... A[L-1].
    """
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    methods = check_training_methods(GD(), lambd, keep_prob, spec=spec)
    masks = check_masks(masks, spec, X.shape[1], methods.keep_prob, X.dtype)
    device = resolve_device(device)
    with precision(X.dtype):
        # Only the options in use are passed, so the plain cost compiles (and runs) as before.
        options = {}
        if methods.dropout:
            options = {"masks": params_to_device(masks, device),
                       "keep_prob": to_device(np.asarray(methods.keep_prob, dtype=X.dtype), device)}
        if methods.l2:
            options["lambd"] = to_device(np.asarray(methods.lambd, dtype=X.dtype), device)
        cost, grads = _value_and_grad(params_to_device(params, device), to_device(X, device),
                                      to_device(Y, device), spec, **options)
        return float(cost), grads_to_numpy(grads, spec.param_shapes())


def _epoch_masks(masks, bounds, batch_size: int, m: int, device):
    """The next epoch's masks from the ``dropout_masks`` generator, stacked as the jitted
    epoch takes them (``_train_epoch``'s masks), in one transfer per epoch."""
    steps = [next(masks) for _ in bounds]
    n_full = m // batch_size
    full = {key: np.stack([D[key] for D in steps[:n_full]]) for key in steps[0]}
    last = steps[n_full] if m % batch_size else None
    return jax.device_put({"full": full, "last": last}, device)


def _init_opt_state(params, optimizer, l2: bool, course: bool):
    """The optax state of the step's transformation, from zeros (its layout does not depend
    on the hyperparameters' values, which are traced inside the step)."""
    build = course_transform if course else default_transform
    return build(optimizer, lambda count: 0.0, 0.0 if l2 else None, weight_mask(params)).init(params)


def _train_checked(params, X, Y, spec, learning_rate, num_epochs, batch_size, seed, methods, device, course=True,
                   par=None):
    """``train`` on checked arguments; ``course=False`` runs optax's defaults
    (``optim.default_transform``) instead of the course's mapping; ``par``: a
    ``parallel.DataParallel``, every input then placed replicated on its mesh."""
    device = resolve_device(device) if par is None else par.replicated
    m = X.shape[1]
    dtype = X.dtype
    with precision(dtype):
        params, X, Y = params_to_device(params, device), to_device(X, device), to_device(Y, device)
        hyper = jax.device_put({
            "learning_rate": np.asarray(learning_rate, dtype=dtype),
            "decay_rate": np.asarray(methods.decay_rate, dtype=dtype),
            # int32: optax counts steps in int32, so a longer interval decays the same (never)
            "time_interval": np.asarray(min(methods.time_interval, 2**31 - 1), dtype=np.int32),
            "lambd": np.asarray(methods.lambd, dtype=dtype),
            "keep_prob": np.asarray(methods.keep_prob, dtype=dtype),
        }, device)
        static = {"spec": spec, "optimizer": methods.optimizer, "l2": methods.l2, "dropout": methods.dropout,
                  "course": course, "par": par}
        # Committed to the device, as the step's outputs will be: an uncommitted first state
        # would compile the step a second time for the second call.
        opt_state = jax.device_put(_init_opt_state(params, methods.optimizer, methods.l2, course), device)
        masks = dropout_masks(spec, methods.keep_prob, m, num_epochs, batch_size, seed, dtype) if methods.dropout else None
        costs = []
        if batch_size == m:
            # Full batch in the given order, as in the notes: no permutation, no gather.
            with hyperparameter_precision():  # (masks are NumPy arrays: they keep their dtype)
                for _ in range(num_epochs):
                    D = None if masks is None else jax.device_put(next(masks), device)
                    params, opt_state, cost = _fit_step(params, opt_state, X, Y, D, hyper, **static)
                    costs.append(cost)
            costs = jnp.stack(costs)
        else:
            # One transfer of all the epochs' orders, as separate rows: a (num_epochs, m)
            # argument would recompile the epoch for every num_epochs.
            orders = to_device(list(epoch_permutations(m, seed=seed, num_epochs=num_epochs)), device)
            bounds = batch_bounds(m, batch_size)
            with hyperparameter_precision():
                for order in orders:
                    D = None if masks is None else _epoch_masks(masks, bounds, batch_size, m, device)
                    params, opt_state, epoch_costs = _train_epoch(params, opt_state, X, Y, order, D, hyper,
                                                                  batch_size=batch_size, **static)
                    costs.append(epoch_costs)
            costs = jnp.concatenate(costs)
        return params_to_numpy(params, spec.param_shapes()), to_numpy(costs).tolist()


def train(params: dict, X, Y, spec: ModelSpec, learning_rate: float = 0.0075, num_epochs: int = 2500,
          batch_size: int | None = None, seed: int = 0, device: str = "cpu", *, optimizer=GD(), lambd: float = 0.0,
          keep_prob=1.0, decay_rate: float = 0.0, time_interval: int = 1, world_size: int = 1):
    """Full batch (``batch_size=None``), mini-batch, or stochastic (1) training by ``optimizer``.

    X: (n_x, m), Y: (n[L], m). Epoch e takes the examples in the order
    ``RandomState(seed + e).permutation(m)`` (a full batch keeps the given order); the last,
    smaller batch of an epoch is kept. The options are the contract's (CONTRACT.md,
    "Training methods"): ``optimizer`` (``nn_contract.optim``), ``lambd``, ``keep_prob`` (masks from
    ``nn_contract.dropout.dropout_masks``), ``decay_rate``/``time_interval``; JAX runs
    them with optax as ``optim`` maps them. Returns (params, costs): new arrays, and one cost
    per update step, that step's forward-pass cost (with the L2 term) before its update.

    Everything goes to the device once and comes back once (dropout's masks go once per
    epoch); in between, costs stay device arrays and dispatch is asynchronous.

    ``world_size`` = k > 1: data parallel over the first k of ``jax.devices()`` of the
    device's kind (CONTRACT.md, "Data parallel"; ``parallel``): every mini-batch split into
    the contract's k contiguous shards, one per device, and the same update and costs as
    k = 1 up to the order of the sums. On a CPU the devices are XLA host devices, which must
    be asked for before JAX starts: ``import jax_impl`` asks for ``parallel.HOST_DEVICES``
    (unless XLA_FLAGS or JAX_NUM_CPU_DEVICES already says), and ``train`` raises the count
    itself while JAX has not started. When JAX already runs with fewer than k host devices,
    the training runs in a child Python started with
    ``--xla_force_host_platform_device_count=k`` and its result is returned as here (a
    child's start and compile cost seconds; set XLA_FLAGS before JAX starts to avoid it).
    Fewer GPUs than k, or more host devices than ``parallel.MAX_HOST_DEVICES``: ValueError.
    """
    world_size = check_world_size(world_size)
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    learning_rate, num_epochs, batch_size, seed = check_train_args(
        learning_rate, num_epochs, batch_size, seed, X
    )
    methods = check_training_methods(optimizer, lambd, keep_prob, decay_rate, time_interval, spec,
                                     seed=seed, num_epochs=num_epochs, batch_size=batch_size, m=X.shape[1])
    par = None
    if world_size > 1:
        par = parallel.mesh_sharding(world_size, check_device_name(device))
        if par is None:
            return parallel.train_in_subprocess("train", (params, X, Y, spec), dict(
                learning_rate=learning_rate, num_epochs=num_epochs, batch_size=batch_size, seed=seed, device=device,
                optimizer=optimizer, lambd=lambd, keep_prob=keep_prob, decay_rate=decay_rate,
                time_interval=time_interval, world_size=world_size))
    return _train_checked(params, X, Y, spec, learning_rate, num_epochs, batch_size, seed, methods, device, par=par)


def train_with_framework_defaults(params: dict, X, Y, spec, optimizer, *, learning_rate: float, num_epochs: int,
                                  batch_size: int | None = None, seed: int = 0, lambd: float = 0.0,
                                  device: str = "cpu"):
    """``train`` with optax as a user would call it (``optim.default_transform``), not mapped
    to the course: ``sgd(α, momentum=β)``, ``rmsprop(α, decay=β, eps=ε)`` with ε inside the √,
    ``adam``, and ``add_decayed_weights(λ/m)`` on every leaf. No decay, no dropout.

    X: (n_x, m), Y: (n[L], m); the same batches as ``train``. Returns (params, costs),
    each cost the step's forward cost with the course's L2 term (λ/2m) Σ‖W[l]‖², so the
    curves compare with the course's.
    """
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    learning_rate, num_epochs, batch_size, seed = check_train_args(learning_rate, num_epochs, batch_size, seed, X)
    methods = check_training_methods(optimizer, lambd, 1.0, 0.0, 1, spec, seed=seed, num_epochs=num_epochs,
                                     batch_size=batch_size, m=X.shape[1])
    return _train_checked(params, X, Y, spec, learning_rate, num_epochs, batch_size, seed, methods, device,
                          course=False)


def train_with_distributed_defaults(params: dict, X, Y, spec, *, world_size: int, learning_rate: float,
                                    num_epochs: int, batch_size: int | None = None, seed: int = 0,
                                    device: str = "cpu"):
    """Gradient descent data parallel as a JAX user would write it, not the contract's:
    ``shard_map`` over a mesh of ``world_size`` devices, each device's *mean* cost over its
    own shard, grads and cost averaged by ``pmean`` (the mean of the shards' means), every
    batch of m_t padded to a multiple of k by repeating its first examples (as torch's
    ``DistributedSampler`` pads; ``parallel.mean_layout``), so the shards are ⌈m_t/k⌉ each.

    X: (n_x, m), Y: (n[L], m); the same batches and devices as ``train(world_size=k)``.
    Returns (params, costs), each cost the pmean'd one of its step. Equal to the course
    where every batch divides by k; otherwise the repeated examples count twice.
    """
    world_size = check_world_size(world_size)
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    learning_rate, num_epochs, batch_size, seed = check_train_args(learning_rate, num_epochs, batch_size, seed, X)
    methods = check_training_methods(GD(), 0.0, 1.0, 0.0, 1, spec, seed=seed, num_epochs=num_epochs,
                                     batch_size=batch_size, m=X.shape[1])
    par = parallel.mesh_sharding(world_size, check_device_name(device), exact=False)
    if par is None:
        return parallel.train_in_subprocess("train_with_distributed_defaults", (params, X, Y, spec), dict(
            world_size=world_size, learning_rate=learning_rate, num_epochs=num_epochs, batch_size=batch_size,
            seed=seed, device=device))
    return _train_checked(params, X, Y, spec, learning_rate, num_epochs, batch_size, seed, methods, device,
                          course=False, par=par)


@functools.partial(jax.jit, static_argnames=("spec",))
def _proba(params, X, spec):
    return model_forward(params, X, spec)[0]


def predict_proba(params: dict, X, spec: ModelSpec, device: str = "cpu") -> np.ndarray:
    """X: (n_x, m) -> A[L]: (n[L], m): probabilities for sigmoid/softmax, ŷ for linear."""
    params, X = check_deep_predict_inputs(params, X, spec)
    device = resolve_device(device)
    with precision(X.dtype):
        return to_numpy(_proba(params_to_device(params, device), to_device(X, device), spec))


def predict(params: dict, X, spec: ModelSpec, device: str = "cpu") -> np.ndarray:
    """X: (n_x, m) -> labels in Y's layout, (n[L], m) in X's dtype: 0/1 where A[L] > 0.5 for
    sigmoid, one-hot columns at the arg-max for softmax, ŷ itself for linear."""
    AL = predict_proba(params, X, spec, device)
    return labels_from_proba(AL, spec.output)
