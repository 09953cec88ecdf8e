"""The outputs of a run: CSV tables, the profile, HTML (and, where a Chrome is found, PNG) figures and
``summary.md``, all written from the stored task records."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

from . import plots
from .profile import TOLERANCES, profile, time_grid
from .summary import (best_beta, compare_series, compare_variant, failures, profile_at, profile_verdict,
                      write_summary)
from .tables import read_tables, records_from_frames, write_tables
from .tasks import LARGE_P, RELU_METHODS, Experiment, tasks_of

FIGURES = {
    "ecg": ("ecg_objective", "ecg_traces"),
    "uci": ("uci_profile",),
    "nyse": ("nyse_val_mse", "nyse_objective"),
}
"""The figure files of each experiment (``.html``, and ``.png`` when a PNG could be made)."""


def profile_frame(records) -> pd.DataFrame:
    """The UCI profile of the ReLU methods (``p*`` over them), per run and with the tuning time."""
    times = time_grid(records)
    rows = []
    for timing, tuned in (("per run", False), ("with tuning", True)):
        for r in profile(records, RELU_METHODS, times, TOLERANCES, with_tuning=tuned):
            rows.append({**r, "timing": timing})
    return pd.DataFrame(rows, columns=["method", "tol", "timing", "seconds", "fraction"])


def figures_of(experiment: str, runs: pd.DataFrame, traces: pd.DataFrame, prof: pd.DataFrame | None) -> dict:
    """The experiment's figures by file stem (pure: tables in, figures out)."""
    if experiment == "uci":
        return {"uci_profile": plots.profile_figure(prof)}
    methods = ("relu", "gated", "sgd", "adam", LARGE_P)
    if experiment == "ecg":
        mid = int(runs["beta_index"].median()) if len(runs) else 0
        return {
            "ecg_objective": plots.metric_figure(runs, "objective", methods, "ECG: training objective",
                                                 "training objective (canonical)"),
            "ecg_traces": plots.trace_figure(traces, runs, mid, ("relu", LARGE_P, "sgd", "adam"),
                                             "ECG: training objective against time (middle beta)"),
        }
    return {
        "nyse_val_mse": plots.metric_figure(runs, "val_mse", methods, "NYSE: validation MSE (standardized returns)",
                                            "validation MSE"),
        "nyse_objective": plots.metric_figure(runs, "objective", methods, "NYSE: training objective",
                                              "training objective (canonical)"),
    }


def chrome_path() -> str | None:
    """A Chrome or Chromium for kaleido's PNG export, if one is installed."""
    for name in (os.environ.get("BROWSER_PATH"), "chromium", "chromium-browser", "google-chrome"):
        if name and (shutil.which(name) or Path(name).exists()):
            return shutil.which(name) or name
    return None


PNG_SECONDS = 90
"""Longest wait for one PNG: kaleido drives a headless Chrome, which can hang on a loaded machine."""

_PNG_SCRIPT = ("import sys, plotly.io as pio; "
               "pio.from_json(sys.stdin.read()).write_image(sys.argv[1], width=1100, height=440, scale=1)")


def write_png(fig, path: Path, timeout: float = PNG_SECONDS) -> bool:
    """Write ``fig`` as a PNG through kaleido in a child process (killed after ``timeout`` s); True if made."""
    Path(path).unlink(missing_ok=True)  # never leave an older run's image behind
    try:
        subprocess.run([sys.executable, "-c", _PNG_SCRIPT, str(path)], input=fig.to_json(), text=True,
                       capture_output=True, timeout=timeout, check=True)
    except (subprocess.SubprocessError, OSError):
        return False
    return Path(path).exists()


def save_figure(fig, stem: Path, png: bool) -> list[str]:
    """``stem.html`` and, if ``png``, ``stem.png``.  The HTML files share one ``plotly.min.js`` beside them
    (written once per folder), so they open offline and each stays small."""
    fig.write_html(str(stem) + ".html", include_plotlyjs="directory", full_html=True)
    made = [stem.name + ".html"]
    if png and write_png(fig, Path(str(stem) + ".png")):  # PNGs are optional; the HTML file is the figure
        made.append(stem.name + ".png")
    return made


