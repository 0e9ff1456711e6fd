"""The student's process: ``python -m parity.students.worker JOB.json``, started by
``parity.students.sandbox`` in a temporary copy of the student's folder.

It limits itself first (address space, file size), moves the student's output (fd 1 and 2) to
a file with a cap, and then answers requests, one JSON line each way: requests on its stdin,
answers on the stdout it was started with (which the student cannot print into).

    {"op": "import"}      run the generated module statement by statement; a statement that
                          raises is reported with its line and the next one still runs;
                          sys.exit, an output flood or a MemoryError stops the import
    {"op": "call", "function": NAME, "args": TREE, "kwargs": TREE, "arrays_in": FILE,
     "arrays_out": FILE, "echo_args": BOOL, "substitute": {NAME: "module:function"}}
                          call the student's function on decoded inputs (``codec``); the result,
                          and the arguments after the call where asked, go to ``arrays_out``;
                          ``written`` lists the input arrays the call wrote into (by path,
                          ``[0]['W1']``); ``substitute`` puts other functions (the reference's)
                          in place of the student's globals of those names for this call only
    {"op": "quit"}

An answer is ``{"status": "ok" | "error" | "memory", ...}``; an error carries ``exception``,
``message``, ``frames`` (the student's frames only: ``[file, line, function]``, file ``""`` for
the generated module) and ``exit_code`` for a ``sys.exit``.
"""

from __future__ import annotations

import ast
import faulthandler
import importlib
import io
import json
import os
import resource
import signal
import sys
import time
import traceback
import types

import numpy  # loaded before the limits: the memory limit is for the student, not NumPy

from .codec import decode, encode, load_arrays, save_arrays
from .helpers import install

__all__ = ["main", "OutputFlood"]

_MESSAGE_LIMIT = 2000


class OutputFlood(BaseException):
    """Raised into the student's code when its output passes the cap: a BaseException, so that
    the student's ``except Exception`` does not swallow it."""


class _CappedWriter(io.TextIOBase):
    """sys.stdout / sys.stderr for the student: writes through to the output file, and raises
    ``OutputFlood`` once ``cap`` characters in all have been written."""

    def __init__(self, stream, state: dict):
        self._stream, self._state = stream, state

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        self._state["written"] += len(text)
        if self._state["written"] > self._state["cap"]:
            self._state["flooded"] = True
            raise OutputFlood(f"more than {self._state['cap']} characters of output")
        self._stream.write(text)
        return len(text)

    def flush(self) -> None:
        self._stream.flush()


def _limit(memory_bytes: int | None, file_bytes: int | None) -> None:
    for which, value in ((resource.RLIMIT_AS, memory_bytes), (resource.RLIMIT_FSIZE, file_bytes)):
        if value:
            soft, hard = resource.getrlimit(which)
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (value, hard))


def _channels(output_path: str) -> tuple:
    """The request and answer channels, taken off fd 0 and 1 before the student can reach them;
    fd 0 becomes /dev/null (an ``input()`` gets EOF), fd 1 and 2 the output file."""
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    out = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(out, 1)
    os.dup2(out, 2)
    return requests, answers


def _cut(text: str) -> str:
    return text if len(text) <= _MESSAGE_LIMIT else text[:_MESSAGE_LIMIT] + "..."


def _frames(tb, module_file: str, workdir: str) -> list[list]:
    """The student's frames, innermost last: in the generated module ("" as file) or in a file
    of the student's folder (its path there)."""
    frames = []
    for frame in traceback.extract_tb(tb):
        if frame.filename == module_file:
            frames.append(["", frame.lineno, frame.name])
        elif frame.filename.startswith(workdir + os.sep):
            frames.append([os.path.relpath(frame.filename, workdir), frame.lineno, frame.name])
    return frames


def _failure(exc: BaseException, job: dict, state: dict) -> dict:
    if state["flooded"] or isinstance(exc, OutputFlood):
        return {"status": "error", "exception": "OutputFlood",
                "message": f"output flood: more than {state['cap']} characters printed", "frames": []}
    frames = _frames(exc.__traceback__, job["module_path"], job["workdir"])
    if isinstance(exc, SyntaxError) and exc.filename == job["module_path"] and exc.lineno:
        frames.append(["", exc.lineno, "<module>"])
    answer = {"status": "memory" if isinstance(exc, MemoryError) else "error",
              "exception": type(exc).__name__, "message": _cut(_describe(exc)), "frames": frames}
    if isinstance(exc, SystemExit):
        answer["exit_code"] = exc.code if isinstance(exc.code, (int, str, type(None))) else repr(exc.code)
    return answer


def _describe(exc: BaseException) -> str:
    try:
        return f"{type(exc).__name__}: {exc}"
    except Exception:  # a student's exception whose __str__ raises
        return type(exc).__name__


def _import(module: types.ModuleType, job: dict, state: dict) -> dict:
    """Run the generated module one top-level statement at a time."""
    with open(job["module_path"], encoding="utf-8") as f:
        tree = ast.parse(f.read(), job["module_path"])
    errors = []
    for statement in tree.body:
        code = compile(ast.Module([statement], []), job["module_path"], "exec")
        try:
            exec(code, module.__dict__)
        except (SystemExit, OutputFlood, MemoryError, KeyboardInterrupt) as exc:
            return {**_failure(exc, job, state), "errors": errors}
        except BaseException as exc:  # the student's statement failed; the next one still runs
            errors.append({**_failure(exc, job, state), "line": statement.lineno})
        if state["flooded"]:
            return {**_failure(OutputFlood(), job, state), "errors": errors}
    return {"status": "ok", "errors": errors}


