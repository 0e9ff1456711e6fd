"""Data parallel (CONTRACT.md, "Data parallel"): the reference's definition and torch's workers.

``train(..., world_size=k)`` splits every mini-batch into k contiguous shards and sums their
gradients over the global m_t, so it must equal one device: the reference by construction
(to 1e-12, rounding only), torch's k gloo worker processes under DDP to 1e-10 in float64 and
the float32 bound in float32, for GD, Adam, Momentum with decay, L2 + dropout, uneven shards
(m = 209, batches of 64: 22/21/21 and 9/8), the full batch, and batches smaller than k
(empty shards). DDP's default (each rank's own mean, averaged) is shown to differ.

Worker processes start slowly (each imports torch, and DDP torch._dynamo), so the torch
cases share two launches, k = 2 and k = 3 run at the same time and read by one test (which is
also the test that two runs do not collide on a port); the two faults take a launch each, the raising one run
while the hanging one waits for its limit, and torchrun's agent takes one.
"""

from __future__ import annotations

import functools
import os
import re
import socket
import subprocess
import sys
import threading
import time
import types
from pathlib import Path

import numpy as np
import pytest

from nn_contract import ModelSpec, init_params, optim
from parity import dict_relative_error, relative_error, tolerance
from reference_numpy import deep as ref_deep

from .helpers import shadowing_folder

torch_deep = pytest.importorskip("torch_impl.deep", reason="torch is not installed (pip install 'nn-parity[torch]')")
from torch_impl import parallel  # noqa: E402 - after the skip, so that torch is there

SPEC = ModelSpec((5, 4, 3, 1), hidden_activation="tanh")
LR = 0.05


def _problem(m: int = 209, dtype: str = "float64"):
    rng = np.random.RandomState(0)
    X = rng.randn(5, m)
    Y = (X[:1] * X[1:2] + X[2:3] > 0).astype(np.float64)
    params = init_params(SPEC, 1, "xavier")
    # Nonzero biases, so that a bias gradient summed or averaged wrongly shows.
    params = {k: v + 0.1 * rng.randn(*v.shape) if k.startswith("b") else v for k, v in params.items()}
    return {k: v.astype(dtype) for k, v in params.items()}, X.astype(dtype), Y.astype(dtype)


# name -> (problem kwargs, train options)
CONFIGS = {
    "batch64-GD": ({}, dict(batch_size=64, num_epochs=3)),
    "full-batch": ({}, dict(batch_size=None, num_epochs=3)),
    "Adam": ({}, dict(batch_size=64, num_epochs=3, optimizer=optim.Adam())),
    "Momentum-decay": ({}, dict(batch_size=64, num_epochs=3, optimizer=optim.Momentum(0.9), decay_rate=0.5)),
    "L2-dropout": ({}, dict(batch_size=64, num_epochs=3, lambd=0.7, keep_prob=0.8)),
    "batch1-m5": ({"m": 5}, dict(batch_size=1, num_epochs=2)),  # a batch smaller than k: empty shards
    "float32": ({"dtype": "float32"}, dict(batch_size=64, num_epochs=3, optimizer=optim.Adam())),
}


def _job(name: str) -> dict:
    problem, options = CONFIGS[name]
    params, X, Y = _problem(**problem)
    return dict(params=params, X=X, Y=Y, spec=SPEC, learning_rate=LR, **options)


@functools.lru_cache(maxsize=None)
def _one_device(name: str):
    """torch's single-device train of the configuration, once: k = 2, k = 3 and DDP's defaults share it."""
    return torch_deep.train(**_job(name))


def _difference(a, b) -> float:
    """The largest relative difference of (params, costs) a to b: the parameters as one
    vector, and the cost trajectory."""
    (pa, ca), (pb, cb) = a, b
    assert len(ca) == len(cb)
    return max(dict_relative_error(pa, pb), relative_error(np.asarray(ca), np.asarray(cb)))


def _bound(name: str) -> float:
    return tolerance(CONFIGS[name][0].get("dtype", "float64")).grad


# ---------------------------------------------------------------- the reference: the definition

@pytest.mark.parametrize("world_size", [1, 2, 3], ids=lambda k: f"k{k}")
@pytest.mark.parametrize("name", list(CONFIGS))
def test_reference_world_size_is_one_device(name, world_size):
    job = _job(name)
    single = ref_deep.train(**job)
    sharded = ref_deep.train(**job, world_size=world_size)
    if world_size == 1:
        assert sharded[1] == single[1] and all(np.array_equal(sharded[0][k], single[0][k]) for k in single[0])
    else:
        assert _difference(sharded, single) <= (1e-12 if name != "float32" else _bound(name))


