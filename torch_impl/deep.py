"""The L-layer network as a torch module: a stack of ``nn.Linear``, gradients by autograd.

``Z[l] = W[l] A[l-1] + b[l]``, ``A[l] = g[l](Z[l])``. Inside, examples are rows, as torch
users expect: ``nn.Linear`` computes ``A[l-1] W[l]ᵀ + b[l]``, so its ``weight`` is W[l]
itself, ``(n[l], n[l-1])``, its gradient is dW[l] as it stands, and its ``bias`` is b[l]
flattened. The public functions take and return the notes' layout (columns are examples)
and convert once, through ``convert``. The native form is the module: ``from_params`` /
``to_params``, ``forward`` (the logits), ``cost`` and the in-place ``gd_step_`` (the native
step timing measures); the reference's building blocks have no namesakes here, since their
contracts (columns, caches, floats) are not torch's.

Course 2's methods: ``train`` steps a ``torch.optim`` optimizer configured to the course's
formulas (``optim``: the mappings, L2 as weight decay on the weights' group, the decay as a
``LambdaLR``); dropout multiplies the hidden activations by the masks the reference draws
(``nn_contract.dropout``), not by ``nn.Dropout``'s own, so that every backend drops the
same units.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from nn_contract.batches import batch_bounds, epoch_permutations
from nn_contract.dropout import check_masks, dropout_masks
from nn_contract.checks import (
    check_deep_inputs,
    check_deep_params,
    check_deep_predict_inputs,
    check_dtype,
    check_spec,
    check_train_args,
)
from nn_contract.labels import labels_from_proba
from nn_contract.optim import GD, check_training_methods
from nn_contract.shards import check_world_size
from nn_contract.spec import ModelSpec

from .activations import ACTIVATIONS
from .convert import grads_to_numpy, params_to_numpy, params_to_tensors, precision, resolve_device, to_float, to_float_list, to_numpy, to_tensor, torch_dtype
from .losses import cost_from_logits
from .optim import course_optimizer, decay_scheduler, default_optimizer, l2_term, set_l2
from .parallel import launch

__all__ = ["DeepNetwork", "cost_and_grads", "train", "train_jobs", "train_with_framework_defaults",
           "train_with_distributed_defaults", "predict_proba", "predict"]


class DeepNetwork(nn.Module):
    """The network of ``spec``: ``layers[l-1]`` is layer l, with weight W[l] and bias b[l].

    ``DeepNetwork(spec)`` starts from torch's default initialisation; for parity, start
    from the contract's parameters with ``DeepNetwork.from_params(params, spec)``.
    """

    def __init__(self, spec: ModelSpec, *, dtype: torch.dtype = torch.float64, device=None):
        super().__init__()
        self.spec = check_spec(spec)
        dims = spec.layer_dims
        self.layers = nn.ModuleList(
            nn.Linear(dims[l - 1], dims[l], dtype=dtype, device=device) for l in range(1, len(dims))
        )

    @classmethod
    def from_params(cls, params: dict, spec: ModelSpec, device: str = "cpu") -> DeepNetwork:
        """params ``{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}`` -> the module on ``device``,
        in the params' dtype. The module holds copies: training it leaves ``params`` alone."""
        spec = check_spec(spec)
        W1 = params.get("W1") if isinstance(params, dict) else None
        dtype = check_dtype(getattr(W1, "dtype", np.float64), "params['W1'].dtype")
        return cls._from_checked(check_deep_params(params, spec, dtype), spec, resolve_device(device))

    @classmethod
    def _from_checked(cls, params: dict, spec: ModelSpec, device: torch.device) -> DeepNetwork:
        # Built on the meta device, so torch's own initialisation neither runs nor draws
        # from the global RNG; the storage is then allocated and filled from params.
        model = cls(spec, dtype=torch_dtype(params["W1"].dtype), device="meta").to_empty(device=device)
        tensors = params_to_tensors(params, device)
        with torch.no_grad():
            for l, layer in enumerate(model.layers, start=1):
                layer.weight.copy_(tensors[f"W{l}"])
                layer.bias.copy_(tensors[f"b{l}"].reshape(-1))
        return model

    def contract_layout(self, tensors: Sequence[torch.Tensor]) -> dict[str, torch.Tensor]:
        """[weight of layer 1, bias of layer 1, ...] (the parameters, or their gradients)
        -> ``{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}``."""
        tensors = list(tensors)
        layout: dict[str, torch.Tensor] = {}
        for l in range(1, len(self.layers) + 1):
            layout[f"W{l}"] = tensors[2 * l - 2]
            layout[f"b{l}"] = tensors[2 * l - 1].reshape(-1, 1)
        return layout

    def to_params(self) -> dict[str, np.ndarray]:
        """The contract's params ``{"W1", "b1", ...}`` as new NumPy arrays."""
        return params_to_numpy(self.contract_layout(self.parameters()))

    def weights(self) -> list[nn.Parameter]:
        """[W[1], ..., W[L]]: the parameters L2 applies to (never the biases)."""
        return [layer.weight for layer in self.layers]

    def biases(self) -> list[nn.Parameter]:
        """[b[1], ..., b[L]], each (n[l],)."""
        return [layer.bias for layer in self.layers]

    def forward(self, A0: torch.Tensor, masks: dict | None = None, keep_prob: tuple[float, ...] = ()) -> torch.Tensor:
        """A[0]: (m, n_x), one row per example -> Z[L]: (m, n[L]), the logits.

        The output activation is left out: the losses work from the logits, and
        ``predict_proba`` applies it. ``masks`` {"D1": (m, n[1]), ...} of 0/1 (rows are
        examples, as A0) and ``keep_prob`` (one per hidden layer): inverted dropout,
        A[l] = A[l] ⊙ D[l] / keep_prob[l] on every hidden layer; autograd carries the same
        mask and scale back.
        """
        A = A0
        hidden = self.spec.activations[:-1]
        for l, activation in enumerate(hidden):
            A = ACTIVATIONS[activation](_linear(self.layers[l], A), self.spec.leaky_slope)
            if masks is not None:
                A = A * masks[f"D{l + 1}"] / keep_prob[l]
        return _linear(self.layers[-1], A)

    def cost(self, A0: torch.Tensor, Y: torch.Tensor, masks: dict | None = None, keep_prob: tuple[float, ...] = (),
             lambd: float = 0.0) -> torch.Tensor:
        """A[0]: (m, n_x), Y: (n[L], m) -> J, a 0-dim tensor in the graph; with the L2 term
        (λ/2m) Σ ‖W[l]‖² when ``lambd`` > 0, and dropout as in ``forward``."""
        # Z[L]ᵀ is a view: the loss sees the notes' (n[L], m) without a copy.
        cost = cost_from_logits(self(A0, masks, keep_prob).T, Y, self.spec.loss)
        if lambd > 0:
            cost = cost + l2_term(self.weights(), lambd, Y.shape[1])
        return cost

    def gd_step_(self, A0: torch.Tensor, Y: torch.Tensor, learning_rate: float) -> torch.Tensor:
        """One gradient-descent step on the batch (A[0]: (m, n_x) rows, Y: (n[L], m)), in place
        (torch's trailing ``_``); returns this step's cost before the update, a 0-dim tensor on
        the device (no host sync). The native step timing measures."""
        cost, grads = _cost_and_grad_tensors(self, A0, Y)
        with torch.no_grad():
            for param, grad in zip(self.parameters(), grads):
                param.sub_(grad, alpha=learning_rate)  # W[l] -= α dW[l], b[l] -= α db[l]
        return cost.detach()


