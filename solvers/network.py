"""Two-layer ReLU networks ``f(x) = sum_j a_j (w_j . x + b_j)_+`` and the canonical objective (docs/math.md section 1)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geometry import lift


@dataclass(frozen=True)
class Units:
    """Where and how strongly the hidden units of a fitted model act, in the data plane.

    Unit ``j`` switches on the line ``lines[j] . (x, 1) = 0`` (``lines[j] = (w_j, b_j)``); ``signs[j]`` is the
    sign of its output weight (0 for a unit with no single sign, as a gated unit) and ``strengths[j] >= 0``
    its weight in the scale-free penalty (``||u_j|| |a_j|`` for a ReLU neuron, ``||u_i||`` for a gated unit).
    """

    lines: np.ndarray  # (m, d + 1)
    signs: np.ndarray  # (m,) in {+1, 0, -1}
    strengths: np.ndarray  # (m,)

    def __len__(self) -> int:
        return int(self.strengths.shape[0])

    @classmethod
    def empty(cls, d: int = 2) -> "Units":
        return cls(np.zeros((0, d + 1)), np.zeros(0), np.zeros(0))


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

    def units(self) -> Units:
        """Each neuron switches on its own line ``w_j . x + b_j = 0``; sign of ``a_j``; strength ``||u_j|| |a_j|``."""
        strength = np.abs(self.a) * np.linalg.norm(self.neurons, axis=1)
        keep = strength > 0
        return Units(self.neurons[keep], np.sign(self.a[keep]), strength[keep])

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


@dataclass(frozen=True)
class GatedNetwork:
    """Gated ReLU units ``f(x) = sum_i 1[(x, 1) . g_i >= 0] (x, 1) . u_i`` (docs/math.md section 2).

    A gated unit's switch (the gate ``g_i``) is decoupled from its linear part ``u_i = (w_i, b_i)``: it turns
    on and off on the gate's line ``g_i . (x, 1) = 0``, not on ``u_i . (x, 1) = 0``.  ``W``, ``b`` are the linear
    parts and ``a`` is all ones (the scikit-learn views ``hidden_weights_``, ... of a gated fit).
    """

    gates: np.ndarray  # (m, d + 1)
    blocks: np.ndarray  # (m, d + 1)

    @property
    def width(self) -> int:
        return int(self.blocks.shape[0])

    @property
    def W(self) -> np.ndarray:
        return self.blocks[:, :-1]

    @property
    def b(self) -> np.ndarray:
        return self.blocks[:, -1]

    @property
    def a(self) -> np.ndarray:
        return np.ones(self.width)

    def output(self, X: np.ndarray) -> np.ndarray:
        """``sum_i 1[z . g_i >= 0] (z . u_i)`` at each row ``z = (x, 1)``."""
        Z = lift(X)
        return np.sum((Z @ self.gates.T >= 0.0) * (Z @ self.blocks.T), axis=1)

    def penalty(self) -> float:
        """The group-lasso penalty ``sum_i ||u_i||`` (times beta in the objective)."""
        return float(np.linalg.norm(self.blocks, axis=1).sum())

    def units(self) -> Units:
        """Each unit switches on its gate's line; it has no single output sign (0); strength ``||u_i||``."""
        strength = np.linalg.norm(self.blocks, axis=1)
        keep = strength > 0
        return Units(self.gates[keep], np.zeros(int(keep.sum())), strength[keep])


def gated_objective(X, y, net: GatedNetwork, beta: float) -> float:
    """``1/2 ||sum_i D_i Z u_i - y||^2 + beta sum_i ||u_i||`` computed from the gates and blocks themselves."""
    r = net.output(X) - np.asarray(y, float)
    return 0.5 * float(r @ r) + beta * net.penalty()


def network_from_blocks(U: np.ndarray, signs: np.ndarray, tol: float = 0.0) -> ReLUNetwork:
    """Neurons of convex-twin blocks (docs/math.md section 2): block ``u_i`` with output sign ``s_i = +-1`` gives the
    neuron ``u_i / sqrt||u_i||`` with output weight ``s_i sqrt||u_i||`` (same features on the block's cone, and
    ``||u||^2/2 + a^2/2 = ||u_i||``, so the network's objective is the twin's).

    ``U`` has shape ``(m, k)``, ``signs`` shape ``(m,)``; blocks with norm ``<= tol`` are left out.
    """
    U = np.asarray(U, float)
    signs = np.asarray(signs, float).reshape(-1)
    nb = np.linalg.norm(U, axis=1)
    sel = nb > tol
    root = np.sqrt(nb[sel])
    return ReLUNetwork.from_neurons(U[sel] / root[:, None], signs[sel] * root)


def network_from_twin(V: np.ndarray, Wn: np.ndarray, tol: float = 0.0) -> ReLUNetwork:
    """:func:`network_from_blocks` of the twin's ``v`` blocks (sign +1), then its ``w`` blocks (sign -1); both
    have shape ``(P, k)``."""
    V, Wn = np.asarray(V, float), np.asarray(Wn, float)
    return network_from_blocks(np.vstack([V, Wn]), np.concatenate([np.ones(len(V)), -np.ones(len(Wn))]), tol)


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

