"""The linear map of a sampled program, by matrix products only (docs/math.md section 7).

Blocks ``x_b`` (rows of a ``(B, k)`` array) each carry a pattern ``D_{p(b)}`` and a sign ``s_b``
(``+1`` for gated blocks and for the ReLU ``v`` blocks, ``-1`` for the ReLU ``w`` blocks).  With the signed
mask ``M[:, b] = s_b diag(D_{p(b)})`` (an ``n x B`` matrix):

    prediction   A x   = sum_b s_b D_{p(b)} Z x_b = rowsum( Z * (M @ x) )            (n x B times B x k)
    adjoint      A^T g : block b is s_b Z^T D_{p(b)} g, all blocks = M^T @ (g[:, None] * Z)   (B x n times n x k)

so no ``n x B x k`` tensor is ever formed.  ``adjoint(r)`` at the residual ``r = y - A x`` gives the dual
quantities ``c_b = s_b Z^T D_{p(b)} r`` of every block at once.
"""

from __future__ import annotations

import numpy as np


class BlockDesign:
    """``A = [s_1 D_{p(1)} Z, ..., s_B D_{p(B)} Z]`` given by ``Z`` (n, k) and the signed mask (n, B)."""

    def __init__(self, Z: np.ndarray, signed_mask: np.ndarray):
        self.Z = Z
        self.M = signed_mask

    @property
    def n_blocks(self) -> int:
        return int(self.M.shape[1])

    def forward(self, x: np.ndarray) -> np.ndarray:
        """``A x = rowsum(Z * (M @ x))`` for blocks ``x`` (B, k)."""
        return np.einsum("nk,nk->n", self.Z, self.M @ x)

    def adjoint(self, g: np.ndarray) -> np.ndarray:
        """``A^T g``: row ``b`` is ``s_b Z^T D_{p(b)} g``, shape (B, k) (temporaries of size n x k only)."""
        return self.M.T @ (g[:, None] * self.Z)

    def lipschitz(self, n_iter: int = 8, seed: int = 0) -> float:
        """Power-iteration estimate of ``||A||^2`` (the Lipschitz constant of the loss's gradient); it
        approaches from below, so the solvers still backtrack."""
        if self.n_blocks == 0:
            return 1.0
        x = np.random.default_rng(seed).standard_normal((self.n_blocks, self.Z.shape[1]))
        x /= np.linalg.norm(x)
        L = 1.0
        for _ in range(n_iter):
            x = self.adjoint(self.forward(x))
            L = float(np.linalg.norm(x))
            if L == 0.0:
                return 1.0
            x /= L
        return L
