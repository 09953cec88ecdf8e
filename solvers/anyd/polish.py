"""Newton polish of a sampled program's solution on its support (docs/math.md sections 2 and 7).

First-order iterations identify the support (which blocks are nonzero) and, for the ReLU program, the face
of each block's cone (its binding cuts) long before they reach a tight gap.  On that support the program is
smooth: with ``B_b`` an orthonormal basis of the face's span (the identity for a gated block or a block
inside its cone) and ``x_b = B_b xi_b``,

    min over xi of  1/2 || sum_b s_b D_b Z B_b xi_b - y ||^2 + beta sum_b ||xi_b||        (||B xi|| = ||xi||)

a group lasso with small blocks, smooth where every block is nonzero, solved by Newton's method with an
Armijo line search (:func:`newton_group_lasso`).  The result is only a candidate: the caller keeps it only
if every block still lies in its cone and the program's own duality gap (pricing every block) is smaller
than before.
"""

from __future__ import annotations

import numpy as np

POLISH_ENTRIES = 10_000_000
"""Largest ``n x (sum of block dimensions)`` matrix the polish builds."""

POLISH_UNKNOWNS = 800
"""Largest number of unknowns on the support (its Hessian is dense and factored at each step)."""


def newton_group_lasso(A: np.ndarray, offsets: np.ndarray, y: np.ndarray, beta: float, x: np.ndarray,
                       iters: int = 30) -> np.ndarray:
    """Newton's method for ``1/2 ||A x - y||^2 + beta sum_b ||x_b||`` on blocks that stay nonzero: gradient
    ``A^T (A x - y) + beta x_b / ||x_b||``, Hessian ``A^T A + beta (I - u_b u_b^T) / ||x_b||`` per block, an
    Armijo backtracking line search; a block that shrinks to ``1e-9`` of the largest is set to zero and
    left out."""
    seg = np.repeat(np.arange(offsets.size - 1), np.diff(offsets))
    G = A.T @ A

    def norms(v):
        return np.sqrt(np.bincount(seg, weights=v * v, minlength=offsets.size - 1))

    def objective(v):
        r = A @ v - y
        return 0.5 * float(r @ r) + beta * float(norms(v).sum())

    f = objective(x)
    scale = max(1.0, float(np.linalg.norm(A.T @ y)))
    for _ in range(iters):
        nb = norms(x)
        on = nb > 1e-9 * nb.max(initial=0.0)
        x = np.where(on[seg], x, 0.0)
        idx = np.flatnonzero(on[seg])
        if not idx.size:
            break
        sg = seg[idx]
        unit = x[idx] / nb[sg]
        grad = A[:, idx].T @ (A @ x - y) + beta * unit
        if np.linalg.norm(grad) <= 1e-13 * scale:
            break
        H = G[np.ix_(idx, idx)]
        same = sg[:, None] == sg[None, :]
        H = H + np.where(same, (beta / nb[sg])[:, None] * (np.eye(idx.size) - unit[:, None] * unit[None, :]), 0.0)
        try:
            step = -np.linalg.solve(H, grad)
        except np.linalg.LinAlgError:
            step = -np.linalg.lstsq(H, grad, rcond=1e-13)[0]
        slope = float(grad @ step)
        if slope >= 0:
            break
        t = 1.0
        for _ in range(30):
            trial = x.copy()
            trial[idx] += t * step
            ft = objective(trial)
            if ft <= f + 1e-4 * t * slope:
                break
            t *= 0.5
        else:
            break
        x, f = trial, ft
    return x


def face_basis(A: np.ndarray, k: int) -> np.ndarray:
    """Orthonormal basis (k, r) of ``{u : A u = 0}`` (the identity without rows)."""
    if A.shape[0] == 0:
        return np.eye(k)
    _, s, vt = np.linalg.svd(A, full_matrices=True)
    rank = int(np.sum(s > 1e-10 * (s[0] if s.size else 1.0)))
    return vt[rank:].T


def newton_polish(Z, y, mask, beta, blocks, signs, pattern_of, bases=None, iters: int = 30):
    """Newton on the nonzero blocks (each restricted to its ``bases[b]`` span when given); returns the
    polished ``(B, k)`` blocks, or None when the support is too large to polish."""
    live = np.flatnonzero(np.linalg.norm(blocks, axis=1) > 0)
    if not live.size:
        return None
    n, k = Z.shape
    Bs = [bases[b] if bases is not None else None for b in live]
    dims = [k if B is None else B.shape[1] for B in Bs]
    if sum(dims) > POLISH_UNKNOWNS or n * sum(dims) > POLISH_ENTRIES or min(dims) == 0:
        return None
    cols, xi = [], []
    for b, B in zip(live, Bs):
        F = signs[b] * mask[:, [pattern_of[b]]] * Z
        cols.append(F if B is None else F @ B)
        xi.append(blocks[b] if B is None else B.T @ blocks[b])
    offsets = np.concatenate([[0], np.cumsum(dims)]).astype(int)
    x = newton_group_lasso(np.hstack(cols), offsets, y, beta, np.concatenate(xi), iters)
    out = np.zeros_like(blocks)
    for j, (b, B) in enumerate(zip(live, Bs)):
        part = x[offsets[j] : offsets[j + 1]]
        out[b] = part if B is None else B @ part
    return out
