"""Data parallel in JAX: a ``Mesh`` of k devices, the example axis sharded, XLA's SPMD
partitioner inserting the all-reduce (CONTRACT.md, "Data parallel").

Every mini-batch of m_t examples (X_t: (n_x, m_t), in the global batch order) goes to k
devices as the contract's contiguous shards (``nn_contract.shards.shard_bounds``). JAX wants
an axis divisible by the mesh, so the step's batch is laid out k·S wide, S the largest shard:
shard r's examples at columns [r·S, r·S + n_r), one block per device under
``NamedSharding(mesh, PartitionSpec(None, "data"))``, and the padding columns carry weight 0,
so the cost Σ_i w_i L_i / m_t, and its gradient, are exactly the single-device ones up to
the order of the sums (``exact_layout``). The step is jitted as the global computation (no
``shard_map``): the program is the contract's sum over every example, written once, and the
partitioner splits it, each device summing its own columns and an all-reduce adding the
partial gradients; nothing per device is written by hand that could diverge from one device.

The framework's default (``mean_layout`` and ``shard_mean_cost``) is what a JAX
user writes with ``shard_map``: each device's mean over its own shard, then ``pmean`` across
devices, on a batch padded to a multiple of k by repeating its first examples (as torch's
``DistributedSampler`` pads): the mean of the shards' means of changed data.

Host devices: on a CPU the k devices are XLA host devices, which exist only if asked for
before JAX starts (``jax_impl``'s package face asks for ``HOST_DEVICES``). ``mesh_sharding``
raises the count itself while JAX has not started; when JAX already started with fewer, the
training runs in a child process started with enough (``train_in_subprocess``).

Across machines: after ``jax.distributed.initialize(...)`` in every process, ``jax.devices()``
lists every process's devices, which is what the mesh is built from; every input is the same
NumPy array in every process and is placed replicated, and results are read from the
replicated outputs.
"""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from nn_contract.shards import shard_bounds, shard_sizes

from . import HOST_DEVICES
from .losses import LOSSES

__all__ = ["AXIS", "HOST_DEVICES", "HOST_DEVICE_FLAG", "MAX_HOST_DEVICES", "DataParallel", "exact_layout", "mean_layout",
           "weighted_cost", "shard_mean_cost", "mesh_sharding", "host_device_flags",
           "train_in_subprocess"]

AXIS = "data"
# HOST_DEVICES: the host devices jax_impl's package face asks XLA for when it is imported
# before JAX starts (a child process for a larger world_size asks for world_size).
HOST_DEVICE_FLAG = "--xla_force_host_platform_device_count"
# The most host devices a CPU mesh is given: XLA's CPU collectives wait for one thread per
# device, and past a few hundred they abort the whole process (LOG(FATAL) in its rendezvous;
# measured on 2 cores, jax 0.10: 256 devices trained, 300 aborted after 40 s).
MAX_HOST_DEVICES = 256


def exact_layout(m_t: int, world_size: int) -> tuple[np.ndarray, np.ndarray]:
    """The contract's shards of an m_t-example batch, k·S wide -> (src, weights), each (k·S,):
    column j of the laid-out batch is the batch's column src[j], with weight 1, or padding
    (weight 0, reading column 0: any finite column contributes exactly 0)."""
    S = shard_sizes(m_t, world_size)[0]
    src = np.zeros(world_size * S, dtype=np.int32)
    weights = np.zeros(world_size * S)
    for rank, (start, stop) in enumerate(shard_bounds(m_t, world_size)):
        src[rank * S: rank * S + stop - start] = np.arange(start, stop)
        weights[rank * S: rank * S + stop - start] = 1.0
    return src, weights