def _linear(layer: nn.Linear, A: torch.Tensor) -> torch.Tensor:
    """``layer(A)``, A: (m, n[l-1]) -> A W[l]ᵀ + b[l], computed as (W[l] Aᵀ)ᵀ + b[l].

    The same products and the same autograd graph's shape (dW[l] = dZᵀ A), but BLAS is
    handed the notes' orientation W[l] A[l-1]: MKL runs the wide-and-short W[1] (20 x 12288)
    times Aᵀ markedly faster than A W[1]ᵀ (on the notes' L-layer net, about 2 ms against
    3.3 ms for the product over the inputs, on an AVX-512 EPYC). Zᵀ is a view, no copy.
    ``addmm`` adds b[l] inside the product's kernel (BLAS's β C term) instead of a second
    pass over Z[l].
    """
    return torch.addmm(layer.bias[:, None], layer.weight, A.T).T


def _cost_and_grad_tensors(model: DeepNetwork, A0: torch.Tensor, Y: torch.Tensor):
    """J and (dJ/dW[1], dJ/db[1], ...) as tensors; A[0] needs no grad, so no dA[0] is made."""
    cost = model.cost(A0, Y)
    return cost, torch.autograd.grad(cost, tuple(model.parameters()))


def _masks_to_rows(masks: dict, device: torch.device) -> dict[str, torch.Tensor]:
    """{"D1": (n[1], m), ...} (the contract's columns) -> {"D1": (m, n[1]), ...} tensors."""
    return {key: to_tensor(D.T, device) for key, D in masks.items()}