def test_reference_shards_do_sum_not_average():
    """The sharded step is the sum over m_t: averaging the shard means instead moves the
    parameters on uneven shards, which the equality above would then have caught."""
    from reference_numpy.parallel import sharded_cost_and_grads

    params, X, Y = _problem()
    X_t, Y_t = X[:, :17], Y[:, :17]  # the last batch of an epoch: 9/8 over two workers

    def data(X_s, Y_s, masks):
        return ref_deep.cost_and_grads(params, X_s, Y_s, SPEC)

    cost, grads = sharded_cost_and_grads(data, X_t, Y_t, None, 2)
    one_cost, one_grads = ref_deep.cost_and_grads(params, X_t, Y_t, SPEC)
    means = [data(X_t[:, a:b], Y_t[:, a:b], None)[1] for a, b in ((0, 9), (9, 17))]
    mean_of_means = {k: (means[0][k] + means[1][k]) / 2 for k in means[0]}
    assert dict_relative_error(grads, one_grads) <= 1e-14 and abs(cost - one_cost) <= 1e-15
    assert dict_relative_error(mean_of_means, one_grads) > 1e-3


@pytest.mark.parametrize("train", [ref_deep.train, torch_deep.train], ids=["numpy", "torch"])
@pytest.mark.parametrize("bad, error", [(0, ValueError), (-2, ValueError), (2.0, TypeError), (True, TypeError),
                                        ("2", TypeError)], ids=["zero", "negative", "float", "bool", "str"])
def test_world_size_is_checked_before_any_work(train, bad, error):
    # X is not even an array: world_size is named first, before the inputs or any worker.
    with pytest.raises(error, match="world_size"):
        train(_problem()[0], "not an array", None, SPEC, world_size=bad)


def test_torch_refuses_more_workers_than_one_launch_starts(monkeypatch):
    watch = _Watch(monkeypatch)
    with pytest.raises(ValueError, match=rf"world_size={parallel.MAX_WORKERS + 1}: one launch starts at most"):
        torch_deep.train(**_job("batch1-m5"), world_size=parallel.MAX_WORKERS + 1)
    assert watch.pids == [] and watch.ports == []


def test_torch_world_size_one_is_the_single_device_loop():
    job = _job("L2-dropout")
    a, b = torch_deep.train(**job), torch_deep.train(**job, world_size=1)
    assert a[1] == b[1] and all(np.array_equal(a[0][k], b[0][k]) for k in a[0])


def test_train_jobs_checks_each_job_before_launching():
    with pytest.raises(TypeError, match="jobs"):
        torch_deep.train_jobs({}, world_size=2)
    with pytest.raises(ValueError, match=r"jobs\[0\] lacks 'spec'"):
        torch_deep.train_jobs([{k: v for k, v in _job("batch64-GD").items() if k != "spec"}], world_size=2)
    with pytest.raises(TypeError, match="device"):
        torch_deep.train_jobs([{**_job("batch64-GD"), "device": "cpu"}], world_size=2)
    with pytest.raises(ValueError, match="learning_rate"):
        torch_deep.train_jobs([_job("batch64-GD"), {**_job("Adam"), "learning_rate": -1.0}], world_size=2)
    with pytest.raises(ValueError, match="world_size"):
        torch_deep.train_with_distributed_defaults(*_problem(), SPEC, world_size=0, learning_rate=LR, num_epochs=1,
                                                   batch_size=64)


# ---------------------------------------------------------------- torch: launches, watched

class _Watch:
    """Records the ports, worker pids and folders of the launches made while it is on (and,
    with ``keep_stores``, the stores themselves while ``stores`` is a list: a kept store keeps
    its port bound)."""

    def __init__(self, monkeypatch, keep_stores: bool = False):
        self.ports, self.pids, self.folders = [], [], []
        self.stores = [] if keep_stores else None
        open_store, popen, mkdtemp = parallel._open_store, subprocess.Popen, parallel.tempfile.mkdtemp

        def spy_store(timeout):
            store = open_store(timeout)
            self.ports.append(store.port)
            if self.stores is not None:
                self.stores.append(store)
            return store

        def spy_popen(*args, **kwargs):
            proc = popen(*args, **kwargs)
            self.pids.append(proc.pid)
            return proc

        def spy_mkdtemp(*args, **kwargs):
            folder = mkdtemp(*args, **kwargs)
            self.folders.append(folder)
            return folder

        monkeypatch.setattr(parallel, "_open_store", spy_store)
        monkeypatch.setattr(parallel, "subprocess", types.SimpleNamespace(Popen=spy_popen, PIPE=subprocess.PIPE))
        monkeypatch.setattr(parallel, "tempfile", types.SimpleNamespace(mkdtemp=spy_mkdtemp))

    def assert_clean(self):
        """No worker left, every port bindable again, every folder gone."""
        assert self.pids and self.ports
        for pid in self.pids:
            with pytest.raises(ProcessLookupError):
                os.killpg(pid, 0)  # its process group (the zygote and its workers) is empty
        for port in self.ports:
            with socket.socket() as s:
                s.bind(("127.0.0.1", port))
        assert not [f for f in self.folders if Path(f).exists()]


