"""The autoregressive example: next year's flow of the Nile from this year's, convex deep vs Adam."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .estimator import DeepLasso1D
from .network import train_adam

NILE_CSV = Path(__file__).resolve().parent / "nile.csv"
"""The annual flow of the Nile at Aswan, 1871-1970 (public domain; source in the file's header)."""

def load_nile() -> tuple[np.ndarray, np.ndarray]:
    """Years and annual flow of the Nile at Aswan, 1871-1970 (10^8 m^3; public domain), shipped with the package."""
    rows = [ln.strip() for ln in NILE_CSV.read_text().splitlines()]
    rows = [ln for ln in rows if ln and not ln.startswith("#")][1:]
    data = np.array([[float(v) for v in ln.split(",")] for ln in rows])
    return data[:, 0].astype(int), data[:, 1]


def autoregressive_example(
    depth: int = 3, beta: float = 0.05, *, steps: int = 3000, lr: float = 0.01, seeds=(0, 1, 2), width=None,
    verbose: bool = True,
) -> dict:
    """Predict next year's Nile flow from this year's: ``(x_t, x_{t+1})`` pairs of the standardized series,
    fit by :class:`DeepLasso1D` and by Adam on the same architecture (``width`` units, default twice the
    Lasso's), printing both objectives (N)."""
    _, flow = load_nile()
    s = (flow - flow.mean()) / flow.std()
    x, y = s[:-1], s[1:]
    est = DeepLasso1D(depth=depth, beta=beta).fit(x, y)
    m = width if width is not None else max(4, 2 * est.n_units_)
    adam = []
    for seed in seeds:
        net, hist = train_adam(x, y, depth, beta, width=m, steps=steps, lr=lr, seed=seed)
        adam.append(net.objective(x, y, beta))
    out = {
        "depth": depth,
        "beta": beta,
        "n_pairs": int(x.size),
        "lasso_objective": est.objective_,
        "network_objective": est.network_objective_,
        "n_units": est.n_units_,
        "reflection_units": sum(f.kind == "reflection" for f in est.features_),
        "dictionary_size": est.dictionary_size_,
        "kkt_violation": est.kkt_violation_,
        "fit_seconds": est.fit_time_,
        "adam_width": m,
        "adam_objectives": adam,
    }
    if verbose:
        print(
            f"Nile AR(1), depth {depth}, beta {beta:g}, {x.size} pairs: convex (Lasso) {est.objective_:.6f}, "
            f"its network {est.network_objective_:.6f} ({est.n_units_} units, "
            f"{out['reflection_units']} with a reflection; dictionary {est.dictionary_size_}; "
            f"{est.fit_time_:.2f} s); Adam width {m}, {steps} steps: "
            + ", ".join(f"{a:.6f}" for a in adam)
        )
    return out
