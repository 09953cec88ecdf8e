"""The group-lasso master on degenerate blocks (equal features), where Newton's matrix is singular."""

import numpy as np
import pytest

from solvers.group_lasso import GroupLasso


def soft_threshold_objective(a, y, beta):
    """``min_z 1/2 ||a z - y||^2 + beta |z|`` in closed form (one column ``a``)."""
    c = float(a @ y)
    z = np.sign(c) * max(abs(c) - beta, 0.0) / float(a @ a)
    return 0.5 * float(np.sum((a * z - y) ** 2)) + beta * abs(z)


@pytest.mark.parametrize("seed", range(3))
def test_opposite_masses_on_equal_features_cancel(seed):
    """Blocks ``x_1 a`` and ``x_2 a`` with ``x_1 > 0 > x_2``: the fit depends on ``x_1 + x_2`` only, Newton's
    matrix is singular, and the penalty falls as both shrink: the mass-transfer step finds the optimum."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(12)
    y = 3.0 * a + 0.1 * rng.standard_normal(12)
    beta = 0.5
    master = GroupLasso([a[:, None], a[:, None]], y, beta)
    x = master.newton(np.array([5.0, -2.0]), 30)[0]
    assert master.kkt(x) <= 1e-10
    assert master.objective(x) == pytest.approx(soft_threshold_objective(a, y, beta), rel=1e-12)
    assert np.count_nonzero(x) == 1


def test_a_mass_transfer_never_raises_the_objective():
    rng = np.random.default_rng(7)
    A = rng.standard_normal((8, 3))
    blocks = [A[:, :2], A[:, :2] @ np.array([[0.0, 1.0], [1.0, 0.0]]), A[:, 2:]]  # the second repeats the first
    y = rng.standard_normal(8)
    master = GroupLasso(blocks, y, 0.3)
    x0 = np.array([0.4, -0.2, -0.1, 0.5, 0.3])
    x = master.newton(x0, 40)[0]
    assert master.objective(x) <= master.objective(x0)
    ref = GroupLasso([A[:, :2], A[:, 2:]], y, 0.3)  # the same problem without the repeated block
    xr = ref.solve(np.zeros(3), warm=False)
    assert master.objective(x) == pytest.approx(ref.objective(xr), rel=1e-9)
    assert master.kkt(x) <= 1e-9
