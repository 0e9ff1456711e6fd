"""The mutation benchmark's catalogue still fits the tree (``benchmarks/mutants.py --check``).

Every mutant of ``benchmarks/mutant_catalogue.py`` names one line of one file and the tests
that judge it; a refactor that moves, rewrites or duplicates that line, or renames those tests,
silently breaks the benchmark. These tests read the files only: no mutant is run.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"


def _load(name: str, path: Path):
    # benchmarks/ is not a package: load its files by path, under the names the engine imports.
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # before exec: dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


catalogue = _load("mutant_catalogue", BENCHMARKS / "mutant_catalogue.py")
engine = _load("mutants_benchmark", BENCHMARKS / "mutants.py")  # its `import mutant_catalogue` finds the one above


def test_every_mutant_applies_to_the_tree():
    problems = catalogue.check_mutants(catalogue.MUTANTS, ROOT)
    assert not problems, ("mutants that no longer apply to the tree (update benchmarks/mutant_catalogue.py):\n  "
                          + "\n  ".join(problems))


@pytest.mark.parametrize("mutant", catalogue.MUTANTS, ids=lambda m: m.name)
def test_a_mutant_changes_its_one_line_and_nothing_else(mutant):
    path = ROOT / mutant.file
    if not path.is_file() or mutant.count_in(path.read_text()) != 1:
        pytest.fail(f"{mutant.name} does not apply: see test_every_mutant_applies_to_the_tree")
    before = path.read_text().splitlines()
    after = mutant.applied_to(path.read_text()).splitlines()
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(after) == len(before) and len(changed) == 1
    (was, now), = changed
    assert was.strip() == mutant.old and now.strip() == mutant.new
    assert was[: len(was) - len(was.lstrip())] == now[: len(now) - len(now.lstrip())]  # the file's indentation


def _mutant(name: str, file: str, old: str, tests: tuple[str, ...]):
    return catalogue.Mutant(name, file, old, old + " + 1", "reference", tests, ("numpy", "--against", "torch"))


def test_the_check_names_a_missing_line_a_duplicated_line_and_missing_tests(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "f.py").write_text("def f():\n    x = 1\n    y = 2\n    y = 2\n")
    (tmp_path / "parity_tests").mkdir()
    (tmp_path / "parity_tests" / "test_f.py").write_text("def test_f():\n    pass\n")
    fine = _mutant("fine", "pkg/f.py", "x = 1", ("parity_tests/test_f.py::test_f", "-k", "f"))
    missing = _mutant("missing", "pkg/f.py", "z = 3", ("parity_tests/test_f.py",))
    twice = _mutant("twice", "pkg/f.py", "y = 2", ("parity_tests/test_f.py",))
    no_file = _mutant("no-file", "pkg/gone.py", "x = 1", ("parity_tests/test_f.py",))
    no_tests = _mutant("no-tests", "pkg/f.py", "x = 1", ("parity_tests/test_gone.py",))
    no_test = _mutant("no-test", "pkg/f.py", "x = 1", ("parity_tests/test_f.py::test_renamed[a-b]",))
    problems = catalogue.check_mutants([fine, missing, twice, no_file, no_tests, no_test], tmp_path)
    assert problems == [
        "missing: the line occurs 0 times in pkg/f.py (must be once): 'z = 3'",
        "twice: the line occurs 2 times in pkg/f.py (must be once): 'y = 2'",
        "no-file: pkg/gone.py does not exist",
        "no-tests: the test file parity_tests/test_gone.py does not exist",
        "no-test: parity_tests/test_f.py defines no test 'test_renamed'",
    ]


def test_the_check_refuses_an_indented_or_unchanged_line_and_a_duplicate_name(tmp_path):
    (tmp_path / "f.py").write_text("x = 1\n")
    (tmp_path / "test_f.py").write_text("def test_f():\n    pass\n")
    indented = catalogue.Mutant("indented", "f.py", "    x = 1", "    x = 2", "reference", ("test_f.py",), "n/a: no")
    unchanged = catalogue.Mutant("unchanged", "f.py", "x = 1", "x = 1", "reference", ("test_f.py",), "n/a: no")
    again = catalogue.Mutant("unchanged", "f.py", "x = 1", "x = 2", "nowhere", ("-k",), "no reason")
    problems = catalogue.check_mutants([indented, unchanged, again], tmp_path)
    assert "indented: old and new are written without indentation (the file's own is kept)" in problems
    assert "unchanged: a mutant is one changed line" in problems
    assert "unchanged: duplicate name" in problems
    assert "unchanged: unknown where 'nowhere'" in problems
    assert "unchanged: -k without an expression" in problems
    assert "unchanged: check must be arguments or an 'n/a: ...' reason" in problems


def test_applied_to_refuses_a_line_that_is_not_there_exactly_once():
    mutant = _mutant("m", "f.py", "y = 2", ("t.py",))
    with pytest.raises(ValueError, match="must occur once"):
        mutant.applied_to("x = 1\n")
    with pytest.raises(ValueError, match="must occur once"):
        mutant.applied_to("y = 2\nif x:\n    y = 2\n")
    assert mutant.applied_to("x = 1\n  y = 2\r\nz = 3") == "x = 1\n  y = 2 + 1\r\nz = 3"


def test_the_engine_never_mutates_the_working_tree():
    with pytest.raises(ValueError, match="never to the working tree"):
        engine.apply_mutant(catalogue.MUTANTS[0], ROOT)


def test_the_command_check_exits_0_on_the_tree():
    done = subprocess.run([sys.executable, str(BENCHMARKS / "mutants.py"), "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"all {len(catalogue.MUTANTS)} mutants apply to the tree"


def test_the_command_check_and_list_exit_2_naming_what_does_not_apply(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(engine, "ROOT", tmp_path)  # a tree holding none of the catalogue's files
    first = catalogue.MUTANTS[0]
    assert engine.main(["--check", "--only", first.name]) == 2
    assert f"{first.name}: {first.file} does not exist" in capsys.readouterr().err
    assert engine.main(["--list", "--only", first.name]) == 2
    out = capsys.readouterr().out
    assert out.startswith(first.name) and f"DOES NOT APPLY: {first.file} does not exist" in out
