"""Benchmark: how often do SGD and Adam reach the certified optimum of the two-layer ReLU problem?

After Mishkin, Sahiner & Pilanci, "Fast Convex Optimization for Two-Layer ReLU Networks" (ICML 2022):
a fixed set of generated problems (XOR, spiral and circles from the page's presets, random labels, a
regression surface with noise; n points; three weight decays as fractions of the exact beta_max = phi(y)),
each solved to its certified optimum p* by ConvexReLU, and trained by four nonconvex methods:

    SGD full batch (momentum 0.9, constant step)     Adam full batch (constant step)
    SGD minibatches of 10 (momentum 0.9, cosine)     Adam minibatches of 10 (cosine)

each for the same number of updates (the step budget), from one seeded start, at every step size of a
grid; a problem counts as solved by a method at relative tolerance tol when the best final objective over
the step-size grid is within tol of p*: (p - p*) / p* <= tol.  The width of the trained networks is
max(20, 2 m*), m* the certified network's width.

It prints the fraction of problems solved at tol = 1e-1, 1e-2, 1e-3 per method, with the median seconds of
the convex solver and of one training run, and saves a performance profile (the fraction of problems solved
against the tolerance) under results/ as HTML (plotly) and PNG (plotly + kaleido, when installed).

Run: .venv/bin/python bench/nonconvex_vs_convex.py [--quick]
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np

from app.presets import make_preset
from geometry import PlanarOracle
from solvers import ConvergenceWarning, ConvexReLU, NonconvexReLU

RESULTS = Path(__file__).resolve().parent.parent / "results"
TOLS = (1e-1, 1e-2, 1e-3)
FRACTIONS = (0.1, 0.03, 0.01)  # beta / beta_max
DATASETS = ("xor", "spiral", "circles", "random labels", "regression")
BATCH = 10
METHODS = {
    # label: (optimizer, batch_size, lr_schedule)
    "SGD full batch": ("sgd", None, "constant"),
    "Adam full batch": ("adam", None, "constant"),
    f"SGD minibatch {BATCH}": ("sgd", BATCH, "cosine"),
    f"Adam minibatch {BATCH}": ("adam", BATCH, "cosine"),
}


def make_data(name: str, n: int, seed: int):
    """(X, y, task) of data set ``name`` with ``n`` points."""
    if name in ("xor", "spiral", "circles"):
        pts = np.array(make_preset(name, n, 0.0, seed), float)
        return pts[:, :2], pts[:, 2], "classification"
    rng = np.random.default_rng(1000 + seed)
    X = rng.uniform(-0.9, 0.9, (n, 2))
    if name == "random labels":
        return X, rng.choice([-1.0, 1.0], n), "classification"
    y = np.sin(np.pi * X[:, 0]) * np.cos(0.5 * np.pi * X[:, 1]) + 0.1 * rng.standard_normal(n)
    return X, y, "regression"


def lr_grid(optimizer: str, quick: bool) -> np.ndarray:
    """Step sizes: decades (quick) or half-decades; SGD's objective is a sum over the points, so lower steps."""
    lo, hi = (-5, -1) if optimizer == "sgd" else (-4, -1)
    per = 1 if quick else 2
    return 10.0 ** np.linspace(lo, hi, (hi - lo) * per + 1)


