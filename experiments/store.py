"""The resume store: one JSON file per finished task, named by its stable id.

A task is finished when its file exists, whether it succeeded (``status`` "ok") or failed (``status``
"failed" with the error's text); finished tasks are never run again (a failed one only with
``retry_failed``).  Files are written to a temporary name and renamed, so an interrupted sweep leaves no
half-written record.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

from .tasks import Task


class TaskStore:
    """Finished tasks under ``root`` (created on first use)."""

    def __init__(self, root):
        self.root = Path(root)

    def path(self, task_id: str) -> Path:
        return self.root / f"{task_id}.json"

    def load(self, task_id: str) -> dict | None:
        """The record of a finished task, or ``None``."""
        p = self.path(task_id)
        if not p.exists():
            return None
        try:
            return json.loads(p.read_text())
        except (OSError, ValueError):
            return None  # unreadable: treated as not finished

    def is_done(self, task: Task, retry_failed: bool = False) -> bool:
        rec = self.load(task.id)
        return rec is not None and not (retry_failed and rec.get("status") != "ok")

    def save(self, task: Task, record: dict) -> dict:
        """Write the task's record (with the task's own fields) and return it."""
        self.root.mkdir(parents=True, exist_ok=True)
        full = {"task_id": task.id, "problem": task.problem, **_task_fields(task), **record}
        tmp = self.path(task.id).with_suffix(".tmp")
        tmp.write_text(json.dumps(full, default=_plain))
        os.replace(tmp, self.path(task.id))
        return full

    def records(self, tasks) -> list[dict]:
        """The records of those of ``tasks`` that are finished, in the tasks' order."""
        out = []
        for t in tasks:
            rec = self.load(t.id)
            if rec is not None:
                out.append(rec)
        return out


def _task_fields(task: Task) -> dict:
    d = asdict(task)
    d.pop("budget")
    d.pop("params")
    return d


def _plain(v):
    if hasattr(v, "item"):
        return v.item()
    if hasattr(v, "tolist"):
        return v.tolist()
    raise TypeError(f"not JSON: {type(v).__name__}")