def write_experiment(out: Path, exp: Experiment, records, png: bool = True) -> dict:
    """Tables, profile and figures of one experiment; returns the files written."""
    out = Path(out)
    paths = write_tables(out, exp.name, records)
    runs, traces = read_tables(out, exp.name)
    prof = None
    if exp.name == "uci":
        prof = profile_frame(records_from_frames(runs, traces))
        prof.to_csv(out / "uci_profile.csv", index=False, float_format="%.6g")
        paths["profile"] = out / "uci_profile.csv"
    chrome = chrome_path() if png else None
    if chrome and not os.environ.get("BROWSER_PATH"):
        os.environ["BROWSER_PATH"] = chrome  # kaleido looks for a Chrome there first
    want_png = chrome is not None
    files = []
    for stem, fig in figures_of(exp.name, runs, traces, prof).items():
        files += save_figure(fig, out / stem, want_png)
    return {"tables": [p.name for p in paths.values()], "figures": files}


def _completeness(runs: pd.DataFrame, exp: Experiment) -> str:
    expected = len(tasks_of(exp))
    if len(runs) >= expected:
        return f"all {expected} tasks of this experiment finished"
    return f"only {len(runs)} of {expected} tasks finished: these results are a subset"


def _uci_notes(runs: pd.DataFrame) -> list[str]:
    n_sets = runs["dataset"].nunique()
    capped = runs.drop_duplicates("dataset")
    capped = capped[capped["n_full"] > capped["n"]]
    return [f"{runs['problem'].nunique()} problems from {n_sets} data sets and {runs['beta_index'].nunique()} betas "
            f"(the article: 73 x 6 = 438)",
            f"{len(capped)} data sets have more rows than the cap and use a fixed random subset of "
            f"{int(capped['n'].max()) if len(capped) else 0} rows" if len(capped) else "no data set was subsampled"]


def _variant_lines(runs: pd.DataFrame, value: str, against) -> list[str]:
    held, lines = compare_variant(runs, value, LARGE_P, against)
    if not lines:
        return []
    who = " and ".join({"sgd": "SGD", "adam": "Adam"}[m] for m in against)
    return lines + [f"with {LARGE_P.partition('-')[2]} gates (not the claim's configuration) convex ReLU is "
                    f"{'below' if held else 'not below'} {who} at every beta"]


def _zero_predictor(exp: Experiment) -> float | None:
    """The validation MSE of predicting 0 (the training mean), for scale; needs the data package."""
    try:
        from .series import nyse_problem

        sp = nyse_problem(exp.params["window"], n_days=exp.params.get("n_days"))
    except Exception:  # noqa: BLE001 - the baseline is context only
        return None
    return float((sp.y_val ** 2).mean())


def uci_excess(ok: pd.DataFrame) -> list[str]:
    """How far each ReLU method ends from the best objective found, ``(p - p*) / p*``, and its time."""
    relu_like = ok[ok["method"].isin(RELU_METHODS)]
    best = relu_like.groupby("problem")["objective"].transform("min")
    excess = (relu_like["objective"] - best) / best
    med = excess.groupby(relu_like["method"]).median()
    wins = (excess == 0).groupby(relu_like["method"]).mean()
    secs = ok.groupby("method")["seconds"].median()
    tune = ok.groupby("method")["tuning_seconds"].median()
    names = {"relu": "convex ReLU", "sgd": "SGD", "adam": "Adam", "gated": "gated ReLU"}
    return [
        "final objective, median of (p - p*) / p* over the problems: " + ", ".join(
            f"{names[m]} {med[m]:.3g}" for m in RELU_METHODS if m in med),
        "share of problems on which the method found the best objective: " + ", ".join(
            f"{names[m]} {wins[m]:.0%}" for m in RELU_METHODS if m in wins),
        "median seconds per problem: " + ", ".join(
            f"{names[m]} {secs[m]:.3g}" + (f" (whole step-size grid {tune[m]:.3g})" if m in ("sgd", "adam") else "")
            for m in ("relu", "gated", "sgd", "adam") if m in secs),
    ]


