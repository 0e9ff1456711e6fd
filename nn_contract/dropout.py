"""Inverted dropout's masks, drawn once in NumPy and handed to every backend as data.

Every backend drops the same units because none draws its own: ``train`` takes the masks of
each update step from ``dropout_masks``, and ``cost_and_grads`` takes them explicitly. A mask
``D[l]: (n[l], m)`` of 0/1 applies to the hidden activation A[l], l = 1..L-1 (never to X or
to the output): ``A[l] = A[l] ⊙ D[l] / keep_prob[l]``, and ``dA[l] = dA[l] ⊙ D[l] / keep_prob[l]``
on the way back.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from numbers import Real

import numpy as np

from .batches import batch_bounds, check_epoch_seeds
from .checks import check_batch_size, check_count, check_dtype, check_seed, check_spec

__all__ = ["dropout_masks", "check_keep_prob", "check_masks", "uses_dropout"]


def check_keep_prob(keep_prob, spec) -> tuple[float, ...]:
    """keep_prob: one value, or one per hidden layer (L-1 of them), each in (0, 1] ->
    a tuple of L-1 floats, one per hidden layer. A network with no hidden layer takes only 1."""
    hidden = spec.num_layers - 1
    values = (keep_prob,) * max(hidden, 1) if isinstance(keep_prob, Real) else keep_prob
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise TypeError(f"keep_prob must be a number or a sequence of {hidden} numbers (one per hidden layer), "
                        f"got {keep_prob!r}")
    try:
        values = tuple(values)
    except TypeError:  # a 0-d array, say
        raise TypeError(f"keep_prob must be a number or a sequence of {hidden} numbers, got {keep_prob!r}") from None
    for value in values:
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(f"keep_prob must hold real numbers, got {value!r}")
        if not (math.isfinite(value) and 0 < value <= 1):
            raise ValueError(f"keep_prob must be in (0, 1], got {value!r}")
    if hidden == 0:
        if any(value < 1 for value in values):
            raise ValueError("keep_prob < 1 asks for dropout, but the network has no hidden layer to drop")
        return ()
    if len(values) != hidden:
        raise ValueError(f"keep_prob must be one value or {hidden} (one per hidden layer), got {len(values)}")
    return tuple(float(value) for value in values)


def uses_dropout(keep_prob: tuple[float, ...]) -> bool:
    """Whether a checked keep_prob drops anything (any layer's below 1)."""
    return any(value < 1 for value in keep_prob)


def check_masks(masks, spec, m: int, keep_prob: tuple[float, ...], dtype) -> dict[str, np.ndarray] | None:
    """masks for one step with a checked ``keep_prob`` -> {"D1": (n[1], m), ...} in ``dtype``, copied.

    Required (``{"D1", ..., "D{L-1}"}``, 0/1, each ``(n[l], m)``) when any keep_prob is below 1;
    a layer whose keep_prob is 1 must have a mask of ones. Without dropout, ``masks`` may be
    None (returned as None) or such all-ones masks.
    """
    if masks is None:
        if uses_dropout(keep_prob):
            raise ValueError("masks are required when keep_prob < 1: pass the 0/1 masks "
                             "{'D1': (n[1], m), ...} from nn_contract.dropout.dropout_masks")
        return None
    if not isinstance(masks, dict):
        raise TypeError(f"masks must be a dict {{'D1': (n[1], m), ...}} of 0/1 arrays, got {type(masks).__name__}")
    expected = [f"D{l}" for l in range(1, spec.num_layers)]
    missing = [k for k in expected if k not in masks]
    extra = [k for k in masks if k not in expected]
    if missing or extra:
        raise ValueError(f"masks must have keys {expected} (one per hidden layer); missing {missing}, unexpected {extra}")
    checked = {}
    for l, key in enumerate(expected, start=1):
        value = masks[key]
        if isinstance(value, (str, bytes, dict)) or value is None:
            raise TypeError(f"masks[{key!r}] must be an array of 0/1, got {type(value).__name__}")
        arr = np.asarray(value)
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"masks[{key!r}] must hold 0/1 numbers, got dtype {arr.dtype}")
        shape = (spec.layer_dims[l], m)
        if arr.shape != shape:
            raise ValueError(f"masks[{key!r}] must have shape (n[{l}], m) = {shape}; got {arr.shape}")
        if not np.isin(arr, (0, 1)).all():
            raise ValueError(f"masks[{key!r}] must hold only 0 and 1")
        if keep_prob[l - 1] == 1 and not (arr == 1).all():
            raise ValueError(f"masks[{key!r}] drops units, but keep_prob for hidden layer {l} is 1")
        checked[key] = arr.astype(dtype)
    return checked


def dropout_masks(spec, keep_prob, m: int, num_epochs: int, batch_size: int | None, seed: int,
                  dtype=np.float64) -> Iterator[dict[str, np.ndarray]]:
    """The masks of every update step of ``train``, in order: one dict {"D1": (n[1], m_t), ...,
    "D{L-1}"} of 0/1 in ``dtype`` per step, m_t the examples in that step.

    ``keep_prob``: one value or one per hidden layer, as ``train`` takes it; ``batch_size``
    as ``train`` takes it (None: the full batch of m).

    The draw, which any implementation can repeat: epoch e (from 0) draws from its own
    ``rng = np.random.RandomState(seed + e)``, the stream that also chose the epoch's order.
    With mini-batches (batch_size < m) that order is drawn first, ``rng.permutation(m)``;
    then for each step of the epoch, for l = 1..L-1 in turn,
    ``D[l] = (rng.rand(n[l], m_t) < keep_prob[l]).astype(dtype)``, as the course draws them.
    A layer with keep_prob 1 draws too and gets all ones (``rand`` < 1 always). A generator:
    epochs are drawn as they are consumed, so a long run never holds all its masks at once.
    """
    spec = check_spec(spec)
    keep_prob = check_keep_prob(keep_prob, spec)
    dtype = check_dtype(dtype)
    m, num_epochs, seed = check_count(m, "m"), check_count(num_epochs, "num_epochs"), check_seed(seed)
    batch_size = check_batch_size(batch_size, m)
    check_epoch_seeds(seed, num_epochs)
    return _draw(spec.layer_dims[1:-1], keep_prob, m, num_epochs, batch_size, seed, dtype)


def _draw(hidden, keep_prob, m, num_epochs, batch_size, seed, dtype):
    bounds = batch_bounds(m, batch_size)
    for epoch in range(num_epochs):
        rng = np.random.RandomState(seed + epoch)
        if batch_size < m:
            rng.permutation(m)  # the epoch's order (batches.epoch_permutation), drawn first
        for start, stop in bounds:
            yield {
                f"D{l}": (rng.rand(n, stop - start) < keep).astype(dtype)
                for l, (n, keep) in enumerate(zip(hidden, keep_prob), start=1)
            }
