"""Points as CSV (columns x1, x2, y): bounded, validated import and export."""

from __future__ import annotations

import csv
import io
import math

from .state import DOMAIN, MAX_APP_POINTS, MAX_TARGET, Point, check_point

COLUMNS = ("x1", "x2", "y")
MAX_CSV_BYTES = 64 * 1024


def points_to_csv(points) -> str:
    lines = [",".join(COLUMNS)] + [f"{a:g},{b:g},{y:g}" for a, b, y in points]
    return "\n".join(lines) + "\n"


def points_from_csv(data: bytes | str) -> tuple[tuple[Point, ...], str]:
    """``(points, task)`` read from CSV text with header ``x1,x2,y``; ``ValueError`` naming the problem.

    The task is classification when every y is +1 or -1, regression otherwise.
    """
    if isinstance(data, bytes):
        if len(data) > MAX_CSV_BYTES:
            raise ValueError(f"the file is larger than {MAX_CSV_BYTES // 1024} KiB")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("the file is not UTF-8 text") from None
    elif len(data) > MAX_CSV_BYTES:
        raise ValueError(f"the file is larger than {MAX_CSV_BYTES // 1024} KiB")
    rows = [r for r in csv.reader(io.StringIO(data)) if any(c.strip() for c in r)]
    if not rows:
        raise ValueError("the file is empty; expected a header x1,x2,y")
    header = tuple(c.strip().lower() for c in rows[0])
    if header != COLUMNS:
        raise ValueError(f"expected the columns x1,x2,y; found {','.join(header)[:60]}")
    body = rows[1:]
    if len(body) > MAX_APP_POINTS:
        raise ValueError(f"the file has {len(body)} rows; the limit is {MAX_APP_POINTS}")
    values = []
    for line, row in enumerate(body, start=2):
        if len(row) != 3:
            raise ValueError(f"line {line} has {len(row)} values; expected 3")
        try:
            nums = [float(c) for c in row]
        except ValueError:
            raise ValueError(f"line {line} holds text where a number is expected") from None
        if not all(math.isfinite(v) for v in nums):
            raise ValueError(f"line {line} holds NaN or an infinite value")
        if abs(nums[0]) > DOMAIN or abs(nums[1]) > DOMAIN:
            raise ValueError(f"line {line}: x1 and x2 must lie in [-{DOMAIN:g}, {DOMAIN:g}]")
        if abs(nums[2]) > MAX_TARGET:
            raise ValueError(f"line {line}: y must lie in [-{MAX_TARGET:g}, {MAX_TARGET:g}]")
        values.append(nums)
    task = "classification" if all(v[2] in (1.0, -1.0) for v in values) else "regression"
    return tuple(check_point(v, task) for v in values), task
