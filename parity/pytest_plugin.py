"""The pytest plugin of nn-parity: ``pytest --backend PACKAGE`` puts any backend in the suite.

Registered through the ``pytest11`` entry point, so it is active wherever nn-parity is
installed. ``--backend`` (repeatable) registers each package as a backend before the
tests are collected; the parity suite's parametrized tests then run for it beside the
built-ins, and a test that needs a feature the backend lacks is skipped with the reason
(``require``). ``NN_PARITY_BACKENDS=pkg1,pkg2`` does the same from the environment.
"""

from __future__ import annotations

import pytest

__all__ = ["backends_under_test", "require"]

_UNDER_TEST: list[str] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("nn-parity")
    group.addoption("--backend", action="append", default=[], metavar="PACKAGE",
                    help="also run the parity suite against the backend in PACKAGE (repeatable)")


def pytest_configure(config: pytest.Config) -> None:
    from .registry import BACKENDS, BackendError, register_backend

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
    from .registry import BACKENDS

    return "nn-parity backends: " + ", ".join(f"{n} ({BACKENDS[n].package})" for n in backends_under_test())


def backends_under_test() -> list[str]:
    """The built-ins, and every backend named by ``--backend`` or ``NN_PARITY_BACKENDS``."""
    if not _UNDER_TEST:  # the plugin is not active (pytest -p no:nn_parity): the built-ins
        from .registry import BACKENDS

        return [n for n, b in BACKENDS.items() if b.source in ("built-in", "environment")]
    return list(_UNDER_TEST)


def require(backend, **features) -> None:
    """Skip the calling test, with the reason, where ``backend`` lacks one of ``features``
    (``model=``, ``function=``, ``activation=``, ``output=``, ``loss=``, ``dtype=``,
    ``device=``, ``training=``, ``optimizer=``). The built-ins support all of them."""
    reason = backend.unsupported(**features)
    if reason:
        pytest.skip(f"{backend.name}: {reason}")