def cost_and_grads(params: dict, X, Y, spec: ModelSpec, device: str = "cpu", *, lambd: float = 0.0,
                   keep_prob=1.0, masks: dict | None = None):
    """X: (n_x, m), Y: (n[L], m), params {"W1", "b1", ...} -> (J, grads {"dW1", "db1", ...}).

    ``lambd`` > 0: J += (λ/2m) Σ ‖W[l]‖² (autograd gives dW[l] += (λ/m) W[l]). ``keep_prob`` < 1
    needs ``masks`` {"D1": (n[1], m), ...} of 0/1: inverted dropout on A[1] ... A[L-1].
    """
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    methods = check_training_methods(GD(), lambd, keep_prob, spec=spec)
    masks = check_masks(masks, spec, X.shape[1], methods.keep_prob, X.dtype)
    device = resolve_device(device)
    with precision(X.dtype):
        model = DeepNetwork._from_checked(params, spec, device)
        D = _masks_to_rows(masks, device) if methods.dropout else None
        cost = model.cost(to_tensor(X.T, device), to_tensor(Y, device), D, methods.keep_prob, methods.lambd)
        grads = torch.autograd.grad(cost, tuple(model.parameters()))
        return to_float(cost), grads_to_numpy(model.contract_layout(grads))


def _update(model: DeepNetwork, torch_optimizer, data_cost: torch.Tensor, lambd: float, m: int):
    """One update by ``torch_optimizer`` from the data cost of the step's m examples (in the
    graph) -> (the data cost detached, the L2 term (λ/2m) Σ‖W[l]‖² or None): the step's
    cost before the update, 0-dim tensors, no sync. Shared by the single-device loop and
    the data-parallel workers (``parallel.workers``), where ``backward`` all-reduces.

    L2's gradient is the optimizer's weight decay (``optim.set_l2``) with the step's global
    m, so autograd sees only the data cost; the L2 term joins the recorded cost outside the
    graph.
    """
    torch_optimizer.zero_grad()
    data_cost.backward()
    l2 = None
    if lambd > 0:
        set_l2(torch_optimizer, lambd, m)
        with torch.no_grad():
            l2 = l2_term(model.weights(), lambd, m)
    torch_optimizer.step()
    return data_cost.detach(), l2


def _batches(X, Y, spec, learning_rate_scheduler, num_epochs, batch_size, seed, methods, device):
    """The update steps of training, in order -> (A[0]_t: (m_t, n_x) rows, Y_t: (n[L], m_t),
    masks {"D1": (m_t, n[1]), ...} or None) per step; the scheduler steps after each epoch.

    Data and batch orders move to the device once; the loop never syncs with the host
    (dropout's masks go once per epoch).
    """
    m = X.shape[1]
    A0, Y = to_tensor(X.T, device), to_tensor(Y, device)
    full = batch_size == m
    orders = None if full else to_tensor(epoch_permutations(m, seed=seed, num_epochs=num_epochs), device)
    bounds = batch_bounds(m, batch_size)
    masks = dropout_masks(spec, methods.keep_prob, m, num_epochs, batch_size, seed, X.dtype) if methods.dropout else None
    for epoch in range(num_epochs):
        epoch_masks = None
        if masks is not None:
            # The epoch's steps side by side are one (n[l], m) mask per layer, in step order.
            steps = [next(masks) for _ in bounds]
            epoch_masks = _masks_to_rows({k: np.concatenate([D[k] for D in steps], axis=1) for k in steps[0]}, device)
        for start, stop in bounds:
            if full:
                A0_t, Y_t = A0, Y
            else:
                idx = orders[epoch, start:stop]
                A0_t, Y_t = A0.index_select(0, idx), Y.index_select(1, idx)
            yield A0_t, Y_t, None if epoch_masks is None else {k: v[start:stop] for k, v in epoch_masks.items()}
        learning_rate_scheduler.step()


