"""The four methods on one problem, all reporting the canonical objective of docs/math.md section 1,

    p(W, b, a) = 1/2 || sum_j (X w_j + b_j)_+ a_j - y ||^2 + beta/2 sum_j ( ||(w_j, b_j)||^2 + a_j^2 ),

computed from the weights each method returns, on the training data.  Classification problems are
regression on their +1/-1 targets (docs/math.md section 1), so every method solves the same problem.

* ``relu``: :class:`solvers.ConvexReLURegressor` with ``model="relu"`` on ``n_patterns`` sampled gates; its
  network is a ReLU network and its ``objective_`` is ``p`` of that network.
* ``relu-P`` (e.g. ``relu-1000``): the same on ``P`` gates instead of the budget's pattern count.
* ``gated``: the same estimator with ``model="gated"``.  Its model is not a ReLU network: the number kept
  is the gated program's value ``1/2 ||sum_i D_i Z u_i - y||^2 + beta sum_i ||u_i||`` (``objective_``), the
  optimum of a relaxation of the ReLU program on the same patterns.  It is reported apart and never
  counted as a ReLU method's objective.
* ``sgd`` / ``adam``: :func:`solvers.nonconvex.train` at every step size of the budget's grid; the run with
  the lowest final objective is kept.  Its trace holds ``(seconds, objective)`` every ``record_every``
  updates (seconds interpolated at the run's mean time per update); ``tuning_seconds`` is the time of the
  whole grid.

A convex method's trace is its one point ``(seconds, objective)``: it has no iterate to show before it
returns.  Every record also holds the training and (time series) validation mean squared errors.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from .tasks import Task, beta_max


def problem_data(task: Task):
    """``(X_train, y_train, X_val, y_val, info)`` of the task's problem (validation ``None`` for UCI)."""
    params = dict(task.params)
    if task.experiment == "uci":
        from .datasets import load_uci

        prob = load_uci(task.dataset)
        X, y = prob.X, prob.y
        n_full = X.shape[0]
        cap = params.get("max_rows")
        if cap is not None and n_full > cap:  # the same rows for every method, beta and seed
            rows = np.sort(np.random.default_rng(0).choice(n_full, int(cap), replace=False))
            X, y = X[rows], y[rows]
        return X, y, None, None, {"task_kind": prob.task, "n_full": n_full, "note": prob.note}
    from .series import ecg_problem, nyse_problem

    if task.experiment == "ecg":
        sp = ecg_problem(params["n_samples"], params["window"])
    elif task.experiment == "nyse":
        sp = nyse_problem(params["window"], n_days=params.get("n_days"))
    else:
        raise ValueError(f"unknown experiment {task.experiment!r}")
    return sp.X_train, sp.y_train, sp.X_val, sp.y_val, {"task_kind": "regression", "n_full": sp.X_train.shape[0],
                                                         "note": sp.note}


def _mse(f, y) -> float:
    return float(np.mean((np.asarray(f) - y) ** 2))


def convex_variant(method: str, n_patterns: int) -> tuple[str, int]:
    """``("relu", P)`` of method ``"relu"`` (the budget's ``P``) or ``"relu-1000"`` (``P = 1000``); same for gated."""
    model, _, count = method.partition("-")
    return model, int(count) if count else int(n_patterns)


def fit_convex(X, y, beta: float, task: Task) -> dict:
    """The convex ReLU or gated program on the task's sampled patterns."""
    from solvers import ConvexReLURegressor

    b = task.budget
    model, n_patterns = convex_variant(task.method, b.n_patterns)
    est = ConvexReLURegressor(beta=beta, model=model, n_patterns=n_patterns, seed=task.seed, tol=b.tol,
                              max_seconds=b.max_seconds)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an unconverged fit is recorded through ``converged``
        est.fit(X, y)
    seconds = time.perf_counter() - t0
    obj = float(est.objective_)
    return {
        "objective": obj, "seconds": seconds, "tuning_seconds": seconds, "converged": bool(est.solve_.converged),
        "relative_gap": float(est.certificate_.relative_gap), "patterns": int(est.n_patterns_used_),
        "width": int(est.network_.width), "lr": None, "iterations": int(est.solve_.n_iter),
        "trace_seconds": [seconds], "trace_objective": [obj], "grid": {}, "model": est,
    }


def fit_gradient(X, y, beta: float, task: Task) -> dict:
    """SGD or Adam over the step-size grid (module docstring); the lowest final objective is kept."""
    from solvers.network import canonical_objective
    from solvers.nonconvex import train

    b = task.budget
    n = X.shape[0]
    if task.method == "adam":
        lrs, batch = list(b.adam_lrs), None
    else:
        lrs, batch = [c / n for c in b.sgd_lrs], (b.batch_size if b.batch_size < n else None)
    best, grid, total = None, {}, 0.0
    for lr in lrs:
        t0 = time.perf_counter()
        run = train(X, y, beta, width=b.width, optimizer=task.method, lr=lr, steps=b.steps, seed=task.seed,
                    batch_size=batch, record_every=b.record_every)
        seconds = time.perf_counter() - t0
        total += seconds
        obj = float(canonical_objective(X, y, run.network, beta))
        grid[f"{lr:.6g}"] = obj if np.isfinite(obj) else None
        if np.isfinite(obj) and (best is None or obj < best[0]):
            best = (obj, lr, run, seconds)
    if best is None:
        raise FloatingPointError(f"{task.method}: every step size of the grid diverged")
    obj, lr, run, seconds = best
    per_step = seconds / max(run.steps_taken, 1)
    hist = np.asarray(run.history, float)
    hist[-1] = obj
    ok = np.isfinite(hist)
    return {
        "objective": obj, "seconds": seconds, "tuning_seconds": total, "converged": run.diverged_at is None,
        "relative_gap": None, "patterns": None, "width": int(b.width), "lr": float(lr), "iterations": int(run.steps_taken),
        "trace_seconds": (run.history_steps[ok] * per_step).tolist(), "trace_objective": hist[ok].tolist(),
        "grid": grid, "model": run.network,
    }


def run_task(task: Task) -> dict:
    """Run one task; returns its JSON-ready record (``status`` "ok").  Errors propagate to the runner."""
    X, y, Xv, yv, info = problem_data(task)
    beta = task.beta_fraction * beta_max(X, y, task.budget.n_patterns)
    fit = fit_convex if task.method.partition("-")[0] in ("relu", "gated") else fit_gradient
    out = fit(X, y, beta, task)
    model = out.pop("model")
    predict = model.predict if hasattr(model, "predict") else model.output
    out["train_mse"] = _mse(predict(X), y)
    out["val_mse"] = _mse(predict(Xv), yv) if Xv is not None else None
    return {"status": "ok", "error": "", "beta": float(beta), "n": int(X.shape[0]), "d": int(X.shape[1]),
            "n_val": int(Xv.shape[0]) if Xv is not None else 0, **info, **out}
