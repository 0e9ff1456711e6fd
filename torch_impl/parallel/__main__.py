"""``python -m torch_impl.parallel``: the data-parallel worker, and the check across machines.

    python -m torch_impl.parallel zygote FOLDER
        The workers of ``parallel.launch`` (``deep.train(..., world_size=k)``): imports torch
        and DDP's modules once, forks ``WORLD_SIZE`` workers (each joins through the parent's
        store and runs the jobs of FOLDER; rank 0 writes the results there), records each
        rank's exit status, and on a failure or SIGTERM kills and reaps the rest; also when
        its stdin, the parent's pipe, ends (the parent died) or the time limit has passed.

    torchrun --nnodes 2 --nproc-per-node 4 --rdzv-endpoint HOST:PORT -m torch_impl.parallel check [options]
    python -m torch_impl.parallel check --world-size 2 [options]
        The data-parallel check: ``deep.train`` on k ranks (torchrun's, joined by ``env://``:
        ``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``; or, without torchrun, k
        local workers of ``parallel.launch``) against one device, on a built-in problem or
        an .npz (``X``: (n_x, m), ``Y``: (n[L], m)). Rank 0 prints the largest relative
        difference in parameters and costs and exits 1 over the bound (1e-10 in float64,
        1e-5 in float32).
"""

from __future__ import annotations

import argparse
import ctypes
import os
import pickle
import select
import shutil
import signal
import sys
import threading
import traceback
from pathlib import Path

import numpy as np
import torch._dynamo  # noqa: F401 - DDP's __init__ imports it: loaded once, before the workers fork
import torch.distributed as dist

from nn_contract import ModelSpec, init_params
from nn_contract.optim import Adam

from .. import deep
from . import apply_fault, join_process_group, pack, report_stage, timeout_seconds, unpack
from .workers import run_jobs

BOUNDS = {"float64": 1e-10, "float32": 1e-5}
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
# The zygote's own limit, past the parent's: the parent, when alive, reports first.
_ZYGOTE_GRACE = 10.0


def _worker(folder: Path) -> int:
    rank = int(os.environ["RANK"])
    try:
        with np.load(folder / "inputs.npz") as arrays, open(folder / "jobs.pkl", "rb") as f:
            jobs = unpack(arrays, pickle.load(f))
        rank, world_size, store = join_process_group(jobs[0]["device"], timeout_seconds())
        apply_fault(rank)
        report_stage(store, rank, f"training {len(jobs)} job(s)")
        results = run_jobs(jobs, rank, world_size)
        report_stage(store, rank, "done")
        dist.destroy_process_group()
        if rank == 0:
            arrays, rest = pack(results)
            np.savez(folder / "results.tmp.npz", **arrays)
            with open(folder / "results.pkl", "wb") as f:
                pickle.dump(rest, f)
            os.replace(folder / "results.tmp.npz", folder / "results.npz")
        return 0
    except BaseException:  # noqa: BLE001 - whatever ends the worker is its rank's error, for the parent
        (folder / f"error-{rank}.txt").write_text(traceback.format_exc())
        return 1


def _die_with(parent: int) -> None:
    """End this process when ``parent`` ends: the kernel's parent-death signal on Linux (a fork's
    parent that is single-threaded, as the zygote is while it forks); elsewhere the zygote's
    SIGTERM and its process group's SIGKILL remain. Exits at once if ``parent`` already ended."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _fork_worker(folder: Path, rank: int) -> int:
    zygote = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        _die_with(zygote)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)  # the parent's pipe is the zygote's to watch
        os.close(null)
        os.environ["RANK"] = os.environ["LOCAL_RANK"] = str(rank)
        for fd, name in ((1, f"stdout-{rank}.txt"), (2, f"stderr-{rank}.txt")):
            out = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(out, fd)
            os.close(out)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        code = _worker(folder)
    finally:
        os._exit(code)  # never return into the zygote's loop


def _watch_parent(limit: float, ended: list) -> None:
    """Ask this process to stop (SIGTERM, as the parent would), ``ended`` marked, when stdin,
    the parent's pipe, reaches its end or after ``limit`` seconds. The parent closes the pipe
    only once it has read what it needs from the folder, or when it dies; past ``limit`` the
    parent's own, shorter, limit has passed (or a process it forked holds the pipe open)."""
    readable, _, _ = select.select([sys.stdin.buffer], [], [], limit)
    if readable:
        os.read(sys.stdin.fileno(), 1)  # b"": the parent's end; the parent never writes
    ended.append(True)
    os.kill(os.getpid(), signal.SIGTERM)


def _zygote(folder: Path) -> int:
    workers: dict[int, int] = {}  # pid -> rank
    stopping, parent_ended = [], []

    def stop(*_):
        # The parent's stop request: kill the workers; the loop below reaps them and returns.
        stopping.append(True)
        for pid in list(workers):
            _kill_quietly(pid)

    signal.signal(signal.SIGTERM, stop)
    failed = False
    try:
        for rank in range(int(os.environ["WORLD_SIZE"])):
            if stopping:
                break
            workers[_fork_worker(folder, rank)] = rank
        # Started after the forks: a process that forks while it has threads is unsafe.
        threading.Thread(target=_watch_parent, args=(timeout_seconds() + _ZYGOTE_GRACE, parent_ended),
                         daemon=True).start()
        while workers:
            pid, status = os.wait()
            rank = workers.pop(pid)
            code = os.waitstatus_to_exitcode(status)
            # Written aside and renamed: the parent polls for the file, and must never read it half-written.
            (folder / f"exit-{rank}.tmp").write_text(str(code))
            os.replace(folder / f"exit-{rank}.tmp", folder / f"exit-{rank}")
            if code != 0:
                failed = True
                break  # the others would wait on it in the all-reduce
    finally:
        for pid in list(workers):
            _kill_quietly(pid)
        for pid in list(workers):
            os.waitpid(pid, 0)  # reaped here, never left to init as zombies
        if parent_ended:
            shutil.rmtree(folder, ignore_errors=True)  # the parent is done with it, or gone
    return 1 if failed or stopping else 0


