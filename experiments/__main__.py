"""``python -m experiments ecg|uci|nyse|all [--quick] [--scheduler ADDRESS] [--out results/]``.

Runs the experiments' tasks on a ``LocalCluster`` (``--workers`` single-threaded processes) or on the Dask
cluster at ``--scheduler``, keeps each finished task under ``OUT/store/`` (a second run resumes), then writes
the tables, figures and ``summary.md`` under ``OUT``.  ``--report-only`` rewrites the outputs from the store.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from .report import write_experiment, write_report
from .store import TaskStore
from .tasks import EXPERIMENTS, FULL, QUICK, tasks_of


def parse_args(argv=None):
    ap = argparse.ArgumentParser(prog="python -m experiments", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("experiment", choices=(*EXPERIMENTS, "all"))
    ap.add_argument("--quick", action="store_true", help="a few small problems per experiment (the CI check)")
    ap.add_argument("--scheduler", help="address of an existing Dask scheduler (default: a LocalCluster)")
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (default 2)")
    ap.add_argument("--out", default=None, help="output folder (default results/, or results/quick with --quick)")
    ap.add_argument("--no-png", action="store_true", help="HTML figures only")
    ap.add_argument("--no-progress", action="store_true", help="no progress bar")
    ap.add_argument("--retry-failed", action="store_true", help="run the recorded failed tasks again")
    ap.add_argument("--report-only", action="store_true", help="rewrite the outputs from the store; run nothing")
    return ap.parse_args(argv)


def _run_log(out: Path, entry: dict | None) -> list[dict]:
    path = out / "run_log.json"
    log = json.loads(path.read_text()) if path.exists() else []
    if entry is not None:
        log.append(entry)
        path.write_text(json.dumps(log, indent=1))
    return log


def main(argv=None) -> int:
    args = parse_args(argv)
    names = list(EXPERIMENTS) if args.experiment == "all" else [args.experiment]
    configs = QUICK if args.quick else FULL
    out = Path(args.out or ("results/quick" if args.quick else "results"))
    out.mkdir(parents=True, exist_ok=True)
    store = TaskStore(out / "store")
    t0 = time.perf_counter()
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    counts = {}
    if not args.report_only:
        from .runner import local_client, run_tasks

        tasks = [t for name in names for t in tasks_of(configs[name])]
        interrupted = True
        if args.scheduler:
            from distributed import Client

            client = Client(args.scheduler)
        else:
            client = local_client(args.workers)
        try:
            counts = run_tasks(tasks, store, client, desc="+".join(names), progress=not args.no_progress,
                               retry_failed=args.retry_failed)
            interrupted = False
            print(f"tasks: {counts}", flush=True)
        finally:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None:
                cluster.close()
            # the invocation is logged even when it is interrupted: its wall time counts
            _run_log(out, {
                "started": started, "wall_seconds": round(time.perf_counter() - t0, 1), "experiments": names,
                "quick": args.quick, "scheduler": args.scheduler or f"LocalCluster({args.workers} workers x 1 thread)",
                "counts": counts, "finished_in_store": sum(store.is_done(t) for t in tasks),
                "interrupted": interrupted})
    wall = time.perf_counter() - t0
    log = _run_log(out, None)
    written = {}
    for name in names:
        tasks = tasks_of(configs[name])
        records = store.records(tasks)
        if records:
            written[name] = write_experiment(out, configs[name], records, png=not args.no_png)
    done = [name for name in EXPERIMENTS if (out / f"{name}_runs.csv").exists()]
    runs_text = "; ".join(
        f"{e['started']}: {', '.join(e['experiments'])} in {e['wall_seconds'] / 60:.1f} min on {e['scheduler']}"
        + (" (interrupted, resumed by the next)" if e.get("interrupted") else "") for e in log) or "none recorded"
    total = sum(e["wall_seconds"] for e in log) / 60
    header = (f"Profile: {'quick (pipeline check only: no claim is tested)' if args.quick else 'full'}. "
              f"Runs of `python -m experiments` into this folder: {runs_text}; {total:.1f} min in all. "
              f"Machine: {platform.machine()}, Python {sys.version.split()[0]}. "
              f"Every number below is computed from the CSV tables in this folder; docs/experiments.md states "
              f"the set-up.")
    write_report(out, {n: configs[n] for n in done}, header=header, notes=_notes(configs, done, args.quick))
    print(json.dumps({"out": str(out), "wall_seconds": round(wall, 1), "written": written}, indent=1))
    return 0


def _notes(configs, done, quick: bool) -> list[str]:
    notes = []
    if "uci" in done:
        b = configs["uci"].budget
        notes.append(f"UCI: {b.n_patterns} sampled gates per convex program; SGD/Adam width {b.width}, "
                     f"{b.steps} updates per step size, grids of {len(b.sgd_lrs)} (SGD) and {len(b.adam_lrs)} "
                     f"(Adam) step sizes; one seed; rows capped at {configs['uci'].params.get('max_rows')}; "
                     f"multi-class sets become one binary problem (the most frequent class against the rest)")
    for name in ("ecg", "nyse"):
        if name in done:
            e = configs[name]
            notes.append(f"{name.upper()}: window {e.params['window']}, {len(e.seeds)} seed(s), betas "
                         f"{', '.join(f'{f:g}' for f in e.beta_fractions)} x beta_max, {e.budget.n_patterns} gates, "
                         f"SGD/Adam width {e.budget.width} and {e.budget.steps} updates per step size")
    notes.append("The convex programs are solved on sampled patterns: their networks' objectives are upper bounds "
                 "on the global optimum p*, and no result here is a certificate of global optimality.")
    if quick:
        notes.append("Quick profile: tiny budgets; the verdicts above say nothing about the claims.")
    return notes


if __name__ == "__main__":
    raise SystemExit(main())
