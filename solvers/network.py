"""Two-layer ReLU networks ``f(x) = sum_j a_j (w_j . x + b_j)_+`` and the canonical objective (MATH.md section 1)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geometry import lift


@dataclass(frozen=True)
class ReLUNetwork:
    """Hidden neurons ``u_j = (w_j, b_j)`` (rows of ``W`` and ``b``) and output weights ``a_j``; no output bias."""

    W: np.ndarray  # (m, d)
    b: np.ndarray  # (m,)
    a: np.ndarray  # (m,)

    @classmethod
    def from_neurons(cls, U: np.ndarray, a: np.ndarray) -> "ReLUNetwork":
        """Network from lifted neurons ``U = [W, b]`` of shape ``(m, d + 1)``."""
        U = np.asarray(U, float).reshape(-1, np.shape(U)[-1] if np.ndim(U) > 1 else 3)
        return cls(U[:, :-1].copy(), U[:, -1].copy(), np.asarray(a, float).ravel().copy())

    @classmethod
    def empty(cls, d: int = 2) -> "ReLUNetwork":
        """The zero network (no neurons)."""
        return cls(np.zeros((0, d)), np.zeros(0), np.zeros(0))

    @property
    def width(self) -> int:
        """Number of hidden neurons ``m``."""
        return int(self.a.shape[0])

    @property
    def neurons(self) -> np.ndarray:
        """Lifted neurons ``u_j = (w_j, b_j)``, shape ``(m, d + 1)``."""
        return np.hstack([self.W, self.b[:, None]])

    def features(self, X: np.ndarray) -> np.ndarray:
        """Hidden activations ``(X W^T + b)_+``, shape ``(n, m)``."""
        return np.maximum(np.asarray(X, float) @ self.W.T + self.b, 0.0)

    def output(self, X: np.ndarray) -> np.ndarray:
        """Network output ``sum_j a_j (w_j . x + b_j)_+``."""
        return self.features(X) @ self.a

    def penalty(self) -> float:
        """Weight decay ``1/2 sum_j (||u_j||^2 + a_j^2)`` (the hidden bias is part of ``u_j``)."""
        return 0.5 * float(np.sum(self.W**2) + np.sum(self.b**2) + np.sum(self.a**2))

    def balanced(self) -> "ReLUNetwork":
        """Rescale ``(u_j, a_j) -> (t u_j, a_j / t)`` so that ``||u_j|| = |a_j|``: same function, least penalty
        ``sum_j ||u_j|| |a_j|``; neurons with ``u_j = 0`` or ``a_j = 0`` are dropped (they compute zero)."""
        U = self.neurons
        nu = np.linalg.norm(U, axis=1)
        keep = (nu > 0) & (self.a != 0)
        U, a, nu = U[keep], self.a[keep], nu[keep]
        t = np.sqrt(np.abs(a) / nu)
        return ReLUNetwork.from_neurons(U * t[:, None], a / t)


def canonical_objective(X, y, net: ReLUNetwork, beta: float) -> float:
    """``1/2 ||f(X) - y||^2 + beta/2 sum_j (||u_j||^2 + a_j^2)`` computed from the network's own weights."""
    r = net.output(X) - np.asarray(y, float)
    return 0.5 * float(r @ r) + beta * net.penalty()


def network_from_blocks(V: np.ndarray, Wn: np.ndarray, tol: float = 0.0) -> ReLUNetwork:
    """Neurons of the convex solution: ``v_i -> (v_i/sqrt||v_i||, +sqrt||v_i||)``, ``w_i -> (w_i/sqrt||w_i||, -sqrt||w_i||)``.

    ``V`` and ``Wn`` have shape ``(P, k)``; blocks with norm ``<= tol`` are left out.
    """
    rows, amps = [], []
    for B, s in ((np.asarray(V, float), 1.0), (np.asarray(Wn, float), -1.0)):
        nb = np.linalg.norm(B, axis=1)
        sel = nb > tol
        rows.append(B[sel] / np.sqrt(nb[sel])[:, None])
        amps.append(s * np.sqrt(nb[sel]))
    k = np.shape(V)[1]
    return ReLUNetwork.from_neurons(np.vstack(rows).reshape(-1, k), np.concatenate(amps))


def merge_parallel(net: ReLUNetwork, tol: float = 1e-9) -> ReLUNetwork:
    """Merge neurons with the same direction ``u/||u||`` and the same output sign (exact: the function and
    the balanced penalty ``beta sum ||u_j|| |a_j|`` are unchanged), and return the balanced network."""
    net = net.balanced()
    if net.width <= 1:
        return net
    U = net.neurons
    nu = np.linalg.norm(U, axis=1)
    dirs = U / nu[:, None]
    mass = nu * np.abs(net.a)  # ||u_j|| |a_j|: the neuron's strength along its unit direction
    sign = np.sign(net.a)
    out_dirs, out_mass, out_sign = [], [], []
    for j in np.argsort(-mass):
        for i, (dd, ss) in enumerate(zip(out_dirs, out_sign)):
            if ss == sign[j] and np.linalg.norm(dd - dirs[j]) <= tol:
                out_mass[i] += mass[j]
                break
        else:
            out_dirs.append(dirs[j])
            out_mass.append(mass[j])
            out_sign.append(sign[j])
    m = np.sqrt(np.array(out_mass))
    return ReLUNetwork.from_neurons(np.array(out_dirs) * m[:, None], np.array(out_sign) * m)


def lifted(X: np.ndarray) -> np.ndarray:
    """``Z = [X, 1]``."""
    return lift(X, True)
