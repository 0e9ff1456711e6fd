"""The course's helper modules, resolved when a student's folder lacks them (in the student's
process only).

``HelperFinder`` sits last on ``sys.meta_path``, so a copy next to the notebook (the student's
folder is first on ``sys.path``) or an installed module always wins. For a module found nowhere:

- a math module of the course (``dnn_utils``, ``reg_utils``, ...; the reference declares them in
  ``COURSE_MODULES``, its ``MATH_MODULES``): a module of that name holding the reference's
  functions, under the course's names and return conventions;
- a test or data module of the course (``testCases*``, ``public_tests``, ``test_utils``,
  ``lr_utils``): a stub. Importing it works, ``from testCases import *`` imports nothing, and
  any name taken from it is a ``Stub``: calling it raises ``StubUsed`` naming the module, so a
  graded function that needs the course's test data says so instead of computing with None;
- any other module the student's file imports at top level: a stand-in of the same kind
  (``MissingModule``), so the rest of the file still loads; using it raises ``StubUsed`` naming
  the module and the cell that imports it.

Only names the file imports get a stand-in: a library's ``try: import x except ImportError``
elsewhere in the process still sees the ImportError it expects.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types

__all__ = ["StubUsed", "Stub", "StubModule", "HelperFinder", "install"]


class StubUsed(RuntimeError):
    """A stub of a course test/data module, or of a module not installed, was used."""


class Stub:
    """A name taken from a stubbed module: calling it, or using its result, raises ``StubUsed``."""

    def __init__(self, qualname: str, why: str):
        self._qualname, self._why = qualname, why

    def __call__(self, *args, **kwargs):
        raise StubUsed(f"{self._qualname} was called, but {self._why}")

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return Stub(f"{self._qualname}.{name}", self._why)

    def __repr__(self) -> str:
        return f"<stub {self._qualname}>"


class StubModule(types.ModuleType):
    """A module whose every public attribute is a ``Stub``; a package, so submodules stub too."""

    def __init__(self, name: str, why: str):
        super().__init__(name, f"nn-parity stub: {why}")
        self.__path__ = []
        self.__all__ = []
        self.__nn_parity_stub__ = why

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return Stub(f"{self.__name__}.{name}", self.__nn_parity_stub__)


class _ModuleLoader(importlib.abc.Loader):
    def __init__(self, make):
        self._make = make

    def create_module(self, spec):
        return self._make(spec.name)

    def exec_module(self, module):
        return None


class HelperFinder(importlib.abc.MetaPathFinder):
    """The last resort of ``import``: the course's helpers, stubs, stand-ins (module docstring).

    course: the reference's course-modules package (or None); imported: the top-level modules
    the student's file imports, each -> where (``"cell 3, line 1"``). ``served`` records, for each
    module given out, ``(kind, detail)``: kind ``course``, ``stub`` or ``missing``.
    """

    def __init__(self, course: types.ModuleType | None, imported: dict[str, str]):
        self.course = course
        self.imported = dict(imported)
        self.served: dict[str, tuple[str, str]] = {}

    def _kind(self, top: str) -> str | None:
        if self.course is not None and top in self.course.MATH_MODULES:
            return "course"
        if self.course is not None and self.course.is_stub_module(top):
            return "stub"
        if top in self.imported:
            return "missing"
        return None

    def find_spec(self, fullname, path=None, target=None):
        top = fullname.split(".")[0]
        kind = self._kind(top)
        if kind is None or (kind == "course" and fullname != top):
            return None
        if fullname != top and not isinstance(sys.modules.get(top), StubModule):
            return None
        make = self._course_module if kind == "course" else lambda name: self._stub(name, kind, top)
        return importlib.machinery.ModuleSpec(fullname, _ModuleLoader(make))

    def _course_module(self, name: str) -> types.ModuleType:
        source = f"{self.course.__name__}.{self.course.MATH_MODULES[name]}"
        real = importlib.import_module(source)
        module = types.ModuleType(name, real.__doc__)
        public = list(getattr(real, "__all__", [k for k in vars(real) if not k.startswith("_")]))
        module.__dict__.update({k: getattr(real, k) for k in public})
        module.__all__ = public
        module.__nn_parity_source__ = source
        self.served[name] = ("course", source)
        return module

    def _stub(self, name: str, kind: str, top: str) -> StubModule:
        if kind == "stub":
            why = (f"{top} is one of the course's test and data modules, which nn-parity stands in "
                   f"for with a stub; put the course's {top}.py next to the notebook to use it")
        else:
            why = (f"module {top!r} is not installed here (imported in {self.imported[top]}); "
                   f"a stand-in took its place so the rest of the file could load")
        self.served.setdefault(top, (kind, why))
        return StubModule(name, why)


def install(course_package: str | None, imported: dict[str, str]) -> HelperFinder:
    """Put a ``HelperFinder`` last on ``sys.meta_path``; ``course_package`` is imported by the
    name the reference declares (None: no course helpers, only stand-ins)."""
    course = importlib.import_module(course_package) if course_package else None
    finder = HelperFinder(course, imported)
    sys.meta_path.append(finder)
    return finder
