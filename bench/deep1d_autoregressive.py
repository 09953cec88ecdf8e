"""Autoregressive example: predict next year's Nile flow (solvers/deep1d/nile.csv, 1871-1970, public domain) from this
year's with a deep narrow ReLU network, trained exactly as a Lasso (DeepLasso1D) and by Adam on the same
architecture from random starts; prints the training objective (N) of docs/math.md section 5 for both.
Run: .venv/bin/python bench/deep1d_autoregressive.py [--beta 0.05] [--steps 3000] [--depths 2 3 4]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from solvers.deep1d import autoregressive_example  # noqa: E402


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--beta", type=float, default=0.05)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--depths", type=int, nargs="+", default=[2, 3, 4])
    args = ap.parse_args(argv)
    for depth in args.depths:
        autoregressive_example(depth, args.beta, steps=args.steps, lr=args.lr, seeds=tuple(args.seeds))


if __name__ == "__main__":
    main()
