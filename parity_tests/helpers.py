"""The suite's shared parameter lists: the backends under test, the dtypes, what a test needs.

Imported by the test modules (``from .helpers import backend_params``); ``conftest.py`` holds
the fixtures and the hypothesis profile.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from parity import BACKENDS, reference_backend
from parity.pytest_plugin import backends_under_test, require, value_of

DTYPES = ("float64", "float32")

__all__ = ["DTYPES", "backend_params", "framework_params", "cuda_params", "require", "backend_names",
           "builtin_names", "framework_names", "needs", "value_of", "once_per_session", "shadowing_folder"]

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


def once_per_session(tmp_path_factory, name: str, build, limit_s: float = 1800.0) -> tuple[str, Path]:
    """``build(folder)`` run once per test session in a folder the workers share -> (what it
    returned, as text; the folder).

    Under pytest-xdist the tests that read an expensive module fixture (a whole report, a class
    of notebooks, a pytest run) may be split between the workers, and each would build the same
    thing; the first worker to need it builds it, the others wait for what it returned and read
    its folder. A build that raised raises in every worker that waited for it."""
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / name
    result = shared / "result"
    try:
        shared.mkdir()  # atomic: one worker gets to build
    except FileExistsError:
        return _wait_for(result, name, limit_s), shared
    text = None
    try:
        text = str(build(shared))
    finally:
        (shared / "result.part").write_text("built\n" + text if text is not None else f"the worker building {name} raised")
        (shared / "result.part").replace(result)  # whole, or not yet there
    return text, shared


def _wait_for(result: Path, name: str, limit_s: float) -> str:
    """What another worker's build of ``name`` returned, once its ``result`` file is there."""
    deadline = time.monotonic() + limit_s
    while not result.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {name} after {limit_s:.0f} s: the worker building it stopped")
        time.sleep(0.2)
    status, _, text = result.read_text().partition("\n")
    if status != "built":
        raise RuntimeError(status)
    return text


def shadowing_folder(folder: Path, packages: tuple[str, ...]) -> Path:
    """``folder`` holding a package of each name that raises on import: a caller working there
    whose worker processes import from their working folder would get these copies."""
    for name in packages:
        (folder / name).mkdir(parents=True)
        (folder / name / "__init__.py").write_text(f"raise ImportError('the working folder\\'s {name}, not the caller\\'s')\n")
    return folder
