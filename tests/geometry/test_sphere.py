"""The flat map of the sphere of neurons: grid, longitude/latitude, the points' switching curves, cell ids."""

import numpy as np

from geometry import activation_patterns, cell_ids, lon_lat, neuron_patterns, sphere_grid, switching_latitudes


def test_lon_lat_inverts_the_grid():
    lat, lon, U = sphere_grid(9, 17)
    lo, la = lon_lat(U.reshape(-1, 3))
    LON, LAT = np.meshgrid(lon, lat)
    inner = np.abs(LAT.ravel()) < np.pi / 2 - 1e-9  # at the poles the longitude is arbitrary
    d = np.angle(np.exp(1j * (lo - LON.ravel())))  # compare angles modulo 2 pi
    assert np.allclose(d[inner], 0, atol=1e-12) and np.allclose(la, LAT.ravel(), atol=1e-12)
    assert np.allclose(lon_lat(np.array([[0.0, 0.0, 5.0]]))[1], np.pi / 2)  # scale does not matter


def test_switching_curves_lie_on_the_great_circles():
    rng = np.random.default_rng(2)
    X = rng.uniform(-1, 1, (6, 2))
    lon = np.linspace(-np.pi, np.pi, 50)
    L = switching_latitudes(X, lon)
    for i, x in enumerate(X):
        u = np.stack([np.cos(L[i]) * np.cos(lon), np.cos(L[i]) * np.sin(lon), np.sin(L[i])], axis=1)
        assert np.allclose(u @ np.array([x[0], x[1], 1.0]), 0.0, atol=1e-12)  # z_i . u = 0


def test_cell_ids_number_the_patterns_seen():
    rng = np.random.default_rng(4)
    X = rng.uniform(-1, 1, (5, 2))
    _, _, U = sphere_grid(181, 361)
    act = neuron_patterns(X, U)
    ids = cell_ids(act)
    flat_ids, flat_act = ids.ravel(), act.reshape(-1, 5)
    # equal ids exactly for equal patterns
    for k in np.unique(flat_ids):
        assert len({r.tobytes() for r in flat_act[flat_ids == k]}) == 1
    seen = {r.tobytes() for r in flat_act}
    assert len(seen) == flat_ids.max() + 1
    # a fine map sees every cell of 5 points in general position: n^2 - n + 2 = 22
    assert seen <= {r.tobytes() for r in activation_patterns(X)} and len(seen) == 22
