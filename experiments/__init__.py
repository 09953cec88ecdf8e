"""The seed article's three experiments, reproduced on data that ships inside packages.

* ``ecg``: autoregressive prediction of an ECG excerpt; training objective of convex training vs SGD/Adam;
* ``uci``: the performance profile of Mishkin, Sahiner and Pilanci (ICML 2022) over UCI data sets and six
  regularization strengths;
* ``nyse``: autoregressive prediction of NYSE composite returns; validation MSE.

``python -m experiments ecg|uci|nyse|all [--quick] [--scheduler ADDRESS] [--out results/]`` runs them on
``dask.distributed`` (docs/experiments.md).  The app reads the saved results through :mod:`experiments.tables`,
:mod:`experiments.plots` and :func:`experiments.report.figures_of`, which import neither dask nor the data
packages (only :mod:`experiments.runner` and the loaders do).
"""
