"""The deep narrow ReLU network on 1-D data (docs/math.md section 5.1): its layers, forward pass and training
objective, the network a Lasso solution maps to, and full-batch Adam on the same architecture."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .dictionary import Dictionary, check_targets, check_x

@dataclass(frozen=True)
class Layer:
    """One layer of the parallel deep narrow network: ``weight`` and ``bias`` have one entry per unit.

    Layer 1 maps ``x`` to ``(weight x + bias)_+`` (a 1 x m weight matrix); layers 2..L-1 act unit by unit,
    ``(weight * h + bias)_+`` (a diagonal m x m matrix); the output layer is ``weight @ h + bias`` (its bias
    is a scalar, stored as a length-1 array).
    """

    weight: np.ndarray
    bias: np.ndarray
    activation: str  # "relu" or "linear"


@dataclass(frozen=True)
class DeepNarrowNetwork:
    """``f(x) = sum_i alpha_i h_{L-1}^i(x) + xi`` with ``h_l^i`` the width-one ReLU chains of unit ``i``."""

    depth: int
    layers: tuple[Layer, ...]

    @property
    def width(self) -> int:
        return int(self.layers[-1].weight.size)

    def forward(self, x) -> np.ndarray:
        x = np.asarray(x, float).reshape(-1)
        first = self.layers[0]
        h = np.maximum(x[:, None] * first.weight[None, :] + first.bias[None, :], 0.0)
        for layer in self.layers[1:-1]:
            h = np.maximum(h * layer.weight[None, :] + layer.bias[None, :], 0.0)
        out = self.layers[-1]
        return h @ out.weight + float(out.bias[0])

    def penalty(self, beta: float) -> float:
        """``beta/L sum |w|^L`` over every weight of every layer (biases are not penalized)."""
        L = self.depth
        return beta / L * float(sum(np.sum(np.abs(layer.weight) ** L) for layer in self.layers))

    def objective(self, x, y, beta: float) -> float:
        """The training objective (N): ``1/2 ||f(x) - y||^2 + beta/L sum |w|^L``, from the weights."""
        res = self.forward(x) - np.asarray(y, float).reshape(-1)
        return 0.5 * float(res @ res) + self.penalty(beta)


def _unit_chain(shape: int, P: float, Q: float, depth: int):
    """A width-one chain with weights +-1 computing a feature: ``(signs, thresholds, out_sign, const)`` with
    ``h_1 = (s_1 (x - t_1))_+``, ``h_l = (s_l (h_{l-1} - t_l))_+`` and feature ``= out_sign h_{L-1} + const``."""
    ident = [(1.0, 0.0)] * (depth - 2)
    if shape == 0:
        chain, sgn, const = [(1.0, P)] + ident, 1.0, 0.0
    elif shape == 1:
        chain, sgn, const = [(-1.0, P)] + ident, 1.0, 0.0
    else:  # (q - p) - ((q - p) - (x - p)_+)_+ = clip(x - p, 0, q - p)
        chain, sgn, const = [(1.0, P), (-1.0, Q - P)] + ident[1:], -1.0, Q - P
    return chain, sgn, const


def network_from_lasso(D: Dictionary, support, coef, intercept: float) -> DeepNarrowNetwork:
    """The depth-L network of a Lasso solution: one unit per nonzero ``z_k``, its chain's weights all of
    magnitude ``g = |z_k|^(1/L)`` (layer-``l`` bias ``-s_l t_l g^l``, output weight ``sign(z_k) out_sign g``),
    so the unit computes ``z_k (feature_k - const_k)`` and costs ``beta/L * L g^L = beta |z_k|``; the
    output bias is ``xi + sum_k z_k const_k``."""
    L = D.depth
    m = len(support)
    W = np.zeros((L - 1, m))
    Bs = np.zeros((L - 1, m))
    alpha = np.zeros(m)
    bias = float(intercept)
    for i, (k, z) in enumerate(zip(support, coef)):
        P = float(D.points[D.p[k]])
        Q = float(D.points[D.q[k]]) if D.shape[k] == 2 else np.inf
        chain, sgn, const = _unit_chain(int(D.shape[k]), P, Q, L)
        g = abs(z) ** (1.0 / L)
        for l, (s, t) in enumerate(chain, start=1):
            W[l - 1, i] = s * g
            Bs[l - 1, i] = -s * t * g**l
        alpha[i] = np.sign(z) * sgn * g
        bias += z * const
    layers = [Layer(W[l].copy(), Bs[l].copy(), "relu") for l in range(L - 1)]
    layers.append(Layer(alpha, np.array([bias]), "linear"))
    return DeepNarrowNetwork(L, tuple(layers))


# ------------------------------------------------------------------------------------- Adam baseline
def objective_and_gradient(net: DeepNarrowNetwork, x: np.ndarray, y: np.ndarray, beta: float):
    """The objective (N) of ``net`` and its gradient as a list of ``(d weight, d bias)`` per layer (the
    ReLU's derivative at 0 taken as 0)."""
    L = net.depth
    hs, zs = [x[:, None]], []
    for layer in net.layers[:-1]:
        pre = (x[:, None] * layer.weight if not zs else hs[-1] * layer.weight) + layer.bias
        zs.append(pre)
        hs.append(np.maximum(pre, 0.0))
    out = net.layers[-1]
    e = hs[-1] @ out.weight + out.bias[0] - y
    loss = 0.5 * float(e @ e) + net.penalty(beta)

    def dpen(w):
        return beta * np.abs(w) ** (L - 1) * np.sign(w)

    grads = [None] * len(net.layers)
    grads[-1] = (hs[-1].T @ e + dpen(out.weight), np.array([e.sum()]))
    g = e[:, None] * out.weight[None, :]
    for l in range(len(net.layers) - 2, -1, -1):
        gz = g * (zs[l] > 0)
        layer = net.layers[l]
        grads[l] = ((gz * hs[l]).sum(axis=0) + dpen(layer.weight), gz.sum(axis=0))
        g = gz * layer.weight[None, :]
    return loss, grads


def random_network(x, y, depth: int, width: int, seed: int = 0) -> DeepNarrowNetwork:
    """A random start: first-layer kinks at uniform points of the data range, each later threshold inside
    its unit's range, output weights scaled to the spread of ``y``."""
    rng = np.random.default_rng(seed)
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    lo, hi = float(x.min()), float(x.max())
    w = rng.standard_normal(width)
    layers = [Layer(w, -w * rng.uniform(lo, hi, width), "relu")]
    h = np.maximum(x[:, None] * layers[0].weight + layers[0].bias, 0.0)
    for _ in range(depth - 2):
        w = rng.choice([-1.0, 1.0], width) * rng.uniform(0.5, 1.5, width)
        b = -w * rng.uniform(0.0, 1.0, width) * h.max(axis=0)  # threshold inside the unit's range
        layers.append(Layer(w, b, "relu"))
        h = np.maximum(h * w + b, 0.0)
    scale = float(np.mean(h.std(axis=0))) + 1e-12
    alpha = rng.standard_normal(width) * (float(y.std()) + 1e-3) / (np.sqrt(width) * scale)
    layers.append(Layer(alpha, np.array([float(y.mean())]), "linear"))
    return DeepNarrowNetwork(depth, tuple(layers))


def train_adam(
    x, y, depth: int, beta: float, *, width: int = 20, steps: int = 500, lr: float = 0.01, seed: int = 0,
    init: DeepNarrowNetwork | None = None,
) -> tuple[DeepNarrowNetwork, np.ndarray]:
    """Full-batch Adam on (N) for the same architecture, from ``init`` or a seeded random start; returns the
    network with the lowest objective seen and the objective after each step (``history[0]`` the start)."""
    x = check_x(x)
    y = check_targets(y, x.size)
    net = init if init is not None else random_network(x, y, depth, width, seed)
    params = [[layer.weight.astype(float).copy(), layer.bias.astype(float).copy()] for layer in net.layers]
    acts = [layer.activation for layer in net.layers]
    m1 = [[np.zeros_like(p) for p in pair] for pair in params]
    m2 = [[np.zeros_like(p) for p in pair] for pair in params]
    b1, b2, eps = 0.9, 0.999, 1e-8
    history = np.empty(steps + 1)
    best, best_val = net, np.inf
    for step in range(steps + 1):
        cur = DeepNarrowNetwork(depth, tuple(Layer(w.copy(), b.copy(), a) for (w, b), a in zip(params, acts)))
        loss, grads = objective_and_gradient(cur, x, y, beta)
        history[step] = loss
        if loss < best_val:
            best, best_val = cur, loss
        if step == steps:
            break
        for i, pair in enumerate(params):
            for j in range(2):
                g = grads[i][j]
                m1[i][j] = b1 * m1[i][j] + (1 - b1) * g
                m2[i][j] = b2 * m2[i][j] + (1 - b2) * g * g
                mh = m1[i][j] / (1 - b1 ** (step + 1))
                vh = m2[i][j] / (1 - b2 ** (step + 1))
                pair[j] = pair[j] - lr * mh / (np.sqrt(vh) + eps)
    return best, history