def _course_jobs():
    return [_job(name) for name in CONFIGS] + [{**_job("batch64-GD"), "ddp_mean": True}]


def _launch_both(monkeypatch):
    """k = 2 and k = 3 launched at the same time, each with every configuration and DDP's
    mean of means, k = 2 with the distributed defaults too -> {k: results}, the watch."""
    params, X, Y = _problem()
    defaults = torch_deep._job("distributed_defaults", SPEC, "cpu", *torch_deep._checked_train(
        params, X, Y, SPEC, LR, 3, 64, 0, optim.GD(), 0.0, 1.0, 0.0, 1))
    results, errors = {}, []

    def run(k):
        try:
            course = torch_deep._checked_jobs(_course_jobs(), "cpu")  # train_jobs' own path
            results[k] = torch_deep._launch_checked(course + ([defaults] if k == 2 else []), k)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(exc)

    watch = _Watch(monkeypatch)
    threads = [threading.Thread(target=run, args=(k,)) for k in (2, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results, watch


# One test reads the two launches, rather than a module fixture shared by several: pytest-xdist
# hands a module's tests to both workers (make test's worksteal too, once one runs dry), and each
# would launch them again, seconds of CPU per worker start.
def test_torch_launches_equal_one_device_and_ddps_defaults_do_not(tmp_path, monkeypatch):
    # launched from a folder with copies of the packages: the workers import the caller's
    monkeypatch.chdir(shadowing_folder(tmp_path, ("torch_impl", "nn_contract")))
    results, watch = _launch_both(monkeypatch)
    for k in (2, 3):
        for i, name in enumerate(CONFIGS):
            distributed = results[k][i]
            assert _difference(distributed, _one_device(name)) <= _bound(name), (name, k)
            dtype = np.dtype(CONFIGS[name][0].get("dtype", "float64"))
            assert all(v.dtype == dtype for v in distributed[0].values()), (name, k)
        # and the reference's definition at the same k, dropout's masks and empty shards included
        for name in ("L2-dropout", "batch1-m5"):
            reference = ref_deep.train(**_job(name), world_size=k)
            assert _difference(results[k][list(CONFIGS).index(name)], reference) <= _bound(name), (name, k)
        # DDP's default (each rank's own mean, averaged) on m = 209, batches of 64: the last
        # batch's 17 examples go 9/8 (k = 2) or 6/6/5 and the full ones 22/21/21 (k = 3), so the
        # update is not the course's; the course's job in the same launch is (above).
        assert _difference(results[k][len(CONFIGS)], _one_device("batch64-GD")) > 1e-6, k
    # DistributedSampler's order and padding with DDP's mean: the user's port, not the course.
    # ⌈209/2⌉ = 105 examples per rank (one repeated), batches of 64 // 2 = 32: 4 steps an epoch.
    params, costs = results[2][-1]
    assert len(costs) == 3 * 4 and np.isfinite(costs).all()
    assert dict_relative_error(params, _one_device("batch64-GD")[0]) > 1e-6
    # The two launches at once: a port each, one zygote each, nothing left.
    assert len(set(watch.ports)) == 2 and len(watch.pids) == 2  # one zygote per launch
    watch.assert_clean()


# Past the start of a launch's workers (their Python importing torch and DDP's modules: seconds
# of CPU), so that rank 1 is asleep where the fault put it when the limit ends the run.
HANG_LIMIT = 12.0


def _faulty_run(limit: float, outcome: dict) -> None:
    """train_jobs at k = 2 with the fault of the environment -> outcome["error"], ["seconds"]."""
    start = time.monotonic()
    try:
        torch_deep.train_jobs([_job("batch1-m5")], world_size=2, timeout=limit)
    except RuntimeError as error:
        outcome["error"] = error
    outcome["seconds"] = time.monotonic() - start


def _until_rank_1_joined(store, run: threading.Thread) -> None:
    """Wait until rank 1 of the launch owning ``store`` reports "joined" (then the fault), or
    the launch has ended."""
    while run.is_alive() and not (store.check(["stage/1"]) and store.get("stage/1") == b"joined"):
        time.sleep(0.05)


def test_a_worker_that_dies_or_hangs_ends_its_run_cleanly(monkeypatch):
    """Rank 1 sleeps in one run and raises in another, started once the sleeper has joined, so
    that the raising run's work fills the sleeping run's wait for its limit; each run ends with
    its error within its limit, and neither leaves a process, a bound port or a folder."""
    watch = _Watch(monkeypatch, keep_stores=True)
    hung, raised = {}, {}
    monkeypatch.setenv(parallel.FAULT_ENV, "1:hang")
    run = threading.Thread(target=_faulty_run, args=(HANG_LIMIT, hung))
    run.start()
    while run.is_alive() and not watch.stores:
        time.sleep(0.05)
    if watch.stores:
        _until_rank_1_joined(watch.stores[0], run)
    watch.stores = None  # keeping no more (a kept store keeps its port bound): the launch holds its own
    monkeypatch.setenv(parallel.FAULT_ENV, "1:raise")  # (the sleeping run's zygote has its environment)
    _faulty_run(60.0, raised)
    run.join()
    assert re.search(r"(?s)rank 1 failed: Traceback.*fault injected by NN_PARITY_DP_FAULT", str(raised.get("error"))), \
        raised
    assert re.search(rf"did not finish within {HANG_LIMIT:g} s \(NN_PARITY_DP_TIMEOUT\); ranks \[[0, ]*1\] still running",
                     str(hung.get("error"))), hung
    assert raised["seconds"] < 60.0 + 10 and hung["seconds"] < HANG_LIMIT + 10
    assert len(set(watch.ports)) == 2 and len(watch.pids) == 2
    watch.assert_clean()


# A caller that dies without cleaning up: prints its launch's zygote pid and folder, then waits
# in a run whose rank 1 hangs (the test kills it there).
_DOOMED_CALLER = """
import subprocess, sys
from torch_impl import parallel
from torch_impl import deep
popen = subprocess.Popen
def spy(*args, **kwargs):
    proc = popen(*args, **kwargs)
    print("zygote", proc.pid, args[0][-1], flush=True)
    return proc
subprocess.Popen = spy
import numpy as np
from nn_contract import ModelSpec, init_params
spec = ModelSpec((3, 4, 1), "relu", "sigmoid")
X = np.random.RandomState(0).randn(3, 5)
deep.train(init_params(spec, 0, "he"), X, (X[:1] > 0) * 1.0, spec, learning_rate=0.1, num_epochs=1, world_size=2)
"""


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def _gone(pid: int) -> bool:
    """Ended: no such process, or a zombie (reaped by whoever adopted it, or by nobody)."""
    try:
        return "\nState:\tZ" in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True


def test_a_caller_killed_mid_run_takes_its_workers_with_it():
    """SIGKILL to the process that called train(world_size=2), while its workers run (rank 1
    asleep, rank 0 waiting on it in the all-reduce, 300 s from their limit): the zygote sees its
    pipe end and stops them, and removes the folder its caller would have."""
    caller = subprocess.Popen([sys.executable, "-c", _DOOMED_CALLER], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, parallel.FAULT_ENV: "1:hang", parallel.TIMEOUT_ENV: "300"})
    try:
        _, zygote, folder = caller.stdout.readline().split()
        zygote = int(zygote)
        deadline = time.monotonic() + 90
        while len(_children(zygote)) < 2 and time.monotonic() < deadline and caller.poll() is None:
            time.sleep(0.1)
        workers = _children(zygote)
        assert len(workers) == 2, (workers, caller.poll())
    finally:
        caller.kill()
        caller.wait()
        caller.stdout.close()
    deadline = time.monotonic() + 15
    while not all(_gone(p) for p in (zygote, *workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [p for p in (zygote, *workers) if not _gone(p)] == []
    assert not Path(folder).exists()


def test_timeout_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(parallel.TIMEOUT_ENV, "7.5")
    assert parallel.timeout_seconds() == 7.5 and parallel.timeout_seconds(3) == 3.0
    monkeypatch.setenv(parallel.TIMEOUT_ENV, "soon")
    with pytest.raises(ValueError, match=parallel.TIMEOUT_ENV):
        parallel.timeout_seconds()
    monkeypatch.delenv(parallel.TIMEOUT_ENV)
    assert parallel.timeout_seconds() == parallel.DEFAULT_TIMEOUT
    with pytest.raises(ValueError, match="timeout"):
        parallel.timeout_seconds(0)
    # the store and gloo take the limit in integer milliseconds: infinity is refused, named
    for raw in ("inf", "1e300", "nan", "0", "-1", "1e-9"):  # 1e-9: 0 ms, which the store takes as none
        monkeypatch.setenv(parallel.TIMEOUT_ENV, raw)
        with pytest.raises(ValueError, match=rf"^{parallel.TIMEOUT_ENV} must be a number of seconds in \[0.001, "):
            parallel.timeout_seconds()
    assert parallel.timeout_seconds(parallel.MAX_TIMEOUT) == parallel.MAX_TIMEOUT


@pytest.mark.parametrize("args, message", [
    (["--world-size", "0"], "--world-size must be >= 2 without torchrun"),
    (["--world-size", "1"], "--world-size must be >= 2 without torchrun"),
    (["--batch-size", "x"], "argument --batch-size: invalid int value: 'x'"),
    # the options and the data train refuses, in train's words
    (["--epochs", "0"], "num_epochs must be >= 1, got 0"),
    (["--keep-prob", "1.5"], r"keep_prob must be in \(0, 1\], got 1.5"),
    (["--lambd", "nan"], "lambd must be finite and >= 0, got nan"),
    (["--device", "gpu"], "unknown device 'gpu'"),
    (["--npz", "missing.npz"], "--npz 'missing.npz' cannot be read as an .npz"),
    (["--npz", "no_Y.npz"], r"--npz 'no_Y.npz' holds no Y \(it has \['X'\]\)"),
    (["--npz", "columns.npz"], r"X must be \(n_x, m\) and Y \(n\[L\], m\), got \(3, 4\) and \(1, 5\)"),
    (["--npz", "labels.npz"], "Y must hold 0/1 labels for a sigmoid output"),
], ids=["world-size-0", "world-size-1", "batch-size-word", "epochs-0", "keep-prob-1.5", "lambd-nan", "device-gpu",
        "npz-missing", "npz-without-Y", "npz-columns", "npz-labels"])
def test_the_command_line_check_refuses_bad_options_in_one_line(args, message, tmp_path, monkeypatch, capsys):
    from torch_impl.parallel.__main__ import main
    monkeypatch.chdir(tmp_path)
    np.savez("no_Y.npz", X=np.zeros((3, 4)))
    np.savez("columns.npz", X=np.zeros((3, 4)), Y=np.zeros((1, 5)))
    np.savez("labels.npz", X=np.zeros((3, 4)), Y=np.full((1, 4), 2.0))
    monkeypatch.delenv("RANK", raising=False)
    with pytest.raises(SystemExit) as exited:
        main(["check", *args])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and re.search(rf"python -m torch_impl.parallel check: error: .*{message}", err), err
    assert "Traceback" not in err


# torchrun --standalone --nproc-per-node 2 -m torch_impl.parallel check ARGS, as torchrun's
# command line sets up its elastic agent (c10d rendezvous on a free loopback port, no restarts),
# but with the agent's "fork" start method: the two workers are forked from the one Python that
# imported torch, instead of a fresh Python per rank (each import of torch and DDP's modules is
# seconds of CPU). The workers get the same environment (RANK, WORLD_SIZE, MASTER_ADDR, ...)
# and the agent's store, and run the module's own entry, main(["check", ...]).
_TORCHRUN = """
import sys
from torch.distributed.launcher.api import LaunchConfig, elastic_launch
from torch_impl.parallel.__main__ import main
config = LaunchConfig(min_nodes=1, max_nodes=1, nproc_per_node=2, rdzv_backend="c10d", rdzv_endpoint="localhost:0",
                      run_id="loopback", max_restarts=0, start_method="fork")
print("exit statuses", sorted(elastic_launch(config, main)(sys.argv[1:]).items()))
"""


def test_torchrun_runs_the_check_over_loopback():
    """Across machines the workers join by env:// as torchrun sets it; here two processes of
    one torchrun agent on the loopback network, against one device, in float64."""
    done = subprocess.run([sys.executable, "-c", _TORCHRUN, "check", "--epochs", "2", "--lambd", "0.5",
                           "--keep-prob", "0.8"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(Path(parallel.__file__).resolve().parents[2])})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "exit statuses [(0, 0), (1, 0)]" in done.stdout, done.stdout + done.stderr
    line = next(l for l in done.stdout.splitlines() if "largest relative difference" in l)
    assert "world_size 2 (torchrun)" in line and float(line.split("difference to one device ")[1].split()[0]) <= 1e-10
