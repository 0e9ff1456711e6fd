"""Data parallel in PyTorch: the launcher, the process group and the summing all-reduce.

``deep.train(..., world_size=k)`` (and ``deep.train_jobs``) run here: the parent writes the
inputs to a temporary folder, owns a ``torch.distributed.TCPStore`` on a port the OS picks
(port 0, so two runs at once never collide), and starts one process,
``python -m torch_impl.parallel zygote FOLDER``, that imports torch and what DDP loads once
and forks the k workers (importing torch costs seconds of CPU per process; a fork costs
milliseconds), each with torchrun's environment (``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``,
``MASTER_ADDR``, ``MASTER_PORT``). Each worker joins the
process group through the parent's store (gloo on the CPU, NCCL on CUDA where every rank
has its own GPU), trains its shards (``deep``), and rank 0 writes the result, which the
parent reads back. Under ``torchrun`` the same worker code joins by ``env://`` instead
(``__main__``: the command-line check across machines).

Robustness: the run has a time limit (``timeout_seconds``: ``NN_PARITY_DP_TIMEOUT`` seconds,
default ``DEFAULT_TIMEOUT``; gloo's own timeout is set to it too). A worker that exits with an
error ends the run with a ``RuntimeError`` naming its rank and its traceback (each worker
writes its traceback to a file, the zygote its exit status); one that hangs ends it at the
limit, naming each rank's last stage. On any end the zygote is told to stop (SIGTERM: it kills
and reaps its workers), then its whole process group is killed, the store deleted (its port
freed) and the folder removed. A parent that is killed itself (SIGKILL, a scheduler's SIGTERM)
runs none of that, so the zygote watches its stdin, a pipe only the parent writes to: at its
end of file, or past the time limit, the zygote stops its workers as on SIGTERM; and each
worker dies with the zygote (``PR_SET_PDEATHSIG`` on Linux). The workers run with Python's
``-P``: the package they import is the parent's, never a copy in the caller's working folder.

This package sits below ``deep``: it imports nothing of ``torch_impl`` but ``convert``.
"""

from __future__ import annotations

import datetime
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist

__all__ = [
    "DEFAULT_TIMEOUT",
    "MIN_TIMEOUT",
    "MAX_TIMEOUT",
    "MAX_WORKERS",
    "TIMEOUT_ENV",
    "FAULT_ENV",
    "timeout_seconds",
    "process_group_backend",
    "rank_device",
    "sum_hook",
    "launch",
    "join_process_group",
    "report_stage",
    "apply_fault",
    "pack",
    "unpack",
]

DEFAULT_TIMEOUT = 120.0
# Seconds: gloo and the store take the limit in integer milliseconds, so at least one of them
# and at most 11.6 days.
MIN_TIMEOUT, MAX_TIMEOUT = 1e-3, 1e6
# The most workers one launch starts (each a process holding torch): a bound on a mistyped
# world_size, which would otherwise fork until the machine runs out of memory.
MAX_WORKERS = 256
TIMEOUT_ENV = "NN_PARITY_DP_TIMEOUT"
# Test-only: "RANK:raise" makes that rank raise after joining, "RANK:hang" sleep there.
FAULT_ENV = "NN_PARITY_DP_FAULT"
_STORE_ENV = "NN_PARITY_DP_STORE"  # set by launch: join through the parent's store
_POLL = 0.05
_WORKER_MODULE = __name__  # python -m torch_impl.parallel zygote FOLDER
_STOP_GRACE = 5.0  # seconds the zygote has to reap its workers before its group is killed


def timeout_seconds(timeout: float | None = None) -> float:
    """The run's time limit: ``timeout`` if given, else ``$NN_PARITY_DP_TIMEOUT``, else 120 s;
    a ValueError naming which, unless a number of seconds in [``MIN_TIMEOUT``, ``MAX_TIMEOUT``]."""
    name = "timeout"
    if timeout is None:
        raw = os.environ.get(TIMEOUT_ENV)
        if raw is None:
            return DEFAULT_TIMEOUT
        name = TIMEOUT_ENV
        try:
            timeout = float(raw)
        except ValueError:
            raise ValueError(f"{TIMEOUT_ENV} must be a number of seconds, got {raw!r}") from None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not MIN_TIMEOUT <= timeout <= MAX_TIMEOUT:
        raise ValueError(f"{name} must be a number of seconds in [{MIN_TIMEOUT:g}, {MAX_TIMEOUT:g}], got {timeout!r}")
    return float(timeout)


def process_group_backend(device: str, world_size: int) -> str:
    """"nccl" where ``device`` is CUDA and every rank has a GPU of its own; else "gloo"
    (CPU tensors, or CUDA tensors of ranks that share one GPU, which NCCL refuses)."""
    if device.startswith("cuda") and torch.cuda.is_available() and torch.cuda.device_count() >= world_size:
        return "nccl"
    return "gloo"


