"""Benchmark: each backend's native training step against the machine's limit.

    .venv/bin/python benchmarks/bench_step.py [--repeats 50] [--dtype float64] [--threads N]

The L-layer network of the notes (12288, 20, 7, 5, 1), m = 209, on the CPU: for each backend,
the median and IQR of its step (forward + backward + update, on data already in place) and
of its forward pass, the ratio to the limit ``max(flops / matmul rate, bytes / bandwidth)``,
and the limit figures, all measured in this one run. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reports.timing import configure_threads  # noqa: E402  (before JAX is imported)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    parser.add_argument("--threads", type=int, default=None, help="default: all cores")
    parser.add_argument("--m", type=int, default=209)
    parser.add_argument("--backends", default="numpy,torch,jax")
    args = parser.parse_args(argv)

    threads = configure_threads(args.threads)
    import pandas as pd

    from reports.limits import limit_seconds, measure_limits
    from reports.timing import Workload, time_workload

    workload = Workload("L-layer", "deep", (12288, 20, 7, 5, 1), args.m)
    limits = measure_limits("cpu", args.dtype)
    rows = []
    for backend in args.backends.split(","):
        rows += time_workload(workload, backend, "cpu", args.dtype, args.repeats, limits)
    table = pd.DataFrame(rows)
    table = table[table.phase != "compile"]
    out = pd.DataFrame({
        "backend": table.backend,
        "phase": table.phase,
        "median_ms": table.median_s * 1e3,
        "iqr_ms": table.iqr_s * 1e3,
        "GFLOP/s": table.gflops,
        "limit_ms": table.limit_s * 1e3,
        "ratio_to_limit": table.ratio_to_limit,
    })
    print(f"L-layer {workload.layer_dims}, m = {workload.m}, {args.dtype}, CPU, "
          f"{threads['threads']} threads, {args.repeats} repeats")
    print(f"limit figures: matmul {limits.matmul_flops_per_s / 1e9:.1f} GFLOP/s, "
          f"bandwidth {limits.bandwidth_bytes_per_s / 1e9:.1f} GB/s")
    step = table[table.phase == "step"].iloc[0]
    print(f"step: {step.flops / 1e6:.1f} MFLOP, {step.bytes / 1e6:.1f} MB minimum -> limit "
          f"{limit_seconds(step.flops, step.bytes, limits) * 1e3:.3f} ms "
          f"(compute {step.flops / limits.matmul_flops_per_s * 1e3:.3f} ms, "
          f"memory {step.bytes / limits.bandwidth_bytes_per_s * 1e3:.3f} ms)")
    print(out.sort_values(["phase", "backend"]).to_markdown(index=False, floatfmt=".3f"))
    steps = out[out.phase == "step"].ratio_to_limit
    print(f"\nstep goals: every backend within 2.0x: {'yes' if (steps <= 2.0).all() else 'no'} "
          f"(worst {steps.max():.2f}x); best within 1.5x: {'yes' if steps.min() <= 1.5 else 'no'} "
          f"(best {steps.min():.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
