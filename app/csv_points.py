"""Points as CSV (columns x1, x2, y): bounded, validated import and export.

The import is forgiving where the intent is clear and says what it did (``CsvImport.notes``):

* line endings CR, LF and CRLF; separators ``,`` ``;`` or a tab, detected from the header line (with
  ``;`` or a tab, a decimal comma such as ``0,5`` is read as ``0.5``);
* values are decided on the 0.001 grid the page keeps them on, so ``1.0000001`` is the class +1;
* two distinct labels other than +1/-1 (``0``/``1``, ``1``/``2``, two words) are read as classes: the
  smaller number, or the word first in sorted order, becomes -1 and the other +1;
* coordinates outside the square are divided by one factor ``s`` (both axes alike, so the shape is
  kept): ``s`` is ``max |x| / 0.95`` rounded up to 3 significant digits, so the farthest point lands
  just inside, at most 0.95 from the centre; regression targets beyond +-MAX_TARGET are divided the
  same way by ``max |y| / MAX_TARGET`` rounded up to 3 significant digits.

Messages name line numbers and columns only; they never repeat the file's text.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass

from .grid import snap
from .state import DOMAIN, MAX_APP_POINTS, MAX_TARGET, Point, check_point

COLUMNS = ("x1", "x2", "y")
MAX_CSV_BYTES = 64 * 1024
SEPARATORS = (",", ";", "\t")
RESCALED_EXTENT = 0.95
"""After a rescale the farthest coordinate lies at most this far from the centre (inside the square)."""


@dataclass(frozen=True)
class CsvImport:
    """What an import read: the points (on the grid, in the square), their task, and what was changed."""

    points: tuple[Point, ...]
    task: str
    notes: tuple[str, ...] = ()


def points_to_csv(points) -> str:
    lines = [",".join(COLUMNS)] + [f"{a:g},{b:g},{y:g}" for a, b, y in points]
    return "\n".join(lines) + "\n"


def _round_up(value: float, digits: int = 3) -> float:
    """The smallest number with ``digits`` significant digits that is >= ``value`` (> 0), up to rounding."""
    step = 10.0 ** (math.floor(math.log10(value)) - digits + 1)
    return float(f"{math.ceil(value / step - 1e-9) * step:.{digits}g}")


def _shown(x: float) -> str:
    return f"{x:g}"


def _decode(data: bytes | str) -> str:
    if isinstance(data, bytes):
        if len(data) > MAX_CSV_BYTES:
            raise ValueError(f"the file is larger than {MAX_CSV_BYTES // 1024} KiB")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("the file is not UTF-8 text") from None
    if len(data) > MAX_CSV_BYTES:
        raise ValueError(f"the file is larger than {MAX_CSV_BYTES // 1024} KiB")
    return data.removeprefix("\ufeff")


def _cells(line: str, number: int, sep: str) -> list[str]:
    """The stripped cells of one line, without trailing empty cells (``0.1,0.2,1,`` has 3)."""
    try:
        row = next(csv.reader([line], delimiter=sep, strict=True), [])
    except csv.Error:
        raise ValueError(f"line {number} is not readable as CSV (check its quotes)") from None
    cells = [c.strip() for c in row]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _header_separator(line: str, number: int) -> str:
    for sep in SEPARATORS:
        try:
            cells = _cells(line, number, sep)
        except ValueError:
            continue
        if tuple(c.lower() for c in cells) == COLUMNS:
            return sep
    raise ValueError(
        "expected the columns x1,x2,y on the first line (separated by commas, semicolons or tabs)"
    )


def _number(cell: str, sep: str) -> float | None:
    """The number a cell holds, or None; with ``;`` or tab separators a decimal comma is accepted."""
    if sep != "," and cell.count(",") == 1 and "." not in cell:
        cell = cell.replace(",", ".")
    try:
        return float(cell)
    except ValueError:
        return None


def points_from_csv(data: bytes | str, page_task: str | None = None) -> CsvImport:
    """The points of CSV text with header ``x1,x2,y``; ``ValueError`` naming the problem (line, column).

    The task is classification when y holds the labels +1/-1 (on the 0.001 grid) or two other distinct
    labels (mapped to +1/-1, with a note), regression otherwise.  ``page_task="regression"`` (the page's
    current task) keeps numeric y as regression targets, so a regression teacher's 0/1 targets stay 0/1.
    """
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    lines = [(n, line) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    if not lines:
        raise ValueError("the file is empty; expected a header x1,x2,y")
    sep = _header_separator(lines[0][1], lines[0][0])
    body = lines[1:]
    if not body:
        raise ValueError("the file has no points, only the header x1,x2,y")
    if len(body) > MAX_APP_POINTS:
        raise ValueError(f"the file has {len(body)} points; the page holds at most {MAX_APP_POINTS} points")

    notes: list[str] = []
    coords: list[tuple[float, float]] = []
    labels: list[str] = []
    targets: list[float | None] = []
    decimal_comma = False
    for number, line in body:
        cells = _cells(line, number, sep)
        if len(cells) != 3:
            raise ValueError(f"line {number} has {len(cells)} values; expected 3 (x1, x2, y)")
        decimal_comma |= sep != "," and any("," in c for c in cells)
        xs = []
        for column, cell in zip(COLUMNS[:2], cells[:2]):
            if not cell:
                raise ValueError(f"line {number}, column {column} is empty")
            x = _number(cell, sep)
            if x is None:
                raise ValueError(f"line {number}, column {column} holds text where a number is expected")
            if not math.isfinite(x):
                raise ValueError(f"line {number}, column {column} holds NaN or an infinite value")
            xs.append(x)
        y = _number(cells[2], sep)
        if y is not None and not math.isfinite(y):
            raise ValueError(f"line {number}, column y holds NaN or an infinite value")
        coords.append((xs[0], xs[1]))
        labels.append(cells[2])
        targets.append(y)
    if decimal_comma:
        notes.append("decimal commas were read as decimal points.")

    # ---- the task and the y values
    lines_of = [number for number, _ in body]
    if any(y is None for y in targets):  # words: exactly two of them are two classes
        kinds = sorted(set(labels))
        if len(kinds) != 2:
            first = lines_of[next(i for i, y in enumerate(targets) if y is None)]
            raise ValueError(
                f"line {first}, column y holds text where a number is expected "
                "(class labels may be two distinct words or numbers)"
            )
        low_line = lines_of[labels.index(kinds[0])]
        high_line = lines_of[labels.index(kinds[1])]
        ys = [1.0 if lab == kinds[1] else -1.0 for lab in labels]
        task = "classification"
        notes.append(
            f"column y holds two labels, read as classes: the first in sorted order (as on line {low_line}) "
            f"became -1, the second (as on line {high_line}) became +1."
        )
    else:
        grid = [snap(y) for y in targets]
        values = sorted(set(grid))
        if set(values) <= {-1.0, 1.0} and page_task != "regression":
            ys, task = grid, "classification"
        elif len(values) == 2 and page_task != "regression":
            low, high = values
            ys = [1.0 if y == high else -1.0 for y in grid]
            task = "classification"
            notes.append(
                f"the labels {_shown(low)} and {_shown(high)} were read as classes: "
                f"{_shown(low)} became -1 and {_shown(high)} became +1."
            )
        else:
            ys, task = grid, "regression"
            if page_task == "regression" and len(values) == 2 and set(values) != {-1.0, 1.0}:
                notes.append(
                    "y holds two values only; they were kept as regression targets because the page is set "
                    "to regression (set the task to classification before importing to read them as classes)."
                )
            elif page_task == "classification":
                notes.append(
                    f"y holds {len(values)} distinct values, so they were read as regression targets "
                    "(the task is now regression)."
                )
            if max(abs(y) for y in grid) > MAX_TARGET:
                largest = max(abs(y) for y in targets)
                t = _round_up(largest / MAX_TARGET)
                ys = [snap(y / t) for y in targets]
                notes.append(
                    f"the targets y reach {_shown(largest)} in size, beyond {_shown(MAX_TARGET)}: they were "
                    f"rescaled by 1/{_shown(t)} (divided by {_shown(t)}) into [-{_shown(MAX_TARGET)}, "
                    f"{_shown(MAX_TARGET)}]."
                )

    # ---- the coordinates
    if max(max(abs(snap(a)), abs(snap(b))) for a, b in coords) > DOMAIN:
        largest = max(max(abs(a), abs(b)) for a, b in coords)
        s = _round_up(largest / (RESCALED_EXTENT * DOMAIN))
        coords = [(a / s, b / s) for a, b in coords]
        notes.append(
            f"the coordinates reach {_shown(largest)} in size, outside the square [-{_shown(DOMAIN)}, "
            f"{_shown(DOMAIN)}]^2: x1 and x2 were rescaled by 1/{_shown(s)} (both divided by {_shown(s)}, "
            "so the shape is kept) into the square."
        )
    points = tuple(check_point((snap(a), snap(b), y), task) for (a, b), y in zip(coords, ys))
    return CsvImport(points, task, tuple(notes))
