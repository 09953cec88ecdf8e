"""Benchmark: the fast exact solver against the CVXPY reference, measured in the same run.

For each n and beta (a fraction of beta_max) on random XOR-labelled points it prints the median time of
the fast method, of the reference where that finishes within REFERENCE_LIMIT seconds, their ratio, the
relative difference of the two objectives, the fast fit's relative duality gap (exact phi), pricing
rounds, neurons and the peak memory of the fast fit; then the warm-start re-fit after moving one point;
then beta near the page's slider floor on its presets (n = 100, 200), with the page's time budget.
Run: .venv/bin/python bench/solve_speed.py [n ...]
"""

from __future__ import annotations

import multiprocessing as mp
import sys
import time
import tracemalloc

import numpy as np

from geometry import beta_max
from solvers import certify, solve_reference
from solvers.fast import solve_exact

REFERENCE_LIMIT = 60.0
FRACTIONS = (0.1, 0.01)


def xor_data(n: int, seed: int = 0):
    X = np.random.default_rng(seed).uniform(-1, 1, (n, 2))
    return X, np.where(X[:, 0] * X[:, 1] > 0, 1.0, -1.0)


def _reference_worker(X, y, beta, out):
    t = time.perf_counter()
    res = solve_reference(X, y, beta)
    out.put((time.perf_counter() - t, certify(X, y, res.network, beta).objective))


def reference(X, y, beta):
    """(seconds, objective) of the reference in a child process, or None past the time limit."""
    out = mp.Queue()
    proc = mp.Process(target=_reference_worker, args=(X, y, beta, out))
    proc.start()
    proc.join(REFERENCE_LIMIT)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return None
    return out.get() if not out.empty() else None


def timed_fast(X, y, beta, repeats, init=None):
    times, res = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        res = solve_exact(X, y, beta, init=init)
        times.append(time.perf_counter() - t)
    tracemalloc.start()
    solve_exact(X, y, beta, init=init)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return float(np.median(times)), res, peak


def main(sizes):
    print("fast exact solver vs CVXPY/Clarabel reference, XOR labels, uniform points in [-1, 1]^2")
    print(f"(the reference runs for n <= 60 and within {REFERENCE_LIMIT:.0f} s; \"-\" where it does not)")
    print(
        f"{'n':>5} {'beta/bmax':>9} {'fast_s':>8} {'ref_s':>8} {'ratio':>7} {'obj_rel':>9} "
        f"{'rel_gap':>9} {'rounds':>6} {'neurons':>7} {'peak_MB':>8}"
    )
    for n in sizes:
        X, y = xor_data(n)
        bmax = beta_max(X, y)
        for frac in FRACTIONS:
            beta = frac * bmax
            repeats = 5 if n <= 100 else (3 if n <= 200 else 1)
            t_fast, res, peak = timed_fast(X, y, beta, repeats)
            cert = certify(X, y, res.network, beta)
            ref = reference(X, y, beta) if n <= 60 else None
            if ref is None:
                ref_s, ratio, agree = "-", "-", "-"  # past n = 60 the reference is refused (REFERENCE_MAX_POINTS)
            else:
                ref_s, ratio = f"{ref[0]:8.2f}", f"{ref[0] / t_fast:7.0f}"
                agree = f"{(cert.objective - ref[1]) / ref[1]:+9.1e}"
            print(
                f"{n:5d} {frac:9.3g} {t_fast:8.3f} {ref_s:>8} {ratio:>7} {agree:>9} "
                f"{cert.relative_gap:9.1e} {res.n_iter:6d} {res.network.width:7d} {peak / 2**20:8.1f}"
            )
    print("\nwarm start: move one point by (0.05, -0.03) and re-fit from the previous network")
    print(f"{'n':>5} {'beta/bmax':>9} {'cold_s':>8} {'warm_s':>8} {'rounds':>6} {'rel_gap':>9}")
    for n in [m for m in sizes if m <= 200]:
        X, y = xor_data(n)
        for frac in FRACTIONS:
            beta = frac * beta_max(X, y)
            prev = solve_exact(X, y, beta).network
            X2 = X.copy()
            X2[n // 2] += [0.05, -0.03]
            t_cold, _, _ = timed_fast(X2, y, beta, 3)
            t_warm, res, _ = timed_fast(X2, y, beta, 5, init=prev)
            gap = certify(X2, y, res.network, beta).relative_gap
            print(f"{n:5d} {frac:9.3g} {t_cold:8.3f} {t_warm:8.3f} {res.n_iter:6d} {gap:9.1e}")
    small_beta([m for m in sizes if m in (100, 200)])


SMALL_BETA_SECONDS = 20.0
"""The page's time budget for one fit (``app.fitting.FIT_SECONDS``)."""


def small_beta(sizes):
    """The regime the solver finds hardest: beta near the page's slider floor, far below beta_max, where the
    optimum nearly interpolates the points with ~n neurons (many through two data points)."""
    from app.presets import make_preset

    if not sizes:
        return
    print(f"\nsmall beta on the page's presets (noise 0.1, seed 0), time budget {SMALL_BETA_SECONDS:g} s")
    print(f"{'preset':>18} {'n':>5} {'beta':>7} {'beta/bmax':>9} {'time_s':>7} {'certified':>9} {'rel_gap':>9} "
          f"{'rounds':>6} {'neurons':>7}")
    for n in sizes:
        for preset in ("xor", "spiral", "regression surface"):
            pts = np.array(make_preset(preset, n, 0.1, 0))
            X, y = pts[:, :2], pts[:, 2]
            bmax = beta_max(X, y)
            for beta in (1e-2, 1e-3):
                t = time.perf_counter()
                res = solve_exact(X, y, beta, max_seconds=SMALL_BETA_SECONDS)
                seconds = time.perf_counter() - t
                cert = certify(X, y, res.network, beta)
                print(f"{preset:>18} {n:5d} {beta:7.0e} {beta / bmax:9.1e} {seconds:7.2f} {str(cert.certified):>9} "
                      f"{cert.relative_gap:9.1e} {res.n_iter:6d} {res.network.width:7d}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [20, 40, 100, 200, 500, 1000])