def rank_device(device: str, rank: int) -> str:
    """The device of ``rank``: "cpu", or ``cuda:(rank mod the GPUs)``."""
    if device.startswith("cuda"):
        return f"cuda:{rank % max(torch.cuda.device_count(), 1)}"
    return device


def sum_hook(state, bucket):
    """A DDP communication hook (state None, a ``dist.GradBucket`` -> a ``torch.futures.Future``
    of its tensor): the bucket's gradients *summed* over the ranks. No annotations: DDP
    checks them, and this module's are strings (``from __future__ import annotations``).

    DDP's own all-reduce divides by the world size (the mean of the ranks' gradients); the
    contract's step is the sum of the shard sums over the global m_t, so each rank's loss
    is its shard's loss sum / m_t and the hook adds, without dividing."""
    work = dist.all_reduce(bucket.buffer(), op=dist.ReduceOp.SUM, async_op=True)
    return work.get_future().then(lambda fut: fut.value()[0])


# ---------------------------------------------------------------- inputs and results on disk

def pack(jobs: list[dict]) -> tuple[dict[str, np.ndarray], list[dict]]:
    """Jobs (dicts) -> (arrays for an .npz, the rest): an array value becomes ``"i/name"``, a
    dict of arrays (params) ``"i/name/key"``; every other value stays in the small rest."""
    arrays, rest = {}, []
    for i, job in enumerate(jobs):
        small = {}
        for name, value in job.items():
            if isinstance(value, np.ndarray):
                arrays[f"{i}/{name}"] = value
            elif isinstance(value, dict) and value and all(isinstance(v, np.ndarray) for v in value.values()):
                arrays.update({f"{i}/{name}/{key}": v for key, v in value.items()})
            else:
                small[name] = value
        rest.append(small)
    return arrays, rest


def unpack(arrays, rest: list[dict]) -> list[dict]:
    """The inverse of ``pack``."""
    jobs = [dict(small) for small in rest]
    for name in arrays.keys():
        i, field, *key = name.split("/")
        job = jobs[int(i)]
        if key:
            job.setdefault(field, {})[key[0]] = np.asarray(arrays[name])
        else:
            job[field] = np.asarray(arrays[name])
    return jobs


# ---------------------------------------------------------------- the parent

def _open_store(timeout: float) -> dist.TCPStore:
    # Port 0: the OS picks a free port, so concurrent runs never collide.
    return dist.TCPStore("127.0.0.1", 0, is_master=True, wait_for_workers=False,
                         timeout=datetime.timedelta(seconds=timeout))


def _zygote_env(world_size: int, port: int, timeout: float) -> dict[str, str]:
    """torchrun's variables but RANK (each forked worker sets its own)."""
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[2])  # torch_impl importable as the parent has it
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    env.update(WORLD_SIZE=str(world_size), LOCAL_WORLD_SIZE=str(world_size), MASTER_ADDR="127.0.0.1",
               MASTER_PORT=str(port), **{_STORE_ENV: "1", TIMEOUT_ENV: repr(timeout)})
    return env


def _kill(procs: list[subprocess.Popen]) -> None:
    """Stop each zygote: SIGTERM (it kills and reaps its workers), then SIGKILL to its
    process group (a session of its own, its workers included) if it has not exited."""
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        if proc.stdin is not None:
            proc.stdin.close()  # the zygote's end of file: stop, should the signal be missed
        try:
            proc.wait(_STOP_GRACE)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass  # the group is gone already
        proc.wait()


def _stages(store: dist.TCPStore, world_size: int) -> list[str]:
    stages = []
    for rank in range(world_size):
        key = f"stage/{rank}"
        stages.append(store.get(key).decode() if store.check([key]) else "not started")
    return stages


def _failure(folder: Path, rank: int, code: int) -> RuntimeError:
    trace = folder / f"error-{rank}.txt"
    if trace.exists():
        detail = trace.read_text().strip()
    else:
        err = folder / f"stderr-{rank}.txt"
        tail = err.read_text()[-4000:].strip() if err.exists() else ""
        detail = f"exit status {code}" + (f"; its stderr ends:\n{tail}" if tail else "")
    return RuntimeError(f"data-parallel worker rank {rank} failed: {detail}")


def _exit_codes(folder: Path, world_size: int) -> list[int | None]:
    """Each rank's exit status as the zygote recorded it; None while it runs."""
    codes = []
    for rank in range(world_size):
        path = folder / f"exit-{rank}"
        codes.append(int(path.read_text()) if path.exists() else None)
    return codes