def _kill_quietly(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _problem(args):
    """(params, X, Y, spec): the .npz's arrays, or a built-in binary problem, m = 209."""
    if args.npz:
        with np.load(args.npz) as data:
            X, Y = np.asarray(data["X"], dtype=args.dtype), np.asarray(data["Y"], dtype=args.dtype)
    else:
        rng = np.random.RandomState(0)
        X = rng.randn(6, 209)
        Y = (X[:1] * X[1:2] + X[2:3] > 0).astype(np.float64)
        X, Y = X.astype(args.dtype), Y.astype(args.dtype)
    spec = ModelSpec((X.shape[0], 7, 5, Y.shape[0]), hidden_activation="tanh",
                     output="sigmoid" if Y.shape[0] == 1 else "softmax")
    params = init_params(spec, 1, "xavier", dtype=args.dtype)
    # Nonzero biases, so that a bias gradient summed wrongly shows.
    params = {k: v + np.asarray(0.1, v.dtype) if k.startswith("b") else v for k, v in params.items()}
    return params, X, Y, spec


def _largest_difference(a, b) -> float:
    (pa, ca), (pb, cb) = a, b
    diffs = [float(np.max(np.abs(pa[k] - pb[k])) / max(float(np.max(np.abs(pb[k]))), 1e-300)) for k in pb]
    diffs.append(float(np.max(np.abs(np.subtract(ca, cb)) / np.maximum(np.abs(cb), 1e-300))))
    return max(diffs)


def _check(args) -> int:
    params, X, Y, spec = _problem(args)
    options = dict(learning_rate=0.05, num_epochs=args.epochs, batch_size=args.batch_size, seed=0,
                   optimizer=Adam() if args.adam else None, lambd=args.lambd, keep_prob=args.keep_prob)
    options = {k: v for k, v in options.items() if v is not None}
    torchrun = "RANK" in os.environ
    if torchrun:
        rank, world_size, _ = join_process_group(args.device, timeout_seconds())
        # The job checked and packed as train_jobs does, run in the group torchrun formed.
        jobs = deep._checked_jobs([dict(params=params, X=X, Y=Y, spec=spec, **options)], args.device)
        result = run_jobs(jobs, rank, world_size)[0]
        result = (result["params"], list(result["costs"]))
        dist.destroy_process_group()
    else:
        rank, world_size = 0, args.world_size
        result = deep.train(params, X, Y, spec, device=args.device, world_size=world_size, **options)
    if rank != 0:
        return 0
    single = deep.train(params, X, Y, spec, device=args.device, **options)
    diff = _largest_difference(result, single)
    bound = BOUNDS[args.dtype]
    print(f"torch data parallel, world_size {world_size} ({'torchrun' if torchrun else 'local workers'}), "
          f"m = {X.shape[1]}, batch {args.batch_size}, {args.dtype}: largest relative difference to one device "
          f"{diff:.3g} (bound {bound:g})")
    return 0 if diff <= bound else 1


def _npz(parser: argparse.ArgumentParser, path: str) -> None:
    """An error, as argparse's, unless ``path`` is an .npz holding X (n_x, m) and Y (n[L], m)."""
    try:
        with np.load(path) as data:
            missing = [k for k in ("X", "Y") if k not in data.files]
            shapes = {k: data[k].shape for k in ("X", "Y") if k in data.files}
    except (OSError, ValueError) as error:
        parser.error(f"--npz {path!r} cannot be read as an .npz: {error}")
    if missing:
        parser.error(f"--npz {path!r} holds no {' or '.join(missing)} (it has {sorted(shapes) or 'neither'})")
    if len(shapes["X"]) != 2 or len(shapes["Y"]) != 2 or shapes["X"][1] != shapes["Y"][1]:
        parser.error(f"--npz {path!r}: X must be (n_x, m) and Y (n[L], m), got {shapes['X']} and {shapes['Y']}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m torch_impl.parallel", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    zygote = sub.add_parser("zygote", help="the workers of parallel.launch")
    zygote.add_argument("folder", type=Path)
    check = sub.add_parser("check", help="data parallel against one device")
    check.add_argument("--world-size", type=int, default=2,
                       help="local workers, without torchrun (2 or more: 1 compares one device with itself)")
    check.add_argument("--npz", help="an .npz with X (n_x, m) and Y (n[L], m)")
    check.add_argument("--dtype", choices=tuple(BOUNDS), default="float64")
    check.add_argument("--device", default="cpu")
    check.add_argument("--epochs", type=int, default=3)
    check.add_argument("--batch-size", type=int, default=64)
    check.add_argument("--adam", action="store_true")
    check.add_argument("--lambd", type=float, default=0.0)
    check.add_argument("--keep-prob", type=float, default=1.0)
    args = parser.parse_args(argv)
    if args.command == "zygote":
        return _zygote(args.folder)
    if "RANK" not in os.environ and args.world_size < 2:
        check.error("--world-size must be >= 2 without torchrun (1 compares one device with itself)")
    if args.npz is not None:
        _npz(check, args.npz)
    try:
        return _check(args)
    except (ValueError, TypeError) as error:  # an option or the data refused by train's own checks
        check.error(str(error))


if __name__ == "__main__":
    sys.exit(main())