def mean_layout(m_t: int, world_size: int) -> np.ndarray:
    """The default user's layout -> src (k·S,): the batch followed by its first k·S - m_t
    examples again (``DistributedSampler``'s padding), S = ⌈m_t/k⌉ contiguous per device."""
    S = -(-m_t // world_size)
    return (np.arange(world_size * S) % m_t).astype(np.int32)


def weighted_cost(ZL: jax.Array, Y: jax.Array, weights: jax.Array, loss: str, m_t: int) -> jax.Array:
    """ZL, Y: (n[L], k·S), weights (1, k·S) -> J = Σ_i w_i L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾) / m_t, a 0-d array:
    the single-device cost of the m_t weighted examples."""
    return (LOSSES[loss](ZL, Y) * weights).sum() / m_t


def shard_mean_cost(cost, mesh: Mesh):
    """``cost(params, X, Y)``, a mean over X's columns -> the same signature run per device on
    its own columns, the costs averaged by ``pmean``: the mean of the shards' means, whose
    ``jax.grad`` is the mean of the shards' mean gradients (``pmap``'s idiom: each device's
    mean gradient, then ``pmean``)."""
    def local(params, X, Y):
        return jax.lax.pmean(cost(params, X, Y), AXIS)

    columns = PartitionSpec(None, AXIS)
    return jax.shard_map(local, mesh=mesh, in_specs=(PartitionSpec(), columns, columns), out_specs=PartitionSpec())


@dataclass(frozen=True)
class DataParallel:
    """The static description of a data-parallel step: its mesh and whether it is the
    contract's (``exact``) or the framework default's mean of shard means. Hashable: a
    static argument of the jitted steps, so one compiled step serves every call."""

    mesh: Mesh
    exact: bool = True

    @property
    def world_size(self) -> int:
        return self.mesh.devices.size

    @property
    def replicated(self) -> NamedSharding:
        return NamedSharding(self.mesh, PartitionSpec())

    def shard(self, A: jax.Array, cols) -> jax.Array:
        """A: (n, m) -> its columns ``cols`` (k·S,), block r on device r (traced)."""
        return jax.lax.with_sharding_constraint(jnp.take(A, cols, axis=1),
                                                NamedSharding(self.mesh, PartitionSpec(None, AXIS)))

    def replicate(self, tree):
        """The step's outputs pinned replicated, as its inputs are: the next call finds the
        same shardings and reuses the compiled step."""
        return jax.lax.with_sharding_constraint(tree, self.replicated)


def _configured_host_devices() -> int:
    """The host devices JAX will start with: ``jax_num_cpu_devices`` if set, else the flag."""
    if jax.config.jax_num_cpu_devices >= 0:
        return jax.config.jax_num_cpu_devices
    found = re.findall(rf"{HOST_DEVICE_FLAG}=(\d+)", os.environ.get("XLA_FLAGS", ""))
    return int(found[-1]) if found else 1


def mesh_sharding(world_size: int, device: str, exact: bool = True) -> DataParallel | None:
    """A ``DataParallel`` over the first ``world_size`` of ``jax.devices(kind)`` (every
    process's, after ``jax.distributed.initialize``), or None when JAX runs on a CPU with
    fewer host devices (then ``train_in_subprocess``). ValueError: fewer GPUs than world_size."""
    kind = "gpu" if device == "cuda" else "cpu"
    if kind == "cpu" and world_size > MAX_HOST_DEVICES:
        raise ValueError(f"world_size={world_size}: JAX on the CPU runs at most {MAX_HOST_DEVICES} host devices "
                         f"(XLA's CPU collectives abort the process past them)")
    if kind == "cpu" and not jax._src.xla_bridge.backends_are_initialized() \
            and _configured_host_devices() < world_size:
        jax.config.update("jax_num_cpu_devices", world_size)  # JAX has not started: still settable
    try:
        devices = jax.devices(kind)
    except RuntimeError:  # no GPU backend: resolve_device has already named the device
        devices = []
    if len(devices) < world_size:
        if kind == "cpu":
            return None
        raise ValueError(f"world_size={world_size} needs {world_size} devices of {device!r}; JAX sees "
                         f"{len(devices)}")
    return DataParallel(Mesh(np.array(devices[:world_size]), (AXIS,)), exact)


def host_device_flags(world_size: int, flags: str = "") -> str:
    """XLA_FLAGS ``flags`` with the host-device count set to at least ``world_size``."""
    kept = re.sub(rf"{HOST_DEVICE_FLAG}=\d+", "", flags).split()
    return " ".join(kept + [f"{HOST_DEVICE_FLAG}={max(world_size, HOST_DEVICES)}"])


# The child: the parent's import path first (plain strings: loading them imports nothing), so
# that the call's own pickle (a ModelSpec, an optimizer) and jax_impl load the parent's modules;
# then the call, its result (or its exception) back. Run with -P: no working folder on the path.
_CHILD = """
import pickle, sys
sys.path[:0] = pickle.load(sys.stdin.buffer)
function, args, kwargs = pickle.load(sys.stdin.buffer)
from jax_impl import deep
try:
    out = ("ok", getattr(deep, function)(*args, **kwargs))
except Exception as error:
    out = ("error", error)
pickle.dump(out, sys.stdout.buffer)
"""


def _child_path() -> list[str]:
    """The child's import path: the folders this process imported jax_impl and nn_contract
    from, then its own path made absolute (a "" or relative entry would be read in the child's
    working folder, where a copy of either package may lie)."""
    roots = [str(Path(module.__file__).resolve().parents[1]) for module in (sys.modules["jax_impl"],
                                                                             sys.modules["nn_contract"])]
    return list(dict.fromkeys(roots + [os.path.abspath(p) for p in sys.path]))


def train_in_subprocess(function: str, args: tuple, kwargs: dict):
    """``deep.<function>(*args, **kwargs)`` in a fresh Python whose JAX starts with
    ``kwargs["world_size"]`` host devices (or more) -> its result, as the call returns it.
    An exception raised there is raised here; a child that dies is a RuntimeError."""
    env = dict(os.environ, XLA_FLAGS=host_device_flags(kwargs["world_size"], os.environ.get("XLA_FLAGS", "")))
    env.pop("JAX_NUM_CPU_DEVICES", None)
    request = pickle.dumps(_child_path()) + pickle.dumps((function, args, kwargs))
    done = subprocess.run([sys.executable, "-P", "-c", _CHILD], input=request, capture_output=True, env=env)
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace")[-2000:]
        raise RuntimeError(f"the world_size={kwargs['world_size']} training process exited with "
                           f"{done.returncode}:\n{tail}")
    status, value = pickle.loads(done.stdout)
    if status == "error":
        raise value
    return value
