"""A student's notebook or ``.py`` file as one Python module: what the file defines, and where.

Nothing here runs the student's code: cells are read with ``nbformat`` and parsed with ``ast``.

Kept, top-level only: imports, function and class definitions, and constant assignments
(``NAME = <literal>`` or an expression of literals and of constants kept before it, as
``layers_dims = [n_x, 7, 1]``). Dropped and counted: IPython magics (``%...``), shell lines
(``!...``), help lines (``np.dot?``), cell magics (a ``%%time`` or ``%%capture`` cell keeps its body as Python, any other
``%%`` cell is dropped whole), ``from __future__`` imports, and every other top-level statement
(training loops, test calls, prints, ``get_ipython()`` calls of an exported ``.py``). A cell that
does not parse once its magics are blanked is reported (cell, line, error) and skipped; the other
cells still load.

Cells are numbered from 1 over all the notebook's cells, Markdown included (``nb.cells[n - 1]``).
A ``.py`` file is split into cells at nbconvert's ``# In[...]:`` and jupytext's ``# %%`` markers
(one cell if it has none; lines before the first marker are cell 0); its origins also carry the
line in the file.

Each kept statement is copied verbatim, so the generated module's line ``g`` maps back to one
cell and line (``LoadedFile.origin(g)``).
"""

from __future__ import annotations

import ast
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Origin", "ParseError", "ImportRecord", "LoadedFile", "load_file", "load_cells", "parse", "SUFFIXES"]

# CPython 3.11's parser keeps its recursion guard in interpreter-wide state, so two threads
# parsing at once can trip it ("AST constructor recursion depth mismatch"); a class folder's
# files are checked from several threads, each waiting on its own process.
_PARSE_LOCK = threading.Lock()


def parse(source: str) -> ast.Module:
    """``ast.parse(source)``, one thread at a time."""
    with _PARSE_LOCK:
        return ast.parse(source)


SUFFIXES = (".ipynb", ".py")

# Cell magics whose body is Python that IPython runs as such.
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})
_PY_CELL_MARKER = re.compile(r"^(# In\[[^\]]*\]:|# %%)")
_HELP_LINE = re.compile(r"^\s*(\?{1,2}[\w.]+|[\w.]+\?{1,2})\s*$")  # IPython's np.dot? and ??np.dot
# A top-level ``def`` in a cell that does not parse: the function the student meant to define
# there, which the checker must not take for one the file leaves out.
_TOP_DEF = re.compile(r"^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(", re.MULTILINE)


@dataclass(frozen=True)
class Origin:
    """Where a line of the generated module comes from: the student's cell (from 1) and the line
    in that cell (from 1); ``file_line`` is the line in a ``.py`` file (None for a notebook)."""

    cell: int
    line: int
    file_line: int | None = None

    def __str__(self) -> str:
        where = f"cell {self.cell}, line {self.line}"
        return where if self.file_line is None else f"{where} (line {self.file_line} of the file)"


@dataclass(frozen=True)
class ParseError:
    """A cell that does not parse: where (cell, line in the cell), the parser's message and the
    functions the cell's top-level ``def`` lines name (``defines``)."""

    cell: int
    line: int | None
    message: str
    file_line: int | None = None
    defines: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"cell {self.cell}, line {self.line}: {self.message}"


@dataclass(frozen=True)
class ImportRecord:
    """One module the file imports at top level (``import a.b`` -> ``a.b``), where."""

    module: str
    origin: Origin

    @property
    def top(self) -> str:
        return self.module.split(".")[0]


@dataclass
class _Block:
    first_line: int  # in the generated module, from 1
    num_lines: int
    origin: Origin  # of the block's first line


@dataclass
class LoadedFile:
    """A student's file, loaded.

    source: the generated module's text; defined: the names the file defines (functions,
    classes, constants; only these are the student's), functions: the function names among
    them; imports: the top-level imports, with where; dropped_statements, dropped_magics: how
    many top-level statements and magic or shell lines were dropped; parse_errors: the cells
    that did not parse.
    """

    path: Path
    kind: str  # "notebook" or "script"
    num_cells: int
    source: str = ""
    defined: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    imports: tuple[ImportRecord, ...] = ()
    dropped_statements: int = 0
    dropped_magics: int = 0
    parse_errors: tuple[ParseError, ...] = ()
    blocks: list[_Block] = field(default_factory=list, repr=False)

    @property
    def dropped(self) -> int:
        return self.dropped_statements + self.dropped_magics

    def origin(self, line: int) -> Origin | None:
        """The student's cell and line for line ``line`` of the generated module, or None."""
        for block in self.blocks:
            if block.first_line <= line < block.first_line + block.num_lines:
                offset = line - block.first_line
                o = block.origin
                return Origin(o.cell, o.line + offset, None if o.file_line is None else o.file_line + offset)
        return None

    def import_origin(self, module: str) -> Origin | None:
        """Where the file first imports ``module`` or a submodule of it (top-level name)."""
        for record in self.imports:
            if record.module == module or record.top == module:
                return record.origin
        return None


# -- reading cells -------------------------------------------------------------------------


def _notebook_cells(path: Path) -> list[tuple[str | None, int | None]]:
    """Every cell as (source, None) for code, (None, None) for Markdown and raw cells."""
    import nbformat  # lazy: only a notebook needs it, and importing it takes a while

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # nbformat raises several kinds on a broken file
        raise ValueError(f"{path} is not a readable notebook: {exc}") from None
    return [(cell.source if cell.cell_type == "code" else None, None) for cell in nb.cells]


