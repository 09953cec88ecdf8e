"""The data loaders: shapes, standardization, +1/-1 labels, and time splits without leakage."""

import numpy as np
import pytest

from experiments.datasets import UCI, binary_labels, load_uci, prepare
from experiments.series import autoregressive, ecg_problem, nyse_problem


@pytest.mark.parametrize("name", ["iris", "digits", "boston", "crx"])
def test_uci_problems_are_standardized(name):
    p = load_uci(name)
    assert p.X.ndim == 2 and p.X.shape[0] == p.y.shape[0] <= 5000 and np.all(np.isfinite(p.X))
    np.testing.assert_allclose(p.X.mean(axis=0), 0.0, atol=1e-9)
    np.testing.assert_allclose(p.X.std(axis=0), 1.0, atol=1e-9)
    if UCI[name].task == "classification":
        assert set(np.unique(p.y)) == {-1.0, 1.0}
    else:
        assert abs(p.y.mean()) < 1e-9 and abs(p.y.std() - 1.0) < 1e-9


def test_the_registry_has_distinct_small_sets():
    assert len(UCI) >= 50
    assert len({s.origin for s in UCI.values()}) == len(UCI)  # each from a different UCI data set
    assert all(s.licence and s.source for s in UCI.values())


def test_prepare_drops_missing_rows_one_hot_encodes_and_labels():
    import pandas as pd

    features = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0, 5.0], "b": ["x", "y", "?", "x", "y"],
                             "c": [7.0, 7.0, 7.0, 7.0, 7.0]})
    p = prepare("toy", "classification", features, ["u", "v", "w", "v", "v"])
    assert p.X.shape == (4, 3)  # row 3 dropped; 'c' constant; 'b' one-hot (2 columns)
    assert p.y.tolist() == [-1.0, 1.0, 1.0, 1.0]  # 'v' is the most frequent of three classes


def test_binary_labels_of_two_classes():
    y, note = binary_labels(np.array(["b", "a", "b"]))
    assert y.tolist() == [1.0, -1.0, 1.0] and "+1 = b" in note


def test_autoregressive_windows_split_by_time_without_leakage():
    s = np.arange(20.0) ** 1.5
    p = autoregressive(s, window=3, train_fraction=0.75)
    n_targets = 17
    assert p.X_train.shape == (13, 3) and p.X_val.shape == (n_targets - 13, 3)
    z = (s - p.mean) / p.scale
    np.testing.assert_allclose(p.X_train[0], z[:3])
    np.testing.assert_allclose(p.y_train, z[3:16])
    np.testing.assert_allclose(p.y_val, z[16:])
    # the scaling uses the training part only: changing the future changes nothing in the training set
    s2 = s.copy()
    s2[16:] *= 100.0
    q = autoregressive(s2, window=3, train_fraction=0.75)
    np.testing.assert_array_equal(q.X_train, p.X_train)
    np.testing.assert_array_equal(q.y_train, p.y_train)
    train_values = s[:16]
    assert p.mean == pytest.approx(train_values.mean()) and p.scale == pytest.approx(train_values.std())


def test_ecg_and_nyse_problems():
    e = ecg_problem(1000, 10)
    assert e.X_train.shape == (792, 10) and e.X_val.shape == (198, 10)
    assert abs(np.concatenate([e.X_train[0], e.y_train]).mean()) < 0.1
    n = nyse_problem(10)
    assert n.X_train.shape[0] + n.X_val.shape[0] == 4002 - 10  # 4,003 prices give 4,002 returns
    assert n.X_train.shape[1] == 10
    assert abs(n.y_train.mean()) < 0.05 and n.y_train.std() == pytest.approx(1.0, abs=0.05)
