"""Random planar data sets that several solver tests share (uniform points in [-1, 1]^2)."""

import numpy as np


def xor(n, seed=0):
    """XOR labels: +1 where ``x_1 x_2 > 0``, else -1."""
    X = np.random.default_rng(seed).uniform(-1, 1, (n, 2))
    return X, np.where(X[:, 0] * X[:, 1] > 0, 1.0, -1.0)


def surface(n, seed):
    """A smooth regression target ``sin(3 x_1) + x_2^2``."""
    X = np.random.default_rng(seed).uniform(-1, 1, (n, 2))
    return X, np.sin(3 * X[:, 0]) + X[:, 1] ** 2
