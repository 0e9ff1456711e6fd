"""Every code block of the README runs as written, and the outputs it quotes are what the code
at HEAD prints.

The rule, by a fenced block's language:

- ``python``: run in order, in one fresh interpreter, in an empty temporary folder; a later block
  uses the names of earlier ones, as a reader in one session does. A block whose first line is a
  comment naming a file (``# my_backprop/deep.py``) is that file: it is written there (with an
  empty ``__init__.py`` beside it where the comment asks for one), not run.
- ``console``: each ``$ command`` runs in that folder after the python blocks, with the
  checkout's code, the current folder not on ``sys.path`` (as the console script runs); the
  lines quoted under it appear in its output, in that order (``...`` elides lines; ``(N s)`` is
  any duration), and it exits 0.
- ``sh``: not run here: installs, ``make`` and the benchmarks (minutes, a network). Each line
  starts with a command listed in ``SHELL_COMMANDS``, so a new one is classified before it lands.
- A python block in ``SLOW`` (the longest: seconds to a minute each) has only its imports run by ``make test``;
  ``python parity_tests/test_readme.py --all`` runs every block whole and prints each console
  command's real output, and ``--write`` puts the real counts into the README's quoted lines.
- A block without a language (the layout) is not code.
"""

from __future__ import annotations

import ast
import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

# Every line of an sh block starts with one of these commands: why make test does not run it here.
SHELL_COMMANDS = {
    "make ": "the two commands themselves (minutes)",
    "pip install ": "installs from a package index",
    ".venv/bin/python benchmarks/bench_step.py ": "a benchmark (minutes)",
    ".venv/bin/python benchmarks/mutants.py --jobs ": "the mutation benchmark (13-20 minutes)",
    ".venv/bin/python benchmarks/mutants.py --check": "make test runs it (the catalogue's own test)",
    ".venv/bin/python benchmarks/bench_data_parallel.py ": "a benchmark (minutes)",
    "torchrun ": "across machines",
}
# Python blocks that take a minute or more, by a line they hold: make test runs their imports.
SLOW = {
    "table = parity_table(builtin_cases())": "every built-in case on every backend, device and dtype",
    "scores = cross_val_score(model, X, y, cv=5)": "5-fold cross-validation of MLP's defaults on three backends",
    "dp_params, dp_costs = dp_deep.train(": "worker launches for torch and JAX at world_size=3 (seconds each)",
}
_FILE_COMMENT = re.compile(r"#\s*(?P<path>[\w./-]+\.py)\b(?P<rest>.*)")
_DURATION = re.compile(r"\(\d+ s\)")
_TIMEOUT_S = 600


@dataclass(frozen=True)
class Block:
    """One fenced block: its language, its text, and its first line in the README (1-based)."""

    language: str
    text: str
    line: int

    @property
    def file(self) -> str | None:
        """The path a python block is the content of, where its first line names one."""
        match = _FILE_COMMENT.fullmatch(self.text.splitlines()[0].strip()) if self.text.strip() else None
        return match["path"] if match else None

    @property
    def slow(self) -> bool:
        return any(marker in self.text for marker in SLOW)


def readme_blocks(text: str | None = None) -> list[Block]:
    """The README's fenced blocks, in order."""
    tokens = MarkdownIt().parse(README.read_text() if text is None else text)
    return [Block(t.info.strip().split(" ")[0], t.content, t.map[0] + 1) for t in tokens if t.type == "fence"]


def _imports_only(code: str) -> str:
    return "\n".join(ast.unparse(node) for node in ast.parse(code).body if isinstance(node, (ast.Import, ast.ImportFrom)))


def _env() -> dict:
    # The checkout's code, whatever is installed; one thread each (two test workers share two cores).
    return dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")


