"""The backend protocol: what a package declares so that nn-parity can check and time it.

A backend is any importable package with ``logistic`` and/or ``deep`` modules honouring the
public API of CONTRACT.md (``cost_and_grads``, ``train``, ``predict_proba``, ``predict``).
That alone makes it checkable: whatever it does not declare, the harness finds out by
probing, and what it lacks is skipped with the reason and counted.

A package may add a module ``backend`` (``mypackage/backend.py``) that declares, with plain
Python values and functions, so that it needs nothing from nn-parity to be imported:

``NAME``, ``LABEL``
    The backend's short name (``"torch"``) and its label in reports (``"PyTorch (autograd)"``).
``REQUIRES``
    The modules it needs (``("torch",)``) and ``EXTRA``, the pip extra that installs them.
``CAPABILITIES``
    A dict with any of the keys of ``CAPABILITY_KEYS``; each value a tuple of names
    (``{"models": ("deep",), "dtypes": ("float64",), "training": ("optimizer", "lambd")}``;
    ``"training"`` names ``TRAINING_OPTIONS``, ``"batch_size"`` for mini-batches: a backend
    that declares ``"training"`` without it is checked on full batches only). A key left out
    is probed (a ``NotImplementedError``, ``ValueError`` or ``TypeError`` on a tiny call is a
    refusal, skipped with its message). ``"world_size"`` in ``"training"``: ``deep.train(..., *,
    world_size=k)`` trains data parallel as CONTRACT.md's "Data parallel" defines it (every
    mini-batch in k contiguous shards, ``nn_contract.shards``; shard sums of gradients added
    and divided by the step's m_t), equal to one device; undeclared, a backend whose
    ``deep.train`` takes no ``world_size`` keyword lacks it.
``DP_WORKERS``
    ``"processes"`` where ``train(..., world_size=k)`` runs its k workers as processes of their
    own (each sized by ``OMP_NUM_THREADS``, as the report's timing sets it to share the cores),
    ``"one process"`` where they are k devices or shards of the calling process, sharing its
    threads. Read by the report's data-parallel timing only; undeclared, ``"processes"``.
``devices() -> dict[str, str | None]``
    Each device name (``"cpu"``, ``"cuda"``) -> None where it can run here, else why not.
``set_threads(n: int) -> str``
    Limit the framework to ``n`` CPU threads; returns what was done, in words.
``prepare(model, params, X, Y, spec, *, device, learning_rate) -> NativeStep``
    The framework's native step on data already placed on ``device``, for timing (below).
``environment() -> dict``
    Versions and devices, in JSON-able values, for the report's ``environment.json``.
``conventions() -> dict[str, str]``
    Each optimizer name (``"GD"``, ``"Momentum"``, ``"RMSprop"``, ``"Adam"``) and ``"L2"`` -> the
    formula the framework uses by default, in one line.
``train_with_framework_defaults(params, X, Y, spec, optimizer, *, learning_rate, num_epochs, batch_size, seed, lambd, device)``
    ``deep.train`` with the framework's own optimizer defaults instead of the course's
    formulas: how far a user's port drifts when it calls the framework as documented.
``train_with_distributed_defaults(params, X, Y, spec, *, world_size, learning_rate, num_epochs, batch_size, seed, device) -> (params, costs)``
    Data-parallel gradient descent on ``world_size`` workers as a user of the framework
    writes it (torch: DDP's mean of the ranks' gradients, each rank's own mean, and
    ``DistributedSampler``'s order and padding), not as the contract defines it: the drift
    the report shows, never gated. Costs one per step of its own loop.
``matmul_seconds(device, dtype, n, repeats) -> float``, ``copy_seconds(device, dtype, nbytes, repeats) -> float``
    The best time of an ``(n, n) @ (n, n)`` product and of an ``nbytes`` copy in this
    framework, synchronised: the harness takes the best over backends as the machine's limit.

Everything framework-specific (conversions, devices, precision, synchronisation) stays
inside the backend; the harness and the reports speak to it only through these names.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CAPABILITY_KEYS", "TRAINING_OPTIONS", "DP_WORKER_KINDS", "NativeStep"]

# What a backend can declare it supports; the values are the contract's names.
CAPABILITY_KEYS = ("models", "activations", "outputs", "losses", "dtypes", "devices", "training", "optimizers")
# The keyword options of ``deep.train`` a backend may declare in ``CAPABILITIES["training"]``:
# mini-batches (``batch_size`` below m) and the others beyond course 1 (CONTRACT.md, "Training
# methods"), and ``world_size`` (CONTRACT.md, "Data parallel").
TRAINING_OPTIONS = ("batch_size", "optimizer", "lambd", "keep_prob", "decay_rate", "world_size")
# The values of ``DP_WORKERS``: how a backend's data-parallel workers share the machine's threads.
DP_WORKER_KINDS = ("processes", "one process")


@dataclass
class NativeStep:
    """A backend's native computations on device-resident data, as timing calls them.

    forward(): the forward pass and cost. step(): forward + backward + update, in place or
    on the backend's own state; returns the cost (or any output to synchronise on).
    products(): the step's matrix products alone (``W[l] A[l-1]``, ``dZ[l] A[l-1]ᵀ`` and
    ``W[l]ᵀ dZ[l]`` for l > 1, in the backend's own orientation), on arrays of the step's
    shapes and dtype: the framework floor. None where the backend offers no such probe.
    sync(out): wait until ``out`` (and the backend's state) is computed; returns ``out``.
    context: entered around every timed call (precision settings, for example).
    """

    forward: Callable[[], Any]
    step: Callable[[], Any]
    sync: Callable[[Any], Any] = field(default=lambda out: out)
    products: Callable[[], Any] | None = None
    context: Any = field(default_factory=contextlib.nullcontext)
