"""JAX's data parallel (``jax_impl.deep.train(world_size=k)``, ``jax_impl.parallel``) equals one
device: the contract's shards of every mini-batch over a mesh of k XLA host devices
(``conftest.py`` asks for 3 before JAX starts), padding of zero weight, the all-reduce XLA's.

Few configurations and a small network: every (k, batch size, options) compiles its step (a
second or more of CPU each), so the cases share compiled steps: the one-device runs are cached
per configuration, the child process and the compile-once check reuse a case's configuration.
"""

from __future__ import annotations

import functools
import os
import pickle
import socket
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("jax", reason="jax not installed: pip install 'nn-parity[jax]'")

import jax  # noqa: E402

from nn_contract import ModelSpec, init_params  # noqa: E402
from nn_contract.shards import shard_bounds  # noqa: E402
from parity import dict_relative_error, relative_error, tolerance  # noqa: E402
from nn_contract import optim  # noqa: E402
from jax_impl import deep, parallel  # noqa: E402
from .helpers import shadowing_folder  # noqa: E402

SPEC = ModelSpec((4, 3, 1), hidden_activation="relu", output="sigmoid")
EXACT = 1e-10  # float64: one device's result up to the order of the sums


def data(m: int = 209, dtype=np.float64):
    rng = np.random.default_rng(7)
    X = rng.standard_normal((4, m))
    Y = (X[:1] + 0.5 * rng.standard_normal((1, m)) > 0).astype(np.float64)
    return X.astype(dtype), Y.astype(dtype)


def start(dtype=np.float64):
    """init_params with nonzero biases: a bias gradient summed wrongly across shards shows."""
    rng = np.random.default_rng(3)
    params = init_params(SPEC, seed=1, method="he")
    return {k: (v + 0.2 * rng.standard_normal(v.shape) if k[0] == "b" else v).astype(dtype) for k, v in params.items()}


@functools.lru_cache(maxsize=None)
def one_device(m, dtype, options):
    """deep.train on one device, once per case: the k > 1 tests of a case share it."""
    X, Y = data(m, dtype)
    return deep.train(start(dtype), X, Y, SPEC, **dict(options))


def assert_equal_to_one_device(k, bound, m=209, dtype=np.float64, **options):
    X, Y = data(m, dtype)
    one, one_costs = one_device(m, dtype, tuple(sorted(options.items())))
    many, many_costs = deep.train(start(dtype), X, Y, SPEC, world_size=k, **options)
    assert len(many_costs) == len(one_costs)
    assert dict_relative_error(many, one) <= bound
    assert relative_error(many_costs, one_costs) <= bound
    # and training moved: equal to the start would also be "equal"
    assert dict_relative_error(one, start(dtype)) > 1e-3


GD64 = dict(learning_rate=0.3, num_epochs=3, batch_size=64)
FULL = dict(learning_rate=0.3, num_epochs=3, batch_size=None)
# Adam's state follows the all-reduced gradient; L2 with the global m_t; dropout with the
# step's global masks, each device its columns; the decayed learning rate. 3 epochs of 4
# steps: Adam's bias correction still moving, the last batch of each epoch uneven.
METHODS = dict(num_epochs=3, batch_size=64, seed=2, optimizer=optim.Adam(), learning_rate=0.01, lambd=0.7,
               keep_prob=0.8, decay_rate=0.5)


# Every k with every batch mode (the scanned epoch of mini-batches, the full-batch step), m = 209:
# batches 64, 64, 64, 17 shard 32/32 and 9/8 over 2, 22/21/21 and 6/6/5 over 3; the full batch
# 105/104 and 70/70/69. The options ride on batches of 64 over 3, where every step is uneven:
# what they add to the step (the optimizer's state, L2's term, the masks' columns laid out as
# X's) is the same code at any k, and a GD run at k = 3 as well would compile one more step and
# prove nothing those two do not (dropout's masks over 2 devices: the float32 case).
@pytest.mark.parametrize("k, options", [(2, GD64), (3, METHODS), (2, FULL), (3, FULL)],
                         ids=["batch64-GD-k=2", "batch64-Adam-L2-dropout-decay-k=3", "full-GD-k=2", "full-GD-k=3"])