def write_files(blocks: list[Block], folder: Path) -> None:
    """The python blocks that are files, written where their first line says."""
    for block in blocks:
        if block.language != "python" or not block.file:
            continue
        path = folder / block.file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(block.text)
        if "__init__.py" in block.text.splitlines()[0]:
            (path.parent / "__init__.py").touch()


def run_python_blocks(blocks: list[Block], folder: Path, *, whole: bool = False) -> subprocess.CompletedProcess:
    """Run the python blocks in order in one interpreter in ``folder`` (slow ones: their imports
    only, unless ``whole``)."""
    parts = []
    for block in blocks:
        if block.language != "python" or block.file:
            continue
        code = block.text if whole or not block.slow else _imports_only(block.text)
        parts.append(f"# README.md line {block.line}\n{code}")
    script = folder / "readme_blocks.py"
    script.write_text("\n\n".join(parts))
    return subprocess.run([sys.executable, str(script)], cwd=folder, env=_env(), capture_output=True, text=True,
                          timeout=_TIMEOUT_S)


def console_commands(block: Block) -> list[tuple[str, list[str]]]:
    """Each ``$ command`` of a console block with the output lines quoted under it."""
    commands: list[tuple[str, list[str]]] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line)
        else:
            raise ValueError(f"README.md line {block.line}: a console block starts with '$ command'")
    return commands


def run_command(command: str, folder: Path) -> subprocess.CompletedProcess:
    """A README command in ``folder``: ``nn-parity ...`` as the console script runs it (the
    current folder not on sys.path: the registry finds a package there itself)."""
    argv = shlex.split(command)
    if argv[0] != "nn-parity":
        raise ValueError(f"README command {command!r}: only nn-parity commands are run here")
    return subprocess.run([sys.executable, "-P", "-m", "reports", *argv[1:]], cwd=folder, env=_env(),
                          capture_output=True, text=True, timeout=_TIMEOUT_S)


def _norm(line: str) -> str:
    return _DURATION.sub("(N s)", line.rstrip())


def missing_lines(quoted: list[str], output: str) -> list[str]:
    """The quoted lines (``...`` aside) not found in ``output`` in the quoted order: [] when all are."""
    actual = [_norm(line) for line in output.splitlines()]
    at, missing = 0, []
    for line in (q for q in quoted if q.strip() != "..."):
        try:
            at = actual.index(_norm(line), at) + 1
        except ValueError:
            missing.append(line)
    return missing


def _digitless(line: str) -> str:
    return re.sub(r"\d+", "#", _norm(line))


def regenerated(quoted: list[str], output: str) -> list[str]:
    """The quoted lines with their numbers taken from ``output``: each quoted line is matched,
    in order, to the next output line that differs from it in numbers only."""
    actual = output.splitlines()
    at, lines = 0, []
    for line in quoted:
        if line.strip() == "...":
            lines.append(line)
            continue
        found = next((i for i in range(at, len(actual)) if _digitless(actual[i]) == _digitless(line)), None)
        if found is None:
            raise ValueError(f"no line of the output matches the quoted {line!r}")
        lines.append(_DURATION.sub(_DURATION.search(line)[0], actual[found]) if _DURATION.search(line) else actual[found])
        at = found + 1
    return lines


# ----------------------------------------------------------------------------- the tests


def test_every_block_is_classified():
    blocks = readme_blocks()
    shell = [line for b in blocks if b.language == "sh" for line in b.text.splitlines() if line.strip()]
    assert shell and [line for line in shell if not line.startswith(tuple(SHELL_COMMANDS))] == []
    assert {b.language for b in blocks} <= {"python", "console", "sh", ""}
    python = [b for b in blocks if b.language == "python"]
    assert [b.file for b in python if b.file] == ["my_backprop/deep.py"]
    for marker in SLOW:  # each slow marker names exactly one block
        assert sum(marker in b.text for b in python) == 1, marker


def test_python_blocks_run_as_written(tmp_path):
    blocks = readme_blocks()
    write_files(blocks, tmp_path)
    result = run_python_blocks(blocks, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]


