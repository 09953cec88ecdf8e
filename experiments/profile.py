"""The performance profile of Mishkin, Sahiner and Pilanci (ICML 2022), as pure functions.

For a problem ``q`` let ``p*_q`` be the best canonical objective any ReLU method found on it.  A method
solves ``q`` to relative tolerance ``tau`` by time ``t`` if one of its recorded objectives up to ``t`` is
within ``tau`` of the best,

    solved_q(t) = 1[ min_{s_k <= t} p_q(s_k) <= (1 + tau) p*_q ],   i.e.  (p - p*_q) / p*_q <= tau,

and the profile is the fraction of problems solved, ``F(t) = (1/|Q|) sum_q solved_q(t)``: a non-decreasing
step function of ``t`` with values in [0, 1].  A problem a method failed on counts as never solved.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

TOLERANCES = (1.0, 0.5, 0.1)


def first_solve_time(seconds: Sequence[float], objective: Sequence[float], best: float, tol: float) -> float:
    """The first recorded time with ``objective <= (1 + tol) * best`` (``inf`` if none)."""
    s = np.asarray(seconds, float)
    p = np.asarray(objective, float)
    hit = np.isfinite(p) & (p <= (1.0 + tol) * best)
    return float(s[hit].min()) if hit.any() else float("inf")


def solved_fraction(solve_times: Sequence[float], times: Sequence[float]) -> np.ndarray:
    """``F(t) = (1/|Q|) #{q : t_q <= t}`` for each ``t`` of ``times`` (``t_q``: a problem's first solve time)."""
    tq = np.sort(np.asarray(solve_times, float))
    if tq.size == 0:
        return np.zeros(len(times))
    return np.searchsorted(tq, np.asarray(times, float), side="right") / tq.size


def best_objectives(records: Iterable[dict], methods: Sequence[str]) -> dict:
    """``p*_q``: the lowest recorded objective over ``methods`` for each problem key ``record["problem"]``."""
    best: dict = {}
    for r in records:
        if r.get("status") != "ok" or r["method"] not in methods:
            continue
        vals = [v for v in (r.get("trace_objective") or []) + [r.get("objective")] if v is not None and np.isfinite(v)]
        if vals:
            best[r["problem"]] = min(best.get(r["problem"], np.inf), min(vals))
    return best


def trace_of(record: dict, with_tuning: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """A record's ``(seconds, objective)`` checkpoints.  ``with_tuning``: shifted by the time of the other
    runs of its step-size grid (``tuning_seconds - seconds``), as if the kept run had been the grid's last."""
    s = np.asarray(record.get("trace_seconds") or [], float)
    p = np.asarray(record.get("trace_objective") or [], float)
    if with_tuning and record.get("tuning_seconds") is not None and record.get("seconds") is not None:
        s = s + max(float(record["tuning_seconds"]) - float(record["seconds"]), 0.0)
    return s, p


def profile(records: Sequence[dict], methods: Sequence[str], times: Sequence[float],
            tolerances: Sequence[float] = TOLERANCES, with_tuning: bool = False,
            reference_methods: Sequence[str] | None = None) -> list[dict]:
    """Rows ``{"method", "tol", "seconds", "fraction"}`` of the profile of each method at each tolerance.

    The instances are the ``(problem, seed)`` pairs present in ``records``; ``p*`` of a problem is taken over
    ``reference_methods`` (default: ``methods``) and all seeds."""
    records = list(records)
    ref = tuple(reference_methods or methods)
    best = best_objectives(records, ref)
    instances = sorted({(r["problem"], r.get("seed", 0)) for r in records if r["problem"] in best})
    by_key = {(r["problem"], r.get("seed", 0), r["method"]): r for r in records}
    rows = []
    for m in methods:
        for tol in tolerances:
            tq = []
            for q, seed in instances:
                r = by_key.get((q, seed, m))
                if r is None or r.get("status") != "ok":
                    tq.append(np.inf)
                    continue
                s, p = trace_of(r, with_tuning)
                tq.append(first_solve_time(s, p, best[q], tol))
            frac = solved_fraction(tq, times)
            rows += [{"method": m, "tol": float(tol), "seconds": float(t), "fraction": float(f)}
                     for t, f in zip(times, frac)]
    return rows


def time_grid(records: Sequence[dict], n: int = 60, with_tuning: bool = True) -> np.ndarray:
    """``n`` log-spaced times from the smallest positive to the largest recorded time (with the tuning)."""
    ts = np.concatenate([trace_of(r, with_tuning)[0] for r in records if r.get("status") == "ok"] or [np.ones(1)])
    ts = ts[np.isfinite(ts) & (ts > 0)]
    lo, hi = (float(ts.min()), float(ts.max())) if ts.size else (1e-3, 1.0)
    lo = max(lo, 1e-4)
    return np.geomspace(lo, max(hi, lo * 1.01), n)
