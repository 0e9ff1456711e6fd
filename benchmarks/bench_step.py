"""Benchmark: each backend's native training step against its framework floor and the machine.

    .venv/bin/python benchmarks/bench_step.py [--repeats 30] [--dtype float64] [--threads N]
                                              [--workload NAME ...] [--backend NAME ...]

For each workload (the notes' logistic regression, 2-layer and L-layer networks on the cat
images, n_x = 12288, m = 209; and the compute-bound (1024, 1024, 1024, 10) softmax network,
m = 2048) and each backend, through the backend protocol: the median and IQR of its step
(forward + backward + update on data already in place), its framework floor (the step's
matrix products alone, in the same framework, on arrays of the same shapes), the ratio
step / floor, and the ratio to the machine's limit ``max(flops / best matmul rate, bytes /
copy bandwidth)``, all measured in this one run. Not a test: it prints, and asserts nothing.

Goals (issue 8): on every workload each backend's step within 1.15x of its own floor; on the
compute-bound workload within 1.3x of the machine limit.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reports.timing import configure_threads  # noqa: E402  (before any framework starts)

FLOOR_GOAL = 1.15
LIMIT_GOAL = 1.3


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    parser.add_argument("--threads", type=int, default=None, help="default: all cores")
    parser.add_argument("--workload", action="append", default=None,
                        help="logistic-64x64x3, 2-layer, L-layer, compute-bound (repeatable; default: all four)")
    parser.add_argument("--backend", action="append", default=None, help="default: every available backend")
    args = parser.parse_args(argv)

    threads = configure_threads(args.threads)
    import pandas as pd

    from parity import available_backends, get_backend, register_backend
    from reports.limits import measure_limits
    from reports.timing import standard_workloads, time_workload

    names = args.workload or ["logistic-64x64x3", "2-layer", "L-layer", "compute-bound"]
    workloads = [w for w in standard_workloads() if w.name in names]
    backends = ([get_backend(n) if n in {b.name for b in available_backends()} else register_backend(n)
                 for n in args.backend] if args.backend else available_backends())
    limits = measure_limits("cpu", args.dtype)
    rows = []
    for workload in workloads:
        for backend in backends:
            for row in time_workload(workload, backend, "cpu", args.dtype, args.repeats, limits):
                rows.append(row)
    table = pd.DataFrame(rows)
    step = table[table.phase == "step"].set_index(["workload", "backend"])
    floor = table[table.phase == "floor"].set_index(["workload", "backend"])
    out = pd.DataFrame({
        "step_ms": step.median_s * 1e3,
        "step_iqr_ms": step.iqr_s * 1e3,
        "floor_ms": floor.median_s.reindex(step.index) * 1e3,
        "step/floor": step.ratio_to_floor,
        "GFLOP/s": step.gflops,
        "limit_ms": step.limit_s * 1e3,
        "step/limit": step.ratio_to_limit,
        "timed": step.timed_through,
    }).reset_index()
    print(f"{args.dtype}, CPU, {threads['threads']} threads, {args.repeats} repeats; limit figures: matmul "
          f"{limits.matmul_flops_per_s / 1e9:.1f} GFLOP/s, bandwidth {limits.bandwidth_bytes_per_s / 1e9:.1f} GB/s")
    print(out.to_markdown(index=False, floatfmt=".3f"))
    floors = out.dropna(subset=["step/floor"])
    worst = floors.loc[floors["step/floor"].idxmax()]
    compute = out[out.workload == "compute-bound"]
    print(f"\nfloor goal (every step within {FLOOR_GOAL}x of its framework floor): "
          f"{'met' if (floors['step/floor'] <= FLOOR_GOAL).all() else 'not met'} "
          f"(worst {worst['step/floor']:.2f}x: {worst.backend} on {worst.workload})")
    if not compute.empty:
        print(f"limit goal (compute-bound step within {LIMIT_GOAL}x of the machine limit): "
              + ", ".join(f"{r.backend} {r['step/limit']:.2f}x" for _, r in compute.iterrows())
              + f" -> {'met' if (compute['step/limit'] <= LIMIT_GOAL).all() else 'not met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
