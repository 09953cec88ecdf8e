"""The verdicts on the seed article's three claims, computed from the CSV tables, and ``summary.md``.

* Claim 1 (ECG): the convex ReLU network's training objective is lower than SGD's, at every beta (mean over
  the seeds); Adam's is shown beside it.
* Claim 2 (UCI): convex ReLU solves a larger fraction of the problems than SGD and Adam to relative
  tolerances 1, 0.5 and 0.1 of the best objective found (at the end of the time axis, and with the step-size
  tuning of SGD and Adam counted or not).
* Claim 3 (NYSE): the convex ReLU network's validation MSE is lower than SGD's and Adam's, per beta and at
  each method's best beta.

The gated program's value is a relaxation's (not a ReLU network's) and is reported beside the claims only.
"""

from __future__ import annotations

import pandas as pd

from .tables import mean_by

NONCONVEX = ("sgd", "adam")
NAMES = {"relu": "convex ReLU", "gated": "gated ReLU", "sgd": "SGD", "adam": "Adam"}


def _ratio(a: float, b: float) -> str:
    """``a`` relative to ``b``: ``(a - b) / b`` as a percentage lower or higher."""
    rel = (a - b) / b
    return f"{-rel:.1%} lower" if rel < 0 else f"{rel:.1%} higher"


def compare_series(runs: pd.DataFrame, value: str, against=NONCONVEX) -> tuple[bool, list[str]]:
    """Per beta: the mean over seeds of ``value`` for convex ReLU against SGD and Adam; the claim holds if
    convex ReLU is lower at every beta than each method of ``against``."""
    stats = mean_by(runs, value, ("relu", "gated", *NONCONVEX))
    lines, held = [], True
    for f, g in stats.groupby("beta_fraction"):
        means = dict(zip(g["method"], g["mean"]))
        if "relu" not in means:
            held = False
            lines.append(f"beta = {f:g} beta_max: convex ReLU has no successful run")
            continue
        parts = []
        for m in NONCONVEX:
            if m in means:
                if m in against:
                    held &= bool(means["relu"] < means[m])
                parts.append(f"{NAMES[m]} {means[m]:.5g} ({_ratio(means['relu'], means[m])})")
            elif m in against:
                held = False
        gated = f"; gated relaxation {means['gated']:.5g}" if "gated" in means else ""
        lines.append(f"beta = {f:g} beta_max: convex ReLU {means['relu']:.5g} vs "
                     + (", ".join(parts) or "no SGD or Adam run") + gated)
    return held, lines


def compare_variant(runs: pd.DataFrame, value: str, variant: str, against=NONCONVEX) -> tuple[bool, list[str]]:
    """The same comparison for a convex variant (e.g. ``relu-1000``, more patterns); ``(False, [])`` if absent."""
    if variant not in set(runs["method"]):
        return False, []
    renamed = runs[runs["method"] != "relu"].replace({"method": {variant: "relu"}})
    held, lines = compare_series(renamed[renamed["method"].isin(("relu", *NONCONVEX))], value, against)
    p = variant.partition("-")[2]
    return held, [ln.replace("convex ReLU", f"convex ReLU with {p} gates") for ln in lines]


def best_beta(runs: pd.DataFrame, value: str) -> dict:
    """Each method's lowest mean-over-seeds ``value`` over the betas, and that beta fraction."""
    stats = mean_by(runs, value, ("relu", "gated", *NONCONVEX))
    out = {}
    for m, g in stats.groupby("method"):
        row = g.loc[g["mean"].idxmin()]
        out[m] = (float(row["mean"]), float(row["beta_fraction"]))
    return out


def profile_verdict(profile: pd.DataFrame) -> tuple[bool, list[str]]:
    """The final fractions (largest time of the grid) of each method at each tolerance and timing."""
    lines, held = [], True
    last = profile[profile["seconds"] == profile.groupby(["method", "tol", "timing"])["seconds"].transform("max")]
    for timing in ("per run", "with tuning"):
        for tol in sorted(last["tol"].unique(), reverse=True):
            g = last[(last["tol"] == tol) & (last["timing"] == timing)]
            frac = dict(zip(g["method"], g["fraction"]))
            if "relu" not in frac:
                continue
            ok = all(frac["relu"] > frac.get(m, -1) for m in NONCONVEX if m in frac)
            held &= ok
            lines.append(f"tolerance {tol:g}, SGD/Adam time {timing}: convex ReLU {frac['relu']:.1%}, SGD "
                         f"{frac.get('sgd', float('nan')):.1%}, Adam {frac.get('adam', float('nan')):.1%}"
                         f" -> {'convex ahead' if ok else 'convex not ahead'}")
    return held, lines


def profile_at(profile: pd.DataFrame, seconds: float, timing: str = "with tuning") -> str:
    """The fractions solved at the last grid time ``<= seconds`` for each tolerance (one line)."""
    g = profile[(profile["timing"] == timing) & (profile["seconds"] <= seconds)]
    if g.empty:
        return f"at {seconds:g} s: no time of the grid is that early"
    g = g[g["seconds"] == g["seconds"].max()]
    parts = []
    for tol in sorted(g["tol"].unique(), reverse=True):
        frac = dict(zip(g[g["tol"] == tol]["method"], g[g["tol"] == tol]["fraction"]))
        parts.append(f"tolerance {tol:g}: " + ", ".join(f"{NAMES.get(m, m)} {frac[m]:.0%}" for m in
                                                      ("relu", "sgd", "adam") if m in frac))
    return f"at {seconds:g} s (SGD/Adam time {timing}): " + "; ".join(parts)


def failures(runs: pd.DataFrame) -> str:
    bad = runs[runs["status"] != "ok"]
    if bad.empty:
        return "no task failed"
    first = bad.iloc[0]
    return f"{len(bad)} of {len(runs)} tasks failed (first: {first['task_id']}: {first['error']})"


def held_text(held: bool) -> str:
    return "**held**" if held else "**did not hold**"


def write_summary(path, sections: dict, notes: list[str], header: str = "", images: dict | None = None) -> str:
    """Write ``summary.md`` from ``sections`` ({title: (held, lines, extra)}) and ``images`` ({caption: file},
    shown as Markdown images at the end); returns its text."""
    out = ["# Results: the seed article's three experiments", ""]
    if header:
        out += [header, ""]
    for title, (held, lines, extra) in sections.items():
        out += [f"## {title}", "", f"Verdict: {held_text(held) if held is not None else 'not run'}.", ""]
        out += [f"* {ln}" for ln in lines]
        if extra:
            out += ["", *extra]
        out.append("")
    if notes:
        out += ["## Differences from the seed article", ""] + [f"* {n}" for n in notes] + [""]
    if images:
        out += ["## Figures", ""] + [f"![{cap}]({name})\n" for cap, name in images.items()]
    text = "\n".join(out)
    with open(path, "w") as fh:
        fh.write(text)
    return text
