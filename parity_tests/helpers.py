"""The suite's shared parameter lists: the backends under test, the dtypes, what a test needs.

Imported by the test modules (``from .helpers import backend_params``); ``conftest.py`` holds
the fixtures and the hypothesis profile.
"""

from __future__ import annotations

import pytest

from parity import BACKENDS, reference_backend
from parity.pytest_plugin import backends_under_test, require, value_of

DTYPES = ("float64", "float32")

__all__ = ["DTYPES", "backend_params", "framework_params", "cuda_params", "require", "backend_names",
           "builtin_names", "framework_names", "needs", "value_of"]

# What a test needs of the backend it takes (parity.pytest_plugin): the plugin skips, with the
# reason, the tests of what a backend lacks.
needs = pytest.mark.needs


def backend_names() -> tuple[str, ...]:
    """Every backend under test: the built-ins and those named with --backend."""
    return tuple(backends_under_test())


def builtin_names() -> tuple[str, ...]:
    """The built-in backends under test: for tests of a framework's own internals."""
    return tuple(n for n in backend_names() if BACKENDS[n].source == "built-in")


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
    """(backend, "cuda") for each backend under test that declares CUDA, marked gpu; it needs
    the device, so the plugin skips it with the backend's reason where it sees no CUDA device
    here ("torch sees no CUDA device ...")."""
    params = []
    for name in framework_names():
        backend = BACKENDS[name]
        if "cuda" not in (backend.capabilities().get("devices") or ("cuda",)):
            continue
        params.append(pytest.param(backend, id=f"{name}-cuda", marks=[pytest.mark.gpu, needs(device="cuda")]))
    return params
