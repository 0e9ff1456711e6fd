"""A student's notebook or ``.py`` file, as the student wrote it: loaded without running it
(``loader``), then run in its own process under a time and a memory limit (``sandbox``), with
the course's helper modules resolved when the student's folder lacks them (``helpers``).

    from parity.students import load_file, Sandbox
    loaded = load_file("week4.ipynb")        # LoadedFile: source, defined, dropped, parse_errors, origin(line)
    with Sandbox("week4.ipynb", timeout=60) as box:
        box.import_verdict                   # Verdict(status, message, cell, line, function, exception)
        box.call("relu", Z).value            # the student's function on the checker's inputs
    result = check_file("week4.ipynb")       # every graded function against the reference (``grade``)
"""

from .loader import LoadedFile, Origin, ParseError, load_cells, load_file
from .sandbox import DEFAULT_MEMORY_BYTES, DEFAULT_TIMEOUT, STATUSES, CallResult, Sandbox, Verdict, run_file
from .grade import FileResult, FunctionVerdict, check_file

__all__ = ["LoadedFile", "Origin", "ParseError", "load_file", "load_cells", "Sandbox", "Verdict", "CallResult",
           "run_file", "STATUSES", "DEFAULT_TIMEOUT", "DEFAULT_MEMORY_BYTES", "check_file", "FileResult",
           "FunctionVerdict"]