def _train_checked(params, X, Y, spec, learning_rate, num_epochs, batch_size, seed, methods, device, configure):
    """``train`` on checked arguments, with the optimizer ``configure(optimizer, weights,
    biases, learning_rate)`` builds (``optim.course_optimizer`` or ``optim.default_optimizer``)."""
    device = resolve_device(device)
    with precision(X.dtype):
        model = DeepNetwork._from_checked(params, spec, device)
        torch_optimizer = configure(methods.optimizer, model.weights(), model.biases(), learning_rate)
        scheduler = decay_scheduler(torch_optimizer, methods.decay_rate, methods.time_interval)
        costs = []
        for A0_t, Y_t, D in _batches(X, Y, spec, scheduler, num_epochs, batch_size, seed, methods, device):
            data, l2 = _update(model, torch_optimizer, model.cost(A0_t, Y_t, D, methods.keep_prob), methods.lambd,
                               Y_t.shape[1])
            costs.append(data if l2 is None else data + l2)
        return model.to_params(), to_float_list(torch.stack(costs))


def _checked_train(params, X, Y, spec, learning_rate, num_epochs, batch_size, seed, optimizer, lambd, keep_prob,
                   decay_rate, time_interval):
    """``train``'s arguments checked -> (params, X, Y, learning_rate, num_epochs, batch_size,
    seed, methods), before any work."""
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    learning_rate, num_epochs, batch_size, seed = check_train_args(
        learning_rate, num_epochs, batch_size, seed, X
    )
    methods = check_training_methods(optimizer, lambd, keep_prob, decay_rate, time_interval, spec,
                                     seed=seed, num_epochs=num_epochs, batch_size=batch_size, m=X.shape[1])
    return params, X, Y, learning_rate, num_epochs, batch_size, seed, methods


def train(params: dict, X, Y, spec: ModelSpec, learning_rate: float = 0.0075, num_epochs: int = 2500,
          batch_size: int | None = None, seed: int = 0, device: str = "cpu", *, optimizer=GD(), lambd: float = 0.0,
          keep_prob=1.0, decay_rate: float = 0.0, time_interval: int = 1, world_size: int = 1):
    """Full batch (``batch_size=None``), mini-batch, or stochastic (1) training by ``optimizer``.

    X: (n_x, m), Y: (n[L], m). Epoch e takes the examples in the order
    ``RandomState(seed + e).permutation(m)`` (a full batch keeps the given order); the last,
    smaller batch of an epoch is kept. The options are the contract's (CONTRACT.md,
    "Training methods"): ``optimizer`` (``nn_contract.optim``), ``lambd``, ``keep_prob`` (masks from
    ``nn_contract.dropout.dropout_masks``), ``decay_rate``/``time_interval``; torch runs
    them with ``torch.optim`` as ``optim`` maps them. Returns (params, costs): new arrays,
    and one cost per update step, that step's forward-pass cost (with the L2 term) before
    its update.

    ``world_size`` k > 1: data parallel (CONTRACT.md, "Data parallel"), k worker processes
    over ``torch.distributed`` (gloo on the CPU, NCCL on CUDA where each rank has a GPU),
    the module wrapped in ``DistributedDataParallel`` (``parallel``; one job of
    ``train_jobs``). Every step's mini-batch is split into k contiguous shards
    (``nn_contract.shards.shard_bounds``); rank r's loss is its shard's loss *sum* over the
    global m_t and a communication hook sums the gradients (``parallel.sum_hook``), so each
    update is the single-device one, uneven or empty shards included. k = 1 is the
    single-device loop, bit for bit. A worker that fails or passes the time limit
    (``NN_PARITY_DP_TIMEOUT``, 120 s) ends the run with a RuntimeError naming its rank.
    """
    world_size = check_world_size(world_size)
    checked = _checked_train(params, X, Y, spec, learning_rate, num_epochs, batch_size, seed, optimizer, lambd,
                             keep_prob, decay_rate, time_interval)
    if world_size > 1:
        return _launch_checked([_job("course", spec, device, *checked)], world_size)[0]
    return _train_checked(*checked[:3], spec, *checked[3:], device, course_optimizer)


