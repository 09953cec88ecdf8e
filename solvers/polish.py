"""Polishing a convex-twin solution: exact sparsification and a Newton refinement on its faces.

**Sparsification (Caratheodory).**  Write a solution as ``f = sum_j c_j s_j (Z e_j)_+`` with unit
directions ``e_j``, signs ``s_j`` and masses ``c_j >= 0`` (``c_j = ||u_j|| |a_j|`` for a balanced neuron,
``||v_i||`` for a block); its objective ``1/2 ||f(X) - y||^2 + beta sum_j c_j`` is linear in ``c`` through
``f``.  Moving ``c`` along a null vector of ``[s_j (Z e_j)_+ ; 1]`` ((n + 1) x m) changes neither the
training outputs nor the penalty, so stepping until a mass reaches zero removes a term at no cost;
repeating leaves at most ``n + 1`` terms (docs/math.md section 2).

**Newton refinement.**  An interior-point solution is accurate in objective value but only to about the
square root of that in the residual, which is what the dual certificate needs.  Each nonzero block ``u_i``
lies on a face of its cone ``K_i = {(2 D_i - I) Z u >= 0}``: the constraints it makes tight (its neuron's
line passes through those points) are kept as equalities, ``u_i = N_i theta_i`` with ``N_i`` an orthonormal
basis of their null space, and

    min over theta of  1/2 || sum_i s_i D_i Z N_i theta_i - y ||^2 + beta sum_i ||theta_i||

is smooth near the solution (every ``theta_i != 0``), so Newton's method with a feasibility ratio test
(a constraint that becomes tight joins the face) converges to machine accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg

from geometry import lift

from .group_lasso import GroupLasso
from .network import ReLUNetwork, network_from_blocks

NULL_RTOL = 1e-10
"""Singular values below this fraction of the largest count as zero in null-space computations."""

TIGHT_RTOL = 1e-6
"""A cone constraint with ``|z_j . u| <= TIGHT_RTOL ||z_j|| ||u||`` is tight (the neuron's line passes z_j)."""


def full_svd(M: np.ndarray):
    """``M = U diag(s) V^T`` with square ``U``, ``V``; LAPACK's divide-and-conquer driver can fail to
    converge on some finite matrices, and the QR-iteration driver then takes over."""
    try:
        return np.linalg.svd(M, full_matrices=True)
    except np.linalg.LinAlgError:
        return scipy.linalg.svd(M, full_matrices=True, lapack_driver="gesvd")


def right_svd(M: np.ndarray):
    """``(s, V^T)`` of ``M = U diag(s) V^T`` with square ``V^T`` (its last rows span the null space), without the
    square ``U`` that :func:`full_svd` builds: for a tall ``M`` (rows ``>=`` columns) the thin SVD already has a
    square ``V^T``, at a fraction of the cost."""
    full = M.shape[0] < M.shape[1]
    try:
        _, sv, Vt = np.linalg.svd(M, full_matrices=full)
    except np.linalg.LinAlgError:
        _, sv, Vt = scipy.linalg.svd(M, full_matrices=full, lapack_driver="gesvd")
    return sv, Vt


def singular_values(M: np.ndarray) -> np.ndarray:
    """The singular values of ``M`` alone (no singular vectors: a rank test)."""
    try:
        return np.linalg.svd(M, compute_uv=False)
    except np.linalg.LinAlgError:
        return scipy.linalg.svd(M, compute_uv=False, lapack_driver="gesvd")


def caratheodory_masses(F: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Masses ``c' >= 0`` with ``F c' = F c`` and ``sum c' = sum c`` whose support has linearly independent
    columns of ``[F; 1]`` (at most ``rows + 1`` nonzeros); ``F`` holds the signed features as columns.

    One SVD gives the null space of ``[F; 1]`` on the support; each null vector in turn moves the masses
    until one reaches zero, and that coordinate is eliminated from the remaining null vectors.  A final
    SVD confirms independence (and, should rounding have left a dependence, removes it step by step)."""
    c = np.asarray(c, float).copy()
    alive = np.flatnonzero(c > 0.0)
    if alive.size <= 1 or _independent(F[:, alive]):
        return c  # the usual outcome between the solver's rounds: one SVD without singular vectors
    fast = _eliminate_null_space(F[:, alive], c[alive])
    if fast is not None:
        c[alive] = fast
    return _caratheodory_by_svd(F, c)


def _independent(F: np.ndarray) -> bool:
    """Whether the columns of ``[F; 1]`` are linearly independent (singular values above ``NULL_RTOL`` of the largest)."""
    if F.shape[1] > F.shape[0] + 1:
        return False
    sv = singular_values(np.vstack([F, np.ones((1, F.shape[1]))]))
    return int(np.sum(sv > NULL_RTOL * sv[0])) >= F.shape[1]


def _eliminate_null_space(F: np.ndarray, c: np.ndarray) -> np.ndarray | None:
    """The elimination of :func:`caratheodory_masses` on positive masses ``c``; ``None`` if rounding spoilt it."""
    M = np.vstack([F, np.ones((1, c.size))])
    sv, Vt = right_svd(M)
    rank = int(np.sum(sv > NULL_RTOL * sv[0]))
    null = Vt[rank:].T.copy()  # (m, k)
    out = c.copy()
    for q in range(null.shape[1]):
        v = null[:, q]
        size = np.abs(v).max(initial=0.0)
        if size == 0.0:
            continue
        v = v / size
        neg = v < -1e-12
        if not neg.any():
            continue
        ratios = np.where(neg, out / np.where(neg, -v, 1.0), np.inf)
        j = int(np.argmin(ratios))
        out = np.maximum(out + ratios[j] * v, 0.0)
        out[j] = 0.0
        rest = null[:, q + 1 :]
        rest -= np.outer(v, rest[j] / v[j])
        rest[j] = 0.0
    scale = float(np.abs(F).max(initial=0.0) * c.sum()) + 1e-300
    if np.abs(F @ out - F @ c).max(initial=0.0) > 1e-10 * scale or abs(out.sum() - c.sum()) > 1e-10 * c.sum():
        return None
    return out


def _caratheodory_by_svd(F: np.ndarray, c: np.ndarray) -> np.ndarray:
    """:func:`caratheodory_masses` one removal per SVD (the check, and the fallback)."""
    c = c.copy()
    alive = np.flatnonzero(c > 0.0)
    while alive.size:
        if _independent(F[:, alive]):  # the usual outcome, independence, needs no singular vectors
            break
        M = np.vstack([F[:, alive], np.ones((1, alive.size))])
        sv, Vt = right_svd(M)
        rank = int(np.sum(sv > NULL_RTOL * sv[0]))
        if rank >= alive.size:
            break
        delta = Vt[-1]  # a null vector: sum(delta) = 0, so it has entries of both signs
        neg = delta < 0
        ratios = np.full(alive.size, np.inf)
        ratios[neg] = c[alive][neg] / -delta[neg]
        j = int(np.argmin(ratios))
        c[alive] = np.maximum(c[alive] + ratios[j] * delta, 0.0)
        c[alive[j]] = 0.0
        alive = alive[c[alive] > 0.0]
    return c


def caratheodory_prune(X, net: ReLUNetwork) -> ReLUNetwork:
    """Balanced network with the same outputs on ``X`` and the same penalty ``sum_j ||u_j|| |a_j|``, whose
    training features ``s_j (Z e_j)_+`` and the ones vector are linearly independent (``width <= n + 1``)."""
    net = net.balanced()
    if net.width == 0:
        return net
    Z = lift(np.asarray(X, float))
    U = net.neurons
    nu = np.linalg.norm(U, axis=1)
    E = U / nu[:, None]
    s = np.sign(net.a)
    c = caratheodory_masses(np.maximum(Z @ E.T, 0.0) * s, nu * np.abs(net.a))
    keep = c > 0.0
    m = np.sqrt(c[keep])
    return ReLUNetwork.from_neurons(E[keep] * m[:, None], s[keep] * m)


@dataclass(frozen=True)
class Blocks:
    """Nonzero blocks of a convex-twin solution: block ``u_i`` in the cone of ``patterns[i]`` with output sign
    ``signs[i]`` (+1 for a ``v`` block, -1 for a ``w`` block)."""

    patterns: np.ndarray  # (m, n) bool
    signs: np.ndarray  # (m,) +-1
    U: np.ndarray  # (m, k)

    @classmethod
    def from_twin(cls, D: np.ndarray, V: np.ndarray, W: np.ndarray) -> "Blocks":
        """The nonzero rows of ``V`` (sign +1) and ``W`` (sign -1) with their patterns ``D``."""
        kv = np.linalg.norm(V, axis=1) > 0
        kw = np.linalg.norm(W, axis=1) > 0
        return cls(
            np.vstack([D[kv], D[kw]]),
            np.concatenate([np.ones(kv.sum()), -np.ones(kw.sum())]),
            np.vstack([V[kv], W[kw]]),
        )

    def network(self) -> ReLUNetwork:
        """Neurons ``u_i / sqrt||u_i||`` with output weights ``s_i sqrt||u_i||`` (:func:`network_from_blocks`)."""
        return network_from_blocks(self.U, self.signs)

    def subset(self, keep: np.ndarray) -> "Blocks":
        return Blocks(self.patterns[keep], self.signs[keep], self.U[keep])

    def features(self, Z: np.ndarray) -> np.ndarray:
        """Signed training features ``s_i D_i Z e_i`` of the unit directions ``e_i = u_i / ||u_i||`` (n, m)."""
        E = self.U / np.linalg.norm(self.U, axis=1, keepdims=True)
        return (Z @ E.T) * self.patterns.T * self.signs


def sparsify_blocks(Z: np.ndarray, blocks: Blocks) -> Blocks:
    """Caratheodory on blocks: same training outputs and penalty, at most ``n + 1`` blocks."""
    if blocks.U.shape[0] == 0:
        return blocks
    nb = np.linalg.norm(blocks.U, axis=1)
    c = caratheodory_masses(blocks.features(Z), nb)
    keep = c > 0
    scaled = Blocks(blocks.patterns, blocks.signs, blocks.U * (c / nb)[:, None])
    return scaled.subset(keep)


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a x b`` of two 3-vectors (``np.cross`` costs ~10x more at this size)."""
    return np.array([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]])


def null_basis(A: np.ndarray, k: int) -> np.ndarray:
    """Orthonormal basis (k, r) of ``{u : A u = 0}``.  In 3-D, for one row or two clearly independent rows
    (``||a_1 x a_2|| > 1e-8 (||a_1||^2 + ||a_2||^2)``) by cross products (the exact solver builds thousands of
    face bases per fit); otherwise from the SVD, singular values below ``NULL_RTOL`` of the largest counting as zero."""
    if A.shape[0] == 0:
        return np.eye(k)
    if k == 3 and A.shape[0] <= 2:
        if A.shape[0] == 1:
            z = A[0] / np.linalg.norm(A[0])
            a = _cross(z, np.eye(3)[int(np.argmin(np.abs(z)))])
            a /= np.linalg.norm(a)
            return np.column_stack([a, _cross(z, a)])
        c = _cross(A[0], A[1])
        size = float(np.linalg.norm(c))
        if size > 1e-8 * float(np.sum(A * A)):
            return (c / size)[:, None]
    _, sv, Vt = full_svd(A)
    rank = int(np.sum(sv > NULL_RTOL * sv[0])) if sv.size else 0
    return Vt[rank:].T


def newton_refine(
    Z: np.ndarray, y: np.ndarray, beta: float, blocks: Blocks, max_iter: int = 60, cones: bool = True
) -> Blocks:
    """Newton's method on the faces of the blocks' cones (see the module docstring); returns refined blocks
    that stay in their cones (up to rounding): :meth:`GroupLasso.newton` on the faces' parameters ``theta_i``,
    its steps limited by the ratio test, at most ``max_iter`` steps in all.  ``cones=False`` drops the cone
    constraints: the gated ReLU group lasso ``min 1/2 ||sum_i s_i D_i Z u_i - y||^2 + beta sum_i ||u_i||`` on
    the given blocks."""
    m, k = blocks.U.shape
    if m == 0:
        return blocks
    S = 2.0 * blocks.patterns.astype(float) - 1.0  # (m, n): (2 D_i - I)
    zn = np.linalg.norm(Z, axis=1)
    U = blocks.U.copy()
    if cones:
        tight = np.array([np.abs(Z @ U[i]) <= TIGHT_RTOL * zn * np.linalg.norm(U[i]) for i in range(m)])
    else:
        tight = np.zeros((m, Z.shape[0]), bool)
    alive = np.ones(m, bool)
    steps = 0  # Newton steps taken (calls of the ratio test below), at most max_iter in all
    y_scale = max(float(np.abs(y).max(initial=0.0)), 1e-300)

    while True:
        # the faces: u_i = N_i theta_i, with the group lasso's blocks s_i D_i Z N_i
        bases = [null_basis(Z[tight[i]], k) if alive[i] else np.zeros((k, 0)) for i in range(m)]
        faces = [(Z @ N) * (blocks.signs[i] * blocks.patterns[i])[:, None] for i, N in enumerate(bases)]
        master = GroupLasso(faces, y, beta)

        def U_of(theta):
            return np.array([N @ t for N, t in zip(bases, master.blocks(theta))]).reshape(m, k)

        def ratio_test(theta, dtheta):
            """The largest step that keeps every block in its cone, and the (block, point) that stops it."""
            nonlocal steps
            steps += 1
            slack = S * (U_of(theta) @ Z.T)  # (m, n)
            rate = S * (U_of(dtheta) @ Z.T)
            free = ~tight & alive[:, None]  # tight constraints hold as equalities on the face
            with np.errstate(divide="ignore", invalid="ignore"):
                ratios = np.where((rate < 0) & free, np.maximum(slack, 0.0) / -rate, np.inf)
            j = int(np.argmin(ratios))
            t_max = float(ratios.flat[j])
            return t_max, (np.unravel_index(j, ratios.shape) if np.isfinite(t_max) else None)

        theta = np.concatenate([N.T @ u for N, u in zip(bases, U)])
        # machine accuracy: gradient entries of about 1e-15 max|y| max(1, max|A|), so a norm sqrt(N) times that
        gtol = 1e-15 * y_scale * max(1.0, np.abs(master.A).max(initial=0.0)) * np.sqrt(max(theta.size, 1))
        theta, hit = master.newton(theta, max_iter - steps, ratio_test if cones else None, gtol)
        U = U_of(theta)
        norms = np.linalg.norm(U, axis=1)
        alive &= norms > 1e-12 * norms.max(initial=0.0)  # a block that vanished leaves the network
        if hit is None or steps >= max_iter:
            break
        tight[hit] = True  # the block reached this constraint: it joins the face
    keep = alive & (np.linalg.norm(U, axis=1) > 0)
    return Blocks(blocks.patterns[keep], blocks.signs[keep], U[keep])
