"""The rotating-line sweep over the arrangement of 2-D data with bias.

A neuron ``u = (w, b)`` is a line ``w . x + b = 0`` in the data plane; its activation pattern is the set
of points on the closed positive side.  Rotating the line's normal ``w(theta) = (cos theta, sin theta)``
around a data point ``p`` (so ``b = -w . p``) walks the great circle ``{u : [p, 1] . u = 0}`` of the
sphere of neurons.  The pattern changes only when the line passes another point ``x_j``, at the
*event* angles ``theta = gamma_j + pi/2`` and ``gamma_j + 3 pi/2`` with ``gamma_j = angle(x_j - p) mod pi``;
those events are the vertices ``+-(z_p x z_j)`` of the arrangement, and the stretches between them are
its edges.  Every cell of the arrangement borders some edge, on the side with ``p`` active or inactive,
so one sweep per point visits every pattern in ``O(n^2 log n)`` time (docs/math.md section 3).

Points are expected distinct (callers merge duplicates first).  Directions that agree to within
``ANGLE_TOL`` radians are treated as exactly collinear.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

ANGLE_TOL = 1e-12
"""Two directions seen from a point are collinear when their angles differ by less than this (radians)."""

TWO_PI = 2.0 * np.pi


@dataclass(frozen=True)
class SweepChunk:
    """The sweeps around a block of pivot points (``c`` pivots, ``r = m - 1`` other points each).

    Arrays are indexed ``[pivot, event]`` with ``2 r`` events per pivot in increasing angle.
    """

    pivots: np.ndarray  # (c,) indices of the pivot points
    others: np.ndarray  # (c, r) indices of the other points, per pivot
    alpha: np.ndarray  # (c, r) angle of x_j - p
    event_angle: np.ndarray  # (c, 2r) event angles, increasing, in [gamma_0 + pi/2, gamma_0 + 5 pi/2)
    event_point: np.ndarray  # (c, 2r) column (into ``others``) of the point the line passes at the event
    event_sign: np.ndarray  # (c, 2r) +1 if that point becomes active, -1 if it becomes inactive
    gap: np.ndarray  # (c, 2r) angular length of the edge after each event (0 for ties)
    edge: np.ndarray  # (c, 2r) bool: the stretch after the event is a real edge (positive length)
    mid: np.ndarray  # (c, 2r) angle of the middle of the stretch after each event
    active0: np.ndarray  # (c, r) bool: which other points are active just before the first event

    @property
    def n_edges(self) -> np.ndarray:
        """Number of real edges on each pivot's great circle (2 x the number of distinct directions)."""
        return self.edge.sum(axis=1)


def line_angles(U: np.ndarray, pivots: np.ndarray):
    """Angles of ``x_j - p`` for every pivot ``p`` and every other point ``j`` (excluding ``p`` itself)."""
    m = U.shape[0]
    r = m - 1
    cols = np.arange(r)[None, :]
    others = cols + (cols >= pivots[:, None])
    D = U[others] - U[pivots][:, None, :]
    alpha = np.arctan2(D[..., 1], D[..., 0])
    return others, alpha


def sweep_chunks(U: np.ndarray, chunk_cells: int = 400_000) -> Iterator[SweepChunk]:
    """Yield the sweeps around every point of the distinct 2-D points ``U`` (shape ``(m, 2)``, ``m >= 2``)."""
    m = U.shape[0]
    if m < 2:
        return
    r = m - 1
    step = max(1, chunk_cells // (2 * r))
    for start in range(0, m, step):
        pivots = np.arange(start, min(m, start + step))
        others, alpha = line_angles(U, pivots)
        gamma = np.mod(alpha, np.pi)
        gamma = np.where(gamma >= np.pi - ANGLE_TOL, gamma - np.pi, gamma)
        order = np.argsort(gamma, axis=1, kind="stable")
        gs = np.take_along_axis(gamma, order, axis=1)
        event_angle = np.concatenate([gs + 0.5 * np.pi, gs + 1.5 * np.pi], axis=1)
        event_point = np.concatenate([order, order], axis=1)
        nxt = np.empty_like(event_angle)
        nxt[:, :-1] = event_angle[:, 1:]
        nxt[:, -1] = event_angle[:, 0] + TWO_PI
        gap = nxt - event_angle
        edge = gap > ANGLE_TOL
        gap = np.where(edge, gap, 0.0)
        mid = 0.5 * (event_angle + nxt)
        # state on the last stretch (just before the first event)
        active0 = np.cos(mid[:, -1:] - alpha) >= 0.0
        first = np.where(np.take_along_axis(active0, order, axis=1), -1, 1)
        event_sign = np.concatenate([first, -first], axis=1).astype(np.int8)
        yield SweepChunk(pivots, others, alpha, event_angle, event_point, event_sign, gap, edge, mid, active0)


def neuron_on_circle(p: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Unit neurons ``u = (w, -w . p)/||.||`` with ``w = (cos theta, sin theta)``: lines through ``p``.

    ``p`` has shape ``(c, 2)`` and ``theta`` shape ``(c, k)``; the result has shape ``(c, k, 3)``.
    """
    cw, sw = np.cos(theta), np.sin(theta)
    b = -(cw * p[:, 0:1] + sw * p[:, 1:2])
    u = np.stack([cw, sw, b], axis=-1)
    return u / np.linalg.norm(u, axis=-1, keepdims=True)
