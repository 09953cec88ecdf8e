"""The page's fits as jobs: each runs once in its own thread, is shared by every session that asks for
the same drawing, reports its bound while it runs, and is cancelled when no session waits for it.

A job's key is ``(points, task, beta, model, k, seed)``.  Finished fits are kept (most recent
``STORE_SIZE``), so a second session with the same link gets the identical fit at once.  Only cold
fits are run, so what a link redraws never depends on what was fitted before.  A cancelled job keeps
nothing: its next request starts afresh.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace

import numpy as np

from geometry import PlanarOracle

from .fitting import Fit, fit_points, oracle_of, surface_of

STORE_SIZE = 48
"""Finished fits kept for later requests (about 0.1-2 MB each)."""

LIVE_AFTER = float(os.environ.get("CONVEX_PLAYGROUND_LIVE_AFTER", "0.3"))
"""Seconds the page waits for a fit before it shows it live (a quicker fit changes the picture once).
The environment variable ``CONVEX_PLAYGROUND_LIVE_AFTER`` overrides it (0: show every fit live)."""

FitKey = tuple  # (points, task, beta, model, k, seed)


class FitCancelled(Exception):
    """Raised inside a running fit when no session waits for it any more."""


@dataclass(frozen=True)
class Report:
    """One report of a running fit: its network's objective, the dual bound, their gap, at ``seconds``."""

    seconds: float
    objective: float
    dual_objective: float
    relative_gap: float
    certified: bool
    n_neurons: int


class FitJob:
    """One fit in its own thread; ``reports`` grow while it runs, ``fit`` is set when it ends."""

    def __init__(self, key: FitKey, oracle: PlanarOracle | None, live: bool, on_end):
        self.key = key
        self.live = live
        self.started = time.perf_counter()
        self.reports: list[Report] = []
        self.surface: np.ndarray | None = None  # the latest reported network on the canvas grid
        self.fit: Fit | None = None
        self.cancelled = threading.Event()
        self.done = threading.Event()
        self.watchers: set[str] = set()
        self._oracle = oracle
        self._on_end = on_end
        self._thread = threading.Thread(target=self._run, name=f"fit-{key[3]}", daemon=True)

    def start(self) -> FitJob:
        self._thread.start()
        return self

    def wait(self, seconds: float | None = None) -> Fit | None:
        """The fit, after waiting at most ``seconds`` (``None``: until it ends); ``None`` if still running
        (or cancelled)."""
        self.done.wait(seconds)
        return self.fit

    def latest(self) -> Report | None:
        reports = self.reports
        return reports[-1] if reports else None

    def trace(self) -> tuple[tuple[float, float], ...]:
        """``(seconds, relative gap)`` of every report so far."""
        return tuple((r.seconds, r.relative_gap) for r in self.reports)

    def _report(self, progress) -> bool:
        if self.cancelled.is_set():
            raise FitCancelled
        cert, net = progress.certificate, progress.network
        self.surface = surface_of(net.output)
        self.reports.append(Report(progress.seconds, float(cert.objective), float(cert.dual_objective),
                                   float(cert.relative_gap), bool(cert.certified), int(net.width)))
        return False

    def _run(self) -> None:
        points, task, beta, model, k, seed = self.key
        fit = None
        try:
            fit = fit_points(points, task, beta, model, k, seed, oracle=self._oracle,
                             progress=self._report if self.live else None)
            if self.reports and fit.model is not None:  # the curve ends on the returned network's certificate
                end = (float(fit.model.solve_.seconds), float(fit.model.certificate_.relative_gap))
                fit = replace(fit, trace=self.trace() + (end,))
        except FitCancelled:
            fit = None
        except Exception as exc:  # noqa: BLE001 - the page shows a message, the server log keeps the traceback
            logging.getLogger(__name__).exception("fit failed")
            fit = Fit(error=f"The solver failed on these points ({type(exc).__name__}); try other points or beta.")
        finally:
            self.fit = fit
            self._oracle = None
            self._on_end(self)
            self.done.set()


class FitStore:
    """Running jobs by key, and the last ``size`` finished fits (thread-safe)."""

    def __init__(self, size: int = STORE_SIZE):
        self.size = size
        self._finished: OrderedDict[FitKey, Fit] = OrderedDict()
        self._running: dict[FitKey, FitJob] = {}
        self._lock = threading.Lock()

    def finished(self, key: FitKey) -> Fit | None:
        with self._lock:
            fit = self._finished.get(key)
            if fit is not None:
                self._finished.move_to_end(key)
            return fit

    def job(self, key: FitKey, watcher: str, oracle: PlanarOracle | None = None, live: bool = False) -> FitJob:
        """The running job of ``key`` (started if there is none), with ``watcher`` waiting for it."""
        with self._lock:
            job = self._running.get(key)
            if job is None:
                job = self._running[key] = FitJob(key, oracle, live, self._end).start()
            job.watchers.add(watcher)
            return job

    def release(self, key: FitKey, watcher: str) -> None:
        """``watcher`` no longer waits for ``key``; a running job nobody waits for is cancelled."""
        with self._lock:
            job = self._running.get(key)
            if job is None:
                return
            job.watchers.discard(watcher)
            if not job.watchers:
                job.cancelled.set()
                del self._running[key]

    def fit(self, key: FitKey, watcher: str, oracle: PlanarOracle | None = None) -> Fit:
        """The fit of ``key``: a finished one, or the (shared) job's result once it ends."""
        fit = self.finished(key)
        while fit is None:
            job = self.job(key, watcher, oracle)
            fit = job.wait()
        return fit

    def running(self) -> int:
        with self._lock:
            return len(self._running)

    def _end(self, job: FitJob) -> None:
        with self._lock:
            if self._running.get(job.key) is job:
                del self._running[job.key]
            if job.fit is not None and not job.cancelled.is_set():
                self._finished[job.key] = job.fit
                self._finished.move_to_end(job.key)
                while len(self._finished) > self.size:
                    self._finished.popitem(last=False)


STORE = FitStore()
"""The server's one store (module state survives the page's reruns and is shared by its sessions)."""


def fit_key(state, model: str | None = None) -> FitKey:
    """The key of ``state``'s fit (or of another model's fit on its points)."""
    return (state.points, state.task, state.beta, model or state.model, state.k, state.seed)


def fit_state(state, model: str | None = None, watcher: str = "page") -> Fit:
    """The fit of ``state`` (or of another model on its points), waiting for it if it runs."""
    oracle = oracle_of(state.points) if state.points else None
    return STORE.fit(fit_key(state, model), watcher, oracle)
