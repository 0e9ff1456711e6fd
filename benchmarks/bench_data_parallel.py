"""Step time against the number of data-parallel workers k (1, 2, 3), for torch and JAX, on the
compute-bound network, where communication is cheapest relative to work.

    .venv/bin/python benchmarks/bench_data_parallel.py [--repeats 3] [--backend torch --backend jax]
                                                        [--threads N] [--small]

Each measurement is ``reports.data_parallel.time_steps``: through the public ``deep.train(...,
world_size=k)``, the difference of a 1-epoch and a 9-epoch run over the 8 extra steps (one full
batch of 2048 examples each), after a first 1-epoch run at the same k, so the workers' start,
imports and compilation cancel. The same total threads at every k: one device with N threads
(default: the cores this process may use), k worker processes with max(1, N // k) each (torch),
k devices of one process sharing its N (JAX). Printed for each k: the median over ``--repeats`` of that
difference, and the best estimate (the shortest long run minus the shortest short run: load only
adds time), each with its speed-up t(1)/t(k) from the same run (repeats interleaved over k, so a
burst of load falls on every k alike), every run's two durations, and the largest difference to
one device. ``--small``: the (64, 64, 64, 10) network, m = 128,
to try the script.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parity import get_backend  # noqa: E402 - after the checkout is on the path
from reports.data_parallel import (TIMING_WORKLOAD, DpWorkload, extra_steps, largest_difference,  # noqa: E402
                                   run_seconds, thread_budget)
from reports.timing import configure_threads  # noqa: E402

WORLD_SIZES = (1, 2, 3)
SMALL = DpWorkload("small (64, 64, 64, 10) softmax, m=128, full batch", (64, 64, 64, 10), 128, None, 1e-4,
                   dtype="float32", output="softmax")


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--backend", action="append", default=None, help="torch, jax (default: both)")
    parser.add_argument("--threads", type=int, default=None, help="total threads (default: usable cores)")
    parser.add_argument("--small", action="store_true", help="a small network, to try the script")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be >= 1")
    total = args.threads or _cores()
    configure_threads(total)
    workload = SMALL if args.small else TIMING_WORKLOAD
    names = args.backend or ["torch", "jax"]
    print(f"{workload.name}, {workload.dtype}; {platform.processor() or platform.machine()}, {_cores()} usable cores, "
          f"{total} total threads; medians of {args.repeats}")
    for name in names:
        backend = get_backend(name)
        reason = backend.unsupported(model="deep", function="train", training="world_size")
        if reason:
            print(f"{name}: skipped: {reason}")
            continue
        runs = {k: [] for k in WORLD_SIZES}  # (short run s, long run s) per repeat
        diffs = {k: 0.0 for k in WORLD_SIZES}
        one = None
        for _ in range(args.repeats):
            for k in WORLD_SIZES:
                short, long, run = run_seconds(backend, workload, k, total)
                runs[k].append((short, long))
                one = run if k == 1 else one
                diffs[k] = max(diffs[k], largest_difference(run, one))
        median, best = {}, {}
        for k in WORLD_SIZES:
            steps = extra_steps(workload, k)
            median[k] = statistics.median((long - short) / steps for short, long in runs[k])
            # The least disturbed run of each length: load only ever adds time.
            best[k] = (min(long for _, long in runs[k]) - min(short for short, _ in runs[k])) / steps
        for k in WORLD_SIZES:
            omp, per_worker, _ = thread_budget(backend, total, k)
            threads = f"{per_worker} thread(s) each" if omp is not None or k == 1 else f"{total} thread(s) shared"
            print(f"{name:<6} k={k}  shards {workload.shards(k):<14} {threads}: "
                  f"median {median[k] * 1e3:8.1f} ms/step (speed-up {median[1] / median[k]:5.2f}x), "
                  f"best {best[k] * 1e3:8.1f} ms/step (speed-up {best[1] / best[k]:5.2f}x); "
                  f"runs {', '.join(f'{s:.1f}/{l:.1f} s' for s, l in runs[k])}; "
                  f"largest difference to one device {diffs[k]:.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