def _wait(zygote: subprocess.Popen, folder: Path, store, world_size: int, limit: float) -> RuntimeError | None:
    """None once every worker has exited 0; else the run's error, returned, not raised: a
    raised one's traceback would hold this frame, and with it the store and its port."""
    start = time.monotonic()
    while True:
        done = zygote.poll()
        codes = _exit_codes(folder, world_size)
        for rank, code in enumerate(codes):
            if code not in (None, 0) and (folder / f"error-{rank}.txt").exists():
                return _failure(folder, rank, code)  # the rank that raised, before those killed after it
        for rank, code in enumerate(codes):
            if code not in (None, 0):
                return _failure(folder, rank, code)
        if done is not None:
            if done == 0 and all(code == 0 for code in codes):
                return None
            err = (folder / "stderr-zygote.txt").read_text()[-4000:].strip()
            return RuntimeError(f"the data-parallel launcher exited with status {done} before its workers "
                                f"reported" + (f"; its stderr ends:\n{err}" if err else ""))
        if time.monotonic() - start > limit:
            stages = _stages(store, world_size)
            running = [rank for rank, code in enumerate(codes) if code is None]
            where = "; ".join(f"rank {rank}: {stages[rank]}" for rank in running)
            return RuntimeError(f"data-parallel run did not finish within {limit:g} s ({TIMEOUT_ENV}); "
                                f"ranks {running} still running, last stages: {where}")
        time.sleep(_POLL)


def launch(jobs: list[dict], world_size: int, *, timeout: float | None = None) -> list[dict]:
    """Run ``jobs`` (dicts of arrays and small values, as ``pack`` takes them) on
    ``world_size`` worker processes; rank 0's results, one dict per job (``unpack``).

    The workers run ``deep``'s jobs (``python -m torch_impl.parallel zygote FOLDER``).
    Raises RuntimeError when a worker fails or the run passes ``timeout_seconds(timeout)``;
    ValueError for a ``world_size`` over ``MAX_WORKERS``.
    """
    if world_size > MAX_WORKERS:
        raise ValueError(f"world_size={world_size}: one launch starts at most {MAX_WORKERS} worker processes "
                         f"(across machines, torchrun starts them: README, 'Data parallel')")
    limit = timeout_seconds(timeout)
    folder = Path(tempfile.mkdtemp(prefix="nn-parity-dp-"))
    procs: list[subprocess.Popen] = []
    store = error = results = None
    try:
        arrays, rest = pack(jobs)
        np.savez(folder / "inputs.npz", **arrays)
        with open(folder / "jobs.pkl", "wb") as f:
            pickle.dump(rest, f)  # small values only (specs, optimizers, scalars)
        store = _open_store(limit)
        with open(folder / "stdout-zygote.txt", "wb") as out, open(folder / "stderr-zygote.txt", "wb") as err:
            # -P: no working folder on the path, so the workers import what the parent imported.
            # stdin: a pipe only this process writes to, so the zygote sees its end (``__main__``).
            procs.append(subprocess.Popen(
                [sys.executable, "-P", "-m", _WORKER_MODULE, "zygote", str(folder)],
                env=_zygote_env(world_size, store.port, limit), stdin=subprocess.PIPE,
                stdout=out, stderr=err, start_new_session=True))
        error = _wait(procs[0], folder, store, world_size, limit)
        if error is None:
            with np.load(folder / "results.npz") as arrays, open(folder / "results.pkl", "rb") as f:
                results = unpack(arrays, pickle.load(f))
    finally:
        _kill(procs)
        store = None  # the store's server stops with its last reference: the port is free again
        shutil.rmtree(folder, ignore_errors=True)
    if error is not None:
        raise error
    return results


# ---------------------------------------------------------------- the workers

def join_process_group(device: str, timeout: float) -> tuple[int, int, dist.Store | None]:
    """Join the group as ``RANK`` of ``WORLD_SIZE`` (the environment) -> (rank, world_size,
    the store, or None under torchrun's ``env://``)."""
    rank, world_size = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    backend = process_group_backend(device, world_size)
    limit = datetime.timedelta(seconds=timeout)
    if os.environ.get(_STORE_ENV):
        store = dist.TCPStore(os.environ["MASTER_ADDR"], int(os.environ["MASTER_PORT"]), is_master=False,
                              timeout=limit)
        report_stage(store, rank, "joining the process group")
        dist.init_process_group(backend, store=store, rank=rank, world_size=world_size, timeout=limit)
    else:
        store = None
        dist.init_process_group(backend, init_method="env://", rank=rank, world_size=world_size, timeout=limit)
    report_stage(store, rank, "joined")
    return rank, world_size, store


def report_stage(store, rank: int, stage: str) -> None:
    """Record where ``rank`` is, for the parent's error on a hang."""
    if store is not None:
        store.set(f"stage/{rank}", stage)


def apply_fault(rank: int) -> None:
    """The test-only hook ``NN_PARITY_DP_FAULT="RANK:raise"`` or ``"RANK:hang"``."""
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    target, _, kind = spec.partition(":")
    if int(target) != rank:
        return
    if kind == "raise":
        raise RuntimeError(f"fault injected by {FAULT_ENV}={spec!r}")
    if kind == "hang":
        time.sleep(3600)
