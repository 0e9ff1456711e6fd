"""Installs without make: a backend whose framework is missing says which extra installs it,
the registry and the suite skip it with that reason, and the report and check name it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Runs in a fresh interpreter with `module` made unimportable, as on a machine where pip
# installed nn-parity without that extra.
_BLOCK = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == {module!r} or name.startswith({module!r} + "."):
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
sys.meta_path.insert(0, Block())
"""


def _without(module: str, code: str, *args: str) -> subprocess.CompletedProcess:
    script = _BLOCK.format(module=module) + code
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=300)


@pytest.mark.parametrize("module, package, extra", [("torch", "torch_impl", "torch"), ("jax", "jax_impl", "jax"),
                                                    ("optax", "jax_impl", "jax")], ids=["torch", "jax", "optax"])
def test_a_missing_framework_names_the_extra(module, package, extra):
    result = _without(module, f"import {package}")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"ImportError: {package} needs {'PyTorch' if extra == 'torch' else 'JAX (and optax)'}, and {module!r} "
        f"is not installed: pip install 'nn-parity[{extra}]'")


def test_the_registry_and_the_suite_skip_a_missing_backend_with_the_reason(monkeypatch):
    registry = _without("torch", "from parity import BACKENDS\nprint(BACKENDS['torch'].available())\n"
                                 "print(BACKENDS['torch'].unavailable_reason())")
    lines = registry.stdout.splitlines()
    assert lines[0] == "False" and "pip install 'nn-parity[torch]'" in lines[1]
    # The suite's parametrization turns that reason into a skip (in process: a backend whose
    # package cannot be imported stands in for torch without its framework).
    from parity import BACKENDS, Backend

    from .helpers import backend_params

    monkeypatch.setitem(BACKENDS, "torch", Backend("torch", "no_such_framework_package", "built-in"))
    (param,) = backend_params(["torch"])
    (mark,) = param.marks
    assert mark.name == "skip"
    assert mark.kwargs["reason"].startswith("torch not installed: no_such_framework_package cannot be imported")


def test_check_refuses_a_backend_whose_framework_is_missing():
    result = _without("torch", "from reports.cli import main\nraise SystemExit(main(['check', 'torch']))")
    assert result.returncode == 2
    assert "pip install 'nn-parity[torch]'" in result.stderr and "Traceback" not in result.stderr
