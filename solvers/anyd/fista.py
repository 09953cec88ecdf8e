"""R-FISTA: accelerated proximal gradient with restarts and backtracking (docs/math.md section 7).

It minimizes a group lasso ``1/2 ||A x - y||^2 + beta sum_b ||x_b||`` (optionally with each block confined to
a closed convex cone, handled inside the proximal map):

    x+  = prox_{s beta ||.||}( y_k - s A^T (A y_k - y) )          group soft-thresholding
          prox(u) = max(0, 1 - s beta / ||u||) u                  (after projection onto the block's cone)
    y_{k+1} = x+ + (t_k - 1)/t_{k+1} (x+ - x_k),   t_{k+1} = (1 + sqrt(1 + 4 t_k^2)) / 2

* **Step size.** ``s`` starts at ``1/L`` with ``L`` a power-iteration estimate of ``||A||^2`` and is chosen by
  backtracking: ``s`` is halved until the quadratic upper bound
  ``f(x+) <= f(y) + <grad f(y), x+ - y> + ||x+ - y||^2 / (2 s)`` holds, and grows by 10 % after every step
  (the local curvature is usually far below ``||A||^2``).
* **Restarts.** The momentum restarts (``t = 1``) whenever the step makes an obtuse angle with the gradient
  mapping, ``<y_k - x+, x+ - x_k> > 0`` (O'Donoghue and Candes, 2015), and whenever the caller changes the
  problem (new blocks, new cone cuts).
* **Cost.** ``A x`` is linear, so ``A y_{k+1} = A x+ + mom (A x+ - A x_k)`` costs nothing: one ``forward`` per
  trial step and one ``adjoint`` per iteration.

Stopping is the caller's: ``check(x, pred)`` runs every ``check_every`` iterations and returns True to stop
(the drivers stop on the program's own duality gap).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

GROW = 1.1
"""Step-size growth after each accepted step."""


def group_shrink(V: np.ndarray, threshold: float) -> np.ndarray:
    """Group soft-thresholding: ``max(0, 1 - threshold / ||v_b||) v_b`` for each row ``v_b``."""
    nv = np.linalg.norm(V, axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(nv > threshold, 1.0 - threshold / nv, 0.0)
    return V * scale


@dataclass
class FistaRun:
    """Where a run of :func:`rfista` ended."""

    x: np.ndarray  # (B, k) blocks
    pred: np.ndarray  # A x
    step: float
    n_iter: int
    stopped: bool  # check() returned True
    n_restarts: int = 0


def rfista(
    design,
    y: np.ndarray,
    beta: float,
    x0: np.ndarray,
    step: float,
    max_iter: int,
    prox: Callable[[np.ndarray, float], np.ndarray] | None = None,
    check: Callable[[np.ndarray, np.ndarray], bool] | None = None,
    check_every: int = 10,
) -> FistaRun:
    """Run R-FISTA from ``x0`` for at most ``max_iter`` iterations (``prox(V, s)``: the proximal map of
    ``s beta sum ||.||`` plus any cone constraints; default plain group soft-thresholding)."""
    if prox is None:
        def prox(V, s):
            return group_shrink(V, s * beta)
    x = x0
    ax = design.forward(x)
    yv, ay = x, ax
    t = 1.0
    restarts = 0
    for it in range(1, max_iter + 1):
        ry = ay - y
        fy = 0.5 * float(ry @ ry)
        gy = design.adjoint(ry)
        while True:
            xp = prox(yv - step * gy, step)
            axp = design.forward(xp)
            dx = xp - yv
            rp = axp - y
            fp = 0.5 * float(rp @ rp)
            if fp <= fy + float(np.sum(gy * dx)) + float(np.sum(dx * dx)) / (2.0 * step) + 1e-13 * abs(fy):
                break
            step *= 0.5
        restart = float(np.sum((yv - xp) * (xp - x))) > 0.0
        if restart:
            restarts += 1
            t_next, mom = 1.0, 0.0
        else:
            t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
            mom = (t - 1.0) / t_next
        yv = xp + mom * (xp - x)
        ay = axp + mom * (axp - ax)
        x, ax, t = xp, axp, t_next
        step *= GROW
        if check is not None and it % check_every == 0 and check(x, ax):
            return FistaRun(x, ax, step, it, True, restarts)
    return FistaRun(x, ax, step, max_iter, False, restarts)