def _arrays_in(value, path: str = "") -> list[tuple[str, numpy.ndarray]]:
    """Every array of a decoded input, with its path (``[0]['W1']``), the array objects themselves."""
    if isinstance(value, numpy.ndarray):
        return [(path, value)]
    if isinstance(value, (list, tuple)):
        return [found for i, v in enumerate(value) for found in _arrays_in(v, f"{path}[{i}]")]
    if isinstance(value, dict):
        return [found for k, v in value.items() for found in _arrays_in(v, f"{path}[{k!r}]")]
    return []


def _substitutes(request: dict) -> dict:
    """The functions that stand in for the student's globals during this call, imported by the
    ``module:function`` names the checker gives (the reference's, found through its registry)."""
    out = {}
    for name, where in (request.get("substitute") or {}).items():
        module_name, _, attribute = where.partition(":")
        out[name] = getattr(importlib.import_module(module_name), attribute)
    return out


def _call(module: types.ModuleType, request: dict, job: dict, state: dict) -> dict:
    fn = module.__dict__.get(request["function"])
    if not callable(fn):
        return {"status": "error", "exception": "NameError", "frames": [],
                "message": f"{request['function']!r} is not defined (or its definition failed at import)"}
    arrays = load_arrays(request["arrays_in"])
    args = decode(request.get("args", {"__list__": []}), arrays)
    kwargs = decode(request.get("kwargs", {"__dict__": []}), arrays)
    before = [(path, array, array.copy()) for path, array in _arrays_in(list(args)) + _arrays_in(kwargs)]
    substitutes = _substitutes(request)
    saved = {name: module.__dict__[name] for name in substitutes if name in module.__dict__}
    module.__dict__.update(substitutes)
    start = time.perf_counter()
    try:
        result = fn(*args, **kwargs)
    except BaseException as exc:  # whatever the student's function does is its verdict
        return _failure(exc, job, state)
    finally:
        module.__dict__.update(saved)
        for name in substitutes.keys() - saved.keys():  # one the file does not define (its cell did not parse)
            module.__dict__.pop(name, None)
    seconds = time.perf_counter() - start
    # The same array objects, compared with their copies: a write into the caller's array (W -= ...)
    # as against a dict entry rebound to a new array (parameters["W1"] = W - ...), which leaves it.
    written = [path for path, array, copy in before
               if array.shape != copy.shape or not numpy.array_equal(array, copy, equal_nan=True)]
    if state["flooded"]:
        return _failure(OutputFlood(), job, state)
    out: dict = {}
    answer = {"status": "ok", "seconds": seconds, "result": encode(result, out), "written": written}
    if request.get("echo_args"):
        answer["args_after"] = encode(list(args), out)
        answer["kwargs_after"] = encode(dict(kwargs), out)
    save_arrays(request["arrays_out"], out)
    return answer


def _serve(job: dict, requests, answers, state: dict, finder) -> None:
    module = types.ModuleType("student_notebook")
    module.__file__ = job["module_path"]
    sys.modules[module.__name__] = module
    for line in requests:
        request = json.loads(line)
        op = request.get("op")
        if op == "quit":
            return
        try:
            if op == "import":
                answer = _import(module, job, state)
            elif op == "call":
                answer = _call(module, request, job, state)
            else:
                answer = {"status": "error", "exception": "ValueError", "frames": [],
                          "message": f"unknown request {op!r}"}
        except MemoryError as exc:  # raised outside the student's frames (decoding, encoding)
            answer = _failure(exc, job, state)
        except Exception as exc:  # the worker's own failure: said so, not a dead channel
            answer = {"status": "error", "exception": type(exc).__name__, "frames": [],
                      "message": _cut(f"the checker's worker failed: {_describe(exc)}")}
        answer["served"] = {name: list(v) for name, v in finder.served.items()}
        answer["output_chars"] = state["written"]
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    with open(argv[0], encoding="utf-8") as f:
        job = json.load(f)
    _limit(job.get("memory_bytes"), job.get("file_bytes"))
    requests, answers = _channels(job["output_path"])
    faulthandler.enable()  # a segfault's trace lands in the output file
    # On a timeout the checker asks for the stack before it kills: where the student's code hung.
    stack = open(job["stack_path"], "w", encoding="utf-8")  # noqa: SIM115  (open for the process's life)
    faulthandler.register(signal.SIGUSR1, file=stack, all_threads=False)
    state = {"written": 0, "cap": job.get("output_chars", 1_000_000), "flooded": False}
    out = os.fdopen(os.dup(1), "w", encoding="utf-8", errors="replace")
    sys.stdout = sys.stderr = _CappedWriter(out, state)
    finder = install(job.get("course_package"), job.get("imported", {}))
    os.chdir(job["workdir"])
    sys.path.insert(0, job["workdir"])
    answers.write(json.dumps({"status": "ready"}) + "\n")
    answers.flush()
    _serve(job, requests, answers, state, finder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
