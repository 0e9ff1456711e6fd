"""Benchmark: the estimators' default scores and fit times against scikit-learn's MLP.

    .venv/bin/python benchmarks/bench_estimators.py              # scores: 5 data sets, every backend
    .venv/bin/python benchmarks/bench_estimators.py --busy       # fit times, one core kept busy
    .venv/bin/python benchmarks/bench_estimators.py --threshold  # 1 vs 2 BLAS threads by problem size

Scores: ``NeuralNetClassifier``/``NeuralNetRegressor`` with default parameters against
``MLPClassifier``/``MLPRegressor`` with theirs, each behind a ``StandardScaler`` in a
pipeline, on the same 5 shuffled folds, ``random_state=0``: accuracy on iris, wine, digits
and breast cancer, R^2 on diabetes (raw targets, which 200 epochs at MLP's defaults do not
fit, and standardised targets through ``TransformedTargetRegressor``).

``--busy``: a child process spins on one core (bounded in time, stopped at the end) while
each backend's default classifier and ``MLPClassifier`` are fitted on the standardised
breast-cancer set (569 x 30) in turn, round-robin, ``--repeats`` times; the table shows the
median fit time and its ratio to MLP's in the same run (goal: every backend within 2x).
``--no-limit`` turns the estimators' one-thread rule off, to show what it prevents.
Each backend is warmed up (import, JAX's compilation) by one fit first, not timed.

``--threshold``: the median time of a NumPy update step (MLP's network ``n_x -> h -> 1``,
Adam) with one BLAS thread and with two, over problem sizes, to place
``parity.estimators.threads.SMALL_PROBLEM_FLOPS``; with ``--busy`` as well, under one busy core.

Not a test: nothing is asserted. The machine's load is printed with every table, since it
moves every figure.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nn_contract import ModelSpec, init_params, optim  # noqa: E402  (after the path above)
from parity.estimators import NeuralNetClassifier, NeuralNetRegressor  # noqa: E402
from parity.estimators import threads as thread_rule  # noqa: E402
from reference_numpy import deep  # noqa: E402

BUSY_SECONDS_MAX = 900  # the spinning child stops by itself after this, whatever happens here
SPIN = "import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n"


@contextlib.contextmanager
def busy_core(enabled: bool = True, seconds: int = BUSY_SECONDS_MAX):
    """A child Python process that keeps one core busy while the block runs."""
    if not enabled:
        yield None
        return
    child = subprocess.Popen([sys.executable, "-c", SPIN.format(seconds=seconds)])
    try:
        time.sleep(0.5)  # let it start spinning before anything is timed
        yield child
    finally:
        child.terminate()
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def load_line() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


# ------------------------------------------------------------------------------------ scores

def datasets():
    from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris, load_wine

    return [
        ("iris", load_iris, "classifier"),
        ("wine", load_wine, "classifier"),
        ("digits", load_digits, "classifier"),
        ("breast_cancer", load_breast_cancer, "classifier"),
        ("diabetes", load_diabetes, "regressor"),
        ("diabetes (y standardised)", load_diabetes, "regressor-scaled-y"),
    ]


def _pipeline(estimator, kind):
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    pipe = make_pipeline(StandardScaler(), estimator)
    if kind == "regressor-scaled-y":
        return TransformedTargetRegressor(pipe, transformer=StandardScaler())
    return pipe


def score_table(backends, folds: int) -> str:
    import numpy as np
    import pandas as pd
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    rows = []
    for name, load, kind in datasets():
        X, y = load(return_X_y=True)
        classifier = kind == "classifier"
        splitter = (StratifiedKFold if classifier else KFold)(folds, shuffle=True, random_state=0)
        cv = list(splitter.split(X, y))
        mlp_cls, ours_cls = (MLPClassifier, NeuralNetClassifier) if classifier else (MLPRegressor, NeuralNetRegressor)
        row = {"dataset": name, "n x features": f"{X.shape[0]} x {X.shape[1]}",
               "metric": "accuracy" if classifier else "R^2"}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # MLP's and ours, alike, at max_iter
            start = time.perf_counter()
            row["MLP"] = cross_val_score(_pipeline(mlp_cls(random_state=0), kind), X, y, cv=cv).mean()
            seconds = {"MLP": time.perf_counter() - start}
            for backend in backends:
                start = time.perf_counter()
                score = cross_val_score(_pipeline(ours_cls(backend=backend, random_state=0), kind), X, y, cv=cv).mean()
                seconds[backend] = time.perf_counter() - start
                row[backend] = score
                row[f"{backend} - MLP"] = score - row["MLP"]
        row["seconds (MLP, " + ", ".join(backends) + ")"] = ", ".join(f"{s:.1f}" for s in seconds.values())
        rows.append(row)
        print(f"  {name}: done", file=sys.stderr, flush=True)
    table = pd.DataFrame(rows)
    worst = table[[f"{b} - MLP" for b in backends]].abs().to_numpy()
    lines = [
        f"Default parameters, StandardScaler pipelines, the same {folds} shuffled folds, random_state=0; "
        f"mean test score. {load_line()}.",
        table.to_markdown(index=False, floatfmt=".3f"),
        f"largest |difference| from MLP: {np.nanmax(worst):.3f}",
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------ --busy

def busy_table(backends, repeats: int, busy: bool, limit: bool) -> str:
    import numpy as np
    import pandas as pd
    from sklearn.datasets import load_breast_cancer
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler

    if not limit:
        thread_rule.SMALL_PROBLEM_FLOPS = 0  # every problem counts as large: the pools as they are
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    makers = {"MLPClassifier": lambda: MLPClassifier(random_state=0)}
    makers.update({b: (lambda b=b: NeuralNetClassifier(backend=b, random_state=0)) for b in backends})
    times: dict[str, list[float]] = {name: [] for name in makers}
    first: dict[str, float] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with busy_core(busy):
            load_during = load_line()
            for name, make in makers.items():  # warm-up: imports, JAX's compilation
                start = time.perf_counter()
                make().fit(X, y)
                first[name] = time.perf_counter() - start
            for _ in range(repeats):  # round-robin, so a change of load touches every row alike
                for name, make in makers.items():
                    start = time.perf_counter()
                    make().fit(X, y)
                    times[name].append(time.perf_counter() - start)
            load_during = load_line()
    mlp = float(np.median(times["MLPClassifier"]))
    rows = [{"estimator": name, "median fit s": float(np.median(t)), "min s": min(t), "max s": max(t),
             "ratio to MLP": float(np.median(t)) / mlp, "first fit s": first[name]}
            for name, t in times.items()]
    table = pd.DataFrame(rows)
    ours = table[table.estimator != "MLPClassifier"]
    met = bool((ours["ratio to MLP"] <= 2.0).all())
    return "\n".join([
        f"Default fit on breast cancer (569 x 30, standardised), {repeats} repeats, "
        f"{'one core kept busy by another process' if busy else 'no extra load'}, "
        f"one-thread rule {'on' if limit else 'off'}; {load_during} (at the end).",
        table.to_markdown(index=False, floatfmt=".3f"),
        f"goal (every backend within 2x of MLPClassifier): {'met' if met else 'not met'} "
        f"(worst {ours['ratio to MLP'].max():.2f}x: {ours.loc[ours['ratio to MLP'].idxmax(), 'estimator']})",
    ])


# ------------------------------------------------------------------------------------ --threshold

THRESHOLD_SIZES = [  # (n_x, h, batch): MLP's network n_x -> h -> 1
    (30, 100, 200), (64, 100, 200), (64, 256, 200), (64, 256, 512), (128, 256, 512),
    (128, 512, 512), (256, 512, 512), (256, 512, 1024), (512, 1024, 1024),
]


def threshold_table(busy: bool, seconds_per_case: float = 1.0) -> str:
    import numpy as np
    import pandas as pd
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    rows = []
    with busy_core(busy):
        for n_x, h, batch in THRESHOLD_SIZES:
            m = 3 * batch
            X = rng.standard_normal((n_x, m))
            Y = (rng.random((1, m)) < 0.5).astype(float)
            spec = ModelSpec((n_x, h, 1))
            params = init_params(spec, 0, "he")
            flops = 6 * batch * (n_x * h + h)
            epochs = max(2, int(seconds_per_case / 4 * 5e9 / (3 * flops)))  # ~seconds_per_case/4 a run at 5 GFLOP/s
            best = {}
            for threads in (1, 2, 1, 2):
                with threadpool_limits(limits=threads, user_api="blas"):
                    start = time.perf_counter()
                    deep.train(params, X, Y, spec, learning_rate=1e-3, num_epochs=epochs, batch_size=batch,
                               optimizer=optim.Adam())
                    step = (time.perf_counter() - start) / (3 * epochs)
                best[threads] = min(best.get(threads, np.inf), step)
            rows.append({"n_x -> h -> 1, batch": f"{n_x} -> {h} -> 1, {batch}", "flops/step": flops,
                         "1 thread ms": best[1] * 1e3, "2 threads ms": best[2] * 1e3,
                         "2/1": best[2] / best[1],
                         "rule": "1 thread" if flops < thread_rule.SMALL_PROBLEM_FLOPS else "pools as they are"})
            print(f"  {rows[-1]['n_x -> h -> 1, batch']}: done", file=sys.stderr, flush=True)
        load_during = load_line()
    table = pd.DataFrame(rows)
    return "\n".join([
        f"NumPy Adam step (best of 2 runs each), {'one core kept busy' if busy else 'no extra load'}; "
        f"{load_during}; SMALL_PROBLEM_FLOPS = {thread_rule.SMALL_PROBLEM_FLOPS:.0e}.",
        table.to_markdown(index=False, floatfmt=".3g"),
    ])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--busy", action="store_true", help="time fits with one core kept busy")
    parser.add_argument("--quiet-machine", action="store_true",
                        help="with --busy's timing, but without the busy process (a baseline)")
    parser.add_argument("--threshold", action="store_true", help="1 vs 2 BLAS threads by problem size")
    parser.add_argument("--no-limit", action="store_true", help="turn the estimators' one-thread rule off")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None,
                        help="give every backend N threads first (each one's set_threads); default: as they are")
    parser.add_argument("--backends", default="numpy,torch,jax")
    args = parser.parse_args(argv)

    if args.threads is not None:
        from reports.timing import configure_threads  # before JAX starts

        print(configure_threads(args.threads))
    backends = [b for b in args.backends.split(",") if b]
    if args.threshold:
        print(threshold_table(args.busy))
    elif args.busy or args.quiet_machine:
        print(busy_table(backends, args.repeats, busy=args.busy, limit=not args.no_limit))
    else:
        print(score_table(backends, args.folds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
