"""The backend registry: every implementation, found one way, spoken to through the protocol.

A backend is an importable package with ``logistic`` and/or ``deep`` modules honouring the
contract's public API (CONTRACT.md); ``nn_contract.protocol`` lists what it may declare
in an optional ``backend`` module. Backends are found, in this order:

1. the built-ins (``numpy``, ``torch``, ``jax``), which the distribution also declares as
   entry points, so they are found like any other;
2. entry points in the group ``nn_parity.backends`` (name -> package);
3. ``NN_PARITY_BACKENDS=pkg1,pkg2`` in the environment;
4. ``register_backend("pkg")``, which the command line's ``--backend PKG`` and pytest's
   ``--backend PKG`` call.

A package is imported by ``import_package``: by its name, and where nothing on ``sys.path``
holds it, from the current folder too (``nn-parity check my_backprop`` and ``pytest --backend
my_backprop`` from the folder that holds ``my_backprop/``).

Nothing here imports a framework or an implementation package by name: a package is
imported when it is first used, by the name it was registered under, and what it does not
declare is probed.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from types import ModuleType

from nn_contract.protocol import CAPABILITY_KEYS, DP_WORKER_KINDS

from .capabilities import unsupported_reason

__all__ = [
    "Backend",
    "BACKENDS",
    "MODELS",
    "BackendError",
    "get_backend",
    "import_package",
    "register_backend",
    "available_backends",
    "reference_backend",
]

MODELS = ("logistic", "deep")
ENTRY_POINT_GROUP = "nn_parity.backends"
ENV_VARIABLE = "NN_PARITY_BACKENDS"
REFERENCE = "numpy"

# The built-ins, as their entry points in pyproject.toml name them: found this way too when
# the distribution is run from a checkout without being installed.
_BUILTIN = {"numpy": "reference_numpy", "torch": "torch_impl", "jax": "jax_impl"}


class BackendError(Exception):
    """A backend that cannot be used at all: not importable, or with neither model."""


def import_package(package: str) -> ModuleType:
    """Import ``package`` by name; where nothing on ``sys.path`` holds it, look in the current
    folder too, as ``python -m`` does: a user's package beside them is found, and one
    installed under the same name still wins (the folder goes last on ``sys.path``)."""
    try:
        return importlib.import_module(package)
    except ModuleNotFoundError as exc:
        here = os.getcwd()
        if exc.name != package.partition(".")[0] or any(os.path.abspath(p or os.curdir) == here for p in sys.path):
            raise
    sys.path.append(here)
    importlib.invalidate_caches()
    return importlib.import_module(package)


@dataclass(frozen=True)
class Backend:
    """One implementation of the contract, by the package that holds it.

    name: the backend's name in tables and ids; package: its importable package;
    source: how it was found (``built-in``, ``entry point``, ``environment``, ``command line``).
    """

    name: str
    package: str
    source: str = "built-in"

    # ------------------------------------------------------------------ the package

    @cached_property
    def _import(self) -> tuple[ModuleType | None, str | None]:
        try:
            return import_package(self.package), None
        except ImportError as exc:
            return None, f"{self.package} cannot be imported: {exc}"

    def available(self) -> bool:
        """Importable here, with at least one model."""
        return self.unavailable_reason() is None

    def unavailable_reason(self) -> str | None:
        package, error = self._import
        if package is None:
            return error
        if not self.models():
            return f"{self.package} has neither a 'deep' nor a 'logistic' module with cost_and_grads"
        return None

    def require(self) -> None:
        """Raise ``BackendError`` with the reason where the backend cannot be used."""
        reason = self.unavailable_reason()
        if reason:
            raise BackendError(reason)

    @cached_property
    def declaration(self) -> ModuleType | None:
        """The package's ``backend`` module (``nn_contract.protocol``), or None."""
        if self._import[0] is None:
            return None
        try:
            return importlib.import_module(f"{self.package}.backend")
        except ModuleNotFoundError as exc:
            if exc.name == f"{self.package}.backend":
                return None
            raise

    def _declared(self, attribute: str, default=None):
        return getattr(self.declaration, attribute, default) if self.declaration else default

    @property
    def label(self) -> str:
        return self._declared("LABEL", self.name)

    @property
    def dp_workers(self) -> str:
        """``DP_WORKERS`` (``nn_contract.protocol``): "processes" or "one process"."""
        kind = self._declared("DP_WORKERS", "processes")
        if kind not in DP_WORKER_KINDS:
            raise BackendError(f"backend {self.name!r}: DP_WORKERS must be one of {DP_WORKER_KINDS}, got {kind!r}")
        return kind

    @cached_property
    def _modules(self) -> dict[str, ModuleType]:
        modules = {}
        if self._import[0] is None:
            return modules
        for model in MODELS:
            try:
                module = importlib.import_module(f"{self.package}.{model}")
            except ModuleNotFoundError as exc:
                if exc.name == f"{self.package}.{model}":
                    continue
                raise
            if callable(getattr(module, "cost_and_grads", None)):
                modules[model] = module
        return modules

    def models(self) -> tuple[str, ...]:
        return tuple(self._modules)

    def module(self, model: str) -> ModuleType:
        if model not in MODELS:
            raise ValueError(f"unknown model {model!r}; expected one of: {', '.join(MODELS)}")
        self.require()
        if model not in self._modules:
            raise BackendError(f"backend {self.name!r} has no {model!r} model")
        return self._modules[model]

    def function(self, model: str, name: str) -> Callable | None:
        """The public function ``name`` of ``model``, or None where the package lacks it."""
        module = self._modules.get(model)
        fn = getattr(module, name, None) if module else None
        return fn if callable(fn) else None

    def accepts(self, model: str, function: str, keyword: str) -> bool:
        """Whether ``model.function`` takes the keyword argument ``keyword``."""
        fn = self.function(model, function)
        if fn is None:
            return False
        try:
            parameters = inspect.signature(fn).parameters
        except (TypeError, ValueError):
            return False
        return keyword in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())

    # ------------------------------------------------------------------ devices

    def device_reasons(self) -> dict[str, str | None]:
        """Each device -> None where this backend can run on it here, else why not."""
        if not self.available():
            reason = self.unavailable_reason()
            return {"cpu": reason, "cuda": reason}
        declared = self._declared("devices")
        if callable(declared):
            reasons = dict(declared())
        else:
            reasons = {"cpu": None}
        if not any(self.accepts(m, "cost_and_grads", "device") for m in self.models()):
            reasons["cuda"] = reasons.get("cuda") or f"{self.name} takes no device= argument: CPU only"
            reasons["cpu"] = None
        reasons.setdefault("cuda", f"{self.name} declares no CUDA support")
        return reasons

    def devices(self) -> tuple[str, ...]:
        """The devices this backend can run on here: ``("cpu",)`` or ``("cpu", "cuda")``."""
        return tuple(d for d, reason in self.device_reasons().items() if reason is None)

    def device_reason(self, device: str) -> str | None:
        return self.device_reasons().get(device, f"unknown device {device!r}")

    def _device_kwargs(self, model: str, function: str, device: str) -> dict:
        if self.accepts(model, function, "device"):
            return {"device": device}
        if device != "cpu":
            raise ValueError(f"backend {self.name!r} runs on the CPU only, not on {device!r}")
        return {}

    # ------------------------------------------------------------------ calls

    def _call(self, model: str, function: str, args: tuple, device: str, options: dict):
        fn = self.function(model, function)
        if fn is None:
            self.module(model)  # names a missing model or an unusable package first
            raise BackendError(f"backend {self.name!r} has no {model}.{function}")
        return fn(*args, **options, **self._device_kwargs(model, function, device))

    def cost_and_grads(self, model: str, params, X, Y, spec=None, device: str = "cpu", **options):
        """One call signature for both models and every backend."""
        args = (params, X, Y) if model == "logistic" else (params, X, Y, spec)
        return self._call(model, "cost_and_grads", args, device, options)

    def train(self, model: str, params, X, Y, spec=None, device: str = "cpu", **hyper):
        """``logistic.train`` takes num_iterations, ``deep.train`` num_epochs/batch_size/seed."""
        args = (params, X, Y) if model == "logistic" else (params, X, Y, spec)
        return self._call(model, "train", args, device, hyper)

    def predict_proba(self, model: str, params, X, spec=None, device: str = "cpu"):
        args = (params, X) if model == "logistic" else (params, X, spec)
        return self._call(model, "predict_proba", args, device, {})

    def predict(self, model: str, params, X, spec=None, device: str = "cpu"):
        args = (params, X) if model == "logistic" else (params, X, spec)
        return self._call(model, "predict", args, device, {})

    # ------------------------------------------------------------------ capabilities

    def capabilities(self) -> dict[str, tuple[str, ...] | None]:
        """What the backend declares, key by key (``nn_contract.protocol.CAPABILITY_KEYS``);
        None for a key it leaves to probing."""
        declared = self._declared("CAPABILITIES", {}) or {}
        return {key: (tuple(declared[key]) if key in declared else None) for key in CAPABILITY_KEYS}

    def unsupported(self, **features) -> str | None:
        """None where the backend supports every feature asked (``model="deep"``,
        ``activation="tanh"``, ``dtype="float32"``, ``training="lambd"``, ``function="train"``,
        ...); otherwise the first reason it does not, in words."""
        return unsupported_reason(self, features)

    # ------------------------------------------------------------------ timing hooks

    def prepare(self, model: str, params, X, Y, spec=None, *, device: str = "cpu", learning_rate: float = 1e-4):
        """The native step for timing (``nn_contract.protocol.NativeStep``), or None where
        the backend declares none (then timing goes through its public ``train``)."""
        prepare = self._declared("prepare")
        if not callable(prepare):
            return None
        return prepare(model, params, X, Y, spec, device=device, learning_rate=learning_rate)

    def hook(self, name: str) -> Callable | None:
        """A declared function of the protocol (``set_threads``, ``matmul_seconds``, ...)."""
        fn = self._declared(name)
        return fn if callable(fn) else None


