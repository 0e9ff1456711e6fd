"""The pytest plugin of nn-parity: ``pytest --backend PACKAGE`` puts any backend in the suite.

Registered through the ``pytest11`` entry point, so it is active wherever nn-parity is
installed. ``--backend`` (repeatable) registers each package as a backend before the
tests are collected (a package in the current folder is found, as ``nn-parity check``
finds it); the parity suite's parametrized tests then run for it beside the built-ins.
``NN_PARITY_BACKENDS=pkg1,pkg2`` does the same from the environment.

One mechanism skips what a backend lacks, for every test that takes a backend as a
parameter (a ``Backend``, a backend's name in a parameter called ``backend``, or an
estimator of ``parity.estimators`` with its ``backend``): before
the test runs, what it needs is put to ``Backend.unsupported`` (the backend's declaration,
or a probe, as ``nn-parity check`` asks), and where the backend lacks it the test is
skipped with the reason. A test says what it needs with the marker ``needs``:

    @pytest.mark.needs("dtype", "case", model="logistic", function="train")

keywords are fixed features (``model``, ``function``, ``activation``, ``output``, ``loss``,
``dtype``, ``device``, ``training``, ``optimizer``; a value may be ``value_of("param")``);
positional names are the test's parameters that carry features: one named after a feature
(``dtype``, ``output``, ``hidden`` for the hidden activation, ...) gives its value,
``batch_size`` the training option ``batch_size`` unless it is None (a full batch), a ``Case``
or ``ModelSpec`` its model, activations, output and loss, an optimizer its name. A test
without the marker needs the ``deep`` model; ``model=("logistic", "deep")`` needs both.
Nothing is caught: a backend that has what a test needs and gets it wrong fails. ``require``
is the same check, called inside a test.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

__all__ = ["backends_under_test", "needed_features", "require", "skip_reason", "value_of"]

_UNDER_TEST: list[str] = []

# The features a test may need, as ``Backend.unsupported`` takes them.
FEATURE_NAMES = ("model", "function", "activation", "output", "loss", "dtype", "device", "training", "optimizer")
# Test parameters named otherwise that carry a feature.
_ALIASES = {"hidden": "activation", "hidden_activation": "activation"}


@dataclass(frozen=True)
class value_of:  # noqa: N801 - reads as a function in a marker: needs(activation=value_of("name"))
    """In ``needs``: the feature's value is that of the test's parameter ``name``."""

    name: str


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("nn-parity")
    group.addoption("--backend", action="append", default=[], metavar="PACKAGE",
                    help="also run the parity suite against the backend in PACKAGE (repeatable); "
                         "a package in the current folder is found")


def pytest_configure(config: pytest.Config) -> None:
    # Lazy: the plugin loads in every pytest session where nn-parity is installed.
    from .registry import BACKENDS, BackendError, register_backend

    config.addinivalue_line(
        "markers", "needs(*params, **features): what the test needs of the backend it takes; "
                   "a backend that lacks it skips the test with the reason (parity.pytest_plugin)")
    _UNDER_TEST.clear()
    _UNDER_TEST.extend(name for name, b in BACKENDS.items() if b.source in ("built-in", "environment"))
    for package in config.getoption("--backend", default=[]) or []:
        try:
            backend = register_backend(package, "command line")
        except (BackendError, ValueError, TypeError) as exc:
            raise pytest.UsageError(f"--backend {package}: {exc}") from None
        if backend.name not in _UNDER_TEST:
            _UNDER_TEST.append(backend.name)


def pytest_report_header(config: pytest.Config) -> str:
    # Lazy: as above.
    from .registry import BACKENDS

    return "nn-parity backends: " + ", ".join(f"{n} ({BACKENDS[n].package})" for n in backends_under_test())


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    reason = skip_reason(item)
    if reason:
        pytest.skip(reason)


def backends_under_test() -> list[str]:
    """The built-ins, and every backend named by ``--backend`` or ``NN_PARITY_BACKENDS``."""
    if not _UNDER_TEST:  # the plugin is not active (pytest -p no:nn_parity): the built-ins
        # Lazy: as above.
        from .registry import BACKENDS

        return [n for n, b in BACKENDS.items() if b.source in ("built-in", "environment")]
    return list(_UNDER_TEST)


def require(backend, **features) -> None:
    """Skip the calling test, with the reason, where ``backend`` lacks one of ``features``
    (the keywords of ``needs``). The built-ins support all of them."""
    reason = backend.unsupported(**features)
    if reason:
        pytest.skip(f"{backend.name}: {reason}")


def _backends(params: dict) -> list:
    """The backends a test takes: a ``Backend`` parameter, a backend's name in the parameter
    ``backend``, or the ``backend`` of a scikit-learn estimator it takes (``parity.estimators``)."""
    # Lazy: as above.
    from .registry import BACKENDS, Backend

    found = []
    for name, value in params.items():
        if isinstance(value, Backend):
            found.append(value)
        elif name == "backend" and isinstance(value, str) and value in BACKENDS:
            found.append(BACKENDS[value])
        elif hasattr(value, "get_params") and isinstance(getattr(value, "backend", None), str) \
                and value.backend in BACKENDS:
            found.append(BACKENDS[value.backend])
    return found


def _add(features: dict[str, list], feature: str, value) -> None:
    if feature not in FEATURE_NAMES:
        raise ValueError(f"needs: unknown feature {feature!r}; expected one of: {', '.join(FEATURE_NAMES)}")
    values = value if isinstance(value, (tuple, list)) else (value,)
    for v in values:
        if v is not None and v not in features.setdefault(feature, []):
            features[feature].append(v)


def _from_parameter(features: dict[str, list], name: str, value) -> None:
    """The features a parameter's value carries: by the parameter's name, else by its type."""
    # Lazy: as above.
    from nn_contract import ModelSpec
    from nn_contract.optim import OPTIMIZERS

    from .cases import Case  # lazy: as above

    if name == "batch_size":  # mini-batches need the training option; a full batch (None) does not
        if value is not None:
            _add(features, "training", "batch_size")
        return
    feature = _ALIASES.get(name, name)
    if feature in FEATURE_NAMES:
        _add(features, feature, value.name if isinstance(value, OPTIMIZERS) else value)
        return
    spec = value.spec if isinstance(value, Case) else value  # a Case's spec: None for logistic
    if isinstance(value, Case):
        _add(features, "model", value.model)
    if isinstance(spec, ModelSpec):
        _add(features, "activation", tuple(dict.fromkeys(spec.activations[:-1])))
        _add(features, "output", spec.output)
        _add(features, "loss", spec.loss)
    elif isinstance(value, OPTIMIZERS):
        _add(features, "optimizer", value.name)
    elif not isinstance(value, Case):
        raise ValueError(f"needs: parameter {name!r} carries no feature: it is not named after one, and "
                         f"{value!r} is not a Case, a ModelSpec or an optimizer")


def needed_features(item: pytest.Item) -> dict[str, tuple]:
    """What ``item`` needs of its backend, from its ``needs`` markers and its parameters:
    feature -> its values; ``model`` defaults to ``("deep",)`` and the rest holds for each."""
    params = dict(getattr(getattr(item, "callspec", None), "params", {}))
    features: dict[str, list] = {}
    for marker in item.iter_markers("needs"):
        for name in marker.args:
            if name not in params:
                raise ValueError(f"needs: {item.name} has no parameter {name!r}")
            _from_parameter(features, name, params[name])
        for feature, value in marker.kwargs.items():
            if isinstance(value, value_of):
                if value.name not in params:
                    raise ValueError(f"needs: {item.name} has no parameter {value.name!r}")
                value = params[value.name]
            _add(features, feature, value)
    features.setdefault("model", ["deep"])
    return {k: tuple(v) for k, v in features.items()}


def skip_reason(item: pytest.Item) -> str | None:
    """Why ``item`` is skipped for the backend it takes, or None (it runs, or takes no backend)."""
    backends = _backends(dict(getattr(getattr(item, "callspec", None), "params", {})))
    if not backends:
        return None
    try:
        features = needed_features(item)
    except ValueError as exc:  # a mis-declared test is the suite's error, not a skip
        pytest.fail(str(exc), pytrace=False)
    models = features.pop("model")
    for backend in backends:
        for model in models:
            reason = backend.unsupported(model=model, **features)
            if reason:
                return f"{backend.name}: {reason}"
    return None
