"""Sampled activation patterns in any dimension (docs/math.md section 7).

The patterns of ``P`` Gaussian gates ``g ~ N(0, I)`` on the lifted data ``Z = [X, 1]`` (the gates include the
bias coordinate): ``D_i = diag(1[Z g_i >= 0])``.  Repeated patterns are kept once, and the all-off pattern is
dropped (its block multiplies a zero feature matrix, so it never enters any fit).  The gates are drawn as
:func:`geometry.sampled_patterns` draws them (``default_rng(seed).standard_normal((P, k))``), so on the same
data both give the same distinct patterns; this version takes ``Z`` directly (batch normalization samples
on its whitened ``[U, 1]``) and has no cap on the number of points.

The patterns are stored as an ``(n, P)`` float 0/1 mask: the solvers multiply it with matrices and never
build the ``n x P x k`` tensor ``D_i Z``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GatePatterns:
    """Distinct non-empty patterns of random gates, with one gate that produces each."""

    patterns: np.ndarray  # (P, n) bool
    gates: np.ndarray  # (P, k)

    @property
    def mask(self) -> np.ndarray:
        """The ``(n, P)`` float 0/1 matrix whose column ``i`` is the diagonal of ``D_i``."""
        return np.ascontiguousarray(self.patterns.T, dtype=float)


def gate_patterns(Z: np.ndarray, n_gates: int, seed: int = 0) -> GatePatterns:
    """Patterns ``1[Z g >= 0]`` of ``n_gates`` gates ``g ~ N(0, I_k)`` drawn with ``seed``; each distinct
    non-empty pattern once, in the order its first gate was drawn."""
    Z = np.asarray(Z, float)
    G = np.random.default_rng(seed).standard_normal((int(n_gates), Z.shape[1]))
    on = (Z @ G.T >= 0.0).T  # (n_gates, n)
    seen: set[bytes] = set()
    keep = []
    for i, row in enumerate(np.packbits(on, axis=1)):
        key = row.tobytes()
        if key not in seen and on[i].any():
            seen.add(key)
            keep.append(i)
    keep = np.asarray(keep, int)
    return GatePatterns(on[keep], G[keep])