def run(quick: bool):
    ns = (20, 50) if quick else (20, 50, 100, 200)
    steps = 1000 if quick else 5000
    rows = []  # one per problem: name, n, fraction, p*, convex seconds, {method: (best rel. error, seconds)}
    for name in DATASETS:
        for n in ns:
            X, y, task = make_data(name, n, seed=n)
            oracle = PlanarOracle(X)
            bmax = oracle.phi(y)
            for frac in FRACTIONS:
                beta = frac * bmax
                t0 = time.perf_counter()
                exact = ConvexReLU(beta=beta, task=task).fit(X, y, oracle=oracle)
                t_convex = time.perf_counter() - t0
                if not exact.certified_:
                    print(f"  skipped {name} n={n} beta={frac}*beta_max: {exact.certificate_reason_}")
                    continue
                p_star = exact.objective_
                width = max(20, 2 * exact.n_neurons_)
                res = {}
                for label, (opt, batch, sched) in METHODS.items():
                    best, secs = np.inf, []
                    for lr in lr_grid(opt, quick):
                        t0 = time.perf_counter()
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore", ConvergenceWarning)  # diverged runs just lose
                            warnings.simplefilter("ignore", RuntimeWarning)  # overflow certifying huge weights
                            m = NonconvexReLU(
                                beta=beta, task=task, width=width, optimizer=opt, lr=float(lr), steps=steps, seed=0,
                                batch_size=batch, lr_schedule=sched, record_every=steps,
                            ).fit(X, y, oracle=oracle)
                        secs.append(time.perf_counter() - t0)
                        best = min(best, (m.objective_ - p_star) / p_star)
                    res[label] = (best, float(np.median(secs)))
                rows.append((name, n, frac, p_star, t_convex, res))
                errs = "  ".join(f"{k}: {v[0]:.1e}" for k, v in res.items())
                print(f"  {name:>13} n={n:3d} beta={frac:<4}*beta_max  p*={p_star:.5g} ({t_convex:.2f}s)  {errs}",
                      flush=True)
    return rows, steps, ns


def table(rows, steps, quick):
    n_prob = len(rows)
    print(f"\n{n_prob} problems, {steps} updates per run, best over the step-size grid "
          f"({'decades' if quick else 'half-decades'}); fraction solved to relative tolerance of p*")
    head = f"{'method':<20}" + "".join(f"{'tol ' + format(t, '.0e'):>11}" for t in TOLS) + f"{'median s/run':>14}"
    print(head)
    print("-" * len(head))
    for label in METHODS:
        errs = np.array([r[5][label][0] for r in rows])
        secs = np.median([r[5][label][1] for r in rows])
        print(f"{label:<20}" + "".join(f"{np.mean(errs <= t):>11.2f}" for t in TOLS) + f"{secs:>14.3f}")
    conv = np.array([r[4] for r in rows])
    print(f"{'ConvexReLU (exact)':<20}" + "".join(f"{1.0:>11.2f}" for _ in TOLS) + f"{np.median(conv):>14.3f}"
          f"   (certified: relative duality gap <= 1e-6; max {conv.max():.2f}s)")


def profile(rows, quick):
    """Performance profile: fraction of problems whose best relative error is <= tol, against tol."""
    import plotly.graph_objects as go

    taus = 10.0 ** np.linspace(-6, 0, 121)
    fig = go.Figure()
    for label in METHODS:
        errs = np.array([r[5][label][0] for r in rows])
        fig.add_trace(go.Scatter(x=taus, y=[np.mean(errs <= t) for t in taus], mode="lines", name=label))
    fig.add_trace(go.Scatter(x=taus, y=np.where(taus >= 1e-6, 1.0, 0.0), mode="lines", name="ConvexReLU (certified)",
                             line=dict(dash="dash", color="black")))
    fig.update_layout(
        title=f"Fraction of {len(rows)} problems solved to relative tolerance of the certified optimum",
        xaxis_title="relative tolerance (p - p*) / p*", yaxis_title="fraction solved", xaxis_type="log",
        yaxis_range=[0, 1.05], width=800, height=500,
    )
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / ("nonconvex_vs_convex" + ("_quick" if quick else ""))
    fig.write_html(f"{stem}.html", include_plotlyjs=True)  # self-contained: opens offline
    print(f"saved {stem}.html")
    try:
        fig.write_image(f"{stem}.png")
        print(f"saved {stem}.png")
    except Exception as exc:  # kaleido (and a Chrome for it) missing: no PNG
        print(f"no PNG ({type(exc).__name__}: {exc}); install kaleido for one")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="n = 20, 50; 1000 updates; step sizes by decades")
    quick = ap.parse_args().quick
    rows, steps, _ = run(quick)
    table(rows, steps, quick)
    profile(rows, quick)


if __name__ == "__main__":
    main()
