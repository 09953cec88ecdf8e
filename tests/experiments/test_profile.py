"""The performance profile against a hand-worked example."""

import numpy as np
import pytest

from experiments.profile import best_objectives, first_solve_time, profile, solved_fraction, trace_of


def rec(problem, method, times, objective, **kw):
    return {"problem": problem, "method": method, "seed": 0, "status": "ok", "trace_seconds": times,
            "trace_objective": objective, "objective": objective[-1], **kw}


# two problems, two methods:
#   q1: A reaches 10 at t=1 and 5 at t=3; B reaches 5.4 at t=2        -> p* = 5
#   q2: A reaches 4 at t=1;                B reaches 2 at t=0.5, 1 at t=4 -> p* = 1
RECORDS = [
    rec("q1", "A", [1.0, 3.0], [10.0, 5.0]),
    rec("q1", "B", [2.0], [5.4]),
    rec("q2", "A", [1.0], [4.0]),
    rec("q2", "B", [0.5, 4.0], [2.0, 1.0]),
]
TIMES = [0.5, 2.0, 3.0, 4.0]


def frac(rows, method, tol):
    return [r["fraction"] for r in rows if r["method"] == method and r["tol"] == tol]


def test_best_objectives_take_the_lowest_recorded_value():
    assert best_objectives(RECORDS, ("A", "B")) == {"q1": 5.0, "q2": 1.0}
    assert best_objectives(RECORDS, ("A",)) == {"q1": 5.0, "q2": 4.0}


def test_first_solve_time_by_hand():
    # tolerance 0.5: thresholds 7.5 (q1) and 1.5 (q2)
    assert first_solve_time([1.0, 3.0], [10.0, 5.0], 5.0, 0.5) == 3.0
    assert first_solve_time([1.0], [4.0], 1.0, 0.5) == np.inf
    # tolerance 1: the threshold 2 p* itself counts as solved
    assert first_solve_time([0.5, 4.0], [2.0, 1.0], 1.0, 1.0) == 0.5


def test_profile_matches_the_hand_computed_fractions():
    rows = profile(RECORDS, ("A", "B"), TIMES, tolerances=(1.0, 0.5))
    assert frac(rows, "A", 0.5) == [0.0, 0.0, 0.5, 0.5]
    assert frac(rows, "B", 0.5) == [0.0, 0.5, 0.5, 1.0]
    assert frac(rows, "A", 1.0) == [0.0, 0.5, 0.5, 0.5]
    assert frac(rows, "B", 1.0) == [0.5, 1.0, 1.0, 1.0]


def test_a_failed_or_missing_run_is_never_solved():
    records = RECORDS[:3] + [{**RECORDS[3], "status": "failed"}]
    rows = profile(records, ("A", "B"), TIMES, tolerances=(0.5,), reference_methods=("A", "B"))
    # p*(q2) is now A's 4: A solves q2 at t=1, B (failed) never does
    assert frac(rows, "A", 0.5) == [0.0, 0.5, 1.0, 1.0]
    assert frac(rows, "B", 0.5) == [0.0, 0.5, 0.5, 0.5]


def test_tuning_time_shifts_the_trace():
    r = rec("q", "A", [1.0, 2.0], [3.0, 2.0], seconds=2.0, tuning_seconds=5.0)
    s, p = trace_of(r, with_tuning=True)
    assert s.tolist() == [4.0, 5.0] and p.tolist() == [3.0, 2.0]
    assert trace_of(r)[0].tolist() == [1.0, 2.0]


def test_solved_fraction_is_a_monotone_step_function():
    f = solved_fraction([3.0, np.inf, 1.0, 2.0], np.linspace(0, 5, 11))
    assert np.all(np.diff(f) >= 0) and f[0] == 0.0 and f[-1] == pytest.approx(0.75)
    assert solved_fraction([], [1.0, 2.0]).tolist() == [0.0, 0.0]