def train_jobs(jobs: Sequence[dict], *, world_size: int, device: str = "cpu", timeout: float | None = None):
    """Several ``train`` runs in one data-parallel launch -> [(params, costs), ...].

    jobs: dicts of ``train``'s arguments (``params``, ``X``, ``Y``, ``spec`` and any of its
    options but ``device``), each checked as ``train`` checks it before any worker starts;
    each job ``train(**job, world_size=world_size)``. Starting k processes (each importing
    torch) costs seconds, so many configurations share one process group. ``world_size`` 1
    runs a one-rank group (DDP's path, against the single-device loop). ``timeout``: the
    run's limit in seconds (default ``NN_PARITY_DP_TIMEOUT``, else 120). A job with
    ``"ddp_mean": True`` trains the same shards with DDP's default instead: each rank's loss
    its own shard's mean, the gradients averaged over the ranks (the mean of shard means,
    not the course's step when the shards differ in size), to show that drift.
    """
    world_size = check_world_size(world_size)
    return _launch_checked(_checked_jobs(jobs, device), world_size, timeout)


def _checked_jobs(jobs, device) -> list[dict]:
    """``train_jobs``' jobs, each checked as ``train`` checks its arguments -> ``_job`` dicts."""
    if isinstance(jobs, (str, bytes, dict)) or not isinstance(jobs, Sequence) or not jobs:
        raise TypeError(f"jobs must be a non-empty list of dicts of train's arguments, got {type(jobs).__name__}")
    packed = []
    for i, job in enumerate(jobs):
        if not isinstance(job, dict):
            raise TypeError(f"jobs[{i}] must be a dict of train's arguments, got {type(job).__name__}")
        job = dict(job)
        mode = "mean_of_means" if job.pop("ddp_mean", False) else "course"
        try:
            params, X, Y, spec = (job.pop(key) for key in ("params", "X", "Y", "spec"))
        except KeyError as exc:
            raise ValueError(f"jobs[{i}] lacks {exc.args[0]!r}: each job needs params, X, Y and spec") from None
        options = {**_TRAIN_DEFAULTS, **job}
        unknown = sorted(set(options) - set(_TRAIN_DEFAULTS))
        if unknown:
            raise TypeError(f"jobs[{i}] has unknown train options {unknown} (device and world_size are train_jobs')")
        checked = _checked_train(params, X, Y, spec, *(options[key] for key in _TRAIN_DEFAULTS))
        packed.append(_job(mode, spec, device, *checked))
    return packed


_TRAIN_DEFAULTS = {"learning_rate": 0.0075, "num_epochs": 2500, "batch_size": None, "seed": 0, "optimizer": GD(),
                   "lambd": 0.0, "keep_prob": 1.0, "decay_rate": 0.0, "time_interval": 1}


def _job(mode, spec, device, params, X, Y, learning_rate, num_epochs, batch_size, seed, methods) -> dict:
    """One checked configuration, as ``parallel.launch`` carries it to the workers: mode
    "course" (the contract's step), "mean_of_means" (DDP's averaging of each rank's own
    shard mean) or "distributed_defaults" (``train_with_distributed_defaults``)."""
    return {"mode": mode, "params": params, "X": X, "Y": Y, "spec": spec, "learning_rate": learning_rate,
            "num_epochs": num_epochs, "batch_size": batch_size, "seed": seed, "methods": methods,
            "device": str(resolve_device(device))}


