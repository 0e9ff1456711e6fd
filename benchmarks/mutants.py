"""Benchmark: how strong are ``make test`` and ``nn-parity check``? Mutation testing by hand.

    .venv/bin/python benchmarks/mutants.py [--only NAME[,NAME...]] [--jobs J] [--list | --check]
                                           [--include-equivalent] [--baseline-tests] [--keep]

The mutants, named one-line defects, are the catalogue in ``benchmarks/mutant_catalogue.py``;
this file is the engine that judges them. ``--check`` (and ``--list``, which also prints them)
verifies that every mutant still applies to the tree (its line occurs exactly once in its file,
its test selection exists) and exits 2, naming the ones that do not, otherwise; it runs
nothing, and ``parity_tests/test_mutants_apply.py`` holds ``make test`` to it.

Each mutant is applied to a temporary copy of the tree (the repository minus .venv, .git and
the reports' outputs), never to the working tree, and the copy is judged twice:

(a) by the pytest suite, ``pytest -x -p no:cacheprovider -q -n 0`` over the mutant's
    test-selection hint (test files, node ids, ``-k``), stopping at the first failure;
(b) by ``nn-parity check`` (``python -m reports check PACKAGE --quick``) on the mutated
    backend: the backend whose package holds the line, ``numpy --against torch`` for the
    reference, ``torch`` for the contract code every backend calls. Exit 1 is a kill. Where
    the mutated line never runs inside a backend's call (the harness, the data loader, or
    contract objects the caller builds and hands to both sides, such as ``init_params``),
    check does not apply: "n/a", and the mutant is left out of N2.

The copy runs with this repository's interpreter (``.venv/bin/python``) and ``PYTHONPATH``
set to the copy, so the copy's packages shadow the editable install; a baseline run on the
unmutated copy first proves that (every package imported from the copy) and that each
``check`` used passes there, which also fills a JAX compilation cache that every later run
shares (keyed by the compiled program, so a mutated function compiles afresh).

An equivalent mutant changes nothing observable; it is listed with the explanation and left
out of N and N2 (``--include-equivalent`` runs it anyway). The table gives, per mutant, the
first failing test or check and the seconds it took; the last line is
``killed K of N by make test; killed K2 of N2 by nn-parity check``.

Not a test (``make test`` does not run it): it measures the suite. A full run judges about
sixty mutants; ``total ... s wall, ... s CPU`` says how long it took and how much of that was
computing, so a run on a busy machine can be told from one on a quiet one.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from mutant_catalogue import MUTANTS, Mutant, check_mutants  # this folder is sys.path[0] when run

__all__ = ["Result", "Runner", "Verdict", "apply_mutant", "copy_tree", "listing", "main", "render"]

ROOT = Path(__file__).resolve().parents[1]
# What the copy leaves out: the environment, the history, outputs and caches.
IGNORED = {".venv", ".git", "__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache"}
IGNORED_PATHS = {("reports", "output"), ("reports", "check")}
# The packages a mutant can touch: the baseline proves each is imported from the copy.
PACKAGES = ("nn_contract", "reference_numpy", "torch_impl", "jax_impl", "parity", "reports", "nn_parity_autograd")


# --------------------------------------------------------------------------- the copy


def _ignore(root: Path):
    def ignore(folder: str, names: list[str]) -> set[str]:
        rel = Path(folder).resolve().relative_to(root)
        return {n for n in names if n in IGNORED or (*rel.parts, n) in IGNORED_PATHS or n.endswith(".pyc")}

    return ignore


def copy_tree(source: Path, target: Path) -> Path:
    """The repository at ``source`` minus .venv, .git, outputs and caches, copied to ``target``."""
    source = source.resolve()
    shutil.copytree(source, target, ignore=_ignore(source), symlinks=True)
    return target


def apply_mutant(mutant: Mutant, tree: Path) -> None:
    """Write the mutant into the copy at ``tree``; the working tree itself is refused."""
    if tree.resolve() == ROOT:
        raise ValueError("mutants are applied to a copy of the tree, never to the working tree")
    path = tree / mutant.file
    path.write_text(mutant.applied_to(path.read_text()))


# --------------------------------------------------------------------------- running


@dataclass
class Verdict:
    """One judgment: ``killed`` (True/False, None for n/a or an error), by what, in seconds."""

    killed: bool | None
    by: str
    seconds: float = 0.0
    error: bool = False


@dataclass
class Result:
    mutant: Mutant
    test: Verdict | None
    check: Verdict | None
    seconds: float


class Runner:
    """Runs pytest and ``nn-parity check`` on copies of ``workdir/base`` with ``python``, up to
    ``jobs`` mutants at a time, each run limited to ``timeout`` seconds; logs in ``workdir/logs``."""

    def __init__(self, python: Path, workdir: Path, jobs: int, timeout: float, keep: bool,
                 jax_cache: Path | None = None):
        self.python, self.workdir, self.jobs, self.timeout, self.keep = python, workdir, jobs, timeout, keep
        self.base = workdir / "base"
        self.logs = workdir / "logs"
        self.cache = jax_cache or workdir / "jax-cache"
        self.threads = max(1, (os.cpu_count() or 2) // jobs)
        self._lock = threading.Lock()

    def env(self, tree: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NN_PARITY_BACKENDS")}
        # The copy first: its packages shadow the editable install (whose finder comes last).
        env["PYTHONPATH"] = os.pathsep.join([str(tree), str(tree / "examples" / "nn_parity_autograd")])
        env["OMP_NUM_THREADS"] = str(self.threads)
        env["JAX_COMPILATION_CACHE_DIR"] = str(self.cache)
        env["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"] = "0"
        env["JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES"] = "0"
        return env

    def _run(self, args: list[str], tree: Path, log: Path) -> tuple[int | None, str, float]:
        started = time.perf_counter()
        try:
            done = subprocess.run(args, cwd=tree, env=self.env(tree), capture_output=True, text=True,
                                  timeout=self.timeout)
            rc, out = done.returncode, done.stdout + done.stderr
        except subprocess.TimeoutExpired as exc:
            rc = None
            out = (exc.stdout or b"").decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        log.write_text(" ".join(args) + "\n\n" + out)
        return rc, out, time.perf_counter() - started

    def pytest(self, tests: tuple[str, ...], tree: Path, log: Path, stop_first: bool = True) -> Verdict:
        args = [str(self.python), "-m", "pytest", *(["-x"] if stop_first else []), "-p", "no:cacheprovider", "-q",
                "-n", "0", *tests]
        rc, out, seconds = self._run(args, tree, log)
        if rc is None:
            return Verdict(True, f"timeout after {self.timeout:.0f} s", seconds)
        if rc == 0:
            return Verdict(False, "SURVIVED", seconds)
        if rc in (4, 5):  # a usage error or no test selected: the benchmark's fault, not a kill
            return Verdict(None, f"ERROR: pytest exit {rc}, see {log}", seconds, error=True)
        found = re.search(r"^(?:FAILED|ERROR) (\S+)", out, re.M)
        by = found.group(1).removeprefix("parity_tests/") if found else f"pytest exit {rc}"
        if rc == 2 and not found:
            collection = re.search(r"^ERROR collecting (\S+)", out, re.M)
            by = f"collection error in {collection.group(1)}" if collection else by
        return Verdict(True, by, seconds)

    def nn_parity_check(self, arguments: tuple[str, ...], tree: Path, log: Path) -> Verdict:
        args = [str(self.python), "-m", "reports", "check", *arguments, "--quick", "--no-progress",
                "--threads", str(self.threads), "--out", str(log.with_suffix(""))]
        rc, out, seconds = self._run(args, tree, log)
        if rc is None:
            return Verdict(True, f"timeout after {self.timeout:.0f} s", seconds)
        if rc == 0:
            return Verdict(False, "SURVIVED", seconds)
        found = re.search(r"^\s*FAILED (\S+) \[([^,\]]+)[^\]]*\] (.*?):", out, re.M)
        if found:
            return Verdict(True, f"{found.group(1)} [{found.group(2)}] {found.group(3)}", seconds)
        last = out.strip().splitlines()[-1] if out.strip() else ""
        return Verdict(True, f"exit {rc}: {last[:80]}", seconds)

    # the baseline ------------------------------------------------------------------------
    def baseline(self, mutants: list[Mutant], with_tests: bool) -> None:
        tree = self.workdir / "tree-baseline"
        shutil.copytree(self.base, tree, symlinks=True)
        code = f"import {', '.join(PACKAGES)}\nfor m in ({', '.join(PACKAGES)}): print(m.__file__)"
        done = subprocess.run([str(self.python), "-c", code], cwd=self.workdir, env=self.env(tree),
                              capture_output=True, text=True)
        files = done.stdout.split()
        from_copy = all(Path(f).resolve().is_relative_to(tree) for f in files)
        if done.returncode != 0 or len(files) != len(PACKAGES) or not from_copy:
            raise SystemExit(f"the copy does not shadow the installed packages:\n{done.stdout}{done.stderr}")
        print(f"baseline: the copy's packages are imported ({files[0]}, ...)", file=sys.stderr)
        targets = sorted({m.check for m in mutants if m.check_applies})
        suites = sorted({m.tests for m in mutants}) if with_tests else []

        def one(job):
            kind, args = job
            name = "-".join(a.strip("-") for a in args if not a.startswith("parity_tests"))[:60] or "tests"
            log = self.logs / f"baseline-{kind}-{len(args)}-{abs(hash(args)) % 10**6}-{name}.txt"
            if kind == "check":
                return job, self.nn_parity_check(args, tree, log)
            return job, self.pytest(args, tree, log, stop_first=False)

        failures = []
        with ThreadPoolExecutor(self.jobs) as pool:
            for (kind, args), verdict in pool.map(one, [("check", t) for t in targets] + [("tests", s) for s in suites]):
                label = f"{'nn-parity check ' if kind == 'check' else 'pytest '}{' '.join(args)}"
                print(f"baseline: {label}: {'passes' if verdict.killed is False else verdict.by} "
                      f"({verdict.seconds:.0f} s)", file=sys.stderr)
                if verdict.killed is not False:
                    failures.append(label)
        if not self.keep:
            shutil.rmtree(tree, ignore_errors=True)
        if failures:
            raise SystemExit("the unmutated tree fails, so kills would mean nothing: " + "; ".join(failures))

    # one mutant ----------------------------------------------------------------------------
    def judge(self, mutant: Mutant) -> Result:
        started = time.perf_counter()
        tree = self.workdir / f"tree-{mutant.name}"
        shutil.copytree(self.base, tree, symlinks=True)
        try:
            apply_mutant(mutant, tree)
            test = self.pytest(mutant.tests, tree, self.logs / f"{mutant.name}-tests.txt")
            check = (self.nn_parity_check(mutant.check, tree, self.logs / f"{mutant.name}-check.txt")
                     if mutant.check_applies else None)
        finally:
            if not self.keep:
                shutil.rmtree(tree, ignore_errors=True)
        result = Result(mutant, test, check, time.perf_counter() - started)
        with self._lock:
            check_s = f", check {check.seconds:.0f} s" if check else ""
            print(f"  {mutant.name}: make test {_short(test)}; check {_short(check, mutant)} "
                  f"({result.seconds:.0f} s: tests {test.seconds:.0f} s{check_s})", file=sys.stderr)
        return result


def _short(verdict: Verdict | None, mutant: Mutant | None = None) -> str:
    if verdict is None:
        return "n/a" if mutant is None or not mutant.check_applies else "not run"
    if verdict.killed is None:
        return verdict.by
    return f"killed by {verdict.by}" if verdict.killed else "SURVIVED"


# --------------------------------------------------------------------------- the table


def _cell(verdict: Verdict | None, mutant: Mutant, width: int) -> str:
    if verdict is None:
        text = "n/a" if not mutant.check_applies else "not run"
    elif verdict.killed is None:
        text = verdict.by
    else:
        text = verdict.by if verdict.killed else "SURVIVED"
    return text if len(text) <= width else text[: width - 1] + "…"


def render(results: list[Result], equivalents: list[Mutant], seconds: float, cpu_seconds: float) -> str:
    widths = (38, 9, 64, 52, 7)
    head = ("mutant", "where", "killed by (make test)", "killed by (nn-parity check)", "seconds")
    line = lambda cells: "  ".join(f"{c:<{w}}" if i < 4 else f"{c:>{w}}" for i, (c, w) in enumerate(zip(cells, widths)))  # noqa: E731
    rows = [line(head), line(tuple("-" * w for w in widths))]
    for r in results:
        m = r.mutant
        label = m.name + (" (equivalent)" if m.equivalent else "")
        rows.append(line((label, m.where, _cell(r.test, m, widths[2]), _cell(r.check, m, widths[3]),
                          f"{r.seconds:.0f}")))
    scored = [r for r in results if not r.mutant.equivalent]
    checked = [r for r in scored if r.mutant.check_applies]
    k = sum(bool(r.test and r.test.killed) for r in scored)
    k2 = sum(bool(r.check and r.check.killed) for r in checked)
    survivors = [f"{r.mutant.name} (make test)" for r in scored if not (r.test and r.test.killed)]
    survivors += [f"{r.mutant.name} (check)" for r in checked if not (r.check and r.check.killed)]
    rows.append("")
    if equivalents:
        rows.append("Equivalent mutants (change nothing observable; not counted):")
        rows += [f"  {m.name} ({m.file}): {m.equivalent}" for m in equivalents]
    not_applicable = [r.mutant for r in scored if not r.mutant.check_applies]
    if not_applicable:
        rows.append(f"check n/a ({len(not_applicable)}, not counted in N2): "
                    + ", ".join(m.name for m in not_applicable))
    rows.append("survivors: " + (", ".join(survivors) if survivors else "none"))
    # CPU seconds of every pytest and check run: on an otherwise idle machine with c cores the
    # wall time is at least cpu / c, so a loaded machine's wall time can be told apart.
    rows.append(f"total {seconds:.0f} s wall, {cpu_seconds:.0f} s CPU in the runs")
    rows.append(f"killed {k} of {len(scored)} by make test; killed {k2} of {len(checked)} by nn-parity check")
    return "\n".join(rows)


# --------------------------------------------------------------------------- the command


def _chosen(names: list[str] | None) -> list[Mutant]:
    """The mutants ``--only`` names (comma-separated or repeated), or the whole catalogue."""
    if not names:
        return list(MUTANTS)
    by_name = {m.name: m for m in MUTANTS}
    wanted = [n.strip() for arg in names for n in arg.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in by_name]
    if unknown:
        raise SystemExit(f"--only: unknown mutant(s) {', '.join(unknown)}; see --list")
    return [by_name[n] for n in dict.fromkeys(wanted)]


def _split_equivalent(chosen: list[Mutant], include_equivalent: bool) -> tuple[list[Mutant], list[Mutant]]:
    """(the mutants to judge, the equivalent ones among ``chosen``)."""
    equivalents = [m for m in chosen if m.equivalent]
    return [m for m in chosen if include_equivalent or not m.equivalent], equivalents


def listing(mutants: list[Mutant], problems: list[str]) -> str:
    """One entry per mutant: name, where, file, the line and what it becomes, its tests and
    check, and ``DOES NOT APPLY: ...`` for each of ``problems`` (``check_mutants``) it has."""
    entries = []
    for m in mutants:
        check = " ".join(m.check) if m.check_applies else m.check
        own = [p.removeprefix(f"{m.name}: ") for p in problems if p.startswith(f"{m.name}: ")]
        entries.append(f"{m.name:<38} {m.where:<9} {m.file}: {m.old!r} -> {m.new!r}\n"
                       f"{'':<48}tests: {' '.join(m.tests)}; check: {check}"
                       + (f"\n{'':<48}equivalent: {m.equivalent}" if m.equivalent else "")
                       + "".join(f"\n{'':<48}DOES NOT APPLY: {p}" for p in own))
    return "\n".join(entries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=None, metavar="NAME",
                        help="run only this mutant (repeatable, or a comma-separated list)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants judged in parallel (default: 1)")
    parser.add_argument("--list", action="store_true",
                        help="list the mutants, each with whether it still applies to the tree; exit 2 if one does not")
    parser.add_argument("--check", action="store_true",
                        help="check that every mutant still applies to the tree (its line once in its file, its "
                             "test selection present); print the ones that do not and exit 2, run nothing")
    parser.add_argument("--include-equivalent", action="store_true", help="run the equivalent mutants too")
    parser.add_argument("--baseline-tests", action="store_true",
                        help="also run every test selection on the unmutated copy first, so that no kill is a "
                             "test that fails anyway (slower)")
    parser.add_argument("--baseline-only", action="store_true", help="run the baseline, then stop")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per pytest or check run")
    parser.add_argument("--keep", action="store_true", help="keep the copies, logs and check outputs")
    parser.add_argument("--jax-cache", type=Path, default=None, metavar="DIR",
                        help="JAX's persistent compilation cache, kept between runs (default: a fresh one per run, "
                             "filled by the baseline)")
    parser.add_argument("--python", type=Path, default=None, help="default: the repository's .venv python")
    parser.add_argument("--patch", type=Path, action="append", default=[], metavar="FILE",
                        help="apply this unified diff (git apply) to the copy before any mutant: to measure a "
                             "proposed change to the suite without touching the working tree (repeatable)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be >= 1")

    chosen = _chosen(args.only)
    # A full run needs the whole catalogue to fit; --only needs just the mutants it names.
    problems = check_mutants(chosen, ROOT)
    if args.list:
        print(listing(chosen, problems))
    if problems:
        print("the mutant list no longer fits the code:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 2
    if args.list or args.check:
        print(f"all {len(chosen)} mutants apply to the tree")
        return 0
    run, equivalents = _split_equivalent(chosen, args.include_equivalent)

    python = args.python or ROOT / ".venv" / "bin" / "python"
    if not python.exists():
        python = Path(sys.executable)
    workdir = Path(tempfile.mkdtemp(prefix="nn-parity-mutants-"))
    started = time.perf_counter()
    try:
        runner = Runner(python, workdir, args.jobs, args.timeout, args.keep, args.jax_cache)
        runner.logs.mkdir()
        copy_tree(ROOT, runner.base)  # one snapshot: the working tree may change while this runs
        for patch in args.patch:
            done = subprocess.run(["git", "apply", "--whitespace=nowarn", str(patch.resolve())], cwd=runner.base,
                                  capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"--patch {patch}: does not apply: {done.stderr.strip()}")
            print(f"patched the copy with {patch}", file=sys.stderr)
        problems = check_mutants(run, runner.base)
        if problems:
            raise SystemExit("the mutant list does not fit the patched copy:\n  " + "\n  ".join(problems))
        print(f"{len(run)} mutants, {args.jobs} job(s), in {workdir}", file=sys.stderr)
        runner.baseline(run, args.baseline_tests or args.baseline_only)
        if args.baseline_only:
            print("baseline passed", file=sys.stderr)
            return 0
        with ThreadPoolExecutor(args.jobs) as pool:
            results = list(pool.map(runner.judge, run))
        errors = [r.mutant.name for r in results if (r.test and r.test.error) or (r.check and r.check.error)]
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(render(results, equivalents, time.perf_counter() - started, usage.ru_utime + usage.ru_stime))
        if errors:
            print(f"benchmark errors (see the logs in {workdir}): {', '.join(errors)}", file=sys.stderr)
            args.keep = True
            return 2
        return 0
    finally:
        if args.keep:
            print(f"kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
