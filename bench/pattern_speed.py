"""Benchmark: exact activation patterns and the exact dual constraint phi on random 2-D data.

Prints, for each n, the pattern count (Euler's formula and the enumeration) against Cover's
n^2 - n + 2, the median times of counting, of finding the distinct patterns (sweep + hashing),
of writing out the (P, n) matrix and of one phi evaluation, and the growth exponent between sizes.
Run: .venv/bin/python bench/pattern_speed.py [n ...]
"""

from __future__ import annotations

import sys
import time

import numpy as np

from geometry import activation_patterns, pattern_count, phi
from geometry.patterns import _planar_candidates, _unique_rows_u64, distinct_points


def median_time(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times)), out


def distinct_count(X) -> int:
    U, _ = distinct_points(X)
    H = _planar_candidates(U)[0]
    return int(_unique_rows_u64(H).size)


def main(sizes: list[int]) -> None:
    rng = np.random.default_rng(0)
    head = f"{'n':>6} {'cover':>9} {'count':>9} {'enum':>9} {'t_count':>9} {'t_find':>9} {'t_matrix':>9} {'t_phi':>9}"
    print("exact patterns of random 2-D data with bias (times in seconds, median)")
    print(head)
    rows = []
    for n in sizes:
        X = rng.uniform(-1, 1, (n, 2))
        v = rng.standard_normal(n)
        reps = 5 if n <= 300 else 1
        t_count, count = median_time(lambda: pattern_count(X), reps)
        t_find, found = median_time(lambda: distinct_count(X), reps)
        if n <= 1000:
            t_mat, P = median_time(lambda: activation_patterns(X), 1 if n >= 300 else reps)
            n_enum = P.shape[0]
            del P
        else:
            t_mat, n_enum = float("nan"), found
        t_phi, _ = median_time(lambda: phi(X, v), reps)
        rows.append((n, t_count, t_find, t_phi))
        print(f"{n:6d} {n * n - n + 2:9d} {count:9d} {n_enum:9d} {t_count:9.4f} {t_find:9.4f} {t_mat:9.4f} {t_phi:9.4f}")
    print("\ngrowth exponent log(t2/t1)/log(n2/n1) between consecutive sizes (n^2 log n gives about 2.1-2.3)")
    for (n1, c1, f1, p1), (n2, c2, f2, p2) in zip(rows, rows[1:]):
        k = np.log(n2 / n1)
        print(f"{n1:5d} -> {n2:5d}: count {np.log(c2 / c1) / k:4.2f}  find {np.log(f2 / f1) / k:4.2f}  phi {np.log(p2 / p1) / k:4.2f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10, 30, 100, 300, 1000])
