"""The verdicts are computed from the tables: checked on hand-made tables."""

import pandas as pd

from experiments.summary import best_beta, compare_series, profile_verdict


def runs(values):
    rows = [{"status": "ok", "beta_fraction": f, "method": m, "seed": s, "objective": v}
            for (f, m), vs in values.items() for s, v in enumerate(vs)]
    return pd.DataFrame(rows)


def test_series_claim_holds_only_if_lower_at_every_beta():
    table = runs({(0.1, "relu"): [1.0, 3.0], (0.1, "sgd"): [4.0, 4.0], (0.1, "adam"): [1.0, 1.0],
                  (0.01, "relu"): [1.0], (0.01, "sgd"): [1.5], (0.01, "adam"): [0.5]})
    held, lines = compare_series(table, "objective", against=("sgd",))
    assert held and "convex ReLU 2 vs SGD 4 (50.0% lower)" in lines[1]
    held, _ = compare_series(table, "objective", against=("sgd", "adam"))
    assert not held  # Adam is lower at both betas
    assert best_beta(table, "objective")["adam"] == (0.5, 0.01)


def test_profile_verdict_reads_the_last_time():
    rows = []
    for timing in ("per run", "with tuning"):
        for m, fr in (("relu", [0.2, 0.9]), ("sgd", [0.5, 0.8]), ("adam", [0.1, 0.7])):
            rows += [{"method": m, "tol": 0.1, "timing": timing, "seconds": s, "fraction": f}
                     for s, f in zip((1.0, 10.0), fr)]
    held, lines = profile_verdict(pd.DataFrame(rows))
    assert held and "convex ReLU 90.0%, SGD 80.0%, Adam 70.0%" in lines[0]
    rows[1]["fraction"] = 0.75  # convex ReLU's last point, per run, below SGD's
    held, lines = profile_verdict(pd.DataFrame(rows))
    assert not held and "convex not ahead" in lines[0]
