"""The nonconvex baseline: gradient training of the same network, as TensorFlow Playground does.

Adam, SGD with momentum (full batch or minibatches) or plain gradient descent on the canonical objective
(docs/math.md section 1)

    L(W, b, a) = 1/2 || (X W^T + b)_+ a - y ||^2 + beta/2 (||W||^2 + ||b||^2 + ||a||^2)

from a random start.  Its objective is computed from the weights it ends with, so it can be set
next to the certified optimum ``p*``: ``L >= p*`` always, and the exact duality gap of the trained
network says how far from optimal it stopped.  ``history_`` records that objective on the full data
during training, ``snapshots_`` the network at chosen steps, and a diverging run stops and says so.
"""

from __future__ import annotations

import numbers
import time
from dataclasses import dataclass, field, replace

import numpy as np

from .base import Estimator, SolveRecord
from .certificate import DEFAULT_TOL, certify
from .network import ReLUNetwork, canonical_objective
from .validation import check_choice, check_count, check_oracle, check_positive, check_X, check_y

OPTIMIZERS = ("adam", "sgd", "gd")
"""``adam``: Adam (beta1 = 0.9, beta2 = 0.999, eps = 1e-8, bias-corrected), full batch or minibatches;
``sgd``: (minibatch) SGD with heavy-ball momentum ``m <- momentum * m + g``, ``theta <- theta - lr_t m``
(``momentum = 0``: plain SGD); ``gd``: plain full-batch gradient descent ``theta <- theta - lr_t g``."""

LR_SCHEDULES = ("constant", "step", "cosine")
"""The step size of update ``t = 1, ..., steps`` (:func:`learning_rate`): ``constant``: ``lr``; ``step``: ``lr``,
divided by 10 from update ``t > steps / 2`` on and by 100 from ``t > 3 steps / 4`` on; ``cosine``:
``lr * (1 + cos(pi (t - 1) / steps)) / 2`` (``lr`` at the first update, decaying towards 0)."""

MAX_SNAPSHOTS = 200
"""Most networks a training run keeps for an animation (``snapshot_steps`` / ``n_snapshots``)."""


def objective_and_gradient(X: np.ndarray, y: np.ndarray, net: ReLUNetwork, beta: float):
    """``L`` and its gradient ``(dL/dW, dL/db, dL/da)`` (the ReLU's derivative at 0 taken as 0)."""
    pre = X @ net.W.T + net.b
    H = np.maximum(pre, 0.0)
    r = H @ net.a - y
    loss = 0.5 * float(r @ r) + beta * net.penalty()
    dpre = np.outer(r, net.a) * (pre > 0)
    return loss, (dpre.T @ X + beta * net.W, dpre.sum(axis=0) + beta * net.b, H.T @ r + beta * net.a)


def minibatch_gradient(X: np.ndarray, y: np.ndarray, net: ReLUNetwork, beta: float, n: int):
    """Unbiased stochastic gradient of the full objective from the rows ``X, y`` of one minibatch of the
    ``n`` training points: ``(n / |B|) grad sum_{i in B} 1/2 r_i^2 + beta grad (penalty)``.  With ``|B| = n``
    it is the full gradient of :func:`objective_and_gradient`."""
    scale = n / X.shape[0]
    pre = X @ net.W.T + net.b
    H = np.maximum(pre, 0.0)
    r = (H @ net.a - y) * scale
    dpre = np.outer(r, net.a) * (pre > 0)
    return dpre.T @ X + beta * net.W, dpre.sum(axis=0) + beta * net.b, H.T @ r + beta * net.a


def learning_rate(lr: float, schedule: str, t: int, steps: int) -> float:
    """The step size of update ``t`` (1-based) of ``steps`` under ``schedule`` (:data:`LR_SCHEDULES`)."""
    if schedule == "step":
        return lr * (0.1 ** (int(t > steps / 2) + int(t > 3 * steps / 4)))
    if schedule == "cosine":
        return lr * 0.5 * (1.0 + np.cos(np.pi * (t - 1) / steps))
    return lr


def snapshot_schedule(steps: int, snapshot_steps=None, n_snapshots: int = 0) -> np.ndarray:
    """The sorted distinct steps (in ``[0, steps]``) at which a run keeps its network: ``snapshot_steps`` as
    given, or ``n_snapshots`` evenly spaced ones ``round(i * steps / (n_snapshots - 1))`` (the start and the
    end included; one snapshot: the end); at most :data:`MAX_SNAPSHOTS`."""
    if snapshot_steps is not None:
        s = np.unique(np.asarray(list(snapshot_steps), dtype=np.int64))
    elif n_snapshots <= 0:
        s = np.zeros(0, np.int64)
    elif n_snapshots == 1:
        s = np.array([steps], np.int64)
    else:
        s = np.unique(np.round(np.linspace(0, steps, int(n_snapshots))).astype(np.int64))
    return s


