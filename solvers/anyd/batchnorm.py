"""Two-layer ReLU networks with batch normalization before the ReLU, and their convex form
(Ergen, Sahiner, Ozturkler, Pauly, Mardani and Pilanci, "Demystifying Batch Normalization in ReLU Networks",
ICLR 2022; docs/math.md sections 2, 6 and 7).

Convention implemented (exactly):

    f(X) = sum_j a_j ( BN_j(X w_j) )_+,     BN_j(h) = gamma_j (h - mean(h)) / std(h) + alpha_j

    minimize over w_j, gamma_j, alpha_j, a_j:   1/2 ||f(X) - y||^2 + beta/2 sum_j (gamma_j^2 + alpha_j^2 + a_j^2)

* the batch statistics are the training batch's mean and standard deviation with the biased variance
  ``std(h)^2 = mean((h - mean h)^2)`` and no epsilon (training-mode batch norm as in common frameworks with
  ``eps = 0``); normalizing by the Euclidean norm ``||h - mean h||`` instead is the same network with
  ``gamma`` scaled by ``1/sqrt(n)``, hence a different weight on ``gamma`` in the penalty;
* the first layer has no bias (BN's shift ``alpha_j`` plays that role);
* weight decay acts on the BN scale and shift and on the output weights; the first-layer weights ``w_j``
  are not penalized: BN makes the network invariant to their scale, so penalizing them too would leave the
  infimum unchanged (shrink ``w_j`` towards zero) without attaining it.

Why it is convex.  Let ``(I - 1 1^T / n) X = U S V^T`` be the thin SVD of the centred data (rank ``r``).  Then
``(I - 1 1^T/n) X w = U q`` with ``q = S V^T w``, which ranges over all of R^r, and ``std = ||q|| / sqrt(n)``, so
``BN_j(X w_j) = sqrt(n) U (gamma_j q/||q||) + alpha_j 1 = [sqrt(n) U, 1] s_j`` with
``s_j = (gamma_j q/||q||, alpha_j)``, any vector of R^{r+1}, and ``||s_j||^2 = gamma_j^2 + alpha_j^2``.  The
problem is therefore the canonical problem of section 1 on the data ``sqrt(n) U`` (the left singular vectors:
a whitened copy of ``X`` with unit-variance columns), and its convex twin (section 2) is the twin with
``Z = [sqrt(n) U, 1]``; with sampled patterns, the sampled program of section 7.

Network from the convex solution: block ``v`` with sign ``sigma`` gives ``s = v / sqrt||v||``,
``a = sigma sqrt||v||``, ``gamma = ||s[:r]||``, ``alpha = s[r]`` and ``w = V S^{-1} s[:r] / gamma`` (so that the
centred pre-activation is ``U s[:r] / gamma``).  Run forward with its own batch statistics it reproduces
``[sqrt(n) U, 1] v`` term by term, and its penalty ``beta/2 (||s||^2 + a^2) = beta ||v||``: its objective is the
convex objective.  At new points the network uses the training batch's statistics (inference mode), which
makes it an ordinary ReLU network of ``x`` (:meth:`BatchNormNetwork.as_relu`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..network import ReLUNetwork, Units


@dataclass(frozen=True)
class Whitening:
    """Thin SVD of the centred data: ``X - 1 mean^T = U diag(sigma) V^T`` (rank ``r``)."""

    mean: np.ndarray  # (d,)
    U: np.ndarray  # (n, r)
    sigma: np.ndarray  # (r,)
    V: np.ndarray  # (d, r)

    @property
    def rank(self) -> int:
        return int(self.sigma.shape[0])

    @property
    def lifted(self) -> np.ndarray:
        """``Z = [sqrt(n) U, 1]``: the data of the convex program (unit-variance whitened columns)."""
        n = self.U.shape[0]
        return np.hstack([np.sqrt(n) * self.U, np.ones((n, 1))])


def whiten(X: np.ndarray) -> Whitening:
    """The centred data's thin SVD, keeping singular values above ``max(n, d) * eps * sigma_max``."""
    X = np.asarray(X, float)
    mean = X.mean(axis=0)
    U, s, Vt = np.linalg.svd(X - mean, full_matrices=False)
    r = int(np.sum(s > max(X.shape) * np.finfo(float).eps * (s[0] if s.size else 0.0))) if s.size else 0
    return Whitening(mean, U[:, :r].copy(), s[:r].copy(), Vt[:r].T.copy())


