"""The SGD/Adam baseline: its gradient against finite differences, and it never beats the certified optimum."""

import numpy as np
import pytest

from solvers import ConvexReLU, ReLUNetwork, canonical_objective
from solvers.nonconvex import NonconvexReLU, objective_and_gradient


def data(n=25, seed=0):
    X = np.random.default_rng(seed).uniform(-1, 1, (n, 2))
    return X, np.where(X[:, 0] * X[:, 1] > 0, 1.0, -1.0)


def test_gradient_matches_central_differences():
    X, y = data()
    rng = np.random.default_rng(1)
    net = ReLUNetwork(rng.standard_normal((6, 2)), rng.standard_normal(6), rng.standard_normal(6))
    beta = 0.07
    loss, (gW, gb, ga) = objective_and_gradient(X, y, net, beta)
    assert loss == pytest.approx(canonical_objective(X, y, net, beta), rel=1e-12)
    h = 1e-6
    for name, grad in (("W", gW), ("b", gb), ("a", ga)):
        for idx in np.ndindex(grad.shape):
            parts = {"W": net.W.copy(), "b": net.b.copy(), "a": net.a.copy()}
            parts[name][idx] += h
            up = canonical_objective(X, y, ReLUNetwork(parts["W"], parts["b"], parts["a"]), beta)
            parts[name][idx] -= 2 * h
            down = canonical_objective(X, y, ReLUNetwork(parts["W"], parts["b"], parts["a"]), beta)
            assert grad[idx] == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_training_lowers_the_objective_but_never_below_the_optimum(optimizer):
    X, y = data()
    beta = 0.05
    exact = ConvexReLU(beta=beta).fit(X, y)
    assert exact.certified_
    lr = 0.02 if optimizer == "adam" else 0.002
    run = NonconvexReLU(beta=beta, width=12, optimizer=optimizer, lr=lr, steps=600, seed=3).fit(X, y)
    assert run.history_[-1] < run.history_[0]
    assert run.objective_ == pytest.approx(canonical_objective(X, y, run.network_, beta), rel=1e-12)
    assert run.objective_ >= exact.objective_ * (1 - 1e-9)
    assert run.dual_objective_ <= run.objective_ + 1e-12
    assert "local method" in run.certificate_reason_


def test_bad_hyper_parameters_are_named():
    X, y = data()
    with pytest.raises(ValueError, match="optimizer"):
        NonconvexReLU(optimizer="lbfgs").fit(X, y)
    with pytest.raises(ValueError, match="width"):
        NonconvexReLU(width=0).fit(X, y)


def test_scikit_learn_conventions():
    X, y = data()
    model = NonconvexReLU(beta=0.05, steps=50)
    assert model.get_params()["steps"] == 50
    assert model.fit(X, y) is model
    assert set(np.unique(model.predict(X))) <= {-1.0, 1.0}
    assert 0.0 <= model.score(X, y) <= 1.0
