"""What the report ran on: versions, BLAS, CPU, threads, GPU and the git commit, as a dict
that ``json.dump`` writes as ``environment.json``.

Anything that cannot be found is ``null`` with a ``*_reason`` beside it, never a failure.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info

from parity import BACKENDS

from .errors import error_text

__all__ = ["collect_environment", "cpu_model"]

_ROOT = Path(__file__).resolve().parent.parent
# Distributions whose versions a reader needs to compare two reports (looked up by name in the
# installed metadata; nothing is imported). None where one is not installed.
_DISTRIBUTIONS = ("nn-parity", "numpy", "torch", "jax", "jaxlib", "optax", "autograd", "nn-parity-autograd",
                  "pandas", "matplotlib", "scikit-learn", "threadpoolctl")


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (Linux), else what ``platform`` says."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _numpy_blas() -> dict:
    info: dict = {}
    try:
        config = np.show_config(mode="dicts")
        deps = config.get("Build Dependencies", {})
        info["build"] = {k: deps.get(k) for k in ("blas", "lapack") if k in deps}
    except Exception as exc:  # show_config's layout differs between NumPy versions
        info["build"] = None
        info["build_reason"] = f"numpy.show_config(mode='dicts') failed: {exc}"
    info["threadpools"] = threadpool_info()
    return info


def _git_commit() -> dict:
    git = shutil.which("git")
    if git is None:
        return {"commit": None, "commit_reason": "git is not installed"}
    try:
        out = subprocess.run([git, "rev-parse", "HEAD"], cwd=_ROOT, capture_output=True, text=True, timeout=10)
        dirty = subprocess.run([git, "status", "--porcelain", "--untracked-files=no"], cwd=_ROOT,
                               capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError) as exc:
        return {"commit": None, "commit_reason": f"git failed: {exc}"}
    if out.returncode != 0:
        return {"commit": None, "commit_reason": "not a git checkout"}
    return {"commit": out.stdout.strip(), "uncommitted_changes": bool(dirty.stdout.strip())}


def _nvidia_smi() -> dict:
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return {"nvidia_smi": None, "nvidia_smi_reason": "nvidia-smi is not on PATH"}
    try:
        out = subprocess.run([smi, "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError) as exc:
        return {"nvidia_smi": None, "nvidia_smi_reason": f"nvidia-smi failed: {exc}"}
    if out.returncode != 0:
        return {"nvidia_smi": None, "nvidia_smi_reason": out.stderr.strip() or f"exit code {out.returncode}"}
    gpus = []
    for line in out.stdout.strip().splitlines():
        name, driver, memory = (part.strip() for part in (line.split(",") + ["", ""])[:3])
        gpus.append({"name": name, "driver": driver, "memory": memory})
    return {"nvidia_smi": gpus}


def _backends() -> dict:
    """Per backend: its package, how it was found, its devices here (or why not), and what its
    protocol's ``environment()`` says (framework versions, GPU names; the error where it raised)."""
    out = {}
    for name, backend in BACKENDS.items():
        entry: dict = {"package": backend.package, "source": backend.source,
                       "unavailable_reason": backend.unavailable_reason()}
        if entry["unavailable_reason"] is None:
            entry["devices"] = backend.device_reasons()
            describe = backend.hook("environment")
            if describe:
                try:
                    entry["framework"] = describe()
                except Exception as exc:  # noqa: BLE001 - a hook that raises is recorded, not the report's end
                    entry["framework_error"] = error_text(exc)
        out[name] = entry
    return out


def _gpu() -> dict:
    gpu: dict = {"backends": {name: info.get("devices", {}).get("cuda", info.get("unavailable_reason"))
                              for name, info in _backends().items()}}
    gpu.update(_nvidia_smi())
    return gpu


def collect_environment(threads: dict | None = None) -> dict:
    """Everything a reader needs to know to compare two reports.

    threads: what ``configure_threads`` reported for this run (the thread counts used).
    """
    env = {
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "versions": {name: _version(name) for name in _DISTRIBUTIONS},
        "numpy_version": np.__version__,
        "blas": _numpy_blas(),
        "cpu": {"model": cpu_model(), "logical_cores": os.cpu_count(),
                "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
                "machine": platform.machine()},
        "threads": threads,
        "backends": _backends(),
        "gpu": _gpu(),
    }
    env.update(_git_commit())
    return env