def batch_norm(H: np.ndarray, gamma: np.ndarray, alpha: np.ndarray, mean=None, scale=None) -> np.ndarray:
    """``gamma (H - mean) / scale + alpha`` column by column, with the batch's own ``mean`` and standard
    deviation ``scale = sqrt(mean((H - mean)^2))`` unless they are given (a column with zero scale normalizes to
    zero)."""
    if mean is None:
        mean = H.mean(axis=0)
    C = H - mean
    if scale is None:
        scale = np.sqrt(np.mean(C * C, axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        N = np.where(scale > 0, C / np.where(scale > 0, scale, 1.0), 0.0)
    return N * gamma + alpha


@dataclass(frozen=True)
class BatchNormNetwork:
    """``f(X) = sum_j a_j (BN_j(X w_j))_+`` with BN before the ReLU (module docstring for the convention).

    ``mean`` and ``scale`` are the training batch's statistics of each pre-activation ``X w_j``; :meth:`output`
    (predictions) uses them, :meth:`forward_batch` recomputes them from the batch it is given.
    """

    weights: np.ndarray  # (m, d) first-layer w_j
    gamma: np.ndarray  # (m,)
    alpha: np.ndarray  # (m,)
    a: np.ndarray  # (m,) output weights
    mean: np.ndarray  # (m,)
    scale: np.ndarray  # (m,)

    @property
    def width(self) -> int:
        return int(self.a.shape[0])

    def forward_batch(self, X: np.ndarray) -> np.ndarray:
        """The network run in training mode: batch normalization with the statistics of ``X`` itself."""
        H = np.asarray(X, float) @ self.weights.T
        return np.maximum(batch_norm(H, self.gamma, self.alpha), 0.0) @ self.a

    def output(self, X: np.ndarray) -> np.ndarray:
        """Predictions (inference mode): batch normalization with the training batch's statistics."""
        H = np.asarray(X, float) @ self.weights.T
        return np.maximum(batch_norm(H, self.gamma, self.alpha, self.mean, self.scale), 0.0) @ self.a

    def penalty(self) -> float:
        """``1/2 sum_j (gamma_j^2 + alpha_j^2 + a_j^2)`` (the first-layer weights carry no weight decay)."""
        return 0.5 * float(np.sum(self.gamma**2) + np.sum(self.alpha**2) + np.sum(self.a**2))

    def as_relu(self) -> ReLUNetwork:
        """The same predictions as a plain ReLU network of ``x``: neuron ``(gamma w / scale, alpha - gamma mean / scale)``."""
        with np.errstate(divide="ignore", invalid="ignore"):
            g = np.where(self.scale > 0, self.gamma / np.where(self.scale > 0, self.scale, 1.0), 0.0)
        return ReLUNetwork(self.weights * g[:, None], self.alpha - g * self.mean, self.a.copy())

    @property
    def W(self) -> np.ndarray:
        """Hidden weights of :meth:`as_relu` (the flat ``hidden_weights_`` view)."""
        return self.as_relu().W

    @property
    def b(self) -> np.ndarray:
        """Hidden biases of :meth:`as_relu` (the flat ``hidden_biases_`` view)."""
        return self.as_relu().b

    def units(self) -> Units:
        """The units of :meth:`as_relu` (where each neuron switches at inference)."""
        return self.as_relu().units()


def bn_objective(X, y, net: BatchNormNetwork, beta: float) -> float:
    """``1/2 ||f(X) - y||^2 + beta/2 sum_j (gamma_j^2 + alpha_j^2 + a_j^2)`` with ``f`` run on the batch ``X``
    with its own statistics, from the network's weights."""
    r = net.forward_batch(X) - np.asarray(y, float)
    return 0.5 * float(r @ r) + beta * net.penalty()


def network_from_bn_blocks(X: np.ndarray, whitening: Whitening, blocks: np.ndarray, signs: np.ndarray) -> BatchNormNetwork:
    """The batch-norm network of convex blocks ``v`` (rows, in R^{r+1}, on ``Z = [sqrt(n) U, 1]``) with output
    signs ``signs``."""
    X = np.asarray(X, float)
    blocks = np.asarray(blocks, float).reshape(-1, whitening.rank + 1)
    norms = np.linalg.norm(blocks, axis=1)
    keep = norms > 0
    blocks, signs, norms = blocks[keep], np.asarray(signs, float)[keep], norms[keep]
    root = np.sqrt(norms)
    s = blocks / root[:, None]
    q = s[:, :-1]
    gamma = np.linalg.norm(q, axis=1)
    d = X.shape[1]
    W = np.zeros((blocks.shape[0], d))
    if whitening.rank:
        direction = np.zeros_like(q)
        direction[:, 0] = 1.0  # any direction when gamma = 0 (the unit is then the constant alpha)
        on = gamma > 0
        direction[on] = q[on] / gamma[on, None]
        W = (direction / whitening.sigma) @ whitening.V.T  # centred X w = U direction: std 1/sqrt(n)
    H = X @ W.T
    mean = H.mean(axis=0)
    scale = np.sqrt(np.mean((H - mean) ** 2, axis=0))
    return BatchNormNetwork(W, gamma, s[:, -1].copy(), signs * root, mean, scale)
