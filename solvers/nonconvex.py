"""The nonconvex baseline: gradient training of the same network, as TensorFlow Playground does.

Full-batch SGD (with momentum) or Adam on the canonical objective (docs/math.md section 1)

    L(W, b, a) = 1/2 || (X W^T + b)_+ a - y ||^2 + beta/2 (||W||^2 + ||b||^2 + ||a||^2)

from a random start.  Its objective is computed from the weights it ends with, so it can be set
next to the certified optimum ``p*``: ``L >= p*`` always, and the exact duality gap of the trained
network says how far from optimal it stopped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from .base import Estimator, SolveRecord
from .certificate import DEFAULT_TOL, certify
from .network import ReLUNetwork
from .validation import check_choice, check_count, check_oracle, check_positive, check_X, check_y

OPTIMIZERS = ("adam", "sgd")


def objective_and_gradient(X: np.ndarray, y: np.ndarray, net: ReLUNetwork, beta: float):
    """``L`` and its gradient ``(dL/dW, dL/db, dL/da)`` (the ReLU's derivative at 0 taken as 0)."""
    pre = X @ net.W.T + net.b
    H = np.maximum(pre, 0.0)
    r = H @ net.a - y
    loss = 0.5 * float(r @ r) + beta * net.penalty()
    dpre = np.outer(r, net.a) * (pre > 0)
    return loss, (dpre.T @ X + beta * net.W, dpre.sum(axis=0) + beta * net.b, H.T @ r + beta * net.a)


@dataclass(frozen=True)
class TrainingRun:
    """The trained network and its objective after each step (``history[0]`` is the random start)."""

    network: ReLUNetwork
    history: np.ndarray


def train(
    X, y, beta: float, *, width: int = 20, optimizer: str = "adam", lr: float = 0.01, steps: int = 2000, seed: int = 0
) -> TrainingRun:
    """Train a width-``width`` network by full-batch ``optimizer`` steps from a seeded random start."""
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    rng = np.random.default_rng(seed)
    d = X.shape[1]
    params = [
        rng.standard_normal((width, d)) / np.sqrt(d + 1),
        rng.standard_normal(width) / np.sqrt(d + 1),
        rng.standard_normal(width) / np.sqrt(width),
    ]
    m1 = [np.zeros_like(p) for p in params]
    m2 = [np.zeros_like(p) for p in params]
    history = np.full(steps + 1, np.nan)
    for t in range(steps + 1):
        with np.errstate(over="ignore", invalid="ignore"):
            loss, grads = objective_and_gradient(X, y, ReLUNetwork(*params), beta)
        history[t] = loss
        if t == steps or not np.isfinite(loss):
            break  # a diverged run keeps NaN for the steps it did not take
        for p, g, mom, sq in zip(params, grads, m1, m2):
            if optimizer == "adam":
                mom *= 0.9
                mom += 0.1 * g
                sq *= 0.999
                sq += 0.001 * g * g
                p -= lr * (mom / (1 - 0.9 ** (t + 1))) / (np.sqrt(sq / (1 - 0.999 ** (t + 1))) + 1e-8)
            else:
                mom *= 0.9
                mom += g
                p -= lr * mom
    return TrainingRun(ReLUNetwork(*params), history)


class NonconvexReLU(Estimator):
    """The same two-layer ReLU network trained by SGD or Adam (a local method: no optimality claim).

    ``min 1/2 ||sum_j (X w_j + b_j)_+ a_j - y||^2 + beta/2 sum_j (||(w_j, b_j)||^2 + a_j^2)`` over a fixed
    width, by ``steps`` full-batch steps.  The exact certificate of the trained network is computed
    as for :class:`~solvers.ConvexReLU`, so ``certified_`` is True only if the training happened to
    reach the global optimum to the tolerance.

    Fitted members as for :class:`~solvers.ConvexReLU` (``network_``, ``certificate_``, ``solve_``), plus
    ``history_``: the objective after each step (``history_[0]`` is the random start).
    """

    def __init__(
        self, beta=0.01, *, task="classification", width=20, optimizer="adam", lr=0.01, steps=2000, seed=0,
        tol=DEFAULT_TOL,
    ):
        self.beta = beta
        self.task = task
        self.width = width
        self.optimizer = optimizer
        self.lr = lr
        self.steps = steps
        self.seed = seed
        self.tol = tol

    def fit(self, X, y, oracle=None):
        """Train from the seeded random start, certify the result, and return ``self`` (``oracle``: the
        points' :class:`~geometry.PlanarOracle` for the certificate, when the caller has it)."""
        beta, tol = self._check_common()
        check_choice(self.optimizer, "optimizer", OPTIMIZERS)
        check_count(self.width, "width")
        check_count(self.steps, "steps")
        check_positive(self.lr, "lr")
        X = check_X(X)
        y = check_y(y, X.shape[0], self.task)
        t0 = time.perf_counter()
        run = train(
            X, y, beta, width=int(self.width), optimizer=self.optimizer, lr=float(self.lr), steps=int(self.steps),
            seed=int(self.seed),
        )
        seconds = time.perf_counter() - t0
        if not np.all(np.isfinite(run.history)):
            raise ValueError(f"{self.optimizer} diverged with lr={self.lr!r}: lower the learning rate")
        net = run.network
        cert = certify(X, y, net, beta, tol, oracle=check_oracle(oracle, X))
        cert = replace(cert, reason=(
            f"{self.optimizer} from a random start ({self.width} neurons, {self.steps} steps) is a local method; "
            + cert.reason
        ))
        self.history_ = run.history
        # a fixed number of steps is the whole method: it "converges" by construction, the gap says how well
        record = SolveRecord(self.optimizer, int(self.steps), 0, seconds, True)
        self._set_fit(net, cert, record, X.shape[1])
        return self
