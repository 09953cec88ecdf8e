"""The experiments as lists of tasks: one task per (data set, beta, method, seed).

A :class:`Budget` fixes everything a method may spend (pattern count, network width, gradient steps, the
step-size grids); an :class:`Experiment` fixes the data sets, the beta grid and the seeds.  :data:`FULL` and
:data:`QUICK` hold the two versions of each experiment, and :func:`tasks_of` expands one into its tasks.

The regularization strength of a problem is a fraction of its gated program's ``beta_max``,

    beta = fraction * beta_max,   beta_max = max_{i in S} || Z^T D_i y ||   (docs/math.md section 7),

with ``S`` the patterns of ``n_patterns`` Gaussian gates drawn with seed 0 on ``Z = [X_train, 1]`` (for
``beta >= beta_max`` the zero network is optimal).  The same ``beta`` is given to every method and seed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

import numpy as np

METHODS = ("relu", "gated", "sgd", "adam")
"""Convex ReLU and gated ReLU on sampled patterns; SGD (minibatches, heavy-ball momentum) and Adam."""

LARGE_P = "relu-1000"
"""Convex ReLU on 1,000 gates instead of the budget's pattern count: how much more patterns buy (time series)."""

RELU_METHODS = ("relu", "sgd", "adam")
"""The methods that return a ReLU network: only these are compared on the canonical objective."""

EXPERIMENTS = ("ecg", "uci", "nyse")


@dataclass(frozen=True)
class Budget:
    """What each method may spend on one problem.

    ``n_patterns`` gates for the convex programs (solved to relative gap ``tol`` or ``max_seconds``);
    ``width`` neurons for SGD and Adam, each trained for ``steps`` updates at every step size of its grid
    (``adam_lrs``; ``sgd_lrs`` are multiplied by ``1 / n`` because the objective is a sum over the ``n``
    points), SGD on minibatches of ``batch_size`` with momentum 0.9; the full-data objective is recorded
    every ``record_every`` updates."""

    n_patterns: int = 100
    tol: float = 1e-5
    max_seconds: float = 60.0
    width: int = 100
    steps: int = 500
    adam_lrs: tuple = (1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
    sgd_lrs: tuple = (1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
    batch_size: int = 100
    record_every: int = 25


@dataclass(frozen=True)
class Experiment:
    """One experiment: its data sets, beta fractions, seeds, methods, budget and data parameters."""

    name: str
    datasets: tuple
    beta_fractions: tuple
    seeds: tuple
    budget: Budget
    methods: tuple = METHODS
    params: dict = field(default_factory=dict)  # window, n_samples, max_rows, ...


@dataclass(frozen=True)
class Task:
    """One problem for one method and seed: everything a worker needs to run it."""

    experiment: str
    dataset: str
    beta_index: int
    beta_fraction: float
    method: str
    seed: int
    budget: Budget
    params: tuple = ()  # sorted (key, value) pairs of Experiment.params

    @property
    def id(self) -> str:
        """A stable key: readable fields and a hash of everything that changes the result."""
        blob = json.dumps(asdict(self), sort_keys=True, default=str)
        digest = hashlib.sha1(blob.encode()).hexdigest()[:10]
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in self.dataset)
        return f"{self.experiment}-{safe}-b{self.beta_index}-{self.method}-s{self.seed}-{digest}"

    @property
    def problem(self) -> str:
        """The problem key (data set and beta), shared by every method and seed."""
        return f"{self.dataset}/b{self.beta_index}"


def tasks_of(exp: Experiment) -> list[Task]:
    """Every task of an experiment, data set by data set (so that a worker's data cache is reused)."""
    params = tuple(sorted(exp.params.items()))
    return [
        Task(exp.name, ds, i, float(f), m, int(s), exp.budget, params)
        for ds in exp.datasets
        for i, f in enumerate(exp.beta_fractions)
        for s in exp.seeds
        for m in exp.methods
    ]


def beta_max(X: np.ndarray, y: np.ndarray, n_patterns: int) -> float:
    """``max_{i in S} ||Z^T D_i y||`` on the patterns of ``n_patterns`` gates drawn with seed 0."""
    from solvers.anyd import gate_patterns

    Z = np.hstack([X, np.ones((X.shape[0], 1))])
    mask = gate_patterns(Z, int(n_patterns), 0).mask  # (n, P)
    return float(np.linalg.norm((mask * y[:, None]).T @ Z, axis=1).max())


# ------------------------------------------------------------------------------------------- the profiles
_UCI_FULL = (
    "australian", "bands", "breast", "bupa", "chess", "contraceptive", "crx", "german", "hayes-roth", "heart",
    "housevotes", "ionosphere", "iris", "led7digit", "mammographic", "monk-2", "movement_libras", "pima",
    "saheart", "segment", "sonar", "spambase", "splice", "tae", "tic-tac-toe", "titanic", "vehicle", "vowel",
    "wdbc", "wine", "wisconsin",
    "abalone19", "car-good", "cleveland-0_vs_4", "dermatology-6", "ecoli1", "flare-F", "glass0", "haberman",
    "kddcup-land_vs_satan", "kr-vs-k-zero_vs_eight", "lymphography-normal-fibrosis", "new-thyroid1",
    "page-blocks-1-3_vs_4", "poker-8-9_vs_6", "shuttle-c0-vs-c4", "winequality-red-4", "winequality-white-3_vs_7",
    "yeast1", "zoo-3",
    "digits", "boston", "auto-mpg", "concrete", "cpus",
)

UCI_BETAS = (0.5, 0.2, 0.1, 0.05, 0.02, 0.01)
SERIES_BETAS = (0.1, 0.01, 0.001)

FULL: dict[str, Experiment] = {
    "ecg": Experiment("ecg", ("ecg",), SERIES_BETAS, (0, 1, 2),
                      Budget(n_patterns=100, width=100, steps=1000, max_seconds=120.0, record_every=25),
                      methods=(*METHODS, LARGE_P), params={"n_samples": 3000, "window": 10}),
    "uci": Experiment("uci", _UCI_FULL, UCI_BETAS, (0,), Budget(), params={"max_rows": 1000}),
    "nyse": Experiment("nyse", ("nyse",), SERIES_BETAS, (0, 1, 2),
                       Budget(n_patterns=100, width=100, steps=1000, max_seconds=120.0, record_every=25),
                       methods=(*METHODS, LARGE_P), params={"window": 10}),
}
"""The full run (docs/experiments.md states its sizes and budgets)."""

_QUICK_BUDGET = Budget(n_patterns=20, width=20, steps=60, max_seconds=20.0, adam_lrs=(1e-2, 1e-1),
                       sgd_lrs=(1e-2, 1e-1), record_every=10)

QUICK: dict[str, Experiment] = {
    "ecg": Experiment("ecg", ("ecg",), (0.1,), (0,), _QUICK_BUDGET, methods=(*METHODS, LARGE_P),
                      params={"n_samples": 400, "window": 5}),
    "uci": Experiment("uci", ("iris", "digits", "boston"), (0.2, 0.05), (0,), _QUICK_BUDGET,
                      params={"max_rows": 150}),
    "nyse": Experiment("nyse", ("nyse",), (0.1,), (0,), _QUICK_BUDGET, params={"window": 5, "n_days": 400}),
}
"""A few small problems per experiment: checks that the pipeline runs, not that the claims hold."""
