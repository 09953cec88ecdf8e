"""The regularization path: certified optima of the two-layer ReLU problem for a grid of weight decays,
fitted from the largest ``beta`` down, each fit warm-started from the previous one (docs/math.md sections 1, 4).

``p*(beta)`` is nondecreasing in ``beta`` (every network's objective is), and for ``beta >= beta_max = phi(y)``
the zero network is optimal with ``p* = 1/2 ||y||^2``.  Every model on the path carries its own exact
certificate, so a point is a proven global optimum (or its certificate says why not).

A warm start changes where the exact solver starts, not what it proves: on a degenerate problem (several
optimal networks with the same objective) a warm-started fit can end at a different, equally optimal network
than a cold fit at the same ``beta``.  The path's objectives are the certified optima; its networks may differ
from cold fits' networks.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from geometry import PlanarOracle

from .certificate import DEFAULT_TOL
from .estimator import ConvexReLU
from .validation import MIN_BETA, TASKS, check_choice, check_count, check_positive, check_X, check_y

DEFAULT_N_BETAS = 10
DEFAULT_RATIO = 1e-2


@dataclass(frozen=True)
class RegularizationPath:
    """Fitted :class:`~solvers.ConvexReLU` models in order of DECREASING ``beta`` (the order they were fitted:
    ``betas[0]`` is the largest), with the exact ``beta_max = phi(y)`` of the data."""

    betas: np.ndarray
    models: tuple
    beta_max: float

    def __len__(self) -> int:
        return len(self.models)

    def __iter__(self):
        return iter(self.models)

    def __getitem__(self, i):
        return self.models[i]

    @property
    def objectives(self) -> np.ndarray:
        """Each model's objective (nonincreasing along the path, as ``beta`` decreases)."""
        return np.array([m.objective_ for m in self.models])

    @property
    def certified(self) -> np.ndarray:
        """Whether each model is a certified global optimum."""
        return np.array([m.certified_ for m in self.models], bool)

    @property
    def widths(self) -> np.ndarray:
        """Neurons of each model."""
        return np.array([m.n_neurons_ for m in self.models], int)


def beta_grid(beta_max: float, n_betas: int = DEFAULT_N_BETAS, ratio: float = DEFAULT_RATIO) -> np.ndarray:
    """The geometric grid ``beta_max * ratio ** (i / (n_betas - 1))``, ``i = 0, ..., n_betas - 1``: from
    ``beta_max`` down to ``ratio * beta_max`` (one point: ``beta_max``)."""
    n_betas = check_count(n_betas, "n_betas")
    ratio = check_positive(ratio, "ratio", high=1.0)
    if n_betas == 1:
        return np.array([float(beta_max)])
    return float(beta_max) * ratio ** (np.arange(n_betas) / (n_betas - 1))


def _check_betas(betas) -> np.ndarray:
    try:
        b = np.asarray(betas, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ValueError(f"betas must be a list of positive numbers; got {betas!r}") from None
    if b.size == 0:
        raise ValueError("betas is empty: give at least one weight decay (or betas=None for a grid)")
    if not np.all(np.isfinite(b)) or np.any(b <= 0):
        raise ValueError(f"betas must be positive finite numbers; got {b[~(np.isfinite(b) & (b > 0))][0]!r}")
    if np.any(b < MIN_BETA):
        raise ValueError(f"betas must be at least {MIN_BETA:g}; got {b.min()!r}")
    return np.unique(b)[::-1].copy()


def regularization_path(
    X, y, betas=None, *, task="classification", tol=DEFAULT_TOL, max_seconds=None, n_betas=DEFAULT_N_BETAS,
    ratio=DEFAULT_RATIO, oracle=None,
) -> RegularizationPath:
    """Certified :class:`~solvers.ConvexReLU` fits of ``X``, ``y`` at each weight decay, largest first.

    ``betas``: positive numbers, sorted into decreasing order with duplicates removed; ``None``: the grid
    :func:`beta_grid` ``(beta_max, n_betas, ratio)`` from the exact ``beta_max = phi(y)`` down to
    ``ratio * beta_max``.  The fits share one :class:`~geometry.PlanarOracle` (``oracle``, when the caller has
    it) and each one warm-starts (``warm_start=True``) from the network of the previous, larger ``beta``.
    ``max_seconds`` is each fit's time budget (``None``: none); a fit that runs out is not certified and its
    certificate says why.  ``tol`` is the certificates' relative-gap tolerance.

    The models are certified optima; where the problem is degenerate their networks may differ from those of
    cold fits (same objective, another optimal network).
    """
    check_choice(task, "task", TASKS)
    X = check_X(X)
    y = check_y(y, X.shape[0], task)
    if max_seconds is not None:
        check_positive(max_seconds, "max_seconds")
    if oracle is None:
        oracle = PlanarOracle(X)
    bmax = float(oracle.phi(y))
    grid = beta_grid(bmax, n_betas, ratio) if betas is None else _check_betas(betas)
    est = ConvexReLU(beta=float(grid[0]), task=task, tol=tol, warm_start=True, max_seconds=max_seconds)
    models = []
    for beta in grid:
        est.set_params(beta=float(beta))
        est.fit(X, y, oracle=oracle)
        # a shallow copy is a fitted model of its own: a fit replaces the members, it never mutates them
        models.append(copy.copy(est))
    return RegularizationPath(np.asarray(grid, float), tuple(models), bmax)
