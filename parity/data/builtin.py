"""The built-in data sets (no download): X and the raw labels of each, turned into targets by
``load_dataset`` with the same rule as a file's."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .dataset import Source

__all__ = ["BUILTIN_SOURCES", "load_planar_dataset"]


def load_planar_dataset(seed: int = 1):
    """The notes' "flower": X (2, 400), Y (1, 400) of 0/1, 200 examples per class.

    The notes' ``load_planar_dataset``, drawn from ``np.random.RandomState(seed)`` rather than
    the global ``np.random.seed(1)`` (the same stream, without touching global state).
    """
    rng = np.random.RandomState(seed)
    m, N, a = 400, 200, 4  # examples, examples per class, maximum ray of the flower
    X = np.zeros((m, 2))
    Y = np.zeros((m, 1))
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * 0.2  # theta
        r = a * np.sin(4 * t) + rng.randn(N) * 0.2  # radius
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X.T.copy(), Y.T.copy()


def _flower() -> Source:
    X, Y = load_planar_dataset(1)
    return Source(
        X, Y, None,
        "The notes' planar 'flower' data: 400 points in 2-D, 200 per class (red 0, blue 1) "
        "in petals r = 4 sin(4t) + noise; drawn from RandomState(1), as the notes' np.random.seed(1).",
    )


def _standardise(X: np.ndarray) -> np.ndarray:
    """X: (n_x, m) -> each feature (row) to mean 0, standard deviation 1 over the m examples
    (scikit-learn's ``scale``, which works on columns, applied to the transpose)."""
    from sklearn.preprocessing import scale  # lazy: scikit-learn loads only for the sets that use it

    return np.ascontiguousarray(scale(X.T).T)


def _breast_cancer() -> Source:
    from sklearn.datasets import load_breast_cancer  # bundled, no download; lazy, as in _standardise

    raw = load_breast_cancer()
    return Source(
        _standardise(raw.data.T.astype(np.float64)), raw.target, tuple(str(c) for c in raw.target_names),
        "scikit-learn's Wisconsin breast-cancer set: 569 examples, 30 features, each "
        "standardised to mean 0 and standard deviation 1 over the whole set; "
        "Y = 1 for benign, 0 for malignant.",
    )


def _digits() -> Source:
    from sklearn.datasets import load_digits  # bundled, no download; lazy, as in _standardise

    raw = load_digits()
    return Source(
        raw.data.T.astype(np.float64) / 16.0, raw.target, None,  # pixel intensities 0..16 -> [0, 1]
        "scikit-learn's handwritten digits: 1797 images of 8x8 pixels (64 features) scaled "
        "from 0..16 to [0, 1]; 10 classes, one-hot Y.",
    )


def _synthetic_binary() -> Source:
    # Labels drawn from the logistic model itself: overlapping classes (not separable), so
    # the maximum-likelihood fit is finite and unique.
    rng = np.random.RandomState(0)
    m, w, b = 300, np.array([[1.0], [-0.5], [0.25]]), 0.2
    X = rng.randn(3, m)
    p = 1.0 / (1.0 + np.exp(-(w.T @ X + b)))
    Y = (rng.rand(1, m) < p).astype(np.float64)
    return Source(
        X, Y, None,
        "Seeded (RandomState(0)) binary set: X (3, 300) standard normal, Y ~ Bernoulli(σ(wᵀx + b)) "
        "with w = (1, -0.5, 0.25), b = 0.2: overlapping classes, not separable.",
    )


def _synthetic_softmax() -> Source:
    rng = np.random.RandomState(0)
    m, K = 300, 3
    centres = np.array([[2.0, -1.0, -1.0], [0.0, 1.7, -1.7]])  # (n_x, K), on a circle
    labels = np.arange(m) % K
    X = centres[:, labels] + rng.randn(2, m)
    return Source(
        X, labels, None,
        "Seeded (RandomState(0)) 3-class set: X (2, 300), 100 per class, unit Gaussian blobs "
        "around three centres 2 apart; one-hot Y.",
    )


def _synthetic_regression() -> Source:
    rng = np.random.RandomState(0)
    m = 200
    X = rng.randn(4, m)
    Y = np.array([[1.5, -2.0, 0.5, 0.0]]) @ X + 0.3 + 0.1 * rng.randn(1, m)
    return Source(
        X, Y, None,
        "Seeded (RandomState(0)) regression set: X (4, 200) standard normal, "
        "y = (1.5, -2, 0.5, 0)·x + 0.3 + N(0, 0.1²) noise.",
    )


BUILTIN_SOURCES: dict[str, Callable[[], Source]] = {
    "flower": _flower,
    "breast-cancer": _breast_cancer,
    "digits": _digits,
    "synthetic-binary": _synthetic_binary,
    "synthetic-softmax": _synthetic_softmax,
    "synthetic-regression": _synthetic_regression,
}