def test_world_size_equals_one_device(k, options):
    assert_equal_to_one_device(k, EXACT, **options)


def test_world_size_one_is_the_single_device_path_bit_for_bit():
    X, Y = data()
    options = {**GD64, "num_epochs": 2}
    params, costs = deep.train(start(), X, Y, SPEC, **options)
    params1, costs1 = deep.train(start(), X, Y, SPEC, world_size=1, **options)
    assert costs1 == costs and all(np.array_equal(params1[key], params[key]) for key in params)


def test_a_batch_smaller_than_world_size_leaves_shards_empty():
    # batch_size 1 over 3 devices: one example and two shards of padding alone, every step
    assert_equal_to_one_device(3, EXACT, m=3, learning_rate=0.5, num_epochs=2, batch_size=1)


def test_float32_within_the_float32_bound():
    # the full batch of 209 over 2: 105/104
    assert_equal_to_one_device(2, tolerance("float32").grad, dtype=np.float32, learning_rate=0.3, num_epochs=3,
                               lambd=0.5, keep_prob=0.9)


def test_distributed_defaults_drift_from_the_course():
    # 64 over 3 pads to 66 and 17 to 18 by repeating examples: the mean of shard means of
    # changed data, a different step (the report shows it; nothing gates it)
    X, Y = data()
    course, _ = one_device(209, np.float64, tuple(sorted(GD64.items())))
    default, costs = deep.train_with_distributed_defaults(start(), X, Y, SPEC, world_size=3, **GD64)
    assert len(costs) == 12
    assert dict_relative_error(default, course) > 1e-6
    # where every shard is as long (208 over 2), the mean of the means is the course's step
    X, Y = data(m=208)
    course, course_costs = deep.train(start(), X, Y, SPEC, learning_rate=0.3, num_epochs=3)
    default, costs = deep.train_with_distributed_defaults(start(), X, Y, SPEC, world_size=2, learning_rate=0.3,
                                                          num_epochs=3)
    assert dict_relative_error(default, course) <= EXACT and relative_error(costs, course_costs) <= EXACT


def test_the_shards_are_the_contracts_and_xla_adds_them_with_an_all_reduce():
    par = parallel.mesh_sharding(3, "cpu")
    m_t = 17
    src, weights = parallel.exact_layout(m_t, 3)
    A = np.arange(2.0 * m_t).reshape(2, m_t)
    laid = jax.jit(lambda A: par.shard(A, src))(A)
    S = 6  # 17 over 3: 6/6/5
    assert laid.shape == (2, 3 * S) and len(laid.sharding.device_set) == 3
    for shard in laid.addressable_shards:
        rank = shard.index[1].start // S
        start, stop = shard_bounds(m_t, 3)[rank]
        np.testing.assert_array_equal(np.asarray(shard.data)[:, : stop - start], A[:, start:stop])
        assert weights[rank * S: (rank + 1) * S].sum() == stop - start

    def grad(W, A):
        cols = jax.lax.with_sharding_constraint(A, laid.sharding)
        w = jax.lax.with_sharding_constraint(weights[None, :], laid.sharding)
        return jax.grad(lambda W: parallel.weighted_cost(W @ cols, cols[:1], w, "squared_error", m_t))(W)

    compiled = jax.jit(grad).lower(np.ones((1, 2)), np.asarray(laid)).compile().as_text()
    assert "all-reduce" in compiled


def test_step_compiled_once_per_configuration():
    X, Y = data()
    deep.train(start(), X, Y, SPEC, world_size=2, **GD64)  # (the k = 2 case's step, compiled there if run first)
    size = deep._train_epoch._cache_size()
    # another learning rate, epoch count and seed: the same compiled epoch
    deep.train(start(), X, Y, SPEC, learning_rate=0.1, num_epochs=2, batch_size=64, seed=5, world_size=2)
    assert deep._train_epoch._cache_size() == size


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-2, ValueError), (2.0, TypeError), ("2", TypeError),
                                        (True, TypeError)], ids=repr)
def test_world_size_checked_before_any_work(bad, error):
    # the X of the wrong kind would fail later: world_size is named first
    with pytest.raises(error, match="world_size"):
        deep.train(start(), "not an array", None, SPEC, world_size=bad)


