"""Running tasks on ``dask.distributed``: a local cluster by default, or any cluster by its address.

Each unfinished task is one future; results are written to the :class:`~experiments.store.TaskStore` as
they arrive, so a sweep can be stopped and started again without redoing finished work.  A task that
raises is recorded with its error (``status`` "failed") and the sweep goes on.  Progress (done, remaining
and the ETA) is a tqdm bar over :func:`distributed.as_completed`.
"""

from __future__ import annotations

import sys
import time
import traceback
import types
from collections.abc import Callable, Sequence
from contextlib import contextmanager

from .store import TaskStore
from .tasks import Task

WORKER_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
"""One BLAS thread per worker: the workers are the parallelism."""


def safe_run(fn: Callable, task: Task) -> dict:
    """``fn(task)``, or a failed record with the error's text (the sweep never stops on one task)."""
    t0 = time.perf_counter()
    try:
        return fn(task)
    except Exception as exc:  # noqa: BLE001 - any error of one task is recorded, never raised
        tb = traceback.format_exc(limit=3)
        return {"status": "failed", "error": f"{type(exc).__name__}: {exc}", "traceback": tb,
                "seconds": time.perf_counter() - t0}


@contextmanager
def _bare_main():
    """Start processes without the caller's ``__main__``: a spawned worker re-runs the parent's main script,
    and the tasks never need it (a Streamlit script runner, for one, leaves its page as ``__main__``)."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def local_client(n_workers: int = 2):
    """A ``Client`` on a fresh ``LocalCluster`` of ``n_workers`` single-threaded processes."""
    from distributed import Client, LocalCluster

    with _bare_main():
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                               env=WORKER_ENV)
    return Client(cluster)


def run_tasks(tasks: Sequence[Task], store: TaskStore, client, fn: Callable | None = None, *,
              progress: bool = True, desc: str = "tasks", retry_failed: bool = False) -> dict:
    """Run the unfinished ``tasks`` on ``client``; returns counts ``{"total", "skipped", "ok", "failed"}``.

    ``fn(task) -> dict`` is the work (default :func:`experiments.methods.run_task`); it runs on the
    workers, so it must be importable there (a module-level function of an installed package)."""
    from distributed import as_completed
    from tqdm.auto import tqdm

    if fn is None:
        from .methods import run_task as fn
    todo = [t for t in tasks if not store.is_done(t, retry_failed)]
    counts = {"total": len(tasks), "skipped": len(tasks) - len(todo), "ok": 0, "failed": 0}
    if not todo:
        return counts
    by_key = {}
    futures = []
    for t in todo:
        fut = client.submit(safe_run, fn, t, key=f"task-{t.id}", pure=False)
        by_key[fut.key] = t
        futures.append(fut)
    bar = tqdm(total=len(tasks), initial=counts["skipped"], desc=desc, unit="task", disable=not progress,
               dynamic_ncols=True)
    try:
        for fut in as_completed(futures):
            t = by_key[fut.key]
            try:
                rec = fut.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker: the task is recorded as failed
                rec = {"status": "failed", "error": f"{type(exc).__name__}: {exc}", "seconds": None}
            store.save(t, rec)
            counts["ok" if rec.get("status") == "ok" else "failed"] += 1
            bar.update(1)
            bar.set_postfix(failed=counts["failed"], refresh=False)
            fut.release()
    finally:
        bar.close()
    return counts
