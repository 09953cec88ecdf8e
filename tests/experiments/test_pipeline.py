"""The sweep on a LocalCluster of 2 workers: resume, recorded failures, and the quick run end to end."""

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from experiments.__main__ import main
from experiments.runner import local_client, run_tasks
from experiments.store import TaskStore
from experiments.tasks import EXPERIMENTS, QUICK, tasks_of


@pytest.fixture(scope="module")
def client():
    c = local_client(2)
    yield c
    cluster = c.cluster
    c.close()
    cluster.close()


def test_finished_tasks_are_not_run_again_and_a_failure_is_recorded(client, tmp_path):
    store = TaskStore(tmp_path / "store")
    good = [t for t in tasks_of(QUICK["uci"]) if t.dataset == "iris" and t.beta_index == 0][:2]
    bad = replace(good[0], dataset="no-such-data-set")  # a deliberately failing task
    counts = run_tasks([*good, bad], store, client, progress=False)
    assert counts == {"total": 3, "skipped": 0, "ok": 2, "failed": 1}
    failed = store.load(bad.id)
    assert failed["status"] == "failed" and "no-such-data-set" in failed["error"] and "KeyError" in failed["error"]
    mtimes = {t.id: store.path(t.id).stat().st_mtime_ns for t in good}
    again = run_tasks([*good, bad], store, client, progress=False)
    assert again == {"total": 3, "skipped": 3, "ok": 0, "failed": 0}
    assert {t.id: store.path(t.id).stat().st_mtime_ns for t in good} == mtimes  # untouched
    retried = run_tasks([*good, bad], store, client, progress=False, retry_failed=True)
    assert retried["skipped"] == 2 and retried["failed"] == 1


def test_the_quick_run_end_to_end(client, tmp_path):
    out = tmp_path / "results"
    assert main(["all", "--quick", "--out", str(out), "--scheduler", client.scheduler.address, "--no-progress",
                 "--no-png"]) == 0
    summary = (out / "summary.md").read_text()
    for name in EXPERIMENTS:
        tasks = tasks_of(QUICK[name])
        runs = pd.read_csv(out / f"{name}_runs.csv", keep_default_na=False, na_values=[""])
        assert sorted(runs["task_id"]) == sorted(t.id for t in tasks)  # one row for every task
        assert (runs["status"] == "ok").all(), runs["error"].tolist()
        assert np.all(np.isfinite(runs["objective"])) and np.all(runs["seconds"] > 0)
        traces = pd.read_csv(out / f"{name}_traces.csv")
        assert set(traces["task_id"]) == set(runs["task_id"])
        # each run's reported objective is the last point of its trace
        last = traces.groupby("task_id")["objective"].last()
        np.testing.assert_allclose(last[runs["task_id"]].to_numpy(), runs["objective"].to_numpy(), rtol=1e-5)
        assert (out / f"{name}_runs.csv").exists()
    assert "Claim 1 - ECG" in summary and "Claim 2 - UCI" in summary and "Claim 3 - NYSE" in summary
    nyse = pd.read_csv(out / "nyse_runs.csv")
    assert np.all(nyse["val_mse"] > 0)
    prof = pd.read_csv(out / "uci_profile.csv")
    assert prof["fraction"].between(0.0, 1.0).all()
    for _, g in prof.groupby(["method", "tol", "timing"]):
        assert np.all(np.diff(g.sort_values("seconds")["fraction"].to_numpy()) >= 0)
    # looser tolerances solve at least as many problems
    final = prof[prof["seconds"] == prof["seconds"].max()].set_index(["method", "timing", "tol"])["fraction"]
    for (m, timing), g in final.groupby(level=[0, 1]):
        vals = g.droplevel([0, 1]).sort_index(ascending=False).to_numpy()  # tol 1, 0.5, 0.1
        assert np.all(np.diff(vals) <= 0)
    for stem in ("ecg_objective", "uci_profile", "nyse_val_mse"):
        assert (out / f"{stem}.html").stat().st_size > 1000
    log = json.loads((out / "run_log.json").read_text())
    assert log[-1]["counts"]["failed"] == 0
    # a second run resumes: nothing is run again
    assert main(["all", "--quick", "--out", str(out), "--scheduler", client.scheduler.address, "--no-progress",
                 "--no-png"]) == 0
    log = json.loads((out / "run_log.json").read_text())
    assert log[-1]["counts"]["skipped"] == log[-1]["counts"]["total"] and log[-1]["counts"]["ok"] == 0
