"""Task records as tables: the CSV files under ``results/`` and their way back into records.

* ``<experiment>_runs.csv``: one row per task (problem, method, seed, status, error, objective, seconds,
  tuning seconds, chosen step size, train/validation MSE, ...);
* ``<experiment>_traces.csv``: the ``(seconds, objective)`` checkpoints of every successful task;
* ``uci_profile.csv``: the performance profile (method, tolerance, timing, seconds, fraction).

Only pandas and numpy are used, so the app can read the tables without the experiment's dependencies.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

RUN_COLUMNS = (
    "task_id", "experiment", "dataset", "problem", "beta_index", "beta_fraction", "beta", "method", "seed", "status",
    "error", "objective", "seconds", "tuning_seconds", "converged", "relative_gap", "lr", "width", "patterns",
    "iterations", "n", "d", "n_val", "n_full", "train_mse", "val_mse", "task_kind", "note", "grid",
)
TRACE_COLUMNS = ("task_id", "experiment", "problem", "method", "seed", "seconds", "objective")


def runs_frame(records) -> pd.DataFrame:
    """One row per record (missing fields empty; the step-size grid as JSON text)."""
    rows = []
    for r in records:
        row = {c: r.get(c) for c in RUN_COLUMNS}
        row["grid"] = json.dumps(r.get("grid") or {})
        row["error"] = r.get("error") or ""
        rows.append(row)
    return pd.DataFrame(rows, columns=list(RUN_COLUMNS))


def traces_frame(records) -> pd.DataFrame:
    """The checkpoints of the successful records, one row each."""
    rows = []
    for r in records:
        if r.get("status") != "ok":
            continue
        for s, p in zip(r.get("trace_seconds") or [], r.get("trace_objective") or []):
            rows.append((r["task_id"], r["experiment"], r["problem"], r["method"], r["seed"], s, p))
    return pd.DataFrame(rows, columns=list(TRACE_COLUMNS))


def records_from_frames(runs: pd.DataFrame, traces: pd.DataFrame) -> list[dict]:
    """Records (as :mod:`experiments.profile` reads them) rebuilt from the two tables."""
    grouped = {k: g for k, g in traces.groupby("task_id")} if len(traces) else {}
    out = []
    for row in runs.to_dict("records"):
        rec = {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
        g = grouped.get(rec["task_id"])
        rec["trace_seconds"] = g["seconds"].tolist() if g is not None else []
        rec["trace_objective"] = g["objective"].tolist() if g is not None else []
        out.append(rec)
    return out


def write_tables(out: Path, experiment: str, records) -> dict:
    """Write ``<experiment>_runs.csv`` and ``<experiment>_traces.csv``; returns their paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"runs": out / f"{experiment}_runs.csv", "traces": out / f"{experiment}_traces.csv"}
    runs_frame(records).to_csv(paths["runs"], index=False)
    traces_frame(records).to_csv(paths["traces"], index=False, float_format="%.6g")
    return paths


def read_tables(out: Path, experiment: str) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The two tables of an experiment, or ``None`` if they are not there."""
    out = Path(out)
    runs, traces = out / f"{experiment}_runs.csv", out / f"{experiment}_traces.csv"
    if not runs.exists() or not traces.exists():
        return None
    return pd.read_csv(runs, keep_default_na=False, na_values=[""]), pd.read_csv(traces)


def mean_by(runs: pd.DataFrame, value: str, methods) -> pd.DataFrame:
    """Mean, min and max of ``value`` over the seeds, per beta fraction and method (successful runs)."""
    ok = runs[(runs["status"] == "ok") & runs["method"].isin(methods)]
    g = ok.groupby(["beta_fraction", "method"])[value]
    return g.agg(["mean", "min", "max", "count"]).reset_index()