def _launch_checked(jobs: list[dict], world_size: int, timeout: float | None = None):
    return [(result["params"], [float(c) for c in result["costs"]])
            for result in launch(jobs, world_size, timeout=timeout)]


def train_with_framework_defaults(params: dict, X, Y, spec, optimizer, *, learning_rate: float, num_epochs: int,
                                  batch_size: int | None = None, seed: int = 0, lambd: float = 0.0,
                                  device: str = "cpu"):
    """``train`` with torch's optimizers as a user would call them (``optim.default_optimizer``),
    not mapped to the course: ``SGD(lr, momentum=β)`` undamped, ``RMSprop(alpha=β, eps=ε)``,
    ``Adam``, and ``weight_decay=λ/m`` on every parameter, biases included. No decay, no dropout.

    X: (n_x, m), Y: (n[L], m); the same batches as ``train``. Returns (params, costs),
    each cost the step's forward cost with the course's L2 term (λ/2m) Σ‖W[l]‖², so the
    curves compare with the course's.
    """
    checked = _checked_train(params, X, Y, spec, learning_rate, num_epochs, batch_size, seed, optimizer, lambd,
                             1.0, 0.0, 1)
    return _train_checked(*checked[:3], spec, *checked[3:], device, default_optimizer)


def train_with_distributed_defaults(params: dict, X, Y, spec: ModelSpec, *, world_size: int, learning_rate: float,
                                    num_epochs: int, batch_size: int | None, seed: int = 0, device: str = "cpu"):
    """Data-parallel gradient descent as a torch user writes it, not as the course defines it.

    X: (n_x, m), Y: (n[L], m). k = ``world_size`` processes, ``DistributedDataParallel``
    with its default all-reduce (the mean of the ranks' gradients), each rank's loss the
    mean over its own examples, and the examples dealt by
    ``DistributedSampler(num_replicas=k, rank=r, shuffle=True, seed=seed, drop_last=False)``
    with ``set_epoch(e)`` every epoch: its own order (a ``torch.Generator`` seeded
    ``seed + e``, not the course's), rank r taking every k-th example, the last ranks padded
    by repeating examples so that each has ⌈m/k⌉. Each rank's ``DataLoader`` batch is
    ``max(1, batch_size // k)`` (the global batch divided among the ranks, what a user
    writes for the same global batch); ``batch_size`` None (or m): each rank's whole share
    at once. ``torch.optim.SGD(lr)``, no decay, no L2, no dropout.

    Returns (params, costs): costs one per step, the mean of the ranks' losses (the cost
    whose gradient DDP applies). It differs from ``train(..., world_size=k)`` whenever the
    shards differ in size or the sampler pads: that drift is what the report shows.
    """
    world_size = check_world_size(world_size)
    checked = _checked_train(params, X, Y, spec, learning_rate, num_epochs, batch_size, seed, GD(), 0.0, 1.0, 0.0, 1)
    return _launch_checked([_job("distributed_defaults", spec, device, *checked)], world_size)[0]


def predict_proba(params: dict, X, spec: ModelSpec, device: str = "cpu") -> np.ndarray:
    """X: (n_x, m) -> A[L]: (n[L], m): probabilities for sigmoid/softmax, ŷ for linear."""
    params, X = check_deep_predict_inputs(params, X, spec)
    device = resolve_device(device)
    with precision(X.dtype):
        model = DeepNetwork._from_checked(params, spec, device)
        with torch.no_grad():
            ZL = model(to_tensor(X.T, device)).T
            AL = ACTIVATIONS[spec.output](ZL, spec.leaky_slope)
        return to_numpy(AL)


def predict(params: dict, X, spec: ModelSpec, device: str = "cpu") -> np.ndarray:
    """X: (n_x, m) -> labels in Y's layout, (n[L], m) in X's dtype: 0/1 where A[L] > 0.5 for
    sigmoid, one-hot columns at the arg-max for softmax, ŷ itself for linear."""
    AL = predict_proba(params, X, spec, device)
    return labels_from_proba(AL, spec.output)