@dataclass(frozen=True)
class TrainingRun:
    """A training run: the final iterate, the full-data objective at ``history_steps`` (``history[0]`` is the
    random start, the last entry the returned network's objective) and the kept snapshots.

    ``diverged_at`` is the update whose weights (or their objective) were not finite (``None``: the run took
    all its steps); the network is then the last finite iterate, that of update ``diverged_at - 1``."""

    network: ReLUNetwork
    history: np.ndarray
    history_steps: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    snapshots: tuple = ()
    snapshot_steps: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    diverged_at: int | None = None
    diverged_lr: float = float("nan")
    steps_taken: int = 0
    samples_seen: int = 0  # data rows the updates taken used (``steps_taken * n`` for the full batch)


def train(
    X, y, beta: float, *, width: int = 20, optimizer: str = "adam", lr: float = 0.01, steps: int = 2000, seed: int = 0,
    batch_size: int | None = None, momentum: float = 0.9, lr_schedule: str = "constant", record_every: int = 1,
    snapshot_steps=None, n_snapshots: int = 0,
) -> TrainingRun:
    """Train a width-``width`` network by ``steps`` updates of ``optimizer`` from a seeded random start.

    ``batch_size=None`` (or ``>= n``): full batch; else each epoch draws a permutation of the points with the
    seed's generator and takes its consecutive minibatches of ``batch_size`` points (the last one of an epoch
    holds the ``n mod batch_size`` left over, if any), one update each.  The full-data objective is
    recorded at step 0, every ``record_every`` updates and at the last one.  A run whose weights or
    objective stop being finite stops at once and returns the last finite iterate (``diverged_at``).
    The hyper-parameters are assumed valid (:class:`NonconvexReLU` checks them)."""
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    n, d = X.shape
    rng = np.random.default_rng(seed)
    params = [
        rng.standard_normal((width, d)) / np.sqrt(d + 1),
        rng.standard_normal(width) / np.sqrt(d + 1),
        rng.standard_normal(width) / np.sqrt(width),
    ]
    full = batch_size is None or batch_size >= n
    B = n if full else int(batch_size)
    m1 = [np.zeros_like(p) for p in params]
    m2 = [np.zeros_like(p) for p in params]
    snap_at = snapshot_schedule(steps, snapshot_steps, n_snapshots)
    snap_set = set(int(s) for s in snap_at)
    hist, hist_steps, snaps, snap_steps = [], [], [], []
    order, pos = np.arange(n), n
    diverged_at, diverged_lr, t_done, seen = None, float("nan"), 0, 0
    with np.errstate(over="ignore", invalid="ignore"):
        loss, grads = objective_and_gradient(X, y, ReLUNetwork(*params), beta)
        hist.append(loss)
        hist_steps.append(0)
        if 0 in snap_set:
            snaps.append(ReLUNetwork(*(p.copy() for p in params)))
            snap_steps.append(0)
        for t in range(1, steps + 1):
            if not full:
                if pos >= n:
                    order, pos = rng.permutation(n), 0
                idx = order[pos : pos + B]
                pos += B
                grads = minibatch_gradient(X[idx], y[idx], ReLUNetwork(*params), beta, n)
            lr_t = learning_rate(lr, lr_schedule, t, steps)
            new = []
            for p, g, mom, sq in zip(params, grads, m1, m2):
                if optimizer == "adam":
                    mom *= 0.9
                    mom += 0.1 * g
                    sq *= 0.999
                    sq += 0.001 * g * g
                    new.append(p - lr_t * (mom / (1 - 0.9**t)) / (np.sqrt(sq / (1 - 0.999**t)) + 1e-8))
                elif optimizer == "sgd":
                    mom *= momentum
                    mom += g
                    new.append(p - lr_t * mom)
                else:  # gd
                    new.append(p - lr_t * g)
            net = ReLUNetwork(*new)
            if full:
                new_loss, new_grads = objective_and_gradient(X, y, net, beta)
            else:
                new_loss, new_grads = canonical_objective(X, y, net, beta), None
            if not (np.isfinite(new_loss) and all(np.all(np.isfinite(p)) for p in new)):
                diverged_at, diverged_lr = t, lr_t
                break
            params, loss, grads, t_done = new, new_loss, new_grads, t
            seen += n if full else idx.size
            if t % record_every == 0 or t == steps:
                hist.append(loss)
                hist_steps.append(t)
            if t in snap_set:
                snaps.append(net)
                snap_steps.append(t)
    if hist_steps[-1] != t_done:  # a diverged run ends its history at the weights it returns
        hist.append(loss)
        hist_steps.append(t_done)
    return TrainingRun(
        ReLUNetwork(*params), np.asarray(hist, float), np.asarray(hist_steps, np.int64), tuple(snaps),
        np.asarray(snap_steps, np.int64), diverged_at, float(diverged_lr), t_done, seen,
    )


