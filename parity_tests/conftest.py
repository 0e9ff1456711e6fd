"""Shared fixtures and parameter lists for the parity suite.

Every framework is installed by `make test`, so a missing backend is a failure, never a
skip; only GPU cases skip, with the reason, where no CUDA device is present.
"""

from __future__ import annotations

import os

# Two pytest workers share two cores: one thread each. Oversubscribed, torch's OpenMP
# threads spin against each other and a 5 µs op takes milliseconds. Set before any test
# imports torch (this file imports no framework).
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

from parity import BACKENDS, cuda_unavailable_reason  # noqa: E402

settings.register_profile(
    "parity",
    deadline=None,  # the first call of a JAX spec compiles; wall time is not what is tested
    max_examples=int(os.environ.get("NN_PARITY_EXAMPLES", "20")),
    derandomize=True,  # the suite is a proof, not a fuzzer: the same examples every run
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("parity")

BACKEND_NAMES = tuple(BACKENDS)
FRAMEWORKS = ("torch", "jax")
DTYPES = ("float64", "float32")


def backend_params(names=BACKEND_NAMES):
    return [pytest.param(BACKENDS[name], id=name) for name in names]


def framework_params():
    """The backends compared against the reference."""
    return backend_params(FRAMEWORKS)


def cuda_params():
    """(backend, "cuda") for torch and jax, each marked gpu and skipped with the reason
    where its framework sees no CUDA device."""
    params = []
    for name in FRAMEWORKS:
        reason = cuda_unavailable_reason(BACKENDS[name].framework)
        marks = [pytest.mark.gpu]
        if reason:
            marks.append(pytest.mark.skip(reason=f"no GPU: {reason}"))
        params.append(pytest.param(BACKENDS[name], id=f"{name}-cuda", marks=marks))
    return params


@pytest.fixture
def rng():
    return np.random.RandomState(1234)
