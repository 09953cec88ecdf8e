"""The sphere of unit neurons ``u = (w, b)/||(w, b)||`` in longitude and latitude, for flat maps of it.

A neuron at longitude ``lon`` and latitude ``lat`` is ``u = (cos lat cos lon, cos lat sin lon, sin lat)``:
the longitude is the direction of ``w``, the latitude the angle of the bias.  Point ``x_i`` switches on
the great circle ``z_i . u = 0`` (``z_i = (x_i, 1)``), which on the map is the curve

    lat = -arctan(x_i1 cos lon + x_i2 sin lon),

one curve per point (docs/math.md section 3).
"""

from __future__ import annotations

import numpy as np

from .lift import check_points


def sphere_grid(n_lat: int, n_lon: int):
    """A longitude-latitude grid of unit neurons ``u = (cos lat cos lon, cos lat sin lon, sin lat)``.

    Returns ``lat`` (``n_lat`` values in ``[-pi/2, pi/2]``), ``lon`` (``n_lon`` values in ``[-pi, pi]``) and
    ``U`` of shape ``(n_lat, n_lon, 3)`` with ``U[i, j]`` at ``(lat[i], lon[j])``.
    """
    lat = np.linspace(-0.5 * np.pi, 0.5 * np.pi, int(n_lat))
    lon = np.linspace(-np.pi, np.pi, int(n_lon))
    LON, LAT = np.meshgrid(lon, lat)
    U = np.stack([np.cos(LAT) * np.cos(LON), np.cos(LAT) * np.sin(LON), np.sin(LAT)], axis=-1)
    return lat, lon, U


def lon_lat(U) -> tuple[np.ndarray, np.ndarray]:
    """Longitude ``atan2(u_2, u_1)`` and latitude ``asin(u_3/||u||)`` (radians) of neurons ``U`` (rows)."""
    U = np.asarray(U, float).reshape(-1, 3)
    U = U / np.linalg.norm(U, axis=1, keepdims=True)
    return np.arctan2(U[:, 1], U[:, 0]), np.arcsin(np.clip(U[:, 2], -1.0, 1.0))


def switching_latitudes(X, lon) -> np.ndarray:
    """Latitude of each point's great circle ``z_i . u = 0`` at each longitude: ``-arctan(x_i . (cos lon, sin lon))``,
    shape ``(n, len(lon))``."""
    X = check_points(X, d=2)
    lon = np.asarray(lon, float).ravel()
    return -np.arctan(X @ np.stack([np.cos(lon), np.sin(lon)]))


def cell_ids(active: np.ndarray) -> np.ndarray:
    """An integer per distinct activation pattern along the last axis of ``active`` (bool ``(..., n)``): equal
    patterns, equal ids (ids count the distinct patterns from 0 in order of first appearance)."""
    A = np.asarray(active, bool)
    flat = A.reshape(-1, A.shape[-1])
    _, first, inverse = np.unique(flat, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first))  # renumber by first appearance
    return order[np.asarray(inverse).ravel()].reshape(A.shape[:-1])
