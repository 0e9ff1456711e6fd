"""Defect: ``train(..., world_size=k)`` averages the k shards' mean gradients (and costs), as
DistributedDataParallel does with each rank's own mean loss, instead of summing the shards'
gradients and dividing by the step's global batch size.

Right when every shard has the same size; wrong as soon as one differs (m = 209 in batches of
64 over 2 workers: the last batch of 17 splits 9/8, so step 4 of every epoch is off; over 3
workers, 22/21/21 from step 1). With ``world_size=1`` it is the reference.
"""

from __future__ import annotations

import numpy as np

from nn_contract.batches import batch_bounds, epoch_permutation
from nn_contract.checks import check_deep_inputs, check_train_args
from nn_contract.dropout import dropout_masks
from nn_contract.shards import check_world_size, shard_bounds
from reference_numpy import deep as _ref
from reference_numpy.deep import cost_and_grads, predict, predict_proba
from reference_numpy.optim import GD, check_training_methods, init_state, schedule_lr_decay, update_parameters_with

__all__ = ["cost_and_grads", "train", "predict_proba", "predict"]


def _mean_of_shard_means(params, X_t, Y_t, spec, D, methods, world_size):
    """(J, grads) of one step as each worker's own mean, averaged over the workers with data."""
    results = []
    for start, stop in shard_bounds(X_t.shape[1], world_size):
        if stop == start:
            continue
        masks = {key: value[:, start:stop] for key, value in D.items()} if D is not None else None
        results.append(cost_and_grads(params, X_t[:, start:stop], Y_t[:, start:stop], spec, lambd=methods.lambd,
                                      keep_prob=methods.keep_prob, masks=masks))
    cost = float(np.mean([c for c, _ in results]))  # the defect, in the cost DDP's user would record
    grads = {key: sum(g[key] for _, g in results) / len(results) for key in results[0][1]}  # and in the update
    return cost, grads


def train(params, X, Y, spec, learning_rate=0.0075, num_epochs=2500, batch_size=None, seed=0, *, optimizer=GD(),
          lambd=0.0, keep_prob=1.0, decay_rate=0.0, time_interval=1, world_size=1):
    """The reference's training loop, every step's gradient the mean of its shards' means."""
    world_size = check_world_size(world_size)
    if world_size == 1:
        return _ref.train(params, X, Y, spec, learning_rate, num_epochs, batch_size, seed, optimizer=optimizer,
                          lambd=lambd, keep_prob=keep_prob, decay_rate=decay_rate, time_interval=time_interval)
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    learning_rate, num_epochs, batch_size, seed = check_train_args(learning_rate, num_epochs, batch_size, seed, X)
    m = X.shape[1]
    methods = check_training_methods(optimizer, lambd, keep_prob, decay_rate, time_interval, spec,
                                     seed=seed, num_epochs=num_epochs, batch_size=batch_size, m=m)
    masks = dropout_masks(spec, methods.keep_prob, m, num_epochs, batch_size, seed, X.dtype) if methods.dropout else None
    state = init_state(methods.optimizer, params)
    costs = []
    for epoch in range(num_epochs):
        lr = schedule_lr_decay(learning_rate, epoch, methods.decay_rate, methods.time_interval)
        order = np.arange(m) if batch_size == m else epoch_permutation(m, seed=seed, epoch=epoch)
        for start, stop in batch_bounds(m, batch_size):
            idx = order[start:stop]
            D = next(masks) if masks is not None else None
            cost, grads = _mean_of_shard_means(params, X[:, idx], Y[:, idx], spec, D, methods, world_size)
            params, state = update_parameters_with(methods.optimizer, params, grads, state, lr)
            costs.append(cost)
    return params, costs