def _script_cells(text: str) -> tuple[list[tuple[str, int]], int]:
    """A .py file's cells as (source, first line in the file), split at cell markers, and the
    number of the first: 0 where lines precede the first marker (a shebang, an encoding line),
    so that the markers' cells are numbered from 1."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if _PY_CELL_MARKER.match(line)]
    first = 1
    if not starts or starts[0] != 0:
        first = 0 if starts else 1
        starts = [0, *starts]
    bounds = [*starts, len(lines)]
    return [("\n".join(lines[a:b]), a + 1) for a, b in zip(bounds, bounds[1:])], first


def _blank_magics(source: str) -> tuple[str | None, int]:
    """The cell with its magic and shell lines blanked (line numbers kept), and how many there
    were; None for a cell magic whose body is not Python (dropped whole)."""
    lines = source.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    count = 0
    if first is not None and lines[first].lstrip().startswith("%%"):
        name = lines[first].lstrip()[2:].split(maxsplit=1)[0] if lines[first].strip() != "%%" else ""
        if name not in _PYTHON_CELL_MAGICS:
            return None, 1
        lines[first] = ""
        count = 1
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        if (stripped.startswith(("%", "!")) and not stripped.startswith("!=")) or _HELP_LINE.match(line):
            lines[i] = ""
            count += 1
    return "\n".join(lines), count


# -- what to keep ----------------------------------------------------------------------------

_LITERAL_NODES = (ast.Constant, ast.Tuple, ast.List, ast.Set, ast.Dict, ast.UnaryOp, ast.BinOp,
                  ast.operator, ast.unaryop, ast.expr_context)


def _is_constant_expression(node: ast.expr, constants: set[str]) -> bool:
    """Literals, containers of them, arithmetic on them, and names of constants kept before."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            if sub.id not in constants:
                return False
        elif not isinstance(sub, _LITERAL_NODES):
            return False
    return True


def _assigned_names(node: ast.stmt) -> list[str] | None:
    """The plain names an assignment binds (``a = ...``, ``a, b = ...``), else None."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    names: list[str] = []
    for target in targets:
        elts = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
        for elt in elts:
            if not isinstance(elt, ast.Name):
                return None
            names.append(elt.id)
    return names


def _kept_names(node: ast.stmt, constants: set[str]) -> list[str] | None:
    """The names a kept statement defines ([] for an import); None for a statement to drop."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, ast.ImportFrom) and node.module == "__future__":
        return None  # only valid at the top of a module; the generated one has no fixed top
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return []
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        names = _assigned_names(node)
        if names and _is_constant_expression(node.value, constants):
            return names
    return None


def _imports_of(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module]
    return []


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno, *(d.lineno for d in decorators)])


# -- the whole file --------------------------------------------------------------------------


def load_cells(cells: list[tuple[str | None, int | None]], path: Path | str = "<cells>",
               kind: str = "notebook", first: int = 1) -> LoadedFile:
    """Load cells given as (source or None for a non-code cell, first line in the file or None),
    numbered from ``first``."""
    loaded = LoadedFile(path=Path(path), kind=kind, num_cells=len(cells))
    out: list[str] = []
    defined: dict[str, None] = {}
    functions: dict[str, None] = {}
    constants: set[str] = set()
    imports: list[ImportRecord] = []
    errors: list[ParseError] = []
    for number, (source, file_start) in enumerate(cells, start=first):
        if source is None:
            continue
        blanked, magics = _blank_magics(source)
        loaded.dropped_magics += magics
        if blanked is None:
            continue
        try:
            tree = parse(blanked)
        except SyntaxError as exc:
            file_line = None if file_start is None or exc.lineno is None else file_start + exc.lineno - 1
            errors.append(ParseError(number, exc.lineno, f"{type(exc).__name__}: {exc.msg}", file_line,
                                     tuple(dict.fromkeys(_TOP_DEF.findall(blanked)))))
            continue
        cell_lines = blanked.splitlines()
        for node in tree.body:
            names = _kept_names(node, constants)
            if names is None:
                loaded.dropped_statements += 1
                continue
            first, last = _first_line(node), node.end_lineno or node.lineno
            origin = Origin(number, first, None if file_start is None else file_start + first - 1)
            for module in _imports_of(node):
                imports.append(ImportRecord(module, Origin(number, node.lineno, None if file_start is None
                                                           else file_start + node.lineno - 1)))
            loaded.blocks.append(_Block(len(out) + 1, last - first + 1, origin))
            out.extend(cell_lines[first - 1:last])
            for name in names:
                defined[name] = None
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    functions[name] = None
                elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                    constants.add(name)
    loaded.source = "\n".join(out) + ("\n" if out else "")
    loaded.defined = tuple(defined)
    loaded.functions = tuple(functions)
    loaded.imports = tuple(imports)
    loaded.parse_errors = tuple(errors)
    return loaded


def load_file(path: Path | str) -> LoadedFile:
    """A notebook (``.ipynb``) or a ``.py`` file, loaded as the student wrote it."""
    path = Path(path)
    if path.suffix not in SUFFIXES:
        raise ValueError(f"path must be a notebook (.ipynb) or a .py file, got {str(path)!r}")
    if not path.is_file():
        raise ValueError(f"path {str(path)!r} is not a file")
    if path.suffix == ".ipynb":
        return load_cells(_notebook_cells(path), path, "notebook")
    cells, first = _script_cells(path.read_text(encoding="utf-8", errors="replace"))
    return load_cells(cells, path, "script", first)
