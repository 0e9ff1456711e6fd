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