def test_console_blocks_print_what_the_readme_quotes(tmp_path):
    blocks = readme_blocks()
    write_files(blocks, tmp_path)
    consoles = [b for b in blocks if b.language == "console"]
    assert consoles
    for block in consoles:
        for command, quoted in console_commands(block):
            result = run_command(command, tmp_path)
            assert result.returncode == 0, (command, result.stdout[-2000:], result.stderr[-2000:])
            assert missing_lines(quoted, result.stdout) == [], (
                f"README.md line {block.line}: `{command}` now prints (python parity_tests/test_readme.py --write "
                f"puts its numbers in):\n{result.stdout}")


def test_the_quoted_failure_is_what_check_prints(tmp_path):
    """The README's "with db[l] missing its / m, the same command prints `FAILED ...` and exits 1"."""
    text = README.read_text()
    claim = re.search(r"with `db\[l\]` missing its `/ m`, the same command prints\s+`(?P<line>[^`]+)`\s+and exits 1",
                      text)
    assert claim, "the README's quoted failure of check"
    blocks = readme_blocks(text)
    write_files(blocks, tmp_path)
    deep = tmp_path / "my_backprop" / "deep.py"
    correct = 'grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True) / m'
    assert deep.read_text().count(correct) == 1
    deep.write_text(deep.read_text().replace(correct, correct.removesuffix(" / m")))
    (command, _), = console_commands(next(b for b in blocks if b.language == "console"))
    result = run_command(command, tmp_path)
    assert result.returncode == 1, result.stderr[-2000:]
    assert " ".join(claim["line"].split()) in result.stdout, result.stdout


def test_missing_lines_and_regenerated():
    output = "head\n  models  deep\npassed 31, failed 0, skipped 179\n  skipped  41: no train\ndone (12 s)\n"
    assert missing_lines(["head", "...", "passed 31, failed 0, skipped 179", "done (0 s)"], output) == []
    assert missing_lines(["passed 30, failed 0, skipped 169"], output) == ["passed 30, failed 0, skipped 169"]
    assert missing_lines(["  skipped  41: no train", "head"], output) == ["head"]  # order counts
    assert regenerated(["passed 30, failed 0, skipped 169", "  ...", "  skipped  38: no train", "done (0 s)"], output) == [
        "passed 31, failed 0, skipped 179", "  ...", "  skipped  41: no train", "done (0 s)"]


# ----------------------------------------------------------------------------- by hand


def _main(argv: list[str]) -> int:
    """``--all``: every block whole, each console command's real output printed; ``--write``:
    the README's quoted lines get the numbers of a real run."""
    text = README.read_text()
    blocks = readme_blocks(text)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        write_files(blocks, folder)
        if "--all" in argv:
            result = run_python_blocks(blocks, folder, whole=True)
            print(result.stdout, result.stderr[-3000:] if result.returncode else "", sep="")
            if result.returncode:
                return 1
            # The estimators' block: "It printed `accuracy ...` for each of the three backends".
            claim = re.search(r"It printed\s+`(?P<line>[^`]+)`\s+for\s+each\s+of\s+the\s+three\s+backends", text)
            printed = result.stdout.count(claim["line"]) if claim else 0
            print(f"the quoted cross-validation line printed {printed} times (the README says 3)")
            if printed != 3:
                return 1
        for block in (b for b in blocks if b.language == "console"):
            for command, quoted in console_commands(block):
                result = run_command(command, folder)
                print(f"$ {command}  (exit {result.returncode})\n{result.stdout}")
                if "--write" in argv:
                    new = regenerated(quoted, result.stdout)
                    old_text = "\n".join([f"$ {command}", *quoted])
                    new_text = "\n".join([f"$ {command}", *new])
                    assert text.count(old_text) == 1, "the console block is not found once in README.md"
                    text = text.replace(old_text, new_text)
    if "--write" in argv:
        README.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
