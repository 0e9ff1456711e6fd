"""A student's file run in its own process: whatever it does becomes its ``Verdict``.

    with Sandbox("week4.ipynb", timeout=60) as box:     # load, copy the folder, start, import
        box.import_verdict                               # Verdict("ok" | "error" | ...)
        result = box.call("relu_backward", dA, Z)        # CallResult(verdict, value, ...)

The process (``parity.students.worker``, started without the harness's package imports) runs in a temporary copy of the file's
folder, with the folder first on ``sys.path`` (copies of the course's helpers there are used
as they are), under a memory limit (``RLIMIT_AS``, 2 GiB by default), a file-size limit and a
cap on what it prints; the time limit (60 s by default) covers the process's import and
every call together (``restart`` gives a file a fresh process, and a fresh limit, after one
died). A hang, a crash (a signal, ``os._exit``), ``sys.exit``, an exception or an output flood
is a ``Verdict`` with the status, a message and the student's cell and line where it raised (for
a hang, where it was running: the process dumps its stack on SIGUSR1 before the whole process
group is killed). The copy is removed on close.
Values cross as JSON and arrays files (``codec``: raw bytes of number dtypes), never as pickles.

This is fault isolation, not a security boundary: the student's code runs as the checker's user.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..registry import reference_backend
from .codec import decode, encode, load_arrays, save_arrays
from .loader import LoadedFile, Origin, load_file

__all__ = ["Verdict", "CallResult", "Sandbox", "STATUSES", "DEFAULT_TIMEOUT", "DEFAULT_MEMORY_BYTES",
           "DEFAULT_COPY_LIMIT_BYTES", "course_package", "reference_course", "copy_filter", "run_file"]

STATUSES = ("ok", "error", "timeout", "crashed", "memory")
DEFAULT_TIMEOUT = 60.0
DEFAULT_MEMORY_BYTES = 2 * 2**30
DEFAULT_FILE_BYTES = 256 * 2**20
DEFAULT_OUTPUT_CHARS = 1_000_000
_ANSWER_LIMIT = 16 * 2**20
DEFAULT_COPY_LIMIT_BYTES = 128 * 2**20
_IGNORED = shutil.ignore_patterns(".git", "__pycache__", ".ipynb_checkpoints", "*.ipynb", "*.pyc")
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])  # the folder holding ``parity``
# The worker started without running ``parity/__init__`` and ``parity/students/__init__``: they
# load the harness (the registry, the data sets: half a second), and the worker needs only its
# codec and the helper finder. Empty package modules stand for the two, so the relative imports
# of ``parity.students.worker`` resolve; a class's 300 files pay that half second 300 times.
_BOOTSTRAP = """
import runpy, sys, types
for name, path in (("parity", {root!r} + "/parity"), ("parity.students", {root!r} + "/parity/students")):
    module = types.ModuleType(name)
    module.__path__ = [path]
    sys.modules[name] = module
