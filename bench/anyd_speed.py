"""Convex training in any dimension on sampled patterns (solvers.anyd): speed, memory and accuracy.

    python bench/anyd_speed.py            # (a) against CVXPY, (b) the whole scale grid, (c) against Adam
    python bench/anyd_speed.py --quick    # (a), (b) at n = 2000 only, (c)
    python bench/anyd_speed.py --scale 10000,50,500   # one scale case (n,d,P), both models

(a) The SAME sampled program (same patterns) solved by CVXPY + Clarabel and by the library's solvers
    (R-FISTA for gated; projected R-FISTA with cutting planes for ReLU; both with the Newton polish) at
    n = 500, d = 10, P = 100, tol = 1e-7: objective agreement and the time ratio (CVXPY's time includes its
    compilation, as a user pays it).
(b) Scale: n = 2,000 / 10,000 / 50,000, d = 20..50, P = 200..500: seconds, peak traced memory (tracemalloc,
    in a second run), relative duality gap of the program and iterations.
(c) The nonconvex network trained by Adam on the same canonical objective for the same wall time as the
    convex ReLU fit (``solvers.nonconvex.train``; the step count is set from a timed warm-up run).

Data: X standard Gaussian, y a random 10-neuron ReLU network of X plus noise; beta = 0.05 * max_i ||Z^T D_i y||
(5 % of the gated program's beta_max).  Not run by the tests.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from solvers.anyd import gate_patterns, solve_gated_program, solve_relu_program  # noqa: E402
from solvers.anyd.design import BlockDesign  # noqa: E402
from solvers.network import canonical_objective, network_from_blocks  # noqa: E402
from solvers.nonconvex import train  # noqa: E402

BETA_FRACTION = 0.05


def problem(n: int, d: int, P: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    W, b = rng.standard_normal((10, d)), rng.standard_normal(10)
    y = np.maximum(X @ W.T + b, 0.0) @ rng.standard_normal(10) / np.sqrt(d) + 0.1 * rng.standard_normal(n)
    Z = np.hstack([X, np.ones((n, 1))])
    mask = gate_patterns(Z, P, seed).mask
    beta = BETA_FRACTION * float(np.linalg.norm(BlockDesign(Z, mask).adjoint(y), axis=1).max())
    return X, y, Z, mask, beta


def solve(model: str, Z, y, mask, beta, tol: float, max_seconds=None):
    fn = solve_gated_program if model == "gated" else solve_relu_program
    return fn(Z, y, mask, beta, tol=tol, max_iter=100_000, max_seconds=max_seconds)


# ---------------------------------------------------------------------- (a) CVXPY on the same program
def cvxpy_program(model: str, Z, y, mask, beta):
    import cvxpy as cp

    n, k = Z.shape
    P = mask.shape[1]
    A = np.hstack([mask[:, [i]] * Z for i in range(P)])  # (n, P k): [D_1 Z, ..., D_P Z]
    if model == "gated":
        U = cp.Variable((P, k))
        fit = A @ cp.vec(U, order="C")
        obj = 0.5 * cp.sum_squares(fit - y) + beta * cp.sum(cp.norm(U, 2, axis=1))
        cons = []
    else:
        V, W = cp.Variable((P, k)), cp.Variable((P, k))
        fit = A @ cp.vec(V - W, order="C")
        obj = 0.5 * cp.sum_squares(fit - y) + beta * (cp.sum(cp.norm(V, 2, axis=1)) + cp.sum(cp.norm(W, 2, axis=1)))
        cons = []
        for i in range(P):
            S = (2.0 * mask[:, [i]] - 1.0) * Z
            cons += [S @ V[i] >= 0, S @ W[i] >= 0]
    prob = cp.Problem(cp.Minimize(obj), cons)
    t0 = time.perf_counter()
    prob.solve(solver=cp.CLARABEL, tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10, max_iter=500)
    return float(prob.value), time.perf_counter() - t0, prob.status


def part_a():
    print("\n(a) the same sampled program: CVXPY + Clarabel vs solvers.anyd  (n=500, d=10, P=100)")
    X, y, Z, mask, beta = problem(500, 10, 100)
    print(f"    beta = {beta:.4g}, {mask.shape[1]} distinct patterns")
    print(f"    {'model':6} {'cvxpy objective':>18} {'anyd objective':>18} {'rel. diff':>10} {'cvxpy s':>8} "
          f"{'anyd s':>8} {'ratio':>7} {'anyd gap':>9}")
    for model in ("gated", "relu"):
        ours_t0 = time.perf_counter()
        sol = solve(model, Z, y, mask, beta, tol=1e-7)
        ours = time.perf_counter() - ours_t0
        p_ours = sol.objective
        if model == "relu":  # the objective of the ReLU network actually recovered from the blocks
            live = np.linalg.norm(sol.blocks, axis=1) > 0
            net = network_from_blocks(sol.blocks[live], sol.signs[live])
            p_ours = canonical_objective(X, y, net, beta)
        p_cvx, t_cvx, status = cvxpy_program(model, Z, y, mask, beta)
        print(f"    {model:6} {p_cvx:18.10f} {p_ours:18.10f} {abs(p_ours - p_cvx) / p_cvx:10.1e} {t_cvx:8.2f} "
              f"{ours:8.2f} {t_cvx / ours:7.1f} {sol.relative_gap:9.1e}   ({status})")


# ---------------------------------------------------------------------- (b) scale
SCALE = [(2_000, 20, 200), (10_000, 50, 500), (50_000, 50, 500)]


def part_b(cases, tol: float):
    print(f"\n(b) scale (tol = {tol:g}; seconds untraced, the tracemalloc peak in a second run; the program "
          f"data (n x P mask, Z) is built before the runs and not counted)")
    print(f"    {'n':>7} {'d':>3} {'P':>4} {'model':6} {'seconds':>8} {'peak MB':>8} {'rel. gap':>9} {'iters':>6} "
          f"{'neurons':>7}  stop")
    for n, d, P in cases:
        X, y, Z, mask, beta = problem(n, d, P)
        print(f"    n={n}, d={d}: mask {mask.nbytes / 1e6:.0f} MB, Z {Z.nbytes / 1e6:.1f} MB, beta = {beta:.4g}")
        for model in ("gated", "relu"):
            t0 = time.perf_counter()
            sol = solve(model, Z, y, mask, beta, tol=tol, max_seconds=1800)
            seconds = time.perf_counter() - t0
            # the peak in a second, traced run (tracemalloc slows the many small allocations down)
            tracemalloc.start()
            solve(model, Z, y, mask, beta, tol=tol, max_seconds=1800)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            width = int(np.sum(np.linalg.norm(sol.blocks, axis=1) > 0))
            print(f"    {n:7d} {d:3d} {mask.shape[1]:4d} {model:6} {seconds:8.2f} {peak / 1e6:8.1f} "
                  f"{sol.relative_gap:9.1e} {sol.n_iter:6d} {width:7d}  {sol.stop_reason}", flush=True)


# ---------------------------------------------------------------------- (c) Adam at equal time
def part_c(n: int = 2000, d: int = 20, P: int = 200):
    print(f"\n(c) convex ReLU vs Adam on the same canonical objective at equal wall time (n={n}, d={d}, P={P})")
    X, y, Z, mask, beta = problem(n, d, P)
    t0 = time.perf_counter()
    sol = solve("relu", Z, y, mask, beta, tol=1e-6)
    t_convex = time.perf_counter() - t0
    live = np.linalg.norm(sol.blocks, axis=1) > 0
    net = network_from_blocks(sol.blocks[live], sol.signs[live])
    p_convex = canonical_objective(X, y, net, beta)
    print(f"    convex ReLU program: objective {p_convex:.6f} in {t_convex:.2f} s ({net.width} neurons, "
          f"program gap {sol.relative_gap:.1e})")
    for width in (net.width, 4 * net.width):
        for lr in (1e-3, 1e-2):
            t1 = time.perf_counter()
            train(X, y, beta, width=width, optimizer="adam", lr=lr, steps=50, seed=0)
            per_step = (time.perf_counter() - t1) / 51
            steps = max(10, int(t_convex / per_step))
            t1 = time.perf_counter()
            run = train(X, y, beta, width=width, optimizer="adam", lr=lr, steps=steps, seed=0)
            t_adam = time.perf_counter() - t1
            best = float(np.nanmin(run.history))
            print(f"    Adam width {width:4d} lr {lr:g}: {steps:6d} steps in {t_adam:6.2f} s, final objective "
                  f"{run.history[-1]:.6f}, best {best:.6f} ({(best - p_convex) / p_convex:+.1%} vs convex)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="scale grid at n = 2000 only")
    ap.add_argument("--scale", help="one scale case n,d,P (skips (a) and (c))")
    ap.add_argument("--tol", type=float, default=1e-6, help="relative gap of the scale runs")
    args = ap.parse_args()
    if args.scale:
        part_b([tuple(int(v) for v in args.scale.split(","))], args.tol)
        return
    part_a()
    part_b(SCALE[:1] if args.quick else SCALE, args.tol)
    part_c()


if __name__ == "__main__":
    main()