BACKENDS: dict[str, Backend] = {}


def register_backend(package: str, source: str = "command line", name: str | None = None) -> Backend:
    """Add the backend held by ``package`` to the registry (or return it, if already there).

    Its name is ``name``, else its declared ``NAME``, else the package's name. Raises
    ``BackendError`` where the package cannot be imported or has neither model, and
    ``ValueError`` where another package already holds that name.
    """
    if not isinstance(package, str) or not package.strip():
        raise TypeError(f"backend package must be a non-empty module name, got {package!r}")
    package = package.strip()
    for backend in BACKENDS.values():
        if backend.package == package:
            return backend
    probe = Backend(name or package, package, source)
    probe.require()
    name = name or probe._declared("NAME", package)
    if name in BACKENDS:
        raise ValueError(f"backend name {name!r} is taken by {BACKENDS[name].package!r}; "
                         f"{package!r} cannot be registered under it")
    backend = Backend(name, package, source)
    BACKENDS[name] = backend
    return backend


def _discover() -> None:
    found = dict(_BUILTIN)
    sources = {name: "built-in" for name in _BUILTIN}
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if entry.name not in found:
            found[entry.name] = entry.value
            sources[entry.name] = "entry point"
    for name, package in found.items():
        BACKENDS[name] = Backend(name, package, sources[name])
    for package in filter(None, (p.strip() for p in os.environ.get(ENV_VARIABLE, "").split(","))):
        try:
            register_backend(package, "environment")
        except (BackendError, ValueError) as exc:
            # A bad name in the environment must not break every import of parity: the
            # backend is listed as unusable, with the reason, wherever backends are listed.
            BACKENDS.setdefault(package, Backend(package, package, f"environment ({exc})"))


def get_backend(name: str) -> Backend:
    """The registered backend called ``name``; a package name not yet registered is registered."""
    if not isinstance(name, str):
        raise TypeError(f"backend must be a name (str), got {name!r}")
    if name in BACKENDS:
        return BACKENDS[name]
    for backend in BACKENDS.values():
        if backend.package == name:
            return backend
    raise ValueError(f"unknown backend {name!r}; registered: {', '.join(BACKENDS)} "
                     f"(a package can be added with --backend PACKAGE or {ENV_VARIABLE})")


def available_backends() -> list[Backend]:
    return [b for b in BACKENDS.values() if b.available()]


def reference_backend() -> Backend:
    """The backend every other is compared against by default: the NumPy reference."""
    return BACKENDS[REFERENCE]


_discover()