runpy.run_module("parity.students.worker", run_name="__main__", alter_sys=True)
"""


@dataclass(frozen=True)
class Verdict:
    """What a student's file (or one call into it) came to.

    status: ``ok``, ``error`` (an exception, ``sys.exit``, an output flood), ``timeout``,
    ``crashed`` (the process died: a signal, ``os._exit``) or ``memory``; message: in words;
    cell, line: the student's cell and line where it raised (innermost frame in the file),
    file_line: that line in a ``.py`` file (None for a notebook); function: the student's
    function there; exception: the exception's type name.
    """

    status: str
    message: str = ""
    cell: int | None = None
    line: int | None = None
    function: str | None = None
    exception: str | None = None
    file_line: int | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def where(self) -> str:
        if self.cell is None:
            return ""
        inside = f" in {self.function}" if self.function and self.function != "<module>" else ""
        return str(Origin(self.cell, self.line, self.file_line)) + inside

    def __str__(self) -> str:
        where = self.where()
        return f"{self.status}: {self.message}" + (f" ({where})" if where else "")


@dataclass(frozen=True)
class CallResult:
    """One call of a student's function: its verdict, the value it returned (decoded; an
    ``Unencodable`` string where it was not an array structure), the arguments after the call
    (where ``echo_args``), the call's seconds, and ``written``: the paths of the input arrays
    the call wrote into (``[0]['W1']``: the first argument's entry W1)."""

    verdict: Verdict
    value: object = None
    args_after: list | None = None
    kwargs_after: dict | None = None
    seconds: float | None = None
    written: tuple[str, ...] = ()


def course_package() -> str | None:
    """The package of the course's math helpers, as the reference backend declares it."""
    return getattr(reference_backend().declaration, "COURSE_MODULES", None)


def reference_course():
    """The reference's course module, imported by the package name the registry holds."""
    return importlib.import_module(f"{reference_backend().package}.course")


@dataclass
class Sandbox:
    """One student file in its own process (module docstring). ``start()`` (or ``with``) loads,
    copies, starts and imports; ``call()`` calls a function the file defines; ``close()`` ends it."""

    path: Path | str
    timeout: float = DEFAULT_TIMEOUT
    memory_bytes: int = DEFAULT_MEMORY_BYTES
    file_bytes: int = DEFAULT_FILE_BYTES
    output_chars: int = DEFAULT_OUTPUT_CHARS
    copy_limit_bytes: int = DEFAULT_COPY_LIMIT_BYTES
    course: str | None = field(default_factory=course_package)
    not_copied: list[str] = field(default_factory=list, init=False)
    loaded: LoadedFile | None = field(default=None, init=False)
    import_verdict: Verdict | None = field(default=None, init=False)
    import_errors: tuple[Verdict, ...] = field(default=(), init=False)
    served: dict[str, tuple[str, str]] = field(default_factory=dict, init=False)
    _proc: subprocess.Popen | None = field(default=None, init=False, repr=False)
    _dead: Verdict | None = field(default=None, init=False, repr=False)
    _tmp: str | None = field(default=None, init=False, repr=False)
    _deadline: float = field(default=0.0, init=False, repr=False)
    _calls: int = field(default=0, init=False, repr=False)

    def __post_init__(self):
        self.path = Path(self.path)
        for name in ("timeout", "memory_bytes", "file_bytes", "output_chars", "copy_limit_bytes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"{name} must be a positive number, got {value!r}")

    # ------------------------------------------------------------------ lifetime

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> Verdict:
        """Load the file, copy its folder, start the process and import the file's module."""
        self.loaded = load_file(self.path)
        self._tmp = tempfile.mkdtemp(prefix="nn-parity-student-")
        workdir, iodir = os.path.join(self._tmp, "work"), os.path.join(self._tmp, "io")
        try:
            shutil.copytree(self.path.resolve().parent, workdir, symlinks=True,
                            ignore=copy_filter(self.copy_limit_bytes, self.not_copied))
        except shutil.Error:
            pass  # files that could not be copied (unreadable) are missing for the student's code too
        os.mkdir(iodir)
        module_path = os.path.join(iodir, "student_notebook.py")
        Path(module_path).write_text(self.loaded.source, encoding="utf-8")
        job = {"module_path": module_path, "workdir": workdir, "output_path": os.path.join(iodir, "output.txt"),
               "course_package": self.course, "memory_bytes": self.memory_bytes, "file_bytes": self.file_bytes,
               "output_chars": self.output_chars, "stack_path": os.path.join(iodir, "stack.txt"),
               "imported": {r.top: str(r.origin) for r in reversed(self.loaded.imports)}}
        job_path = os.path.join(iodir, "job.json")
        Path(job_path).write_text(json.dumps(job), encoding="utf-8")
        self._deadline = time.monotonic() + self.timeout
        with open(os.path.join(iodir, "stderr.txt"), "wb") as stderr:
            self._proc = subprocess.Popen(
                [sys.executable, "-c", _BOOTSTRAP.format(root=_PACKAGE_ROOT), job_path], cwd=self._tmp, env=self._environment(),
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
                start_new_session=True)  # its own process group: a timeout kills the group at once
        ready = self._answer("starting")
        if ready.get("status") != "ready":
            self.import_verdict = self._verdict(ready, "starting")
            return self.import_verdict
        answer = self._request({"op": "import"}, "importing the file")
        self.import_errors = tuple(self._verdict(e, "importing the file") for e in answer.get("errors", []))
        if answer.get("status") == "ok" and self.import_errors:
            first = self.import_errors[0]
            self.import_verdict = Verdict("error", f"{len(self.import_errors)} top-level statement(s) raised; "
                                          f"first: {first.message}", first.cell, first.line, first.function,
                                          first.exception, first.file_line)
        else:
            self.import_verdict = self._verdict(answer, "importing the file")
        return self.import_verdict

    def restart(self) -> Verdict:
        """A fresh process, with a fresh time limit, for a file whose process died (a hang, a
        crash): closed, then loaded, copied and imported again as by ``start``."""
        self.close()
        self._proc, self._dead, self._calls = None, None, 0
        self.not_copied.clear()
        return self.start()

    def close(self) -> None:
        """End the process (its whole group) and remove the temporary copy."""
        if self._proc is not None:
            if self._proc.poll() is None and self._dead is None:
                try:
                    self._proc.stdin.write(b'{"op": "quit"}\n')
                    self._proc.stdin.flush()
                    self._proc.wait(timeout=2)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            self._kill()
            for stream in (self._proc.stdin, self._proc.stdout):
                stream.close()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def output(self) -> str:
        """What the student's code printed so far (while the sandbox is open)."""
        if self._tmp is None:
            return ""
        path = os.path.join(self._tmp, "io", "output.txt")
        return Path(path).read_text(encoding="utf-8", errors="replace") if os.path.exists(path) else ""

    # ------------------------------------------------------------------ calls

    def call(self, function: str, *args, echo_args: bool = False, substitute: dict[str, str] | None = None,
             **kwargs) -> CallResult:
        """Call the student's ``function`` on ``args``/``kwargs`` (arrays, numbers, strings, and
        tuples, lists and str-keyed dicts of them) in the student's process. ``substitute``:
        student's global name -> ``"module:function"`` to stand in for it during this call."""
        if self.loaded is None:
            raise ValueError("the sandbox is not started: use start() or a with block")
        if function not in self.loaded.functions:
            raise ValueError(f"function must be one the file defines ({', '.join(self.loaded.functions) or 'none'}), "
                             f"got {function!r}")
        if self._dead is not None:
            return CallResult(self._dead)
        self._calls += 1
        iodir = os.path.join(self._tmp, "io")
        arrays_in, arrays_out = (os.path.join(iodir, f"call{self._calls}_{k}.arrays") for k in ("in", "out"))
        arrays: dict = {}
        request = {"op": "call", "function": function, "args": encode(list(args), arrays),
                   "kwargs": encode(dict(kwargs), arrays), "arrays_in": arrays_in, "arrays_out": arrays_out,
                   "echo_args": echo_args, "substitute": dict(substitute or {})}
        bad = _unencodable(request["args"]) or _unencodable(request["kwargs"])
        if bad:
            raise TypeError(f"the arguments of {function} must be arrays, numbers, strings, None, or tuples, "
                            f"lists and str-keyed dicts of them; got {bad}")
        save_arrays(arrays_in, arrays)
        answer = self._request(request, f"calling {function}")
        verdict = self._verdict(answer, f"calling {function}")
        if not verdict.ok:
            return CallResult(verdict)
        out = load_arrays(arrays_out)
        for path in (arrays_in, arrays_out):
            os.remove(path)
        return CallResult(verdict, decode(answer["result"], out),
                          decode(answer["args_after"], out) if echo_args else None,
                          decode(answer["kwargs_after"], out) if echo_args else None, answer.get("seconds"),
                          tuple(answer.get("written", ())))

    def notes(self) -> list[str]:
        """The load record in words: what was dropped, cells that did not parse, and how each
        helper module the file needed was resolved."""
        notes = []
        if self.loaded is not None:
            notes.append(f"dropped {self.loaded.dropped_statements} top-level statement(s) and "
                         f"{self.loaded.dropped_magics} magic or shell line(s)")
            notes += [f"cell {e.cell}, line {e.line} does not parse ({e.message}); the cell was skipped"
                      for e in self.loaded.parse_errors]
        notes += [f"{name}: over {self.copy_limit_bytes} bytes, not copied for the student's code"
                  for name in self.not_copied]
        for name, (kind, detail) in sorted(self.served.items()):
            if kind == "course":
                notes.append(f"{name}: absent, the course's math from the reference ({detail})")
            else:
                notes.append(f"{name}: {detail}")
        return notes

    # ------------------------------------------------------------------ the channel

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        # One BLAS thread: a class's files run side by side, and RLIMIT_AS counts every thread's stack.
        env.update({k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")})
        env.update({"MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"})
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, env.get("PYTHONPATH")]))
        return env

    def _request(self, request: dict, doing: str) -> dict:
        if self._dead is not None:
            return {"status": "_dead"}
        try:
            self._proc.stdin.write((json.dumps(request) + "\n").encode())
            self._proc.stdin.flush()
        except OSError:
            pass  # the process is gone; reading its answer says how
        return self._answer(doing)

    def _answer(self, doing: str) -> dict:
        """The process's next answer line, or what happened instead (timeout, crash)."""
        fd, buffer = self._proc.stdout.fileno(), b""
        while b"\n" not in buffer:
            left = self._deadline - time.monotonic()
            ready = select.select([fd], [], [], max(left, 0))[0] if left > 0 else []
            if not ready:
                line = self._hung_at()
                self._kill()
                return self._die("timeout", f"no answer within the time limit of {self.timeout:g} s while {doing}",
                                 line)
            chunk = os.read(fd, 65536)
            if not chunk:
                return self._die("crashed", self._death(doing))
            buffer += chunk
            if len(buffer) > _ANSWER_LIMIT:
                self._kill()
                return self._die("crashed", f"an answer over {_ANSWER_LIMIT} bytes while {doing}")
        answer = json.loads(buffer.split(b"\n", 1)[0])
        if "served" in answer:
            self.served = {k: tuple(v) for k, v in answer["served"].items()}
        return answer

    def _death(self, doing: str) -> str:
        try:
            code = self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._kill()
            code = self._proc.wait()
        self._kill()  # what the student started in its group goes too
        if code < 0:
            name = signal.Signals(-code).name
            if -code == signal.SIGXFSZ:
                return f"killed by {name} while {doing}: a file (its output?) passed {self.file_bytes} bytes"
            return f"killed by {name} while {doing}"
        tail = self._stderr_tail()
        return f"the process exited with code {code} while {doing}" + (f": {tail}" if tail else "")

    def _stderr_tail(self) -> str:
        path = os.path.join(self._tmp, "io", "stderr.txt")
        text = Path(path).read_text(errors="replace").strip() if os.path.exists(path) else ""
        return text[-500:]

    def _hung_at(self) -> int | None:
        """The generated module's line the process is running, from the stack it dumps on SIGUSR1
        (innermost first), or None where it does not answer within a moment."""
        path = os.path.join(self._tmp, "io", "stack.txt")
        pattern = re.compile(r'File "' + re.escape(os.path.join(self._tmp, "io", "student_notebook.py"))
                             + r'", line (\d+)')
        try:
            os.kill(self._proc.pid, signal.SIGUSR1)
        except ProcessLookupError:
            return None
        end = time.monotonic() + 0.5
        while time.monotonic() < end:
            text = Path(path).read_text(errors="replace") if os.path.exists(path) else ""
            if "File " in text:
                time.sleep(0.02)  # the dump is written frame by frame
                found = pattern.search(Path(path).read_text(errors="replace"))
                return int(found.group(1)) if found else None
            time.sleep(0.02)
        return None

    def _die(self, status: str, message: str, line: int | None = None) -> dict:
        origin = self.loaded.origin(line) if line is not None and self.loaded is not None else None
        self._dead = Verdict(status, message,
                             origin.cell if origin else None, origin.line if origin else None,
                             file_line=origin.file_line if origin else None)
        return {"status": "_dead"}

    def _kill(self) -> None:
        try:
            os.killpg(self._proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass

    def _verdict(self, answer: dict, doing: str) -> Verdict:
        status = answer.get("status")
        if status == "_dead":
            return self._dead
        if status in ("ok", "ready"):
            return Verdict("ok")
        message = answer.get("message", "")
        if answer.get("exception") == "SystemExit":
            message = f"sys.exit({answer.get('exit_code')!r}) while {doing}"
        elif status == "memory":
            message = f"out of memory (limit {self.memory_bytes} bytes) while {doing}: {message}"
        origin, function = self._where(answer.get("frames", []), answer.get("line"))
        return Verdict(status if status in STATUSES else "error", message,
                       origin.cell if origin else None, origin.line if origin else None, function,
                       answer.get("exception"), origin.file_line if origin else None)

    def _where(self, frames: list, line: int | None) -> tuple[Origin | None, str | None]:
        """The innermost frame in the student's file, as its cell and line, and its function."""
        for file, lineno, function in reversed(frames):
            if file == "" and self.loaded is not None:
                origin = self.loaded.origin(lineno)
                if origin is not None:
                    return origin, function
        if line is not None and self.loaded is not None:
            return self.loaded.origin(line), None
        return None, None


def copy_filter(limit_bytes: int, not_copied: list[str]):
    """An ``ignore`` for ``shutil.copytree``: version-control and cache folders, notebooks (the
    file itself is loaded, not copied; a folder of a class's notebooks would be copied once per
    file), and files over ``limit_bytes``, whose names are added to ``not_copied``."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = set(_IGNORED(folder, names))
        for name in names:
            full = os.path.join(folder, name)
            if name not in skipped and not os.path.islink(full) and os.path.isfile(full) \
                    and os.path.getsize(full) > limit_bytes:
                skipped.add(name)
                not_copied.append(name)
        return skipped

    return ignore


def _unencodable(tree) -> str | None:
    """The first value of an encoded tree that could not be encoded, or None."""
    if isinstance(tree, dict):
        if "__unencodable__" in tree:
            return tree["__unencodable__"]
        children = next(iter(tree.values()), [])
        if "__dict__" in tree:
            children = [v for _, v in children]
        for child in children if isinstance(children, list) else []:
            found = _unencodable(child)
            if found:
                return found
    return None


def run_file(path: Path | str, **options) -> Sandbox:
    """Load and import one file in its own process, then close it; the closed ``Sandbox`` keeps
    ``loaded``, ``import_verdict``, ``import_errors`` and ``served``."""
    box = Sandbox(path, **options)
    try:
        box.start()
    finally:
        box.close()
    return box