def write_report(out: Path, experiments: dict, header: str = "", notes: list[str] | None = None) -> str:
    """``summary.md`` from the tables of every experiment found under ``out``."""
    out = Path(out)
    sections, all_notes = {}, list(notes or [])
    t = read_tables(out, "ecg")
    if t is not None and "ecg" in experiments:
        runs, _ = t
        done_line = _completeness(runs, experiments["ecg"])
        held, lines = compare_series(runs, "objective", against=("sgd",))
        lines += _variant_lines(runs, "objective", ("sgd",))
        sections["Claim 1 - ECG: convex training reaches a lower training loss than SGD"] = (
            held, lines + [failures(runs), done_line],
            ["Training objective = the canonical objective (docs/math.md section 1) of the returned ReLU network "
             "on the training windows, mean over seeds. Figures: `ecg_objective.html`, `ecg_traces.html`."])
    t = read_tables(out, "uci")
    if t is not None and "uci" in experiments:
        runs, _ = t
        done_line = _completeness(runs, experiments["uci"])
        prof = pd.read_csv(out / "uci_profile.csv")
        held, lines = profile_verdict(prof)
        ok = runs[runs["status"] == "ok"]
        gated = ok[ok["method"] == "gated"].set_index("problem")["objective"]
        relu = ok[ok["method"] == "relu"].set_index("problem")["objective"]
        common = gated.index.intersection(relu.index)
        below = float((gated[common] <= relu[common] * (1 + 1e-6)).mean()) if len(common) else float("nan")
        lines += [profile_at(prof, t) for t in (1.0, 10.0)]
        lines += uci_excess(ok)
        sections["Claim 2 - UCI: convex training solves more problems to a relative tolerance than SGD and Adam"] = (
            held, lines + [failures(runs), done_line],
            [f"Gated ReLU (a relaxation on the same patterns; not in the profile): its program value is at most "
             f"the convex ReLU program's on {below:.0%} of the problems, as a relaxation's must be up to "
             f"the solvers' tolerance.", "Figure: `uci_profile.html`; table: `uci_profile.csv`."])
        all_notes += _uci_notes(runs)
    t = read_tables(out, "nyse")
    if t is not None and "nyse" in experiments:
        runs, _ = t
        done_line = _completeness(runs, experiments["nyse"])
        held, lines = compare_series(runs, "val_mse", against=("sgd", "adam"))
        lines += _variant_lines(runs, "val_mse", ("sgd", "adam"))
        zero = _zero_predictor(experiments["nyse"])
        best = best_beta(runs[runs["method"] != LARGE_P], "val_mse")
        if zero is not None:
            beat = [plots.LABELS.get(m, m) for m, (v, _) in sorted(best.items()) if v < zero]
            lines.append(f"for scale: predicting the training mean (0) gives validation MSE {zero:.5g}; "
                         + (f"below it at their best beta: {', '.join(beat)}" if beat else
                            "no method's validation MSE is below it at any beta"))
        held_best = "relu" in best and all(best["relu"][0] < best[m][0] for m in ("sgd", "adam") if m in best)
        lines.append("at each method's best beta: " + ", ".join(
            f"{plots.LABELS.get(m, m)} {v:.5g} (beta = {f:g} beta_max)" for m, (v, f) in sorted(best.items())))
        lines.append(f"at the best beta convex ReLU is {'lower' if held_best else 'not lower'} than both SGD and Adam")
        sections["Claim 3 - NYSE: convex training reaches a lower validation MSE than SGD and Adam"] = (
            held and held_best, lines + [failures(runs), done_line],
            ["Validation MSE on the last 20 % of the days (standardized daily log returns, on the "
             "training part's scale). Verdict: held only if lower at every beta and at the best beta. "
             "Figures: `nyse_val_mse.html`, `nyse_objective.html`."])
    captions = {"ecg_objective": "ECG: training objective per beta", "ecg_traces": "ECG: objective against time",
                "uci_profile": "UCI performance profile", "nyse_val_mse": "NYSE: validation MSE per beta",
                "nyse_objective": "NYSE: training objective per beta"}
    images = {cap: f"{stem}.png" for stem, cap in captions.items() if (out / f"{stem}.png").exists()}
    return write_summary(out / "summary.md", sections, all_notes, header, images)
