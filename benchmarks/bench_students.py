"""A class's notebooks checked at once: the wall time of ``nn-parity check FOLDER --jobs J`` on N
copies of one course notebook, and that time extrapolated to an instructor's 300 notebooks.

    .venv/bin/python benchmarks/bench_students.py [--copies 40] [--jobs 2]
                                                   [--notebook parity_tests/students/course/step_by_step_correct.ipynb]

Each copy is a file of its own, so each is loaded, run in its own process (its imports of NumPy,
matplotlib and h5py included) and checked function by function, as a class's would be. The
figure printed is the folder's wall time, its CPU time (this process and every student process
it waited for), the seconds per file, and 300 files' time at that rate (the files are
independent, so the time grows with the count, divided among the jobs). The machine's load
average at the start and the end is printed too: a loaded machine slows every file alike.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reports.students import run_students  # noqa: E402 - after the checkout is on the path

NOTEBOOK = Path(__file__).resolve().parents[1] / "parity_tests" / "students" / "course" / "step_by_step_correct.ipynb"
CLASS_SIZE = 300


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--notebook", type=Path, default=NOTEBOOK)
    args = parser.parse_args(argv)
    if args.copies < 1 or args.jobs < 1:
        parser.error("--copies and --jobs must be >= 1")
    with tempfile.TemporaryDirectory(prefix="nn-parity-class-") as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        for i in range(args.copies):
            shutil.copy(args.notebook, folder / f"student_{i:03d}{args.notebook.suffix}")
        load = os.getloadavg()[0]
        cpu, start = _cpu_seconds(), time.perf_counter()
        run = run_students(folder, out=Path(tmp) / "out", jobs=args.jobs, progress=False)
        wall, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    verdicts = sum(len(r.functions) for r in run.results)
    per_file = wall / args.copies
    print(f"{args.copies} copies of {args.notebook.name}, --jobs {args.jobs}: {wall:.1f} s wall, {cpu:.1f} s CPU, "
          f"{per_file:.2f} s per file, {verdicts} function verdicts, {sum(r.passed for r in run.results)} files passed")
    print(f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} cores")
    print(f"{CLASS_SIZE} notebooks at this rate: {CLASS_SIZE * per_file / 60:.1f} min with --jobs {args.jobs} "
          f"({CLASS_SIZE * cpu / args.copies / 60:.1f} CPU-minutes in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