class NonconvexReLU(Estimator):
    """The same two-layer ReLU network trained by SGD, Adam or gradient descent (a local method: no
    optimality claim).

    ``min 1/2 ||sum_j (X w_j + b_j)_+ a_j - y||^2 + beta/2 sum_j (||(w_j, b_j)||^2 + a_j^2)`` over a fixed
    width, by ``steps`` updates (full batch or minibatches).  The exact certificate of the trained network is
    computed as for :class:`~solvers.ConvexReLU`, so ``certified_`` is True only if the training happened to
    reach the global optimum to the tolerance.

    Parameters
    ----------
    beta, task, seed, tol : as for :class:`~solvers.ConvexReLU` (``seed`` draws the start and the minibatches).
    width : hidden neurons.
    optimizer : ``"adam"``, ``"sgd"`` (minibatch SGD with heavy-ball ``momentum``) or ``"gd"`` (plain
        full-batch gradient descent; needs ``batch_size=None``); see :data:`OPTIMIZERS`.
    lr : base step size ``> 0``; ``lr_schedule`` (:data:`LR_SCHEDULES`) gives the step size of each update.
    steps : number of updates (one per minibatch; an epoch is ``ceil(n / batch_size)`` updates).
    batch_size : ``None`` (full batch, the default) or the minibatch size: each epoch is one pass over a
        fresh random permutation of the points, in consecutive minibatches (the last one of an epoch holds the
        remainder); the stochastic gradient is ``n / |B|`` times the batch's loss gradient plus the penalty's
        gradient, an unbiased estimate of the full gradient.  ``batch_size >= n`` is the full batch.
    momentum : in ``[0, 1)``, used by ``"sgd"`` only (``0``: plain SGD).
    lr_schedule : ``"constant"``, ``"step"`` or ``"cosine"`` (:data:`LR_SCHEDULES`).
    record_every : the full-data objective is recorded at step 0, every ``record_every`` updates and at the end.
    snapshot_steps : steps (in ``[0, steps]``) at which to keep the network, or ``None``.
    n_snapshots : instead of ``snapshot_steps``, keep that many evenly spaced networks (start and end
        included); at most :data:`MAX_SNAPSHOTS` snapshots either way.

    Fitted members as for :class:`~solvers.ConvexReLU` (``network_``, ``certificate_``, ``solve_``), plus
    ``history_`` (the canonical objective of the full data at the steps ``history_steps_``; ``history_[0]`` is
    the random start and ``history_[-1]`` equals ``objective_``: the returned network is the final iterate, not
    the best one), ``snapshots_`` (a tuple of :class:`~solvers.ReLUNetwork`) and ``snapshot_steps_``.

    A run whose weights or objective stop being finite stops at that update, keeps the last finite weights
    and says so: ``solve_.stop_reason`` and the certificate's reason read "diverged at step t with lr=...",
    ``solve_.converged`` is False and the fit emits a :class:`~solvers.ConvergenceWarning`.
    """

    def __init__(
        self, beta=0.01, *, task="classification", width=20, optimizer="adam", lr=0.01, steps=2000, seed=0,
        tol=DEFAULT_TOL, batch_size=None, momentum=0.9, lr_schedule="constant", record_every=1,
        snapshot_steps=None, n_snapshots=0,
    ):
        self.beta = beta
        self.task = task
        self.width = width
        self.optimizer = optimizer
        self.lr = lr
        self.steps = steps
        self.seed = seed
        self.tol = tol
        self.batch_size = batch_size
        self.momentum = momentum
        self.lr_schedule = lr_schedule
        self.record_every = record_every
        self.snapshot_steps = snapshot_steps
        self.n_snapshots = n_snapshots

    def _check_params(self) -> tuple[float, float, np.ndarray]:
        """Check the hyper-parameters; returns beta, tol and the snapshot steps."""
        beta, tol = self._check_common()
        check_choice(self.optimizer, "optimizer", OPTIMIZERS)
        check_choice(self.lr_schedule, "lr_schedule", LR_SCHEDULES)
        check_count(self.width, "width")
        steps = check_count(self.steps, "steps")
        check_positive(self.lr, "lr")
        check_count(self.record_every, "record_every")
        if self.batch_size is not None:
            check_count(self.batch_size, "batch_size")
            if self.optimizer == "gd":
                raise ValueError(
                    "optimizer='gd' is full-batch gradient descent: use batch_size=None, or optimizer='sgd' "
                    f"for minibatches; got batch_size={self.batch_size!r}"
                )
        mu = self.momentum
        if isinstance(mu, bool) or not isinstance(mu, numbers.Real) or not (0.0 <= float(mu) < 1.0):
            raise ValueError(f"momentum must be a number in [0, 1); got {mu!r}")
        ns = self.n_snapshots
        if isinstance(ns, bool) or not isinstance(ns, numbers.Integral) or not (0 <= ns <= MAX_SNAPSHOTS):
            raise ValueError(f"n_snapshots must be an integer in [0, {MAX_SNAPSHOTS}]; got {ns!r}")
        if self.snapshot_steps is not None:
            if ns:
                raise ValueError("give snapshot_steps or n_snapshots, not both")
            try:
                vals = list(self.snapshot_steps)
            except TypeError:
                raise ValueError(f"snapshot_steps must be a list of steps; got {self.snapshot_steps!r}") from None
            bad = [s for s in vals if isinstance(s, bool) or not isinstance(s, numbers.Integral) or not 0 <= s <= steps]
            if bad:
                raise ValueError(f"snapshot_steps must be integers in [0, steps={steps}]; got {bad[0]!r}")
            if len(set(int(s) for s in vals)) > MAX_SNAPSHOTS:
                raise ValueError(f"snapshot_steps may hold at most {MAX_SNAPSHOTS} distinct steps")
        return beta, tol, snapshot_schedule(steps, self.snapshot_steps, int(ns))

    def fit(self, X, y, oracle=None):
        """Train from the seeded random start, certify the result, and return ``self`` (``oracle``: the
        points' :class:`~geometry.PlanarOracle` for the certificate, when the caller has it)."""
        beta, tol, snaps = self._check_params()
        X = check_X(X)
        y = check_y(y, X.shape[0], self.task)
        oracle = check_oracle(oracle, X)
        n = X.shape[0]
        batch = None if self.batch_size is None or self.batch_size >= n else int(self.batch_size)
        t0 = time.perf_counter()
        run = train(
            X, y, beta, width=int(self.width), optimizer=self.optimizer, lr=float(self.lr), steps=int(self.steps),
            seed=int(self.seed), batch_size=batch, momentum=float(self.momentum), lr_schedule=self.lr_schedule,
            record_every=int(self.record_every), snapshot_steps=snaps,
        )
        seconds = time.perf_counter() - t0
        net = run.network
        # the last finite weights of a diverged run may be huge: their certificate may overflow (and fails)
        with np.errstate(over="ignore" if run.diverged_at is not None else "warn"):
            cert = certify(X, y, net, beta, tol, oracle=oracle)
        history = run.history.copy()
        history[-1] = cert.objective  # the same formula on the same weights: the returned network's objective
        how = "full batch" if batch is None else f"minibatches of {batch}"
        prefix = (
            f"{self.optimizer} from a random start ({self.width} neurons, {self.steps} steps, {how}) is a local "
            "method; "
        )
        if run.diverged_at is not None:
            stop = (
                f"diverged at step {run.diverged_at} with lr={run.diverged_lr:.6g} (the weights or the objective "
                f"stopped being finite): kept the weights of step {run.steps_taken}; lower the learning rate"
            )
            prefix = f"{self.optimizer} {stop}; " + prefix
        else:
            stop = f"took its {self.steps} steps"
        cert = replace(cert, reason=prefix + cert.reason)
        self.history_ = history
        self.history_steps_ = run.history_steps
        self.snapshots_ = run.snapshots
        self.snapshot_steps_ = run.snapshot_steps
        # a fixed number of steps is the whole method: it "converges" by construction unless it diverged
        record = SolveRecord(
            self.optimizer, int(run.steps_taken), 0, seconds, run.diverged_at is None, stop,
            info={"batch_size": batch, "epochs": run.samples_seen / n, "lr_schedule": self.lr_schedule,
                  "diverged_at": run.diverged_at},
        )
        self._set_fit(net, cert, record, X.shape[1])
        return self