def test_more_host_devices_than_xla_can_join_is_refused_before_any_work():
    # past MAX_HOST_DEVICES, XLA's CPU rendezvous aborts the caller's whole process: refused here
    k = parallel.MAX_HOST_DEVICES + 1
    with pytest.raises(ValueError, match=rf"world_size={k}: JAX on the CPU runs at most"):
        deep.train(start(), *data(), SPEC, world_size=k, **FULL)


def test_more_devices_than_jax_started_with_trains_in_a_child_process(tmp_path, monkeypatch):
    # JAX started with conftest's 3 host devices (or the caller's count): k beyond them
    # trains in a child Python started with k, and the result is one device's (the full-batch
    # case's, already trained here); the child imports the caller's packages, not copies in
    # the caller's working folder
    monkeypatch.chdir(shadowing_folder(tmp_path, ("jax_impl", "nn_contract")))
    monkeypatch.setattr(sys, "path", ["", *sys.path])  # as python -c, a REPL or a notebook has it
    k = len(jax.devices("cpu")) + 1
    assert_equal_to_one_device(k, EXACT, **FULL)


def test_host_device_flags_keep_the_callers_flags():
    flags = parallel.host_device_flags(12, "--xla_cpu_multi_thread_eigen=false --xla_force_host_platform_device_count=2")
    assert flags.split() == ["--xla_cpu_multi_thread_eigen=false", "--xla_force_host_platform_device_count=12"]


# Two processes over the loopback network, one CPU device each, as two hosts run it: each calls
# jax.distributed.initialize (gloo's collectives between processes on the CPU), the mesh spans
# both processes' devices, and each trains the same call on the same arrays (read from the file
# the test writes) and writes what it got.
_PROCESS = """
import sys
import jax
process_id, port, folder = int(sys.argv[1]), sys.argv[2], sys.argv[3]
jax.config.update("jax_num_cpu_devices", 1)
jax.config.update("jax_cpu_collectives_implementation", "gloo")
jax.distributed.initialize(f"localhost:{port}", num_processes=2, process_id=process_id, initialization_timeout=60)
import pickle
import numpy as np
from jax_impl import deep
with open(f"{folder}/problem.pkl", "rb") as f:
    params, X, Y, spec, hyper = pickle.load(f)
trained, costs = deep.train(params, X, Y, spec, world_size=jax.device_count(), **hyper)
where = sorted({d.process_index for d in jax.devices()}), jax.local_device_count()
with open(f"{folder}/process{process_id}.pkl", "wb") as f:
    pickle.dump(({k: np.asarray(v) for k, v in trained.items()}, [float(c) for c in costs], where), f)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def test_two_processes_over_loopback_equal_one_device(tmp_path):
    """jax.distributed.initialize in two processes (the README's across-machines run, on one
    machine): a mesh of one device in each, batches of 64 over m = 209 (every last batch uneven,
    9/8), nonzero biases; each process's result is one device's to 1e-10."""
    X, Y = data()
    with open(tmp_path / "problem.pkl", "wb") as f:
        pickle.dump((start(), X, Y, SPEC, GD64), f)
    # One device per process: the flag the suite's conftest set for this process is left out.
    flags = " ".join(f for f in os.environ.get("XLA_FLAGS", "").split() if "host_platform_device_count" not in f)
    env = {**os.environ, "XLA_FLAGS": flags}
    port = _free_port()
    processes = [subprocess.Popen([sys.executable, "-c", _PROCESS, str(i), str(port), str(tmp_path)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for i in (0, 1)]
    try:
        outputs = [p.communicate(timeout=120)[0] for p in processes]
    finally:
        for p in processes:
            p.kill()
    assert [p.returncode for p in processes] == [0, 0], outputs
    one, one_costs = one_device(209, np.float64, tuple(sorted(GD64.items())))
    for i in (0, 1):
        with open(tmp_path / f"process{i}.pkl", "rb") as f:
            trained, costs, (processes_seen, local) = pickle.load(f)
        assert (processes_seen, local) == ([0, 1], 1)  # the mesh spans both processes
        assert dict_relative_error(trained, one) <= EXACT and relative_error(costs, one_costs) <= EXACT
