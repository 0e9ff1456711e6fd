"""The layout of CONTRACT.md held to the source: layers point down, no import cycles.

The contract package (``nn_contract``) at the bottom imports NumPy alone; an implementation
imports, of the project, the contract alone; the harness and the reports import no framework
and no implementation; no file imports itself back through another; an import of the project's
own modules inside a function is lazy loading on purpose, in the few places where that is the
point, with its reason on the line or just above; and no source file is over 500 lines.
The import graph is read from the source (``ast``), imports inside functions included.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = "nn_contract"
IMPLEMENTATIONS = ("reference_numpy", "torch_impl", "jax_impl")
HARNESS = ("parity", "reports")
PACKAGES = (CONTRACT, *IMPLEMENTATIONS, *HARNESS)
FRAMEWORKS = ("torch", "jax", "jaxlib", "optax", "autograd")
MAX_LINES = 500


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the imported module, dotted, as written (resolved when relative)
    line: int
    in_function: bool


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, Path]:
    return {_module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


SOURCES = _sources()


def _targets(module: str, path: Path, node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    if node.level:
        parts = package.split(".")
        base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    # ``from pkg import sub`` runs pkg's ``__init__`` as well as loading sub: both are edges.
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


class _ImportVisitor(ast.NodeVisitor):
    """Every import of one file, in one walk, with whether a function encloses it."""

    def __init__(self, module: str, path: Path):
        self.module, self.path, self.depth, self.found = module, path, 0, []

    def _function(self, node) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def _import(self, node) -> None:
        self.found += [Import(self.module, target, node.lineno, self.depth > 0)
                       for target in _targets(self.module, self.path, node)]

    visit_Import = visit_ImportFrom = _import


def _imports(module: str, path: Path) -> list[Import]:
    visitor = _ImportVisitor(module, path)
    visitor.visit(ast.parse(path.read_text(), filename=str(path)))
    return visitor.found


@functools.cache
def imports() -> tuple[Import, ...]:
    """Every import of the project's source, read once per session (by the tests, not at
    collection: each pytest worker collects this module)."""
    return tuple(imp for module, path in SOURCES.items() for imp in _imports(module, path))


def _top(name: str) -> str:
    return name.split(".")[0]


def _project_module(target: str) -> str | None:
    """The project's module that ``target`` loads (its deepest existing prefix), or None."""
    while target and target not in SOURCES:
        target = target.rpartition(".")[0]
    return target or None


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {module: set() for module in SOURCES}
    for imp in imports():
        target = _project_module(imp.target)
        if target and target != imp.module:
            graph[imp.module].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_is_read():
    """The checks below are only as good as the graph: it must see the edges everyone knows."""
    graph = _graph()
    assert "nn_contract.spec" in graph["nn_contract.checks"]
    assert "nn_contract.checks" in graph["reference_numpy.deep"]
    assert any(_top(target) == "parity" for target in graph["reports.cli"])


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    assert _cycles(_graph()) == []


def _project_imports(package: str, *, top_level_only: bool = False) -> list[str]:
    return [f"{imp.module}:{imp.line} -> {imp.target}" for imp in imports()
            if _top(imp.module) == package and not (top_level_only and imp.in_function)
            and (_top(imp.target) in PACKAGES or _top(imp.target) in FRAMEWORKS)]


def test_the_contract_imports_nothing_else_of_the_project():
    outside = [line for line in _project_imports(CONTRACT) if not line.split(" -> ")[1].startswith(CONTRACT)]
    assert outside == []


@pytest.mark.parametrize("package", IMPLEMENTATIONS)
def test_an_implementation_imports_of_the_project_the_contract_alone(package):
    outside = [line for line in _project_imports(package)
               if _top(line.split(" -> ")[1]) in PACKAGES and _top(line.split(" -> ")[1]) not in (CONTRACT, package)]
    assert outside == []


@pytest.mark.parametrize("package", HARNESS)
def test_the_harness_imports_no_framework_and_no_implementation(package):
    named = [line for line in _project_imports(package)
             if _top(line.split(" -> ")[1]) in (*FRAMEWORKS, *IMPLEMENTATIONS)]
    assert named == []


# Where an import inside a function is the point: a backend's declaration is read without
# starting its framework; the CLI starts fast; the pytest plugin and the registry load backends
# when they are asked for; a package's lazy face loads its submodules on first use.
LAZY_PLACES = {
    "reference_numpy.backend", "torch_impl.backend", "jax_impl.backend",
    "reports.cli", "parity.pytest_plugin", "parity.registry",
}


def _lazy_face(module: str) -> bool:
    return SOURCES[module].name == "__init__.py"


def test_imports_inside_functions_are_lazy_loading_on_purpose():
    stray = [f"{imp.module}:{imp.line} -> {imp.target}" for imp in imports()
             if imp.in_function and _project_module(imp.target)
             and imp.module not in LAZY_PLACES and not _lazy_face(imp.module)]
    assert stray == []


def test_each_lazy_import_says_why():
    """A lazy import carries its reason: a comment on its line or on one of the two above."""
    silent = []
    for imp in imports():
        if imp.in_function and _project_module(imp.target):
            lines = SOURCES[imp.module].read_text().splitlines()
            context = lines[max(0, imp.line - 3): imp.line]
            if not any("#" in line for line in context):
                silent.append(f"{imp.module}:{imp.line} -> {imp.target}")
    assert silent == []


def test_no_source_file_is_over_500_lines():
    long = {str(path.relative_to(ROOT)): n for path in SOURCES.values()
            if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}
