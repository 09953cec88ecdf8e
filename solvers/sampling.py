"""What sampling patterns gives up (docs/math.md sections 2, 7 and 8).

* :func:`pattern_coverage`: the fraction of the exact activation patterns of 2-D data that the patterns of
  ``n_gates`` random Gaussian gates (:func:`geometry.sampled_patterns`) find, by an exact comparison of
  pattern rows with :func:`geometry.activation_patterns`.
* :func:`sampling_bounds`: for ``k`` gates, the ReLU program on the sampled patterns (an UPPER bound on the
  certified optimum ``p*``: a restriction of the convex twin, attained by its recovered network) and the
  gated ReLU relaxation over all patterns (a LOWER bound: its optimum, and its dual objective, are ``<= p*``),
  next to ``p*`` itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geometry import PlanarOracle, activation_patterns, sampled_patterns

from .certificate import DEFAULT_TOL
from .estimator import ConvexReLU
from .gated import GatedReLU
from .validation import MAX_PATTERNS, TASKS, check_choice, check_count, check_positive, check_seed, check_X, check_y


def _rows(P: np.ndarray) -> set:
    P = np.ascontiguousarray(np.asarray(P, bool))
    return {row.tobytes() for row in P}


def coverage_of(X, patterns) -> float:
    """Fraction of the exact patterns of ``X`` (2-D, with bias) that appear among the rows of ``patterns``
    (``(m, n)`` 0/1): ``|rows(patterns) & rows(exact)| / |rows(exact)|``, in ``[0, 1]``, 1 exactly when every
    pattern is present."""
    X = check_X(X)
    exact = _rows(activation_patterns(X))
    P = np.asarray(patterns)
    if P.ndim != 2 or P.shape[1] != X.shape[0]:
        raise ValueError(f"patterns must have one column per point ({X.shape[0]}); got shape {P.shape}")
    return len(_rows(P) & exact) / len(exact)


def pattern_coverage(X, n_gates: int, seed: int = 0) -> float:
    """Fraction of the exact activation patterns found by ``sampled_patterns(X, n_gates, seed)``.

    For a fixed ``seed`` the gates of ``n_gates`` are the first ``n_gates`` of those of any larger count (the
    generator fills the ``(n_gates, 3)`` Gaussian matrix row by row), so the sampled sets are nested and the
    coverage is nondecreasing in ``n_gates``."""
    X = check_X(X)
    n_gates = check_count(n_gates, "n_gates", high=MAX_PATTERNS)
    seed = check_seed(seed)
    return coverage_of(X, sampled_patterns(X, n_gates, seed).patterns)


@dataclass(frozen=True)
class SamplingBounds:
    """The certified optimum ``p*`` between the sampled ReLU program above and the gated relaxation below."""

    n_gates: int
    seed: int
    n_sampled: int  # distinct sampled patterns
    n_patterns: int  # all patterns of the data
    coverage: float  # n_sampled / n_patterns (every sampled pattern is a pattern)
    sampled_objective: float  # ConvexReLU(patterns="sampled"): the recovered network's objective, >= p*
    sampled_certified: bool  # whether that network happens to close the exact gap
    optimum: float  # p*, the objective of the exact ConvexReLU fit
    optimum_certified: bool
    optimum_lower_bound: float  # the exact fit's dual objective d(v) <= p*
    gated_objective: float  # GatedReLU(patterns="all"): the gated optimum (to its tolerance), <= p* up to it
    gated_lower_bound: float  # the gated fit's dual objective: a proven lower bound on p*

    @property
    def excess(self) -> float:
        """What sampling costs: ``(sampled_objective - p*) / p*`` (``>= 0``)."""
        return (self.sampled_objective - self.optimum) / self.optimum if self.optimum > 0 else 0.0

    @property
    def relaxation_gap(self) -> float:
        """What gating gives up: ``(p* - gated_objective) / p*`` (``>= 0`` up to the gated tolerance)."""
        return (self.optimum - self.gated_objective) / self.optimum if self.optimum > 0 else 0.0


def _exact_and_gated(X, y, beta, task, tol):
    oracle = PlanarOracle(X)  # one sweep for the exact fit and every sampled fit's certificate
    exact = ConvexReLU(beta=beta, task=task, tol=tol).fit(X, y, oracle=oracle)
    gated = GatedReLU(beta=beta, task=task, patterns="all", tol=tol).fit(X, y, oracle=oracle)
    return exact, gated, oracle


def _bounds(X, y, beta, task, tol, k, seed, exact, gated, oracle) -> SamplingBounds:
    sampled = ConvexReLU(beta=beta, task=task, tol=tol, patterns="sampled", n_patterns=k, seed=seed)
    sampled.fit(X, y, oracle=oracle)
    n_all = int(oracle.n_patterns)
    n_s = int(sampled_patterns(X, k, seed).patterns.shape[0])
    return SamplingBounds(
        n_gates=k, seed=seed, n_sampled=n_s, n_patterns=n_all, coverage=pattern_coverage(X, k, seed),
        sampled_objective=float(sampled.objective_), sampled_certified=bool(sampled.certified_),
        optimum=float(exact.objective_), optimum_certified=bool(exact.certified_),
        optimum_lower_bound=float(exact.dual_objective_), gated_objective=float(gated.objective_),
        gated_lower_bound=float(gated.dual_objective_),
    )


def _check(X, y, beta, task, seed):
    check_choice(task, "task", TASKS)
    X = check_X(X)
    y = check_y(y, X.shape[0], task)
    return X, y, check_positive(beta, "beta"), check_seed(seed)


def sampling_bounds(X, y, beta, n_gates: int, *, task="classification", seed=0, tol=DEFAULT_TOL) -> SamplingBounds:
    """For ``n_gates`` random gates (drawn with ``seed``): the sampled ReLU program's optimum (above ``p*``),
    the certified optimum ``p*`` and the gated ReLU optimum over all patterns (below ``p*``).  The gated fit
    takes every pattern, so ``X`` may hold at most :data:`~solvers.GATED_MAX_POINTS` points."""
    X, y, beta, seed = _check(X, y, beta, task, seed)
    k = check_count(n_gates, "n_gates", high=MAX_PATTERNS)
    exact, gated, oracle = _exact_and_gated(X, y, beta, task, tol)
    return _bounds(X, y, beta, task, tol, k, seed, exact, gated, oracle)


def sampling_curve(X, y, beta, n_gates, *, task="classification", seed=0, tol=DEFAULT_TOL) -> tuple:
    """:func:`sampling_bounds` for each count in ``n_gates`` (the exact and gated fits done once)."""
    X, y, beta, seed = _check(X, y, beta, task, seed)
    ks = [check_count(k, "n_gates", high=MAX_PATTERNS) for k in n_gates]
    exact, gated, oracle = _exact_and_gated(X, y, beta, task, tol)
    return tuple(_bounds(X, y, beta, task, tol, k, seed, exact, gated, oracle) for k in ks)
