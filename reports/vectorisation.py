"""The notes' headline claim, measured: "a vectorised computation is about 300x faster than
its Python for-loop".

Two experiments, each timed here, on this machine, in this run:

- ``dot``: the dot product of two random vectors of n elements, by a Python ``for`` loop over
  the elements (the notes' ``for i in range(n): c += a[i] * b[i]``) against ``np.dot(a, b)``.
- ``logistic-gradient``: the logistic-regression gradient ``dw (n_x, 1)``, ``db`` over m
  examples by the notes' non-vectorised loops (over examples, and over features inside)
  against the vectorised ``dw = X (A - Y)ᵀ / m``.

Each side is timed ``repeats`` times with ``time.perf_counter``; the median is reported.
"""

from __future__ import annotations

import math
import statistics
import time

import numpy as np
import pandas as pd

__all__ = ["CLAIMED_SPEEDUP", "measure_vectorisation", "dot_loop", "logistic_grad_loop",
           "logistic_grad_vectorised"]

CLAIMED_SPEEDUP = 300.0


def dot_loop(a: np.ndarray, b: np.ndarray) -> float:
    """a, b: (n,) -> sum_i a[i] b[i], one Python iteration per element (as in the notes)."""
    c = 0.0
    for i in range(a.shape[0]):
        c += a[i] * b[i]
    return float(c)


def _sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def logistic_grad_loop(w: np.ndarray, b: float, X: np.ndarray, Y: np.ndarray):
    """w (n_x, 1), b, X (n_x, m), Y (1, m) -> (dw (n_x, 1), db) by explicit loops: for each
    example, z by a loop over the features, then dw accumulated feature by feature."""
    n_x, m = X.shape
    dw = np.zeros((n_x, 1))
    db = 0.0
    for i in range(m):
        z = b
        for j in range(n_x):
            z += w[j, 0] * X[j, i]
        dz = _sigmoid(z) - Y[0, i]
        for j in range(n_x):
            dw[j, 0] += X[j, i] * dz
        db += dz
    return dw / m, db / m


def logistic_grad_vectorised(w: np.ndarray, b: float, X: np.ndarray, Y: np.ndarray):
    """The same gradient with no Python loop: A = σ(wᵀX + b), dw = X (A - Y)ᵀ / m."""
    m = X.shape[1]
    A = 1.0 / (1.0 + np.exp(-(w.T @ X + b)))
    dZ = A - Y
    return X @ dZ.T / m, float(dZ.sum() / m)


def _median_time(fn, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def measure_vectorisation(quick: bool = False, seed: int = 0) -> pd.DataFrame:
    """One row per experiment: sizes, loop and vectorised median seconds, their ratio, the
    claim, and the largest difference between the two results (they must agree)."""
    rng = np.random.RandomState(seed)
    n = 100_000 if quick else 1_000_000
    loop_repeats, vec_repeats = (1, 20) if quick else (3, 200)
    a, b = rng.rand(n), rng.rand(n)
    loop_s, c_loop = _median_time(lambda: dot_loop(a, b), loop_repeats)
    vec_s, c_vec = _median_time(lambda: float(np.dot(a, b)), vec_repeats)
    rows = [{
        "experiment": "dot", "size": f"n = {n:,}", "loop_s": loop_s, "vectorised_s": vec_s,
        "speedup": loop_s / vec_s, "claimed_speedup": CLAIMED_SPEEDUP,
        "loop_repeats": loop_repeats, "vectorised_repeats": vec_repeats,
        "max_abs_diff": abs(c_loop - c_vec),
        "how": "Python for-loop over the elements vs np.dot",
    }]
    n_x, m = (20, 500) if quick else (100, 2000)
    X = rng.randn(n_x, m)
    Y = (rng.rand(1, m) > 0.5).astype(np.float64)
    w, bias = rng.randn(n_x, 1) * 0.1, 0.1
    loop_s, (dw_l, db_l) = _median_time(lambda: logistic_grad_loop(w, bias, X, Y), loop_repeats)
    vec_s, (dw_v, db_v) = _median_time(lambda: logistic_grad_vectorised(w, bias, X, Y), vec_repeats)
    rows.append({
        "experiment": "logistic-gradient", "size": f"n_x = {n_x}, m = {m:,}", "loop_s": loop_s,
        "vectorised_s": vec_s, "speedup": loop_s / vec_s, "claimed_speedup": CLAIMED_SPEEDUP,
        "loop_repeats": loop_repeats, "vectorised_repeats": vec_repeats,
        "max_abs_diff": max(float(np.abs(dw_l - dw_v).max()), abs(db_l - db_v)),
        "how": "loops over examples and features vs X (A - Y)ᵀ / m",
    })
    return pd.DataFrame(rows)
