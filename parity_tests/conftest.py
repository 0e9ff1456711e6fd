"""Shared fixtures and the hypothesis profile of the parity suite (the parameter lists are
in ``helpers.py``, which the test modules import).

`make test` installs every framework, so nothing skips there but GPU cases (with the reason,
where no CUDA device is present). A pip user without an extra (``pip install -e .`` alone)
gets that backend's tests skipped with the reason, which names the extra to install; a
backend added with ``pytest --backend PACKAGE`` skips, with the reason, the tests of what it
does not support (``parity.pytest_plugin``: each test declares what it ``needs``).
"""

from __future__ import annotations

import os

# Two pytest workers share two cores: one thread each. Oversubscribed, torch's OpenMP
# threads spin against each other and a 5 µs op takes milliseconds. Set before any test
# imports torch (this file imports no framework).
os.environ.setdefault("OMP_NUM_THREADS", "1")
# The data-parallel tests shard over up to 3 XLA host devices, which exist only if asked for
# before JAX starts; a computation on one device still runs on device 0 alone, so no other
# result changes. A count the caller set is kept (jax_impl's own default, 8, is not needed).
if "xla_force_host_platform_device_count" not in os.environ.get("XLA_FLAGS", ""):
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=3").strip()
# XLA compiles the suite's ~500 JAX programs at backend optimisation level 0 (LLVM's code
# generation, not the program: the HLO and the library matmuls are the same): 30 % less CPU
# for the JAX-heavy files (test_parity + test_training_methods: 63 -> 44 s of user CPU). The
# results move by rounding only (over the built-in cases, at most 2e-15 relative in float64 and
# 6e-7 in float32, far inside every tolerance); `make report` and every user run at XLA's
# default level, and the report's parity section holds that level to the same bounds. A level
# the caller set is kept.
if "xla_backend_optimization_level" not in os.environ["XLA_FLAGS"]:
    os.environ["XLA_FLAGS"] += " --xla_backend_optimization_level=0"

# JAX's persistent compilation cache, shared by the session's workers and the Python processes
# the tests start (the README's blocks, pytest --backend, a data-parallel child). JAX's ~500
# compilations are 40 % of the suite's CPU; in a fresh run only ~40 of them repeat a program
# another process compiled, but a second run reads most of them back. An executable read back
# is the one XLA compiled, so no result changes; a cache the caller configured is kept. Kept
# in .pytest_cache (``make clean`` removes it), bounded by JAX's own eviction.
_JAX_CACHE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".pytest_cache", "jax")
os.environ.setdefault("JAX_COMPILATION_CACHE_DIR", _JAX_CACHE)
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "0")
os.environ.setdefault("JAX_COMPILATION_CACHE_MAX_SIZE", str(512 * 2**20))

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402


settings.register_profile(
    "parity",
    deadline=None,  # the first call of a JAX spec compiles; wall time is not what is tested
    max_examples=int(os.environ.get("NN_PARITY_EXAMPLES", "20")),
    derandomize=True,  # the suite is a proof, not a fuzzer: the same examples every run
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("parity")


@pytest.fixture
def rng():
    return np.random.RandomState(1234)
