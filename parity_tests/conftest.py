"""Shared fixtures and parameter lists for the parity suite.

`make test` installs every framework, so nothing skips there but GPU cases (with the reason,
where no CUDA device is present). A pip user without an extra (``pip install -e .`` alone)
gets that backend's tests skipped with the reason, which names the extra to install; a
backend added with ``pytest --backend PACKAGE`` skips, with the reason, the tests of what it
does not support (``require``).
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

from parity import BACKENDS, reference_backend  # noqa: E402
from parity.pytest_plugin import backends_under_test, require  # noqa: E402

settings.register_profile(
    "parity",
    deadline=None,  # the first call of a JAX spec compiles; wall time is not what is tested
    max_examples=int(os.environ.get("NN_PARITY_EXAMPLES", "20")),
    derandomize=True,  # the suite is a proof, not a fuzzer: the same examples every run
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("parity")

DTYPES = ("float64", "float32")

__all__ = ["DTYPES", "backend_params", "framework_params", "cuda_params", "require", "backend_names",
           "framework_names"]


def backend_names() -> tuple[str, ...]:
    """Every backend under test: the built-ins and those named with --backend."""
    return tuple(backends_under_test())


def framework_names() -> tuple[str, ...]:
    """The backends compared against the reference."""
    return tuple(n for n in backend_names() if n != reference_backend().name)


def backend_params(names=None):
    """One param per backend; a backend whose package or framework is not installed here
    (pip without the extra) is skipped with the reason, which names the extra to install."""
    params = []
    for name in backend_names() if names is None else names:
        reason = BACKENDS[name].unavailable_reason()
        marks = [pytest.mark.skip(reason=f"{name} not installed: {reason}")] if reason else []
        params.append(pytest.param(BACKENDS[name], id=name, marks=marks))
    return params


def framework_params():
    """The backends compared against the reference."""
    return backend_params(framework_names())


def cuda_params():
    """(backend, "cuda") for each backend under test that declares CUDA, marked gpu and
    skipped with the reason where it sees no CUDA device here."""
    params = []
    for name in framework_names():
        backend = BACKENDS[name]
        if "cuda" not in (backend.capabilities().get("devices") or ("cuda",)):
            continue
        reason = backend.device_reason("cuda")
        marks = [pytest.mark.gpu]
        if reason:
            marks.append(pytest.mark.skip(reason=f"no GPU: {reason}"))
        params.append(pytest.param(backend, id=f"{name}-cuda", marks=marks))
    return params


@pytest.fixture
def rng():
    return np.random.RandomState(1234)
