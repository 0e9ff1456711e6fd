"""What each data-parallel worker runs: ``deep``'s training loop on its shards, under DDP.

``run_jobs(jobs, rank, world_size, device)`` trains every job of a launch in the process
group already joined (``parallel.join_process_group``), one ``DistributedDataParallel``
module per job, and returns rank 0's results. The modes (``deep._job``):

``course``
    The contract's step: the global mini-batch (``deep._batches``: the course's order,
    decay, the global dropout masks), rank r's contiguous shard (``shard_bounds``), its
    loss *sum* over m_t, gradients summed by ``parallel.sum_hook``, then ``deep._update``
    (the course's optimizer, L2 with m_t) exactly as the single-device loop steps.
``mean_of_means``
    The same shards with DDP's default: each rank's own mean, gradients averaged.
``distributed_defaults``
    ``deep.train_with_distributed_defaults``: ``DistributedSampler`` and DDP's default.

Costs are kept on the device per step and all-reduced once per job, at its end.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler

from nn_contract.shards import shard_bounds

from ..convert import precision, to_float_list, to_tensor
from ..deep import DeepNetwork, _batches, _update
from ..losses import LOSSES, cost_from_logits
from ..optim import course_optimizer, decay_scheduler, default_optimizer
from . import rank_device, sum_hook

__all__ = ["run_jobs"]


def _wrap(model: DeepNetwork, device: torch.device) -> DistributedDataParallel:
    ids = [device.index] if device.type == "cuda" else None
    return DistributedDataParallel(model, device_ids=ids)  # DeepNetwork has no buffers to broadcast


def _shard_loss(ddp, spec, A0_t, Y_t, D, keep_prob, rank, world_size, mean: bool) -> torch.Tensor:
    """Rank r's loss on its shard of the step: Σ_shard loss / m_t (the course), or the
    shard's own mean (DDP's default). An empty shard still runs forward and backward, so
    that its zero gradients join the all-reduce."""
    m_t = Y_t.shape[1]
    start, stop = shard_bounds(m_t, world_size)[rank]
    D_s = None if D is None else {k: v[start:stop] for k, v in D.items()}
    ZL = ddp(A0_t[start:stop], D_s, keep_prob).T  # (n[L], m_s)
    losses = LOSSES[spec.loss](ZL, Y_t[:, start:stop])
    if mean:
        return losses.sum() / max(stop - start, 1)
    return losses.sum() / m_t


def _course(job, rank, world_size, device, mean: bool):
    spec, methods = job["spec"], job["methods"]
    model = DeepNetwork._from_checked(job["params"], spec, device)
    ddp = _wrap(model, device)
    if not mean:
        ddp.register_comm_hook(None, sum_hook)
    torch_optimizer = course_optimizer(methods.optimizer, model.weights(), model.biases(), job["learning_rate"])
    scheduler = decay_scheduler(torch_optimizer, methods.decay_rate, methods.time_interval)
    data_costs, l2_terms = [], []
    for A0_t, Y_t, D in _batches(job["X"], job["Y"], spec, scheduler, job["num_epochs"], job["batch_size"],
                                 job["seed"], methods, device):
        loss = _shard_loss(ddp, spec, A0_t, Y_t, D, methods.keep_prob, rank, world_size, mean)
        data, l2 = _update(model, torch_optimizer, loss, methods.lambd, Y_t.shape[1])
        data_costs.append(data)
        if l2 is not None:
            l2_terms.append(l2)
    costs = torch.stack(data_costs)
    dist.all_reduce(costs)  # Σ over ranks of Σ_shard loss / m_t: the global data cost
    if mean:
        costs = costs / world_size
    if l2_terms:
        costs = costs + torch.stack(l2_terms)
    return model.to_params(), to_float_list(costs)


def _distributed_defaults(job, rank, world_size, device):
    spec = job["spec"]
    model = DeepNetwork._from_checked(job["params"], spec, device)
    ddp = _wrap(model, device)
    torch_optimizer = default_optimizer(job["methods"].optimizer, model.weights(), model.biases(),
                                        job["learning_rate"])
    X, Y = job["X"], job["Y"]
    m, batch_size = X.shape[1], job["batch_size"]
    dataset = TensorDataset(to_tensor(X.T, device), to_tensor(Y.T, device))  # rows are examples
    sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=job["seed"],
                                 drop_last=False)
    per_rank = math.ceil(m / world_size) if batch_size == m else max(1, batch_size // world_size)
    loader = DataLoader(dataset, batch_size=per_rank, sampler=sampler)
    costs = []
    for epoch in range(job["num_epochs"]):
        sampler.set_epoch(epoch)
        for A0_t, Y_rows in loader:
            loss = cost_from_logits(ddp(A0_t).T, Y_rows.T, spec.loss)  # this rank's own mean
            torch_optimizer.zero_grad()
            loss.backward()  # DDP: the mean of the ranks' gradients
            torch_optimizer.step()
            costs.append(loss.detach())
    costs = torch.stack(costs)
    dist.all_reduce(costs)
    return model.to_params(), to_float_list(costs / world_size)


def run_jobs(jobs: list[dict], rank: int, world_size: int) -> list[dict]:
    """Every job of the launch, in order, on this rank -> [{"params", "costs"}, ...]."""
    results = []
    for job in jobs:
        device = torch.device(rank_device(job["device"], rank))
        if device.type == "cuda":
            torch.cuda.set_device(device)
        with precision(job["X"].dtype):
            if job["mode"] == "distributed_defaults":
                params, costs = _distributed_defaults(job, rank, world_size, device)
            else:
                params, costs = _course(job, rank, world_size, device, mean=job["mode"] == "mean_of_means")
        results.append({"params": params, "costs": np.asarray(costs, dtype=np.float64)})
    return results
